"""`python -m caaad` is the `caaad` command."""

import sys

from .cli import command

sys.exit(command())
