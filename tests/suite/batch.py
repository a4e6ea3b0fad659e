"""Several `caaad run`s in one interpreter, one after the other:

    PYTHONPATH=tests/suite python tests/suite/batch.py BASE NAME=MODULE:CLASS [NAME=MODULE:CLASS ...]

Each NAME is run as `caaad run --adapter MODULE:CLASS --out BASE/NAME` through the command's own entry
point (caaad.cli.main), exactly as a vendor's process runs it, and its exit code is written next to its
results (BASE/NAME/exit_code). What a fresh interpreter would do again for every variant is done once:
start-up and imports, assertion rewriting of the step modules, pytest-bdd's parsing of the feature
files, loading the spec and the contract. cascade.run_all starts one such process per worker.
"""

import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

EXIT_FILE = "exit_code"
CONSOLE_FILE = "console.txt"


def run_one(adapter: str, out: Path) -> int:
    from caaad import cli
    out.mkdir(parents=True, exist_ok=True)
    with open(out / CONSOLE_FILE, "w", encoding="utf-8") as console, redirect_stdout(console), redirect_stderr(console):
        code = cli.main(["run", "--adapter", adapter, "--out", str(out)])
    (out / EXIT_FILE).write_text(str(code), encoding="ascii")
    return code


def main(argv: list[str]) -> int:
    base, *runs = argv
    for run in runs:
        name, _, adapter = run.partition("=")
        run_one(adapter, Path(base) / name)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
