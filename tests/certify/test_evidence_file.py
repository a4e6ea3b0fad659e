"""Bad evidence files: every problem is one line with file:line and field path, exit 2, no bundle; the
acceptance check reports the same lines with exit 1."""

import hashlib
from datetime import timedelta

import pytest

from caaad import outcomes
from caaad.certify.days import china_today
from conftest import cli

TODAY = china_today()
DAY = TODAY.isoformat()
LATER = (TODAY + timedelta(days=30)).isoformat()
POLICY = b"after-sales handling for non-returnable goods, published 2026-06-01"

BASE = """\
format: 1
profile: merchant
obligations:
  - obligation: "5.4.2.a-2"
    fingerprint: "{fp}"
    items:
      - id: E1
        decision: accepted
        reviewer: auditor-02
        date: "{day}"
        note: every sampled case shows an outcome the consumer confirmed
        artefacts:
          - path: artefacts/policy.txt
            sha256: {sha}
waivers:
  - obligation: "{waived}"
    fingerprint: "{waived_fp}"
    reason: no scenario in this kit version yet; witnessed test on site
    approver: certification-committee
    granted: "{day}"
    expires: "{later}"
"""


ENTRY = BASE[BASE.index("  - obligation"):BASE.index("waivers:")]
ITEM = ENTRY[ENTRY.index("      - id: E1"):]
WAIVER = BASE[BASE.index("waivers:\n") + len("waivers:\n"):]
A, B = "sha256:" + "a" * 64, "sha256:" + "b" * 64


@pytest.fixture
def values(spec, tmp_path):
    should = next(o for o in spec.obligations.values() if o.strength == "should" and outcomes.in_profile(o, "merchant"))
    outside = next(o for o in spec.obligations.values() if o.mode == "documentary" and not outcomes.in_profile(o, "merchant"))
    return {"fp": spec.obligations["5.4.2.a-2"].fingerprint, "day": DAY, "later": LATER, "folder": tmp_path,
            "yesterday": (TODAY - timedelta(days=1)).isoformat(), "tomorrow": (TODAY + timedelta(days=1)).isoformat(),
            "sha": hashlib.sha256(POLICY).hexdigest(), "waived": "5.2.3.a-1", "waived_fp": spec.obligations["5.2.3.a-1"].fingerprint,
            "should": should.id, "should_fp": should.fingerprint, "outside": outside.id, "outside_fp": outside.fingerprint}


@pytest.fixture
def case(values, runs, keypair, tmp_path, capsys):
    """certify with BASE changed by (old, new) text edits -> (exit code, stdout lines, stderr, evidence path)."""
    (tmp_path / "artefacts").mkdir()
    (tmp_path / "artefacts" / "policy.txt").write_bytes(POLICY)

    def run(*edits, check=False):
        text = BASE.format(**values)
        for old, new in edits:
            old, new = old.format(**values), new.format(**values)
            assert old in text, old
            text = text.replace(old, new, 1)
        path = tmp_path / "evidence.yaml"
        path.write_text(text, encoding="utf-8")
        results = runs("merchant") / "results.json"
        if check:
            code, out, err = cli(capsys, "certify", "--check", "--results", results, "--profile", "merchant", "--evidence", path)
        else:
            code, out, err = cli(capsys, "certify", "--results", results, "--evidence", path, "--profile", "merchant",
                                 "--out", tmp_path / "bundle", "--key", keypair[0], "--auditor", "lead-auditor-01")
            assert (code == 0) == (tmp_path / "bundle").exists()
        return code, out.splitlines(), err, str(path)
    return run


def test_the_base_file_is_good(case):
    code, lines, _, _ = case()
    assert code == 0 and lines[0].startswith("verdict for profile merchant: incomplete")


