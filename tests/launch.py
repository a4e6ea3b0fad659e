"""`python -m caaad ...` for the kit's tests, without paying the interpreter's start-up each time.

About ninety of the kit's tests start a `caaad` command as a vendor or auditor would, and each such process
spent about a third of a second importing pytest, pytest-bdd, the Gherkin parser and the kit before doing
anything. Here the command runs in a child forked from a server process (multiprocessing's "forkserver")
that imported those modules once: only what a fresh `python -m caaad run` imports before it starts pytest,
and the step modules, which pytest imports as plugins of the suite and, since the suite runs with --assert=plain,
does not rewrite: so nothing of the kit runs differently.
The child gets the test's environment, working folder and PYTHONPATH as a new interpreter would, its output
goes to files, and it ends with the command's exit code. Tests of the process itself (pytest's variables and
plugins in the environment, signals, servers) keep starting a real interpreter.
"""

from __future__ import annotations

import io
import json
import locale
import multiprocessing
import os
import runpy
import subprocess
import sys
import tempfile
from pathlib import Path

from caaad.paths import steps_dir

# What `python -m caaad run` has imported when it calls pytest.main (caaad/cli.py cmd_run), and the step modules
# (not steps/suite.py, the test module, which reads the features folder of the run's environment).
PRELOAD = ["caaad.cli", "caaad.plugin", "caaad.contract", "caaad.junit", "caaad.progress", "caaad.results",
           "caaad.run_report", "caaad.report_html", "caaad.specload", "caaad.scenarios",
           "caaad.reference_impl.adapter", "pytest", "pytest_bdd", "gherkin.parser", "yaml",
           *(f"caaad.steps.{path.stem}" for path in sorted(steps_dir().glob("*.py")) if path.stem not in ("__init__", "suite"))]

_context = multiprocessing.get_context("forkserver")
_context.set_forkserver_preload(PRELOAD)


def _fresh_path() -> list[str]:
    """sys.path of a new interpreter after its first entry (the script's folder) and PYTHONPATH."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    line = subprocess.run([sys.executable, "-c", "import json, sys; print(json.dumps(sys.path[1:]))"],
                          capture_output=True, text=True, env=env, check=True).stdout
    return json.loads(line)


_FRESH_PATH = _fresh_path()


def _child(argv: list[str], env: dict[str, str], cwd: str | None, stdout: str, stderr: str) -> None:
    """In the forked child: become `python -m caaad ARGV` started with ENV in CWD, then exit with its code."""
    os.environ.clear()
    os.environ.update(env)
    if cwd:
        os.chdir(cwd)
    sys.path[:] = [os.getcwd(), *filter(None, env.get("PYTHONPATH", "").split(os.pathsep)), *_FRESH_PATH]
    for fd, name in ((1, stdout), (2, stderr)):
        target = os.open(name, os.O_WRONLY | os.O_TRUNC)
        os.dup2(target, fd)
        os.close(target)
    encoding = locale.getpreferredencoding(False)
    sys.stdout = io.TextIOWrapper(io.FileIO(1, "w", closefd=False), encoding=encoding)
    sys.stderr = io.TextIOWrapper(io.FileIO(2, "w", closefd=False), encoding=encoding,
                                  errors="backslashreplace", line_buffering=True)
    code: object = 0
    try:
        sys.argv = ["-m", *argv]  # runpy sets argv[0] to the module's file, as `python -m` does
        runpy.run_module("caaad", run_name="__main__", alter_sys=True)
    except SystemExit as done:
        code = done.code
    except BaseException:  # noqa: BLE001 — what an interpreter does with an uncaught exception
        import traceback
        traceback.print_exc()
        code = 1
    if code is not None and not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code or 0)


def caaad(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None, timeout: float = 300,
          fresh: bool = False) -> subprocess.CompletedProcess:
    """`python -m caaad ARGS` with ENV (default: this process's) in CWD: its exit code, stdout and stderr as text,
    as subprocess.run(..., capture_output=True, text=True) gives them. `fresh`: in a new interpreter, for tests
    of what the interpreter itself reads at start-up."""
    argv = [str(a) for a in args]
    if fresh:
        return subprocess.run([sys.executable, "-m", "caaad", *argv], capture_output=True, text=True, env=env,
                              cwd=cwd, timeout=timeout)
    with tempfile.TemporaryDirectory(prefix="caaad-launch-") as folder:
        out, err = Path(folder) / "stdout", Path(folder) / "stderr"
        out.touch()
        err.touch()
        child = _context.Process(target=_child, args=(argv, dict(os.environ if env is None else env),
                                                      cwd and str(cwd), str(out), str(err)))
        child.start()
        child.join(timeout)
        if child.exitcode is None:
            child.kill()
            child.join()
            raise subprocess.TimeoutExpired([sys.executable, "-m", "caaad", *argv], timeout)
        # newline=None: universal newlines, as text=True reads a pipe
        read = lambda path: path.open(encoding=locale.getpreferredencoding(False), newline=None).read()  # noqa: E731
        return subprocess.CompletedProcess([sys.executable, "-m", "caaad", *argv], child.exitcode, read(out), read(err))
