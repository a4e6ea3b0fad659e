"""The kit's own spec: the whole standard, complete and clean.

The expected ids are the standard's own numbering (the list every clause of the spec must hold), written
out here so that a clause lost from spec/ fails a test rather than vanishing from reports."""

import csv
import io
import json

from caaad.cli import main
from caaad.paths import spec_dir
from caaad.specload import load_spec

NORMATIVE = """4.1 4.2 4.3
5.1.1.a 5.1.1.b 5.1.1.c 5.1.1.d 5.1.1.e 5.1.1.f 5.1.1.g 5.1.2.a 5.1.2.b 5.1.2.c
5.1.3.a 5.1.3.b 5.1.3.c 5.1.3.d 5.1.3.e 5.1.3.f 5.1.3.g
5.1.4.a 5.1.4.b 5.1.4.c 5.1.4.d 5.1.4.e 5.1.4.f 5.1.4.g 5.1.4.h
5.2.1.a 5.2.1.b 5.2.1.c 5.2.2.a 5.2.2.b 5.2.2.c 5.2.3.a 5.2.3.b 5.2.4
5.3.1.a 5.3.1.b 5.3.1.c 5.3.2.a 5.3.2.b 5.3.2.c 5.3.2.d 5.3.2.e 5.3.2.f 5.3.2.g 5.3.2.h 5.3.2.i 5.3.2.j
5.3.3.a 5.3.3.b 5.3.3.c 5.3.3.d 5.3.3.e 5.3.4.a 5.3.4.b 5.3.4.c 5.3.4.d
5.4.1.a 5.4.1.b 5.4.2.a 5.4.2.b 5.4.2.c 5.4.2.d 5.4.3.a 5.4.3.b 5.4.3.c 5.4.4.a 5.4.4.b 5.4.4.c 5.4.4.d
5.5.1 5.5.2 5.5.3 5.6.1 A.1""".split()
TERMS = [f"3.{n}" for n in range(1, 11)]


def export(fmt: str, capsys) -> str:
    assert main(["spec", "export", "--format", fmt]) == 0
    return capsys.readouterr().out


def test_lint_is_clean(capsys):
    assert main(["lint"]) == 0
    assert capsys.readouterr().out.startswith("spec OK: T/CAAAD 001—2023 — 24 clauses, 77 statements")


def test_json_export_holds_every_normative_clause_and_the_ten_terms(capsys):
    document = json.loads(export("json", capsys))
    statements = [s for c in document["clauses"] for s in c["statements"]]
    assert len(NORMATIVE) == 77 and statements == NORMATIVE
    assert [t["id"] for t in document["terms"]] == TERMS
    assert all(t["term"]["en"] and t["definition"]["en"] for t in document["terms"])
    assert {o["statement"] for o in document["obligations"]} == set(NORMATIVE)


def test_every_obligation_is_translated_classified_and_verifiable(capsys):
    rows = list(csv.DictReader(io.StringIO(export("csv", capsys))))
    assert len(rows) == len(load_spec(spec_dir()).spec.obligations)
    for row in rows:
        assert row["fingerprint"].startswith("sha256:"), row["id"]
        if row["strength"] == "informative":  # Annex A's text: recorded, states no requirement, never verified
            assert row["id"] == "A.1-1" and row["verification"] == "none" and row["text_en"].strip()
            continue
        assert row["text_en"].strip() and row["verification"] in ("automated", "documentary", "hybrid"), row["id"]
        if row["verification"] != "automated":
            evidence = json.loads(row["evidence"])
            assert evidence and all(e["criterion"]["zh"] and e["criterion"]["en"] for e in evidence), row["id"]
        if row["verification"] != "documentary":
            assert row["automated_en"].strip(), row["id"]


def test_the_split_the_issue_names(capsys):
    """5.4.2.b holds at least: return within 7 days, exchange within 15 days, merchant pays freight."""
    spec = load_spec(spec_dir()).spec
    b = spec.statements["5.4.2.b"].obligations
    fixed = {p.name: (p.value, p.unit) for o in b for p in o.params if p.kind == "fixed"}
    assert len(b) >= 3 and (7, "day") in fixed.values() and (15, "day") in fixed.values()
    assert any("运费" in o.text.zh and o.actor == "merchant" and o.strength == "shall" for o in b)


