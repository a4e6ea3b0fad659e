"""What the traceability matrix reads besides the spec and the features: a run's results.json,
spec/known-gaps.yaml and spec/kill-matrix.yaml. Each loader raises TraceInputError with one line (file[:line])."""

import json
from dataclasses import dataclass
from pathlib import Path

from .. import outcomes, yamlio

KNOWN_GAPS_FILE = "known-gaps.yaml"
KILL_MATRIX_FILE = "kill-matrix.yaml"


class TraceInputError(Exception):
    """A results, known-gaps or kill-matrix file the command cannot use; str() is one line with file[:line]."""


@dataclass(frozen=True)
class RunResults:
    """What the matrix needs from one results.json."""
    file: str
    profile: str | None
    started_at: str | None
    spec_digest: str | None
    features_digest: str | None
    obligations: dict  # obligation id -> row of results.json
    scenarios: dict  # location (file:line) -> outcome rolled up over the rows with that location


@dataclass(frozen=True)
class KnownGaps:
    file: str
    entries: dict  # obligation id -> reason
    lines: dict  # obligation id -> line in the file


@dataclass(frozen=True)
class KillMatrix:
    """Which obligations each broken variant of the reference system fails, from a run of the variants
    (bench/kill_matrix.py writes it; tests/suite/test_kill_matrix.py holds it to test_mutants.EXPECTED)."""
    file: str
    generated_at: str
    kit_version: str
    variants: dict  # variant name -> tuple of the obligation ids it fails
    run_at: dict  # variant name -> when it was run (a partial regeneration keeps the others' times)

    def killers(self) -> dict[str, tuple[str, ...]]:
        """obligation id -> the variants that fail it, by name."""
        out: dict[str, list[str]] = {}
        for name, failed in sorted(self.variants.items()):
            for oid in failed:
                out.setdefault(oid, []).append(name)
        return {oid: tuple(names) for oid, names in out.items()}


def _read_text(path: Path, display: str, encoding: str = "utf-8") -> str:
    try:
        return Path(path).read_text(encoding=encoding)
    except FileNotFoundError:
        raise TraceInputError(f"{display}: no such file") from None
    except (OSError, UnicodeDecodeError) as e:
        raise TraceInputError(f"{display}: cannot read: {getattr(e, 'strerror', None) or e}") from None


def load_results(path: Path, display: str | None = None) -> RunResults:
    display = display or str(path)
    text = _read_text(path, display)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise TraceInputError(f"{display}:{e.lineno}: not JSON: {e.msg}") from None
    if not isinstance(data, dict) or not isinstance(data.get("obligations"), list):
        raise TraceInputError(f"{display}: not a caaad results.json (no 'obligations' list)")
    obligations = {r["id"]: r for r in data["obligations"] if isinstance(r, dict) and isinstance(r.get("id"), str)}
    per_location: dict[str, list[str]] = {}
    for s in data.get("scenarios") or ():
        if isinstance(s, dict) and isinstance(s.get("location"), str) and s.get("outcome") in outcomes.SCENARIO_OUTCOMES:
            per_location.setdefault(s["location"], []).append(s["outcome"])
    return RunResults(display, data.get("profile"), data.get("started_at"), data.get("spec_digest"),
                      data.get("features_digest"), obligations,
                      {loc: outcomes.roll_up(found) for loc, found in per_location.items()})


def _yaml_mapping(path: Path, display: str, what: str):
    doc = yamlio.load(path, display)
    if doc.findings:
        raise TraceInputError(str(doc.findings[0]))
    if not isinstance(doc.data, dict):
        raise TraceInputError(f"{display}:{doc.line_of(()) or 1}: {what}")
    return doc


def load_known_gaps(path: Path, display: str | None = None) -> KnownGaps:
    display = display or str(path)
    path = Path(path)
    if not path.is_file():
        raise TraceInputError(f"{display}: no such file")
    text = _read_text(path, display, "utf-8-sig")
    if not any(line.strip() and not line.lstrip().startswith("#") for line in text.splitlines()):
        return KnownGaps(display, {}, {})  # no gaps left: an empty list is a fine list
    doc = _yaml_mapping(path, display, 'known-gaps must map obligation ids to reasons ("5.1.1.a-1": why it is not '
                                       'verified yet)')
    entries, lines = {}, {}
    for key, reason in doc.data.items():
        line = doc.line_of((key,))
        if not isinstance(key, str):
            raise TraceInputError(f"{display}:{line}: obligation id {key!r} must be quoted, e.g. \"{key}\"")
        if not isinstance(reason, str) or not reason.strip():
            raise TraceInputError(f"{display}:{line}: {key}: the reason must be a non-empty text")
        entries[key], lines[key] = reason.strip(), line
    return KnownGaps(display, entries, lines)


def load_kill_matrix(path: Path, display: str | None = None) -> KillMatrix:
    display = display or str(path)
    if not Path(path).is_file():
        raise TraceInputError(f"{display}: no such file")
    doc = _yaml_mapping(path, display, "a kill matrix maps generated_at, kit_version and variants "
                                       "(regenerate it: python bench/kill_matrix.py)")
    for key in ("generated_at", "kit_version"):
        if not isinstance(doc.data.get(key), str):
            raise TraceInputError(f"{display}:{doc.line_of((key,)) or 1}: {key} must be a text")
    variants = doc.data.get("variants")
    if not isinstance(variants, dict):
        raise TraceInputError(f"{display}:{doc.line_of(('variants',)) or 1}: variants must map variant names to "
                              "{fails: [obligation ids]}")
    fails, run_at = {}, {}
    for name, entry in variants.items():
        entry = entry if isinstance(entry, dict) else {}
        failed = entry.get("fails")
        if not isinstance(failed, list) or not all(isinstance(oid, str) for oid in failed):
            raise TraceInputError(f"{display}:{doc.line_of(('variants', name))}: variants.{name}.fails must be a list "
                                  "of obligation ids")
        if not isinstance(entry.get("run_at"), str):
            raise TraceInputError(f"{display}:{doc.line_of(('variants', name))}: variants.{name}.run_at must be a text")
        fails[str(name)], run_at[str(name)] = tuple(failed), entry["run_at"]
    return KillMatrix(display, doc.data["generated_at"], doc.data["kit_version"], fails, run_at)
