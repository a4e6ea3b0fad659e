"""`caaad diff OLD NEW`: did the fix work? Two results.json compared by obligation id (scenario names and
lines change as the suite grows; obligation ids do not).

Regressions, for CI (exit 1): an obligation in scope that now fails or errors but did not before, and one
that passed and is now not tested. Where the spec changed between the runs, obligations whose reviewed
text changed (their fingerprints differ) are marked, so a new failure can be read as a changed requirement.
"""

import json
from pathlib import Path

from . import outcomes
from .results import FAILING, scenario_title
from .usage import UsageError

KINDS = ("newly_failing", "no_longer_passing", "newly_passing", "still_failing")
_TITLES = {
    "newly_failing": "新增未通过 Newly failing",
    "no_longer_passing": "不再通过 No longer passing",
    "newly_passing": "新通过 Newly passing",
    "still_failing": "仍未通过 Still failing",
}


def load(path: str) -> dict:
    """A results.json, or one line saying why it is not one."""
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as e:
        raise UsageError(f"{path}: {e.strerror or e}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise UsageError(f"{path}: not a results.json (not JSON: {e})") from None
    if not isinstance(document, dict) or document.get("format") != 1:
        raise UsageError(f"{path}: not a results.json of format 1 ($.format is {document.get('format')!r})"
                         if isinstance(document, dict) else f"{path}: not a results.json (not an object)")
    for key in ("spec_digest", "features_digest", "scenarios", "obligations", "profile"):
        if key not in document:
            raise UsageError(f"{path}: $.{key} is missing; not a results.json of the kit")
    return document


def compare(old: dict, new: dict) -> dict:
    old_rows = {r["id"]: r for r in old["obligations"]}
    new_rows = {r["id"]: r for r in new["obligations"]}
    spec_changed = old["spec_digest"] != new["spec_digest"]
    fingerprints_known = all("fingerprint" in r for r in (*old["obligations"], *new["obligations"]))
    changed_text = {i for i in old_rows.keys() & new_rows.keys()
                    if fingerprints_known and old_rows[i]["fingerprint"] != new_rows[i]["fingerprint"]}
    kinds: dict[str, list] = {k: [] for k in KINDS}
    for oid in sorted(old_rows.keys() & new_rows.keys(), key=_id_key):
        before, after = _outcome(old_rows[oid]), _outcome(new_rows[oid])
        kind = _kind(before, after)
        if kind is None:
            continue
        old_messages, new_messages = _messages(old, old_rows[oid]), _messages(new, new_rows[oid])
        kinds[kind].append({
            "id": oid, "clause": new_rows[oid]["clause"], "strength": new_rows[oid]["strength"],
            "old": before, "new": after, "requirement_changed": oid in changed_text,
            "messages_changed": kind == "still_failing" and old_messages != new_messages,
            "old_messages": old_messages, "new_messages": new_messages})
    old_scenarios, new_scenarios = _scenario_keys(old), _scenario_keys(new)
    regressions = kinds["newly_failing"] + [e for e in kinds["no_longer_passing"] if e["new"] == outcomes.NOT_TESTED]
    return {
        "old": _about(old), "new": _about(new),
        "spec_changed": spec_changed, "features_changed": old["features_digest"] != new["features_digest"],
        "fingerprints_known": fingerprints_known,
        "requirements_changed": sorted(changed_text, key=_id_key),
        **kinds,
        "obligations_added": sorted(new_rows.keys() - old_rows.keys(), key=_id_key),
        "obligations_removed": sorted(old_rows.keys() - new_rows.keys(), key=_id_key),
        "scenarios_added": sorted(new_scenarios - old_scenarios),
        "scenarios_removed": sorted(old_scenarios - new_scenarios),
        "regressed": bool(regressions),
        "regressions": len(regressions),
    }


def _outcome(row: dict) -> str:
    return row["outcome"] if row["in_scope"] else outcomes.NOT_APPLICABLE


def _kind(before: str, after: str) -> str | None:
    if after in FAILING:
        return "still_failing" if before in FAILING else "newly_failing"
    if after == outcomes.PASSED:
        return "newly_passing" if before != outcomes.PASSED else None
    return "no_longer_passing" if before == outcomes.PASSED else None


def _messages(results: dict, row: dict) -> dict[str, str]:
    """The failing scenarios behind an obligation: title → message."""
    wanted = set(row["scenarios"])
    return {scenario_title(s): s["message"] for s in results["scenarios"] if s["id"] in wanted and s["outcome"] in FAILING}


def _scenario_keys(results: dict) -> set[str]:
    """A scenario across runs: its feature file and title (its line moves when the file above it changes)."""
    return {f"{s['location'].rpartition(':')[0]} {scenario_title(s)}" for s in results["scenarios"]}


def _about(results: dict) -> dict:
    return {"adapter": results.get("adapter", {}).get("spec"), "profile": results["profile"],
            "started_at": results.get("started_at"), "spec_digest": results["spec_digest"],
            "features_digest": results["features_digest"], "kit": results.get("kit", {}).get("version")}


def _id_key(oid: str):
    return [(0, int(p), "") if p.isdigit() else (1, 0, p) for p in oid.replace("-", ".").split(".")]


def render_markdown(d: dict) -> str:
    old, new = d["old"], d["new"]
    lines = [f"# caaad diff: {old.get('file', 'OLD')} → {new.get('file', 'NEW')}", ""]
    lines.append(f"**{'退步 REGRESSED' if d['regressed'] else '无退步 NO REGRESSION'}**: "
                 + ", ".join(f"{len(d[k])} {k.replace('_', ' ')}" for k in KINDS))
    lines += ["", f"- old: `{old['adapter']}`, profile `{old['profile']}`, {old['started_at']}, kit {old['kit']}",
              f"- new: `{new['adapter']}`, profile `{new['profile']}`, {new['started_at']}, kit {new['kit']}"]
    if d["spec_changed"]:
        changed = (f"{len(d['requirements_changed'])} obligation(s) whose text changed are marked ⚠"
                   if d["fingerprints_known"] else "a results.json without per-obligation fingerprints cannot "
                   "say which requirements changed")
        lines.append(f"- spec: **changed** ({old['spec_digest'][:19]}… → {new['spec_digest'][:19]}…): {changed}; "
                     "a new failure may come from a changed requirement")
    else:
        lines.append("- spec: the same")
    lines.append(f"- scenarios (features): {'**changed**' if d['features_changed'] else 'the same'}")
    for kind in KINDS:
        entries = d[kind]
        lines += ["", f"## {_TITLES[kind]} ({len(entries)})", ""]
        if not entries:
            lines.append("None.")
            continue
        lines += ["| obligation | clause | strength | old | new | note |", "|---|---|---|---|---|---|"]
        for e in entries:
            notes = (["⚠ requirement text changed"] if e["requirement_changed"] else []) + \
                    (["messages changed"] if e["messages_changed"] else [])
            lines.append(f"| {e['id']} | {e['clause']} | {e['strength']} | {e['old']} | {e['new']} | {'; '.join(notes)} |")
        lines.append("")
        for e in entries:
            if kind == "newly_failing" or e["messages_changed"]:
                for title, message in e["new_messages"].items():
                    before = e["old_messages"].get(title)
                    lines.append(f"- {e['id']} {title}: {_cell(message)}"
                                 + (f" (was: {_cell(before)})" if before and before != message else ""))
    # with the same features, scenarios in one run only were selected differently (-k, -m), not added
    added, removed = (("场景新增 Scenarios added", "场景删除 Scenarios removed") if d["features_changed"] else
                      ("仅在新运行中 Scenarios run in NEW only (same features, another selection)",
                       "仅在旧运行中 Scenarios run in OLD only (same features, another selection)"))
    for key, title in (("obligations_added", "义务新增 Obligations added"), ("obligations_removed", "义务删除 Obligations removed"),
                       ("scenarios_added", added), ("scenarios_removed", removed)):
        lines += ["", f"## {title} ({len(d[key])})", ""]
        lines += [f"- {item}" for item in d[key]] or ["None."]
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
