"""`caaad spec accept`, `caaad spec export` and `caaad spec show` on the minimal spec (conftest.py)."""

import csv
import io
import json

import pytest

from caaad.export import COLUMNS
from caaad.fingerprint import fingerprint
from minispec import ALL_OBLIGATIONS, O_A_1, S_41, S_A, S_B

C41 = "clauses/4.1.yaml"
C511 = "clauses/5.1.1.yaml"


# --- accept -------------------------------------------------------------------------------------

def _changed_lines(before: str, after: str) -> list[tuple[str, str]]:
    old, new = before.split("\n"), after.split("\n")
    assert len(old) == len(new), "accept must not add or remove lines"
    return [(a, b) for a, b in zip(old, new) if a != b]


def test_accept_rewrites_only_fingerprint_lines(caaad, mini):
    # Statement 5.1.1.a was edited (its obligations still quote it verbatim); 5.1.1.a-2 was never reviewed.
    new_statement = S_A[:-1] + "。"
    mini.replace(C511, f"zh: {S_A}\n", f"zh: {new_statement}\n")
    mini.set_line(C511, "  # accepted", "        fingerprint: null  # accepted")
    before_511, before_41, before_std = mini.read(C511), mini.read(C41), mini.read("standard.yaml")
    code, out, err = caaad("lint", "--spec", mini.root)
    assert code == 1 and "5.1.1.a: clause text changed since it was reviewed" in out and "5.1.1.a-2: text not yet reviewed" in out

    code, out, err = caaad("spec", "accept", "--spec", mini.root, "5.1.1")
    assert code == 0, err
    assert out == "accepted 2 fingerprint(s): 5.1.1.a, 5.1.1.a-2\n"

    after = mini.read(C511)
    changed = _changed_lines(before_511, after)
    assert changed == [
        (f'    fingerprint: "{fingerprint(S_A)}"', f'    fingerprint: "{fingerprint(new_statement)}"'),
        ("        fingerprint: null  # accepted", f'        fingerprint: "{fingerprint("具体投诉处理流程可参考附录 A")}"'),
    ], changed
    # comments elsewhere are kept, other files untouched
    assert after.startswith("# 5.1.1 直播间运营者 — the live-room operator's work before the live stream.\n")
    assert after.endswith("\n")
    assert mini.read(C41) == before_41 and mini.read("standard.yaml") == before_std

    code, out, err = caaad("lint", "--spec", mini.root)
    assert code == 0, out + err
    assert out.startswith("spec OK:")


def test_accept_keeps_trailing_comment_of_untouched_fingerprint_lines(caaad, mini):
    mini.replace(C41, f"zh: {S_41}\n", f"zh: {S_41[:-1]}！\n")
    before = mini.read(C41)
    code, out, err = caaad("spec", "accept", "--spec", mini.root, "4.1")
    assert code == 0, err
    assert out == "accepted 1 fingerprint(s): 4.1\n"
    (old, new), = _changed_lines(before, mini.read(C41))
    assert old.endswith("  # statement fingerprint")
    assert new == f'    fingerprint: "{fingerprint(S_41[:-1] + "！")}"'
    code, out, err = caaad("lint", "--spec", mini.root)
    assert code == 0, out + err


def test_accept_nothing_to_do(caaad, mini):
    before = {rel: mini.read(rel) for rel in (C41, C511)}
    code, out, err = caaad("spec", "accept", "--spec", mini.root, "all")
    assert code == 0, err
    assert out == "accepted 0 fingerprint(s)\n"
    assert {rel: mini.read(rel) for rel in (C41, C511)} == before


def test_accept_in_a_directory_not_named_spec(caaad, make_spec):
    mini = make_spec("review-copy")
    mini.replace(C511, f"zh: {S_B}\n", f"zh: {S_B[:-1]}；\n")
    code, out, err = caaad("spec", "accept", "--spec", mini.root, "5.1.1.b")
    assert code == 0, err
    assert out == "accepted 1 fingerprint(s): 5.1.1.b\n"
    code, out, err = caaad("lint", "--spec", mini.root)
    assert code == 0, out + err


def test_accept_unknown_id_exits_2_with_one_line(caaad, mini):
    before = mini.read(C511)
    code, out, err = caaad("spec", "accept", "--spec", mini.root, "5.1.1.z")
    assert code == 2
    assert out == ""
    assert err == "caaad: unknown id: 5.1.1.z\n"
    assert mini.read(C511) == before


