"""results.json: one run, scenario by scenario and obligation by obligation.

Format version 1. Everything an auditor needs to trace a verdict back: kit version, spec and
features digests, the adapter's own declaration, each scenario with file:line and outcome, and
the roll-up per obligation in scope.
"""

from collections import Counter

from . import __version__, outcomes
from .paths import features_dir
from .scenarios import index_features

RESULTS_FORMAT = 1


def describe_adapter(adapter_spec: str) -> tuple[dict | None, str | None]:
    from .contract import ContractClient, opened_adapter
    try:
        with opened_adapter(adapter_spec) as adapter:
            return ContractClient(adapter).describe(), None
    except Exception as e:  # reported in results.json and by `caaad run`; scenarios show it as error
        return None, f"{type(e).__name__}: {e}"


def build_results(*, scenarios, spec, adapter, profile, started, finished) -> dict:
    from .contract import load_contract
    from .contract.http import redact
    description, describe_error = describe_adapter(adapter)
    scenarios = sorted(scenarios, key=lambda s: (s["location"], s["id"]))
    per_obligation: dict[str, list[dict]] = {}
    for s in scenarios:
        for oid in s["obligations"]:
            per_obligation.setdefault(oid, []).append(s)
    rows = []
    for o in spec.obligations.values():
        ran = per_obligation.get(o.id, [])
        in_scope = outcomes.in_profile(o, profile)
        if not in_scope:
            outcome, reason = outcomes.NOT_APPLICABLE, f"outside the {profile} profile"
        elif ran:
            outcome, reason = outcomes.roll_up([s["outcome"] for s in ran]), ""
        elif o.mode == "documentary":
            outcome, reason = outcomes.NOT_TESTED, "documentary: needs evidence"
        else:
            outcome, reason = outcomes.NOT_TESTED, "no scenario in this run"
        rows.append({"id": o.id, "clause": o.clause_id, "strength": o.strength, "actor": o.actor,
                     "phase": o.phase, "verification": o.mode, "in_scope": in_scope, "outcome": outcome,
                     "reason": reason, "scenarios": [s["id"] for s in ran]})
    return {
        "format": RESULTS_FORMAT,
        "kit": {"name": "caaad-conformance", "version": __version__},
        "standard": spec.standard.get("code"),
        "spec_digest": spec.digest,
        "features_digest": index_features(features_dir()).digest,
        "contract_version": load_contract().version,
        "adapter": {"spec": redact(adapter), "describe": description, "describe_error": describe_error},
        "profile": profile,
        "started_at": started.isoformat(timespec="seconds"),
        "finished_at": finished.isoformat(timespec="seconds"),
        "summary": {
            "scenarios": dict(Counter(s["outcome"] for s in scenarios)),
            "obligations": dict(Counter(r["outcome"] for r in rows if r["in_scope"])),
        },
        "scenarios": scenarios,
        "obligations": rows,
    }
