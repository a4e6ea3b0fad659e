"""Errors a user causes on the command line, and the spec as the commands load it."""

import sys
from pathlib import Path

from .paths import spec_dir


class UsageError(Exception):
    """Arguments or input the command cannot use; printed as one line, exit 2."""


def read_input(path: Path, option: str) -> bytes:
    """The bytes of a file named by a command-line option, or one line saying why it cannot be read."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise UsageError(f"{option} {path}: no such file") from None
    except OSError as e:
        raise UsageError(f"{option} {path}: {e.strerror}") from None


def write_output(text: str, output: str | None, option: str = "--output") -> None:
    """Text into the file an option names, or to standard output without one; a file that cannot be written
    (no such folder, a folder, read-only) is one line, not a traceback."""
    if not output:
        sys.stdout.write(text)
        return
    try:
        Path(output).write_text(text, encoding="utf-8")
    except OSError as e:
        raise UsageError(f"{option} {output}: {e.strerror or e}") from None


def spec_path(value: str | None) -> Path:
    path = Path(value) if value else spec_dir()
    if not path.is_dir():
        raise UsageError(f"--spec {path}: no such directory")
    if not (path / "standard.yaml").is_file():
        raise UsageError(f"--spec {path}: not a spec directory (no standard.yaml)")
    missing = [n for n in ("clause.schema.json", "common.schema.json", "standard.schema.json") if not (path / "schema" / n).is_file()]
    if missing:
        raise UsageError(f"--spec {path}: no schema/{missing[0]}; a spec directory carries its JSON Schema files")
    return path


def load_clean_spec(value: str | None):
    from .specload import load_spec
    result = load_spec(spec_path(value))
    if result.findings:
        raise UsageError(f"the spec has problems, run `caaad lint`: {result.findings[0]}")
    return result.spec
