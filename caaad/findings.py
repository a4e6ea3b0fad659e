"""A finding is one problem in user input, printed as one line: where, then what."""

from dataclasses import dataclass


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
    out = "$"
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else f".{p}"
    return out