def test_accept_refuses_a_spec_with_load_findings(caaad, mini):
    mini.replace(C41, "        actor: all_parties\n", "        actor: everybody\n")
    code, out, err = caaad("spec", "accept", "--spec", mini.root, "all")
    assert code == 2
    assert err.startswith("caaad: fix the spec first: spec/clauses/4.1.yaml:")
    assert "'everybody' is not one of" in err
    assert len(err.splitlines()) == 1


# --- export -------------------------------------------------------------------------------------

def test_export_json_has_every_obligation_with_all_columns(caaad, mini):
    code, out, err = caaad("spec", "export", "--spec", mini.root, "--format", "json")
    assert code == 0, err
    document = json.loads(out)
    assert document["standard"]["code"] == "T/CAAAD 001—2023"
    assert document["standard"]["published"] == "2023-08-01"
    assert document["digest"].startswith("sha256:")
    assert [c["id"] for c in document["clauses"]] == ["4.1", "5.1.1"]
    assert document["clauses"][1]["statements"] == ["5.1.1.a", "5.1.1.b"]
    rows = {row["id"]: row for row in document["obligations"]}
    assert tuple(rows) == ALL_OBLIGATIONS
    for row in rows.values():
        assert tuple(row) == COLUMNS
    a1, b1 = rows["5.1.1.a-1"], rows["5.1.1.b-1"]
    assert a1["text_zh"] == O_A_1 and a1["strength"] == "shall" and a1["modal"] == "应"
    assert a1["statement"] == "5.1.1.a" and a1["clause"] == "5.1.1"
    assert a1["verification"] == "automated" and a1["automated_en"] == "Scenarios check that a complaint is accepted"
    assert a1["params"] == [{"name": "complaint_ack", "kind": "fixed", "unit": "day", "value": 2}]
    assert a1["legal_refs"] and a1["legal_refs"][0]["law"] == "ECL" and a1["legal_refs"][0]["article"] == "59"
    assert a1["fingerprint"] == fingerprint(O_A_1)
    assert a1["source"] == f"spec/{C511}:{mini.id_line(C511, '5.1.1.a-1')}"
    assert b1["co_actors"] == "merchant" and b1["verification"] == "hybrid"
    assert b1["evidence"] == [{"id": "E1", "examine": {"zh": "售后团队名单", "en": "The after-sales team roster"},
                               "criterion": {"zh": "团队专职", "en": "The team is dedicated"}}]
    assert b1["params"] == [{"name": "response_time", "kind": "platform_rule", "unit": "hour", "legal_max": 48,
                             "description": {"zh": "平台规定时限", "en": "Time limit set by the platform"}}]


def test_export_csv_has_every_obligation_with_all_columns(caaad, mini):
    code, out, err = caaad("spec", "export", "--spec", mini.root, "--format", "csv")
    assert code == 0, err
    reader = csv.DictReader(io.StringIO(out))
    assert tuple(reader.fieldnames) == COLUMNS
    rows = list(reader)
    assert tuple(r["id"] for r in rows) == ALL_OBLIGATIONS
    for row in rows:
        assert None not in row, "a row has more cells than the header"
        assert all(row[c] is not None for c in COLUMNS), "a row has fewer cells than the header"
        assert row["text_zh"] and row["text_en"] and row["strength"] and row["actor"] and row["fingerprint"]
    by_id = {r["id"]: r for r in rows}
    assert by_id["5.1.1.b-1"]["text_zh"] == "宜建立专门从事直播售后服务团队……在平台规定时限内响应消费者咨询"
    assert json.loads(by_id["5.1.1.b-1"]["evidence"])[0]["criterion"]["en"] == "The team is dedicated"
    assert json.loads(by_id["5.1.1.a-1"]["params"]) == [{"name": "complaint_ack", "kind": "fixed", "unit": "day", "value": 2}]
    assert by_id["5.1.1.a-2"]["params"] == "" and by_id["5.1.1.a-2"]["modal"] == "可"
    assert "ECL Art 59" in by_id["5.1.1.a-1"]["legal_refs"]


def test_export_to_a_file(caaad, mini, tmp_path):
    target = tmp_path / "obligations.csv"
    code, out, err = caaad("spec", "export", "--spec", mini.root, "--format", "csv", "-o", target)
    assert code == 0, err
    assert out == ""
    assert len(list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))) == len(ALL_OBLIGATIONS)


