"""results.json: one run, scenario by scenario and obligation by obligation.

Format version 1. Everything an auditor needs to trace a verdict back: kit version, spec and
features digests, the adapter's own declaration, each scenario with file:line and outcome, and
the roll-up per obligation in scope.
"""

import re
from collections import Counter

from . import __version__, outcomes
from .paths import features_dir
from .personal import vendor_line
from .scenarios import index_features

RESULTS_FORMAT = 1
FAILING = (outcomes.FAILED, outcomes.ERROR)


def describe_adapter(adapter_spec: str) -> tuple[dict | None, str | None]:
    from .contract import ContractClient, opened_adapter
    try:
        with opened_adapter(adapter_spec) as adapter:
            return ContractClient(adapter).describe(), None
    except Exception as e:  # reported in results.json and by `caaad run`; scenarios show it as error
        return None, f"{type(e).__name__}: {vendor_line(e)}"


def build_results(*, scenarios, spec, adapter, profile, started, finished) -> dict:
    from .contract import load_contract
    from .contract.address import redact
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
        if o.informative:
            outcome, reason = outcomes.NOT_APPLICABLE, "informative (Annex A): states no requirement"
        elif not in_scope:
            outcome, reason = outcomes.NOT_APPLICABLE, f"outside the {profile} profile"
        elif ran:
            outcome, reason = outcomes.roll_up([s["outcome"] for s in ran]), ""
        elif o.mode == "documentary":
            outcome, reason = outcomes.NOT_TESTED, "documentary: needs evidence"
        else:
            outcome, reason = outcomes.NOT_TESTED, "no scenario in this run"
        rows.append({"id": o.id, "clause": o.clause_id, "strength": o.strength, "actor": o.actor,
                     "phase": o.phase, "verification": o.mode, "in_scope": in_scope, "outcome": outcome,
                     "reason": reason, "scenarios": [s["id"] for s in ran],
                     "fingerprint": o.fingerprint or ""})
    return {
        "format": RESULTS_FORMAT,
        "kit": {"name": "caaad-conformance", "version": __version__},
        "standard": spec.standard.get("code"),
        "spec_digest": spec.digest,
        "features_digest": index_features(features_dir(), spec.obligations).digest,  # the index the run checked
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


def scenario_title(scenario: dict) -> str:
    """A scenario's name with its outline example row, e.g. `混合支付… [实付=1000, 件数=3]`.

    Results written before the `example` field existed: the values from the test id instead (pytest
    escapes them there as \\uXXXX)."""
    example = scenario.get("example")
    if example:
        return f"{scenario['name']} [{', '.join(f'{k}={v}' for k, v in example.items())}]"
    _, bracket, params = scenario["id"].partition("[")
    if not bracket or example is not None:
        return scenario["name"]
    params = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m[1], 16)), params.removesuffix("]"))
    return f"{scenario['name']} [{params}]"


def failing_obligations(results: dict) -> list[dict]:
    return [r for r in results["obligations"] if r["in_scope"] and r["outcome"] in FAILING]


def verdict(results: dict) -> tuple[bool, str]:
    """(no failure found, one line): the same rule as `caaad run`'s exit code."""
    bad = failing_obligations(results)
    bad_scenarios = [s for s in results["scenarios"] if s["outcome"] in FAILING]
    obl = results["summary"]["obligations"]
    if bad or bad_scenarios:
        failed, errored = (sum(r["outcome"] == kind for r in bad) for kind in FAILING)
        return False, (f"不通过 FAILED: {failed} obligation(s) in scope failed and {errored} could not be judged "
                       f"(error), from {len(bad_scenarios)} failed or errored scenario(s)")
    return True, (f"未发现不符合 NO FAILURE FOUND: {obl.get(outcomes.PASSED, 0)} obligation(s) in scope passed; "
                  f"{obl.get(outcomes.NOT_TESTED, 0)} not tested (documentary ones await evidence)")
