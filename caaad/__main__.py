"""`python -m caaad` is the `caaad` command."""

import sys

from .cli import main

sys.exit(main())