def test_export_refuses_a_broken_spec(caaad, mini):
    mini.replace(C41, "        actor: all_parties\n", "        actor: everybody\n")
    code, out, err = caaad("spec", "export", "--spec", mini.root)
    assert code == 2
    assert out == ""
    assert err.startswith("caaad: the spec has problems, run `caaad lint`: spec/clauses/4.1.yaml:")
    assert len(err.splitlines()) == 1


# --- show ---------------------------------------------------------------------------------------

def _show(caaad, mini, item_id):
    code, out, err = caaad("spec", "show", "--spec", mini.root, item_id)
    assert code == 0, err
    return out


def test_show_clause_prints_zh_and_en(caaad, mini):
    out = _show(caaad, mini, "5.1.1")
    assert out.splitlines()[0] == f"5.1.1 直播间运营者 — Live-room operator  [requirement]  (spec/{C511}:1)"
    assert "直播间运营者直播前的工作包括但不限于以下内容：" in out
    assert "The work of the live-room operator before the live stream includes" in out
    for zh in (S_A, S_B, O_A_1):
        assert zh in out
    for en in ("Shall establish a complaint handling system; reference may be made to Annex A.",
               "The live-room operator shall establish a complaint handling system."):
        assert en in out
    assert out.index("5.1.1.a-1") < out.index("5.1.1.a-2") < out.index("5.1.1.b-1")


def test_show_statement_prints_zh_and_en(caaad, mini):
    out = _show(caaad, mini, "5.1.1.b")
    lines = out.splitlines()
    assert lines[:3] == ["5.1.1.b", f"  zh: {S_B}", "  en: Should set up a team dedicated to after-sales service and "
                                                   "answer consumers within the platform's time limit."]
    assert "5.1.1.b-1" in out and "5.1.1.a" not in out


def test_show_obligation_prints_zh_and_en(caaad, mini):
    out = _show(caaad, mini, "5.1.1.b-1")
    lines = out.splitlines()
    assert lines[0] == ("5.1.1.b-1  should (宜)  actor: live_room_operator (+ merchant)  phase: pre_live  "
                        "verification: hybrid")
    assert lines[1] == "  zh: 宜建立专门从事直播售后服务团队……在平台规定时限内响应消费者咨询"
    assert lines[2] == ("  en: The live-room operator should set up a dedicated after-sales team that answers within "
                        "the platform's time limit.  [draft]")
    assert "  evidence E1: The after-sales team roster — pass when: The team is dedicated" in lines
    assert "  param response_time: declared by the system (hour, legal max 48)" in lines
    assert lines[-1] == f"  source: spec/{C511}:{mini.id_line(C511, '5.1.1.b-1')}"


def test_show_principle_whose_statement_has_the_clause_id(caaad, mini):
    out = _show(caaad, mini, "4.1")
    assert out.splitlines()[0].startswith("4.1 提升主流价值引领 — Enhancing the guidance of mainstream values  [principle]")
    assert S_41 in out and "All parties shall keep to the correct orientation." in out


@pytest.mark.parametrize("item_id", ["9.9", "5.1.1.z", "5.1.1.a-9", ""])
def test_show_unknown_id_exits_2(caaad, mini, item_id):
    code, out, err = caaad("spec", "show", "--spec", mini.root, item_id)
    assert code == 2
    assert out == ""
    assert err == f"caaad: unknown clause, statement or obligation id: {item_id}\n"


def test_accept_and_lint_with_a_relative_spec_path(caaad, mini, monkeypatch):
    monkeypatch.chdir(mini.root / "clauses")
    mini.replace(C41, f"zh: {S_41}\n", f"zh: {S_41[:-1]}；\n")
    code, out, err = caaad("lint", "--spec", "..")
    assert code == 1
    assert out.startswith(f"../{C41}:{mini.id_line(C41, '4.1', 2)}: 4.1: clause text changed since it was reviewed"), out
    code, out, err = caaad("spec", "accept", "--spec", "..", "4.1")
    assert (code, out) == (0, "accepted 1 fingerprint(s): 4.1\n"), err
    monkeypatch.chdir(mini.root)
    mini.path(C41).unlink()
    code, out, err = caaad("lint", "--spec", ".")
    assert code == 1
    assert out == f"standard.yaml:{mini.toc_line('4.1')}: clause 4.1 is in the table of contents but has no file clauses/4.1.yaml\n"
