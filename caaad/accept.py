"""`caaad spec accept ID…`: record that a clause's current Chinese text has been reviewed.

Rewrites only the `fingerprint:` lines of the chosen records, leaving the rest of each file
(comments, layout) as the author wrote it.
"""

import re
from pathlib import Path

from .fingerprint import fingerprint
from .lint import fingerprinted
from .specload import load_spec

_FINGERPRINT_LINE = re.compile(r"^(\s*(?:- )?fingerprint:\s*)(\S.*)?$")


class AcceptError(Exception):
    pass


def accept(spec_dir: Path, ids: list[str]) -> list[str]:
    """Accept every record whose id equals or lies under one of `ids` ('all' for everything)."""
    result = load_spec(spec_dir)
    blocking = [f for f in result.findings]
    if blocking:
        raise AcceptError(f"fix the spec first: {blocking[0]}")

    def chosen(item_id: str) -> bool:
        return "all" in ids or any(item_id == i or item_id.startswith(i + ".") or item_id.startswith(i + "-") for i in ids)

    unknown = [i for i in ids if i != "all" and not any(chosen_id == i or chosen_id.startswith((i + ".", i + "-"))
                                                        for chosen_id in (item.id for item, _ in fingerprinted(result.spec)))]
    if unknown:
        raise AcceptError(f"unknown id: {', '.join(unknown)}")
    edits: dict[str, dict[int, str]] = {}
    accepted = []
    for item, text in fingerprinted(result.spec):
        new = fingerprint(text)
        if not chosen(item.id) or item.fingerprint == new:
            continue
        doc = result.documents[item.source.file]
        line = _fingerprint_line(doc, item)
        edits.setdefault(item.source.file, {})[line] = new
        accepted.append(item.id)
    for display, lines in edits.items():
        path = Path(spec_dir).parent / display  # display names are relative to the spec directory's parent
        text = path.read_text(encoding="utf-8").split("\n")
        for number, value in lines.items():
            match = _FINGERPRINT_LINE.match(text[number - 1])
            if not match:
                raise AcceptError(f"{display}:{number}: write fingerprint on a line of its own to accept it")
            text[number - 1] = f'{match.group(1)}"{value}"'
        path.write_text("\n".join(text), encoding="utf-8")
    return accepted


def _fingerprint_line(doc, item) -> int:
    for path, line in doc.lines.items():
        if path and path[-1] == "fingerprint" and _owner_id(doc.data, path[:-1]) == item.id:
            return line
    raise AcceptError(f"{item.source}: {item.id} has no fingerprint line to update")


def _owner_id(data, path):
    node = data
    for key in path:
        node = node[key]
    return node.get("id") if isinstance(node, dict) else None