def test_platform_time_limits_are_named_parameters_with_legal_ceilings():
    spec = load_spec(spec_dir()).spec
    refund = [p for o in spec.obligations.values() for p in o.params if p.name == "refund_after_receipt"]
    assert refund and all(p.kind == "platform_rule" and p.value is None and p.legal_max == 7 for p in refund)


def test_every_modal_less_item_names_its_ground_and_the_doubtful_ones_say_so(capsys):
    """GB/T 1.1-2020 reads an item without a modal verb as a statement: the lead-in is no ground for a strength.
    Every such record names a ground (the same sentence's verb, a parallel 应 clause, a law) or is flagged."""
    spec = load_spec(spec_dir()).spec
    modal_less = [o for o in spec.obligations.values() if o.modal is None and not o.informative]
    assert len(modal_less) == 20  # the 21 the review found, less 5.2.1.b-1, whose 要 is a modal verb
    for o in modal_less:
        note = o.classification_note.zh
        assert "引导语所列" not in note, o.id  # the old, unsound ground
        assert o.strength_inferred or any(w in note for w in ("第", "同句", "平行", "前提")), o.id
    inferred = {o.id for o in spec.obligations.values() if o.strength_inferred}
    assert {"5.1.3.d-1", "5.1.3.e-2", "5.2.1.b-1"} <= inferred
    assert {"5.4.1.a-4", "5.4.2.b-3", "5.4.4.d-3"}.isdisjoint(inferred)  # the law or the sentence's 应 decides
    assert spec.obligations["5.2.1.b-1"].modal == "要"
    assert main(["spec", "show", "5.1.3.d-1"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("5.1.3.d-1  shall (strength inferred) (no modal verb)") and "5.1.1.c" in out


def test_annex_a_is_informative_and_in_no_profile():
    from caaad import outcomes
    spec = load_spec(spec_dir()).spec
    a1 = spec.obligations["A.1-1"]
    assert a1.informative and a1.mode == "none" and "A.1-2" not in spec.obligations
    assert a1.text.en == "The complaint-handling flow chart is given in Figure A.1."
    assert not any(outcomes.in_profile(a1, p) for p in outcomes.PROFILES)
    assert [o.id for o in spec.obligations.values() if o.informative] == ["A.1-1"]


def test_actors_the_review_corrected():
    spec = load_spec(spec_dir()).spec
    assert spec.obligations["5.3.4.b-1"].actor == "live_room_operator"
    named = spec.obligations["5.6.1-1"]
    assert {named.actor, *named.co_actors} == {"platform", "merchant", "live_room_operator", "anchor_marketing_staff"}


def test_both_schema_checks_agree_on_every_spec_file_and_on_broken_ones():
    """load_spec asks jsonschema-rs whether a file fits its schema and jsonschema only to word the findings of
    one that does not: both must give the same verdict, or a finding would go unreported."""
    import copy

    from caaad import yamlio
    from caaad.paths import spec_dir
    from caaad.specload import _slow_validators, _validators
    root = (spec_dir() / "schema").resolve()
    fast, slow = _validators(root), _slow_validators(root)
    files = [(spec_dir() / "standard.yaml", "standard.schema.json")] + \
            [(p, "clause.schema.json") for p in sorted((spec_dir() / "clauses").glob("*.yaml"))]
    checked = 0
    for path, schema in files:
        data = yamlio.load(path).data
        broken = [{**data, "unexpected": 1}] + [{k: v for k, v in data.items() if k != key} for key in data] + \
                 [{**data, key: None} for key in data]
        for instance in [data, *map(copy.deepcopy, broken)]:
            assert fast[schema].is_valid(instance) == slow[schema].is_valid(instance), (path, instance.keys())
            checked += 1
        assert fast[schema].is_valid(data) and sum(not fast[schema].is_valid(b) for b in broken) > len(data), path
    assert checked >= 20 * 5
