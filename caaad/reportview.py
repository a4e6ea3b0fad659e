"""What report.md and report.html show, computed once from results.json and the spec: the system, the
verdict, each failing obligation with its failing scenarios, the counts by clause group."""

from collections import Counter
from dataclasses import dataclass

from . import outcomes
from .labels import ACTOR, STRENGTH, label
from .results import FAILING, failing_obligations, scenario_title


@dataclass(frozen=True)
class Failure:
    """One failing (or errored) obligation in scope, and the scenarios that made it so."""
    row: dict  # the obligation row of results.json
    text_zh: str
    text_en: str
    strength: str  # '应 shall'
    actor: str
    scenarios: tuple[dict, ...]  # failing scenario rows, each with "title" and "failed_step" (or None)


def system_facts(results: dict) -> dict:
    describe = results["adapter"]["describe"] or {}
    return {
        "name": describe.get("name") or results["adapter"]["spec"],
        "version": describe.get("version", ""),
        "adapter": results["adapter"]["spec"],
        "contract": describe.get("contract_version", "?"),
        "roles": describe.get("roles", []),
        "capabilities": describe.get("capabilities", []),
        "platform_rules": describe.get("platform_rules", []),
        "describe_error": results["adapter"]["describe_error"],
    }


def failures(results: dict, spec) -> list[Failure]:
    scenarios = {s["id"]: s for s in results["scenarios"]}
    out = []
    for row in failing_obligations(results):
        obligation = spec.obligations.get(row["id"])
        failing = tuple({**scenarios[i], "title": scenario_title(scenarios[i]),
                         "failed_step": next((st for st in scenarios[i].get("steps", ()) if st["failed"]), None)}
                        for i in row["scenarios"] if i in scenarios and scenarios[i]["outcome"] in FAILING)
        out.append(Failure(row, obligation.text.zh if obligation else "", obligation.text.en if obligation else "",
                           label(STRENGTH, row["strength"]), label(ACTOR, row["actor"]), failing))
    return out


def clause_group(clause_id: str) -> str:
    """'5.4' for 5.4.1, '4' for 4.2: the feature folders, and the standard's sections."""
    parts = clause_id.split(".")
    return parts[0] if parts[0] == "4" or len(parts) < 3 else ".".join(parts[:2])


def counts_by_group(results: dict) -> list[tuple[str, Counter]]:
    """Obligations in scope by clause group and outcome, in the standard's order."""
    groups: dict[str, Counter] = {}
    for row in results["obligations"]:
        if row["in_scope"]:
            groups.setdefault(clause_group(row["clause"]), Counter())[row["outcome"]] += 1
    return sorted(groups.items(), key=lambda kv: clause_key(kv[0]))


def clause_key(clause_id: str):
    return [int(p) if p.isdigit() else ord(p[0]) * 1000 for p in clause_id.split(".")]


COLUMNS = (outcomes.PASSED, outcomes.FAILED, outcomes.ERROR, outcomes.NOT_TESTED)