CASES = {
    "unknown obligation": ([('"5.4.2.a-2"', '"5.4.9.a-1"')], "4: $.obligations[0].obligation: unknown obligation id 5.4.9.a-1"),
    "obligation outside the profile": ([('"5.4.2.a-2"\n    fingerprint: "{fp}"', '"{outside}"\n    fingerprint: "{outside_fp}"')],
                                       "4: $.obligations[0].obligation: obligation {outside} is outside the merchant profile"),
    "automated obligation": ([('"5.4.2.a-2"', '"5.4.2.a-1"')],
                             "4: $.obligations[0].obligation: 5.4.2.a-1 is verified by its scenarios only (automated); it takes no evidence"),
    "artefact missing": ([("artefacts/policy.txt", "artefacts/gone.txt")],
                         "13: $.obligations[0].items[0].artefacts[0].path: artefact artefacts/gone.txt not found (relative to {folder})"),
    "artefact hash mismatch": ([("sha256: {sha}", "sha256: " + "f" * 64)],
                               "14: $.obligations[0].items[0].artefacts[0].sha256: artefact artefacts/policy.txt has sha256 {sha}, "
                               "the evidence file says " + "f" * 64),
    "absolute artefact path": ([("artefacts/policy.txt", "/srv/audit/policy.txt")],
                               "13: $.obligations[0].items[0].artefacts[0].path: /srv/audit/policy.txt is absolute: write it relative "
                               "to the evidence file's folder"),
    "expired waiver": ([('granted: "{day}"', 'granted: "2025-01-01"'), ('expires: "{later}"', 'expires: "{yesterday}"')],
                       "21: $.waivers[0].expires: waiver for 5.2.3.a-1 expired: valid through {yesterday} 24:00 China time, "
                       "certification date {day}"),
    "waiver not yet granted": ([('granted: "{day}"', 'granted: "{tomorrow}"'), ('expires: "{later}"', 'expires: "{tomorrow}"')],
                               "20: $.waivers[0].granted: waiver for 5.2.3.a-1 is granted from {tomorrow}, after the certification date {day}"),
    "waiver expiring before it is granted": ([('expires: "{later}"', 'expires: "2025-01-01"')],
                                             "21: $.waivers[0].expires: waiver for 5.2.3.a-1 expires on 2025-01-01, before it was granted ({day})"),
    "void waiver": ([('fingerprint: "{waived_fp}"', f'fingerprint: "{B}"')],
                    "17: $.waivers[0].fingerprint: waiver for 5.2.3.a-1 is void: its clause text changed since it was granted "
                    f"({B}, spec now {{waived_fp}})"),
    "waiver on a should obligation": ([('"{waived}"\n    fingerprint: "{waived_fp}"', '"{should}"\n    fingerprint: "{should_fp}"')],
                                      "16: $.waivers[0].obligation: {should} is a should obligation: it needs no waiver (it cannot change the verdict)"),
    "waiver outside the profile": ([('"{waived}"\n    fingerprint: "{waived_fp}"', '"{outside}"\n    fingerprint: "{outside_fp}"')],
                                   "16: $.waivers[0].obligation: obligation {outside} is outside the merchant profile"),
    "duplicate entry": ([("waivers:", ENTRY + "waivers:")], "15: $.obligations[1]: duplicate entry for 5.4.2.a-2 (first at line 4)"),
    "duplicate item": ([("waivers:", ITEM + "waivers:")], "15: $.obligations[0].items[1]: duplicate evidence item 5.4.2.a-2 E1 (first at line 7)"),
    "duplicate waiver": ([('expires: "{later}"\n', 'expires: "{later}"\n' + WAIVER)],
                         "22: $.waivers[1]: duplicate waiver for 5.2.3.a-1 (first at line 16)"),
    "unknown item": ([("- id: E1", "- id: E7")], "7: $.obligations[0].items[0].id: 5.4.2.a-2 has no evidence item E7 (it has E1)"),
    "unknown field": ([("    items:\n", "    comment: looks fine\n    items:\n")],
                      "4: $.obligations[0]: Additional properties are not allowed ('comment' was unexpected)"),
    "a person as reviewer": ([("reviewer: auditor-02", "reviewer: 张三")],
                             "9: $.obligations[0].items[0].reviewer: '张三' does not fit: A role name or an id the auditor chooses "
                             "(letters, digits, . _ : -), never a person's name or contact."),
    "accepted without artefacts": ([("        artefacts:\n          - path: artefacts/policy.txt\n            sha256: {sha}\n", "")],
                                   "7: $.obligations[0].items[0]: 'artefacts' is a required property"),
    "rejected without note": ([("decision: accepted", "decision: rejected"), ("        note: every sampled case shows an outcome the consumer confirmed\n", "")],
                              "7: $.obligations[0].items[0]: 'note' is a required property"),
    "unquoted date": ([('date: "{day}"', "date: {day}")],
                      '10: $.obligations[0].items[0].date: unquoted date {day} would be read as a date, not text; write "{day}"'),
    "not a calendar date": ([('date: "{day}"', 'date: "2026-02-30"')], "10: $.obligations[0].items[0].date: 2026-02-30 is not a calendar date"),
    "decided after the certification date": ([('date: "{day}"', 'date: "{tomorrow}"')],
                                             "10: $.obligations[0].items[0].date: decided on {tomorrow}, after the certification date {day}"),
    "clause text changed since the evidence": ([('fingerprint: "{fp}"', f'fingerprint: "{A}"')],
                                               f"5: $.obligations[0].fingerprint: clause text of 5.4.2.a-2 changed since this evidence was "
                                               f"recorded ({A}, spec now {{fp}}): examine it against the current text and update the fingerprint"),
    "copied criterion edited": ([("- id: E1\n", "- id: E1\n        criterion: {{zh: 有公示即可, en: any notice will do}}\n")],
                                "8: $.obligations[0].items[0].criterion: differs from the spec's criterion of 5.4.2.a-2: the evidence "
                                "file copies the spec, it cannot change it"),
    "a phone number in a note": ([("note: every sampled", "note: call 13800138000, every sampled")],
                                 "11: $.obligations[0].items[0].note: looks like personal data (a mobile phone number): record roles, ids "
                                 "and artefact paths, never people's details"),
    "an e-mail address in an artefact URI": ([("          - path: artefacts/policy.txt\n            sha256: {sha}\n",
                                               "          - path: artefacts/policy.txt\n            sha256: {sha}\n"
                                               "          - uri: mailto:wang.fang@example.com\n")],
                                             "15: $.obligations[0].items[0].artefacts[1].uri: looks like personal data (an e-mail address): "
                                             "record roles, ids and artefact paths, never people's details"),
    "profile mismatch": ([("profile: merchant", "profile: platform")], "2: $.profile: evidence for profile platform, but certifying profile merchant"),
    "duplicate YAML key": ([("        decision: accepted\n", "        decision: accepted\n        decision: pending\n")],
                           "9: $.obligations[0].items[0]: duplicate key 'decision' (first at line 8); YAML would keep only the last"),
    "YAML syntax": ([("format: 1\n", "format: [1\n")], "2: YAML syntax: did not find expected ',' or ']'"),
}


