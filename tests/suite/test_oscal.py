"""`caaad export oscal`: a run with failures and an evidence file as OSCAL assessment results, validated by
compliance-trestle's OSCAL models (generated from NIST's official OSCAL JSON schemas; closed objects)."""

import json
import os

import pytest
import yaml

import launch
from pydantic import ValidationError

from test_reports import failing_run  # noqa: F401  (the fixture: a run of mutants:RefundToBalance)
from test_run import HERE

Model = pytest.importorskip("trestle.oscal.assessment_results", reason="compliance-trestle (test extra)").Model

def evidence_file(results_path, folder):
    """The run's evidence template (the profile all) with the items of 5.1.1.a-1 decided: E1 accepted with an
    artefact, E2 left pending; the others stay pending."""
    path = folder / "evidence.yaml"
    done = launch.caaad("evidence", "template", "--profile", "all", "--results", results_path, "--out", path, timeout=60)
    assert done.returncode == 0, done.stderr
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    entry = next(e for e in data["obligations"] if e["obligation"] == "5.1.1.a-1")
    entry["items"][0].update(decision="accepted", reviewer="auditor-1", date="2026-12-01", note="售后服务制度文件已审阅",
                             artefacts=[{"path": "evidence/policy.pdf", "sha256": "0" * 64}])
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def export(*args):
    env = {**os.environ, "PYTHONPATH": str(HERE)}
    done = launch.caaad("export", "oscal", *args, env=env, timeout=60)
    assert "Traceback" not in done.stdout + done.stderr
    return done


@pytest.fixture(scope="module")
def document(failing_run, tmp_path_factory):  # noqa: F811
    _, results, out = failing_run
    evidence = evidence_file(out / "results.json", tmp_path_factory.mktemp("oscal"))
    done = export("--results", out / "results.json", "--evidence", evidence)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout), results, out, evidence


def test_the_document_is_valid_oscal_assessment_results(document):
    oscal, *_ = document
    model = Model.model_validate(oscal)
    assert len(model.assessment_results.results[0].findings) == len(oscal["assessment-results"]["results"][0]["findings"])


def test_the_validation_can_fail(document):
    oscal, *_ = document
    broken = json.loads(json.dumps(oscal))
    del broken["assessment-results"]["results"][0]["findings"][0]["target"]
    with pytest.raises(ValidationError):
        Model.model_validate(broken)
    broken = json.loads(json.dumps(oscal))
    broken["assessment-results"]["results"][0]["findings"][0]["target"]["status"]["state"] = "passed"
    with pytest.raises(ValidationError):
        Model.model_validate(broken)


def test_one_finding_per_obligation_in_scope_with_the_runs_outcome(document):
    oscal, results, *_ = document
    findings = oscal["assessment-results"]["results"][0]["findings"]
    in_scope = {r["id"]: r["outcome"] for r in results["obligations"] if r["in_scope"]}
    assert [f["target"]["target-id"] for f in findings] == [f"req-{i}" for i in in_scope]
    for f in findings:
        oid = f["target"]["target-id"].removeprefix("req-")
        state = f["target"]["status"]
        assert (state["state"] == "satisfied") == (in_scope[oid] == "passed"), oid
        if in_scope[oid] == "failed":
            assert state["reason"] == "fail"
        if in_scope[oid] in ("error", "not_tested"):
            assert state["reason"] == "other"
        assert {"name": "outcome", "ns": "https://caaad.example/ns/oscal", "value": in_scope[oid]} in f["props"]


def test_observations_for_scenarios_and_evidence_are_linked_from_the_findings(document):
    oscal, results, *_ = document
    result = oscal["assessment-results"]["results"][0]
    observations = {o["uuid"]: o for o in result["observations"]}
    tested = [o for o in observations.values() if o["methods"] == ["TEST"]]
    assert len(tested) == len(results["scenarios"])
    refund = next(f for f in result["findings"] if f["target"]["target-id"] == "req-5.4.1.b-3")
    linked = [observations[r["observation-uuid"]] for r in refund["related-observations"]]
    assert len(linked) == 4 and all("the system refunded 余额" in o["description"] for o in linked)
    documentary = next(f for f in result["findings"] if f["target"]["target-id"] == "req-5.1.1.a-1")
    examined = [observations[r["observation-uuid"]] for r in documentary["related-observations"]]
    assert [o["methods"] for o in examined] == [["EXAMINE"], ["EXAMINE"]]
    assert examined[0]["relevant-evidence"][0]["href"] == "evidence/policy.pdf"
    assert examined[0]["collected"] == "2026-12-01T00:00:00+08:00" and "accepted" in examined[0]["description"]
    assert "pending" in examined[1]["description"]


def test_the_plan_is_the_kit_and_spec_and_the_export_is_reproducible(document):
    oscal, results, out, evidence = document
    ar = oscal["assessment-results"]
    plan = ar["back-matter"]["resources"][0]
    assert ar["import-ap"]["href"] == f"#{plan['uuid']}"
    assert {"name": "spec-digest", "ns": "https://caaad.example/ns/oscal", "value": results["spec_digest"]} in plan["props"]
    again = export("--results", out / "results.json", "--evidence", evidence)
    assert json.loads(again.stdout) == oscal


@pytest.mark.parametrize(("content", "line"), [
    ("format: 2\nprofile: all\nobligations: []\nwaivers: []\n", "caaad: {path}:1: $.format: 1 was expected"),
    ("format: 1\nprofile: all\nobligations: [\n", "caaad: {path}:4: YAML syntax: did not find expected node content"),
])
def test_a_bad_evidence_file_is_one_line(failing_run, tmp_path, content, line):  # noqa: F811
    path = tmp_path / "evidence.yaml"
    path.write_text(content, encoding="utf-8")
    done = export("--results", failing_run[2] / "results.json", "--evidence", path)
    assert done.returncode == 2 and not done.stdout
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(line.format(path=path)), done.stderr
