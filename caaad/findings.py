"""A finding is one problem in user input, printed as one line: where, then what."""

import re
from dataclasses import dataclass

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True, order=True)
class Finding:
    file: str
    line: int | None
    path: str  # JSON path inside the file ("$" for the file as a whole)
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.path}: {self.message}" if self.path != "$" else f"{where}: {self.message}"


def json_path(parts) -> str:
    """$.a[0].b for a path of keys and indexes; keys that are not identifiers are quoted: $['5.4']."""
    out = "$"
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if _IDENTIFIER.fullmatch(str(p)) else f"[{str(p)!r}]")
    return out