@pytest.mark.parametrize("name", CASES)
def test_each_problem_is_one_line_and_no_bundle(case, values, name):
    edits, expected = CASES[name]
    code, lines, err, path = case(*edits)
    assert (code, lines) == (2, [f"{path}:{expected.format(**values)}"]), name
    assert err == "caaad: 1 finding(s) in the evidence file; no bundle written\n"


def test_the_acceptance_check_reports_the_same_lines(case, values):
    edits, expected = CASES["expired waiver"]
    code, lines, err, path = case(*edits, check=True)
    assert (code, lines) == (1, [f"{path}:{expected.format(**values)}"])
    assert err == "caaad: 1 problem(s): the submission does not meet the acceptance rules\n"


def test_not_a_file_and_empty_file(case, tmp_path, runs, keypair, capsys):
    results = runs("merchant") / "results.json"
    for path, expected in ((tmp_path / "missing.yaml", "no such file"), (tmp_path / "empty.yaml", "1: file is empty")):
        if path.name == "empty.yaml":
            path.write_text("")
        code, out, _ = cli(capsys, "certify", "--results", results, "--evidence", path, "--profile", "merchant",
                           "--out", tmp_path / "b", "--key", keypair[0], "--auditor", "lead-auditor-01")
        assert (code, out.splitlines()) == (2, [f"{path}:{expected}" if expected[0].isdigit() else f"{path}: {expected}"])
