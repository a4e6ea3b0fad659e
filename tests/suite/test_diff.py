"""`caaad diff`: two real runs of two broken systems (tests/suite/mutants.py) that differ in every outcome
kind; the spec changes between runs (digest, fingerprints, obligations added and removed) are made by
editing NEW's results.json, as a newer kit version would write it."""

import json
import os

import pytest

import launch

from test_run import HERE, caaad_run

OLD_K = "混合支付 or 七天无理由退货按暂行办法 or 可查询商家承诺"
NEW_K = "混合支付 or 七天无理由退货按暂行办法 or 自签收次日起"


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    base = tmp_path_factory.mktemp("diff")
    # OLD refunds to the balance: 5.4.1.b-3 and 5.3.2.c-1 fail; 4.2-1 passes.
    done, _ = caaad_run("--adapter", "mutants:RefundToBalance", "-q", "-k", OLD_K, out=base / "old")
    assert done.returncode == 1
    # NEW counts the 7 days from signing: 5.4.1.a-3 newly fails, 5.3.2.c-1 fails with another message,
    # 5.4.1.b-3 passes; 4.2-1's scenario is not selected, so it is no longer passing.
    done, _ = caaad_run("--adapter", "mutants:WindowFromSigningDay", "-q", "-k", NEW_K, out=base / "new")
    assert done.returncode == 1
    return base


def caaad_diff(*args):
    env = {**os.environ, "PYTHONPATH": str(HERE)}
    done = launch.caaad("diff", *args, env=env, timeout=60)
    assert "Traceback" not in done.stdout + done.stderr
    return done


def as_json(done):
    return json.loads(done.stdout)


def test_outcomes_are_compared_by_obligation(runs):
    done = caaad_diff(runs / "old" / "results.json", runs / "new" / "results.json", "--format", "json")
    assert done.returncode == 1, "something regressed"
    d = as_json(done)
    ids = {kind: [e["id"] for e in d[kind]] for kind in ("newly_failing", "no_longer_passing", "newly_passing", "still_failing")}
    assert ids == {"newly_failing": ["5.4.1.a-3"], "no_longer_passing": ["4.2-1"], "newly_passing": ["5.4.1.b-3"],
                   "still_failing": ["5.3.2.c-1"]}
    assert (d["no_longer_passing"][0]["old"], d["no_longer_passing"][0]["new"]) == ("passed", "not_tested")
    still = d["still_failing"][0]
    assert still["messages_changed"] and "7D Art 14-15" in next(iter(still["old_messages"].values()))
    assert "7D Art 10" in next(iter(still["new_messages"].values()))
    assert d["regressions"] == 2 and not d["spec_changed"] and not d["features_changed"]
    assert not d["requirements_changed"] and not d["obligations_added"] and not d["obligations_removed"]
    assert d["scenarios_removed"] == ["features/4/4.2.feature 消费者下单前可查询商家承诺的退货期限和退货运费承担方"]
    assert len(d["scenarios_added"]) == 4 and all("[签收时间=" in s for s in d["scenarios_added"])


def test_the_reverse_direction_regresses_too_and_the_same_run_does_not(runs):
    old, new = runs / "old" / "results.json", runs / "new" / "results.json"
    reverse = as_json(caaad_diff(new, old, "--format", "json"))
    assert [e["id"] for e in reverse["newly_failing"]] == ["5.4.1.b-3"]
    same = caaad_diff(old, old)
    assert same.returncode == 0 and "**无退步 NO REGRESSION**: 0 newly failing" in same.stdout


def test_a_changed_spec_marks_the_obligations_whose_text_changed(runs, tmp_path):
    new = json.loads((runs / "new" / "results.json").read_text(encoding="utf-8"))
    new["spec_digest"] = "sha256:" + "0" * 64
    new["features_digest"] = "sha256:" + "1" * 64
    row = next(r for r in new["obligations"] if r["id"] == "5.4.1.a-3")
    row["fingerprint"] = "sha256:" + "2" * 64
    removed = next(r for r in new["obligations"] if r["id"] == "A.1-1")
    new["obligations"].remove(removed)
    new["obligations"].append({**row, "id": "5.4.1.a-9", "fingerprint": "sha256:" + "3" * 64, "outcome": "not_tested",
                               "scenarios": []})
    path = tmp_path / "new.json"
    path.write_text(json.dumps(new, ensure_ascii=False), encoding="utf-8")
    d = as_json(caaad_diff(runs / "old" / "results.json", path, "--format", "json"))
    assert d["spec_changed"] and d["features_changed"] and d["fingerprints_known"]
    assert d["requirements_changed"] == ["5.4.1.a-3"]
    assert d["newly_failing"][0]["requirement_changed"] and not d["still_failing"][0]["requirement_changed"]
    assert d["obligations_added"] == ["5.4.1.a-9"] and d["obligations_removed"] == [removed["id"]]
    md = caaad_diff(runs / "old" / "results.json", path).stdout
    assert "| 5.4.1.a-3 | 5.4.1 | shall | not_tested | failed | ⚠ requirement text changed |" in md
    assert "- spec: **changed**" in md and "1 obligation(s) whose text changed are marked ⚠" in md
    assert "## 场景新增 Scenarios added (4)" in md and f"## 义务删除 Obligations removed (1)\n\n- {removed['id']}" in md


def test_results_without_fingerprints_say_the_changed_requirements_are_unknown(runs, tmp_path):
    old = json.loads((runs / "old" / "results.json").read_text(encoding="utf-8"))
    for row in old["obligations"]:
        del row["fingerprint"]  # as written before the field existed
    old["spec_digest"] = "sha256:" + "0" * 64
    path = tmp_path / "old.json"
    path.write_text(json.dumps(old, ensure_ascii=False), encoding="utf-8")
    done = caaad_diff(path, runs / "new" / "results.json")
    assert "without per-obligation fingerprints cannot say which requirements changed" in done.stdout


def test_markdown_and_json_say_the_same(runs, tmp_path):
    old, new = runs / "old" / "results.json", runs / "new" / "results.json"
    out = tmp_path / "diff.md"
    done = caaad_diff(old, new, "-o", out)
    assert done.returncode == 1 and not done.stdout
    md = out.read_text(encoding="utf-8")
    assert md.startswith(f"# caaad diff: {old} → {new}\n\n**退步 REGRESSED**: 1 newly failing, 1 no longer passing, "
                         "1 newly passing, 1 still failing")
    assert "| 5.3.2.c-1 | 5.3.2 | shall | failed | failed | messages changed |" in md
    assert "(was: 5.3.2.c-1 (7D Art 14-15)" in md
    assert "## 仅在旧运行中 Scenarios run in OLD only (same features, another selection) (1)" in md


@pytest.mark.parametrize(("content", "line"), [
    (None, "caaad: {path}: No such file or directory"),
    ("{not json", "caaad: {path}: not a results.json (not JSON: "),
    ('{"format": 2}', "caaad: {path}: not a results.json of format 1 ($.format is 2)"),
    ('{"format": 1, "spec_digest": "x"}', "caaad: {path}: $.features_digest is missing; not a results.json of the kit"),
    ("[]", "caaad: {path}: not a results.json (not an object)"),
])
def test_unusable_input_is_one_line_and_exit_2(runs, tmp_path, content, line):
    path = tmp_path / "bad.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    done = caaad_diff(path, runs / "new" / "results.json")
    assert done.returncode == 2 and not done.stdout
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(line.format(path=path)), done.stderr
