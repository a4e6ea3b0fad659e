"""The roll-up of a certification: each obligation in the profile's scope from its run outcome, its evidence
decisions and its waiver, then the profile's verdict — all by the rules in rollup-rules.yaml."""

from .. import outcomes
from .evidence import EvidenceFile
from .rules import Rules, load_rules

ROLLUP_FORMAT = 1


def obligation_row(o, run_outcome: str, evidence: EvidenceFile, rules: Rules) -> dict:
    parts, row = [], {"id": o.id, "clause": o.clause_id, "strength": o.strength, "actor": o.actor,
                      "verification": o.mode, "decides_verdict": rules.decides_verdict(o.strength),
                      "run": None, "evidence": None, "items": None, "waiver": None}
    for part in rules.parts(o.mode):
        if part == "run":
            row["run"] = run_outcome
            parts.append(rules.run_state(run_outcome))
        else:
            entry = evidence.entries.get(o.id)
            decisions = {e.id: (entry.items[e.id].decision if entry and e.id in entry.items else None) for e in o.evidence}
            state = rules.combine(rules.item_state(d) for d in decisions.values())
            row["items"] = {k: d or rules.data["undecided_item"] for k, d in decisions.items()}
            row["evidence"] = rules.decision_of(state)
            parts.append(state)
    state = rules.combine(parts)
    waiver = evidence.waivers.get(o.id)
    if waiver is not None:
        row["waiver"] = {"reason": waiver.reason, "approver": waiver.approver, "granted": waiver.granted, "expires": waiver.expires}
        state = rules.waived(state)
    row["state"] = state
    return row


def build_rollup(spec, profile: str, run: dict[str, str], evidence: EvidenceFile, certification_date: str,
                 rules: Rules | None = None) -> dict:
    rules = rules or load_rules()
    rows = [obligation_row(o, run[o.id], evidence, rules)
            for o in spec.obligations.values() if outcomes.in_profile(o, profile)]
    deciding = [r for r in rows if r["decides_verdict"]]
    counts = {state: sum(r["state"] == state for r in deciding) for state in rules.data["states"]}
    return {
        "format": ROLLUP_FORMAT,
        "rules": {"version": rules.data["version"], "digest": rules.digest},
        "profile": profile,
        "certification_date": certification_date,
        "verdict": rules.verdict(r["state"] for r in deciding),
        "counts": counts,
        "nonconformities": [r["id"] for r in deciding if r["state"] == "violated"],
        "open": [r["id"] for r in deciding if r["state"] == "open"],
        "waived": [r["id"] for r in deciding if r["state"] == "waived"],
        "observations": [r["id"] for r in rows if rules.observation(r["strength"], r["state"])],
        "obligations": rows,
    }
