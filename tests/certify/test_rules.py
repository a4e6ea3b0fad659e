"""The roll-up rules are data: the code applies rollup-rules.yaml, the site page is rendered from it, and the
rules fit the kit's outcomes, strengths and verification modes."""

import json

import pytest

from caaad import outcomes
from caaad.certify.evidence import Entry, EvidenceFile, ItemDecision, Waiver
from caaad.certify.rollup import build_rollup, obligation_row
from caaad.certify.rules import RULES_FILE, load_rules, render_markdown
from caaad.model import MANDATORY
from caaad.paths import spec_dir

RULES = load_rules()


def test_the_site_page_is_rendered_from_the_rules_file():
    page = render_markdown()
    assert RULES.digest in page and RULES.data["waiver"]["day_rule"]["en"] in page
    for key, verdict in RULES.data["verdicts"].items():
        assert f"**{key}** {verdict['zh']}" in page


def test_the_rules_fit_the_kit():
    d = RULES.data
    schema = json.loads((spec_dir() / "schema" / "clause.schema.json").read_text(encoding="utf-8"))
    strengths = set(_find(schema, "strength")["enum"])
    assert set(d["run"]) == set(outcomes.SCENARIO_OUTCOMES) - {outcomes.NOT_APPLICABLE}
    assert set(d["combine"]) | {d["waiver"]["becomes"]} == set(d["states"])
    assert set(d["run"].values()) | set(d["evidence"].values()) <= set(d["combine"])
    # mode none belongs to informative records only, which are in no profile: no parts to roll up
    assert set(d["parts"]) == {"automated", "documentary", "hybrid"} and d["undecided_item"] in d["evidence"]
    assert tuple(d["verdict"]["strengths"]) == MANDATORY == tuple(d["waiver"]["strengths"])
    assert set(d["verdict"]["strengths"]) | set(d["observations"]["strengths"]) | set(d["no_obligation"]["strengths"]) == strengths
    assert set(r["verdict"] for r in d["verdict"]["rules"]) == set(d["verdicts"]) and "if_any" not in d["verdict"]["rules"][-1]
    assert RULES.digest.startswith("sha256:") and RULES_FILE.name == "rollup-rules.yaml"


def _find(node, key):
    """The first schema under `key` anywhere in a JSON Schema document."""
    if isinstance(node, dict):
        if key in node and isinstance(node[key], dict) and "enum" in node[key]:
            return node[key]
        children = node.values()
    else:
        children = node if isinstance(node, list) else ()
    return next((found for child in children if (found := _find(child, key)) is not None), None)


def item(decision, id_="E1"):
    return ItemDecision(id_, decision, "auditor-02", "2026-12-01", None, ())


def evidence_for(o, *decisions, waiver=False):
    entries = {o.id: Entry(o.id, {e.id: item(d, e.id) for e, d in zip(o.evidence, decisions)})} if decisions else {}
    waivers = {o.id: Waiver(o.id, "kit gap", "certification-committee", "2026-12-01", "2027-05-31")} if waiver else {}
    return EvidenceFile("all", entries, waivers)


@pytest.fixture(scope="module")
def obligations(request):
    from caaad.specload import load_spec
    spec = load_spec(spec_dir()).spec
    pick = lambda mode, mandatory=True: next(o for o in spec.obligations.values()  # noqa: E731
                                              if o.mode == mode and o.mandatory == mandatory and (o.evidence or mode == "automated"))
    return {"spec": spec, "hybrid": pick("hybrid"), "documentary": pick("documentary"), "automated": pick("automated"),
            "should": pick("documentary", mandatory=False)}


@pytest.mark.parametrize("mode, run, decisions, waiver, state", [
    ("hybrid", "passed", ("accepted",), False, "satisfied"),  # both parts
    ("hybrid", "passed", ("pending",), False, "open"),
    ("hybrid", "passed", (), False, "open"),  # an item the file does not decide is pending
    ("hybrid", "not_tested", ("accepted",), False, "open"),  # accepted evidence does not stand in for the run part
    ("hybrid", "failed", ("accepted",), False, "violated"),
    ("hybrid", "error", ("rejected",), False, "violated"),
    ("hybrid", "not_tested", ("pending",), True, "waived"),
    ("hybrid", "passed", ("rejected",), True, "violated"),  # a rejection is never waived
    ("automated", "not_tested", (), False, "open"),
    ("automated", "not_tested", (), True, "waived"),
    ("automated", "failed", (), True, "violated"),
    ("automated", "error", (), False, "open"),
    ("documentary", None, ("accepted",), False, "satisfied"),
    ("documentary", None, ("rejected",), False, "violated"),
])
def test_obligation_states(obligations, mode, run, decisions, waiver, state):
    o = obligations[mode]
    decisions = decisions + ("accepted",) * (len(o.evidence) - len(decisions)) if decisions else ()
    row = obligation_row(o, run or "not_tested", evidence_for(o, *decisions, waiver=waiver), RULES)
    assert row["state"] == state
    assert (row["run"] is None) == (mode == "documentary") and (row["evidence"] is None) == (mode == "automated")


def test_should_obligations_are_observations_and_never_decide(obligations):
    spec, o = obligations["spec"], obligations["should"]
    rejected = evidence_for(o, *["rejected"] * len(o.evidence))
    run = {x.id: "passed" if x.mode != "documentary" else "not_tested" for x in spec.obligations.values()}
    rollup = build_rollup(spec, "all", run, rejected, "2026-12-01")
    assert o.id in rollup["observations"] and o.id not in rollup["nonconformities"]
    row = next(r for r in rollup["obligations"] if r["id"] == o.id)
    assert row["state"] == "violated" and row["decides_verdict"] is False


def test_the_code_follows_the_data(obligations):
    """Change the rules and the roll-up changes with them: nothing of the rules is a second copy in code."""
    import copy
    from caaad.certify.rules import Rules
    o = obligations["automated"]
    data = copy.deepcopy(RULES.data)
    data["waiver"]["covers"] = ["open", "violated"]
    data["run"]["error"] = "violated"
    lenient = Rules(data, "sha256:test")
    assert obligation_row(o, "failed", evidence_for(o, waiver=True), lenient)["state"] == "waived"
    assert obligation_row(o, "error", evidence_for(o), lenient)["state"] == "violated"
    assert obligation_row(o, "error", evidence_for(o), RULES)["state"] == "open"
    data["verdict"]["rules"] = [{"if_any": "open", "verdict": "incomplete"}, {"verdict": "conformant"}]
    assert Rules(data, "sha256:test").verdict(["violated"]) == "conformant" and RULES.verdict(["violated"]) == "not_conformant"
