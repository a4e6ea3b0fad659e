"""Bytecode and SIGINT for the kit's tests and every process they start.

Where the environment forbids writing bytecode (PYTHONDONTWRITEBYTECODE), each of the many `caaad run`
processes the tests start compiled the kit from source again, and pytest rewrote the asserts of the tests'
modules again. The bytecode goes to a cache folder outside the repository instead (PYTHONPYCACHEPREFIX),
which Python checks against each source file's time and size as usual.
"""

import os
import signal
import sys
import tempfile
from pathlib import Path

if sys.dont_write_bytecode or os.environ.get("PYTHONDONTWRITEBYTECODE"):
    _PREFIX = str(Path(tempfile.gettempdir()) / f"caaad-pycache-{os.getuid()}")
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ.setdefault("PYTHONPYCACHEPREFIX", _PREFIX)
    sys.dont_write_bytecode = False  # this process too: pytest's assertion rewriting reads the flag when it imports
    sys.pycache_prefix = sys.pycache_prefix or os.environ["PYTHONPYCACHEPREFIX"]

# A shell without job control starts a background command (`cmd &`, as a benchmark or CI script may) with SIGINT
# ignored, and an ignored signal stays ignored in every process started from it: no Ctrl-C could then reach the
# `caaad` processes of the tests of the user's interrupt. They are tests of a terminal's Ctrl-C, so the tests'
# processes get SIGINT as a terminal's process has it.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)
