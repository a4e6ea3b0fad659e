"""`caaad trace`: the matrix, its gaps, and `--check` against spec/known-gaps.yaml."""

import csv
import dataclasses
import io
import json
import re
import shutil
from pathlib import Path

import pytest
import yaml

from caaad import cli
from caaad.matrix import inputs, matrix as trace_matrix, render
from caaad.scenarios import index_features
from caaad.specload import load_spec

ROOT = Path(__file__).resolve().parents[1]
KNOWN = ROOT / "spec" / "known-gaps.yaml"


@pytest.fixture(scope="module")
def loaded():
    spec = load_spec(ROOT / "spec").spec
    return spec, index_features(ROOT / "features", spec.obligations)


@pytest.fixture(autouse=True)
def at_root(monkeypatch):
    monkeypatch.chdir(ROOT)


def run(capsys, *argv):
    code = cli.main(["trace", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def copy_features(tmp_path: Path) -> Path:
    target = tmp_path / "features"
    shutil.copytree(ROOT / "features", target)
    return target


def sole_scenario_obligation(loaded):
    """A shall obligation verified by exactly one scenario that carries only its tag."""
    spec, index = loaded
    for oid, scenarios in index.by_obligation().items():
        o = spec.obligations.get(oid)
        if o and o.mandatory and len(scenarios) == 1 and scenarios[0].obligation_ids == (oid,):
            return oid, scenarios[0]
    pytest.skip("no obligation is verified by a single, singly tagged scenario yet")


def test_check_passes_on_the_repository(capsys):
    code, out, err = run(capsys, "--check")
    assert code == 0, out + err
    assert "trace check OK" in out


def test_check_fails_naming_the_gap_when_a_tag_is_removed(tmp_path, capsys, loaded):
    oid, scenario = sole_scenario_obligation(loaded)
    features = copy_features(tmp_path)
    path = tmp_path / scenario.file
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    tag_line = scenario.line - 2  # 0-based index of the line above the scenario keyword
    while f"@req:{oid}" not in lines[tag_line] and lines[tag_line].strip().startswith("@"):
        tag_line -= 1
    assert f"@req:{oid}" in lines[tag_line]
    lines[tag_line] = lines[tag_line].replace(f"@req:{oid}", "")
    path.write_text("".join(lines), encoding="utf-8")

    code, out, err = run(capsys, "--check", "--features", str(features))
    assert code == 1
    gap = [line for line in out.splitlines() if f"{oid} (" in line]
    assert gap and "no scenario is tagged" in gap[0] and "not listed in spec/known-gaps.yaml" in gap[0]
    assert f"{scenario.location}: scenario '{scenario.name}' has no @req:" in out  # now untagged
    assert "trace check failed" in err


def test_unknown_ids_and_duplicate_names_always_fail(tmp_path, capsys, loaded):
    _, index = loaded
    features = copy_features(tmp_path)
    first, second = index.scenarios[0], index.scenarios[1]
    path = tmp_path / first.file
    text = path.read_text(encoding="utf-8")
    text = text.replace(f"@req:{first.obligation_ids[0]}", "@req:9.9.9.z-1", 1)
    path.write_text(text, encoding="utf-8")
    path = tmp_path / second.file
    text = path.read_text(encoding="utf-8").replace(f": {second.name}\n", f": {first.name}\n", 1)
    path.write_text(text, encoding="utf-8")

    code, out, _ = run(capsys, "--check", "--features", str(features))
    assert code == 1
    assert "is tagged @req:9.9.9.z-1, which is not an obligation id in the spec" in out
    assert f"duplicate scenario name '{first.name}'" in out


def test_unparsable_feature_file_fails(tmp_path, capsys):
    features = copy_features(tmp_path)
    (features / "5.4" / "broken.feature").write_text("功能: no language line\n", encoding="utf-8")
    code, out, _ = run(capsys, "--check", "--features", str(features))
    assert code == 1
    assert "features/5.4/broken.feature:1: first line must be '# language: zh-CN'" in out


def test_stale_known_gap_entry_fails(tmp_path, capsys, loaded):
    spec, index = loaded
    covered = next(iter(index.by_obligation()))
    assert covered in spec.obligations
    known = tmp_path / "known-gaps.yaml"
    text = KNOWN.read_text(encoding="utf-8") + f'"{covered}": "was a gap once"\n"9.9-1": "never existed"\n'
    known.write_text(text, encoding="utf-8")
    line = len(text.splitlines()) - 1

    code, out, _ = run(capsys, "--check", "--known-gaps", str(known))
    assert code == 1
    assert f"{known}:{line}: {covered} is listed in known-gaps but now covered: remove it" in out
    assert f"{known}:{line + 1}: 9.9-1 is listed in known-gaps but is not an obligation id in the spec: remove it" in out


def test_a_gap_missing_from_known_gaps_fails(tmp_path, capsys):
    lines = KNOWN.read_text(encoding="utf-8").splitlines(keepends=True)
    entries = [i for i, line in enumerate(lines) if line.startswith('"')]
    if not entries:
        pytest.skip("no known gaps left")
    removed = lines.pop(entries[0])
    oid = json.loads(removed.split(": ", 1)[0])
    known = tmp_path / "known-gaps.yaml"
    known.write_text("".join(lines), encoding="utf-8")
    code, out, _ = run(capsys, "--check", "--known-gaps", str(known))
    assert code == 1
    assert re.search(rf"^spec/clauses/\S+:\d+: {re.escape(oid)} \(.*\(not listed in {re.escape(str(known))}\)$",
                     out, re.M), out


@pytest.mark.parametrize("content, where, message", [
    ('"5.4.1.a-1": one\n"5.4.1.a-1": two\n', ":2:", "duplicate key '5.4.1.a-1'"),
    ('"5.4.1.a-1": [unclosed\n', ":2:", "YAML syntax"),
    ("5.4: a reason\n", ":1:", "must be quoted"),
    ('"5.4.1.a-1": ""\n', ":1:", "the reason must be a non-empty text"),
    ("- 5.4.1.a-1\n", ":1:", "must map obligation ids to reasons"),
])
def test_unreadable_known_gaps_is_a_usage_error_with_file_and_line(tmp_path, capsys, content, where, message):
    known = tmp_path / "known-gaps.yaml"
    known.write_text(content, encoding="utf-8")
    code, out, err = run(capsys, "--check", "--known-gaps", str(known))
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1
    assert f"{known}{where}" in err and message in err


def test_missing_inputs_are_usage_errors(tmp_path, capsys):
    for argv in (["--known-gaps", str(tmp_path / "nope.yaml")], ["--results", str(tmp_path / "nope.json")],
                 ["--features", str(tmp_path / "nope")], ["--spec", str(tmp_path)]):
        code, out, err = run(capsys, *argv)
        assert code == 2, argv
        assert err.startswith("caaad: ") and len(err.strip().splitlines()) == 1, err
    bad = tmp_path / "results.json"
    bad.write_text('{\n  "obligations": [\n}', encoding="utf-8")
    code, _, err = run(capsys, "--results", str(bad))
    assert code == 2 and f"{bad}:3: not JSON" in err
    bad.write_text('{"scenarios": []}', encoding="utf-8")
    code, _, err = run(capsys, "--results", str(bad))
    assert code == 2 and "not a caaad results.json" in err


def test_json_format_parses_and_holds_every_obligation(capsys, loaded):
    spec, _ = loaded
    code, out, _ = run(capsys, "--format", "json")
    assert code == 0
    doc = json.loads(out)
    ids = [o["id"] for c in doc["clauses"] for o in c["obligations"]]
    assert ids == list(spec.obligations)
    assert doc["results"] is None and doc["check"] == []
    first = next(o for c in doc["clauses"] for o in c["obligations"] if o["scenarios"])
    assert re.fullmatch(r"features/.+\.feature:\d+", first["scenarios"][0]["location"])
    assert first["outcome"] is None


def test_csv_format_parses(capsys, loaded):
    spec, _ = loaded
    code, out, _ = run(capsys, "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert tuple(rows[0]) == render.CSV_COLUMNS
    obligation_rows = [r for r in rows if r["row"] == "obligation"]
    assert [r["obligation"] for r in obligation_rows] == list(spec.obligations)
    assert all(r["outcome"] == "not_run" for r in obligation_rows)
    with_scenarios = [r for r in obligation_rows if int(r["scenario_count"])]
    assert with_scenarios and all(r["scenarios"].count(".feature:") == int(r["scenario_count"]) for r in with_scenarios)


def test_markdown_lists_clauses_scenarios_and_known_gaps(capsys, loaded):
    _, index = loaded
    code, out, _ = run(capsys)
    assert code == 0
    assert out.startswith("# 追溯矩阵 Traceability matrix")
    assert "## 5.4 退换货服务" in out and "未运行 / not run" in out
    assert f"`{index.scenarios[0].location}`" in out
    if inputs.load_known_gaps(KNOWN).entries:
        assert "(known)" in out and "issue: executable conformance beyond 5.4" in out


def test_results_add_outcomes(tmp_path, capsys, loaded):
    spec, index = loaded
    passed, failed = index.scenarios[0], next(s for s in index.scenarios
                                              if not set(s.obligation_ids) & set(index.scenarios[0].obligation_ids))
    results = {
        "format": 1, "profile": "merchant", "started_at": "2024-03-01T09:00:00+08:00",
        "spec_digest": spec.digest, "features_digest": index.digest,
        "scenarios": [{"id": "a", "location": passed.location, "obligations": list(passed.obligation_ids),
                       "outcome": "passed"},
                      {"id": "b", "location": failed.location, "obligations": list(failed.obligation_ids),
                       "outcome": "failed"}],
        "obligations": [{"id": passed.obligation_ids[0], "outcome": "passed", "in_scope": True},
                        {"id": failed.obligation_ids[0], "outcome": "failed", "in_scope": True, "reason": ""}],
    }
    path = tmp_path / "results.json"
    path.write_text(json.dumps(results), encoding="utf-8")
    code, out, _ = run(capsys, "--format", "json", "--results", str(path))
    assert code == 0
    doc = json.loads(out)
    rows = {o["id"]: o for c in doc["clauses"] for o in c["obligations"]}
    assert rows[passed.obligation_ids[0]]["outcome"] == "passed"
    assert rows[failed.obligation_ids[0]]["outcome"] == "failed"
    assert doc["results"]["stale"] == [] and doc["results"]["profile"] == "merchant"
    scenario = next(s for s in rows[failed.obligation_ids[0]]["scenarios"] if s["location"] == failed.location)
    assert scenario["outcome"] == "failed"
    untouched = next(o for o in rows.values() if o["id"] not in {passed.obligation_ids[0], failed.obligation_ids[0]})
    assert untouched["outcome"] is None

    results["spec_digest"] = "sha256:" + "0" * 64
    path.write_text(json.dumps(results), encoding="utf-8")
    code, out, _ = run(capsys, "--results", str(path))
    assert code == 0 and "通过 / passed" in out and "未通过 / failed" in out
    assert "different version of spec" in out


def test_write_known_gaps_keeps_reasons_and_drops_stale_entries(tmp_path, capsys, loaded):
    _, index = loaded
    entries = inputs.load_known_gaps(KNOWN).entries
    if not entries:
        pytest.skip("no known gaps left")
    kept = next(iter(entries))
    covered = next(iter(index.by_obligation()))
    known = tmp_path / "known-gaps.yaml"
    known.write_text(f'"{kept}": "a maintainer\'s reason"\n"{covered}": "stale"\n', encoding="utf-8")
    code, out, _ = run(capsys, "--write-known-gaps", "--known-gaps", str(known))
    assert code == 0 and f"1 removed ({covered})" in out
    written = inputs.load_known_gaps(known).entries
    assert written[kept] == "a maintainer's reason"
    assert covered not in written and set(written) == set(entries)
    assert run(capsys, "--check", "--known-gaps", str(known))[0] == 0


def test_documentary_obligation_without_evidence_criterion_is_a_gap(loaded):
    spec, index = loaded
    o = next(o for o in spec.obligations.values() if o.mode == "documentary" and o.mandatory)
    changed = dict(spec.obligations)
    changed[o.id] = dataclasses.replace(o, evidence=())
    matrix = trace_matrix.build(dataclasses.replace(spec, obligations=changed), index)
    gaps = matrix.rows[o.id].gaps
    assert [g.kind for g in gaps] == [trace_matrix.NO_EVIDENCE]
    assert any(line.startswith(f"{o.source}: {o.id} (") and "no evidence item" in line for line in matrix.check())


def test_should_obligation_gaps_are_listed_but_never_fail(loaded):
    spec, index = loaded
    o = next((o for o in spec.obligations.values() if o.executable and not o.mandatory), None)
    if o is None:
        pytest.skip("no executable should/may obligation")
    bare = index_features(Path("/nonexistent"), spec.obligations)  # no scenarios at all
    matrix = trace_matrix.build(spec, bare)
    assert [g.kind for g in matrix.rows[o.id].gaps] == [trace_matrix.NO_SCENARIO]
    assert not any(o.id + " (" in line for line in matrix.check())


# --- teeth: the reference rule and the broken variants that fail each obligation (spec/kill-matrix.yaml) --------

KILLS = ROOT / "spec" / "kill-matrix.yaml"


def kill_matrix_without(tmp_path: Path, oid: str) -> tuple[Path, list[str]]:
    """A copy of the kit's kill matrix in which no variant fails `oid`; also the variants taken out."""
    data = yaml.safe_load(KILLS.read_text(encoding="utf-8"))
    removed = sorted(name for name, entry in data["variants"].items() if oid in entry["fails"])
    for name in removed:
        data["variants"][name]["fails"].remove(oid)
    path = tmp_path / "kill-matrix.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path, removed


def test_json_and_csv_name_each_obligations_rule_and_killing_variants(capsys):
    from caaad.reference_impl.rules import rule_index
    kills = inputs.load_kill_matrix(KILLS)
    code, out, _ = run(capsys, "--format", "json")
    rows = {o["id"]: o for c in json.loads(out)["clauses"] for o in c["obligations"]}
    assert code == 0 and rows["5.4.2.d-1"]["rules"] == list(rule_index()["5.4.2.d-1"])
    assert rows["5.4.2.d-1"]["killing_variants"] == list(kills.killers()["5.4.2.d-1"])
    assert rows["4.1-1"]["killing_variants"] == []  # documentary: nothing to kill
    code, out, _ = run(capsys, "--format", "csv")
    csv_rows = {r["obligation"]: r for r in csv.DictReader(io.StringIO(out)) if r["row"] == "obligation"}
    assert csv_rows["5.4.2.d-1"]["killing_variants"] == " ".join(kills.killers()["5.4.2.d-1"])


def test_markdown_shows_the_columns_and_the_teeth_figure(capsys, loaded):
    code, out, _ = run(capsys)
    s = json.loads(run(capsys, "--format", "json")[1])["summary"]
    assert code == 0 and "参考规则 Reference rule | 失效变体 Killing variants |" in out
    assert f"**{s['with_killing_variant']} / {s['with_scenarios']} (" in out
    assert "`reference_impl.rules.return_items:returned_with_goods`" in out and "`ReturnInstructionsWithoutGifts`" in out


def test_check_fails_on_an_obligation_no_variant_fails(tmp_path, capsys):
    path, removed = kill_matrix_without(tmp_path, "5.4.4.c-2")  # a may obligation: teeth count whatever the strength
    assert removed
    code, out, err = run(capsys, "--check", "--kill-matrix", str(path))
    assert code == 1 and "5.4.4.c-2 (may, automated): no broken variant fails it" in out, out + err
    assert "trace check failed: 1 problem(s)" in err


def test_check_fails_on_an_obligation_no_rule_declares(tmp_path, capsys, monkeypatch):
    from caaad.reference_impl import rules
    index = rules.rule_index()
    monkeypatch.setattr(rules, "rule_index", lambda: {k: v for k, v in index.items() if k != "5.4.1.b-4"})
    code, out, err = run(capsys, "--check")
    assert code == 1 and '5.4.1.b-4 (shall, hybrid): no rule of the reference system declares @implements("5.4.1.b-4")' in out


@pytest.mark.parametrize("content, message", [
    ("generated_at: 1\n", "generated_at must be a text"),
    ('generated_at: "x"\nkit_version: "0"\nvariants:\n  A:\n    run_at: "x"\n    fails: 5\n',
     ":5: variants.A.fails must be a list of obligation ids"),
])
def test_unreadable_kill_matrix_is_a_usage_error(tmp_path, capsys, content, message):
    path = tmp_path / "kill-matrix.yaml"
    path.write_text(content, encoding="utf-8")
    code, out, err = run(capsys, "--check", "--kill-matrix", str(path))
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1, err
