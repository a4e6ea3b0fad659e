"""`caaad certify --check`: the acceptance rules of a submission, one line per problem; and which of them stop
`caaad certify` from signing (blocking) or only leave the verdict incomplete."""

import json

import pytest

from caaad import __version__, outcomes
from conftest import cli, results_of


@pytest.fixture
def submission(runs, tmp_path):
    """A copy of the merchant run to edit: (results dict, save() -> path)."""
    results = results_of(runs("merchant"))

    def save():
        # Keep the file's own roll-up consistent with its scenarios, as caaad run writes it.
        per = {}
        for s in results["scenarios"]:
            for oid in s["obligations"]:
                per.setdefault(oid, []).append(s["outcome"])
        for row in results["obligations"]:
            if row["in_scope"]:
                row["outcome"] = outcomes.roll_up(per.get(row["id"], []))
        path = tmp_path / "results.json"
        path.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
        (tmp_path / "junit.xml").write_text(junit_for(results), encoding="utf-8")
        return path
    return results, save


def junit_for(results: dict) -> str:
    """The junit.xml of an edited run, as the kit writes it from results.json."""
    from caaad.junit import junit_xml
    return junit_xml(results).decode("utf-8")


def check(capsys, path, profile="merchant"):
    return cli(capsys, "certify", "--check", "--results", path, "--profile", profile)


def test_the_reference_run_meets_the_acceptance_rules(runs, capsys):
    code, out, _ = check(capsys, runs("merchant") / "results.json")
    assert code == 0 and out.startswith(f"submission meets the acceptance rules: profile merchant, caaad {__version__}")


def edit_kit(r):
    r["kit"]["version"] = "0.0.9"


def edit_spec(r):
    r["spec_digest"] = "sha256:" + "1" * 64


def edit_features(r):
    r["features_digest"] = "sha256:" + "2" * 64


def edit_describe(r):
    r["adapter"]["describe"], r["adapter"]["describe_error"] = None, "ConnectionRefusedError: [Errno 111] Connection refused"


def edit_roles(r):
    r["adapter"]["describe"]["roles"] = ["platform"]


BLOCKING = {
    "another kit version": (edit_kit, f"$.kit.version: made by caaad 0.0.9, this is caaad {__version__}: run the suite with this kit"),
    "another spec": (edit_spec, "$.spec_digest: made with spec sha256:" + "1" * 64 + ", this kit's spec is {spec}"),
    "other features": (edit_features, "$.features_digest: made with features sha256:" + "2" * 64 + ", this kit's features are {features}"),
    "no adapter declaration": (edit_describe, "$.adapter.describe: no adapter declaration: describe() failed "
                               "(ConnectionRefusedError: [Errno 111] Connection refused)"),
    "a role the system does not declare": (edit_roles, "$.adapter.describe.roles: profile merchant needs the role(s) merchant, "
                                           "but the system declares platform"),
}


@pytest.mark.parametrize("name", BLOCKING)
def test_blocking_problems(submission, capsys, keypair, tmp_path, spec, name, runs):
    results, save = submission
    edit, expected = BLOCKING[name]
    edit(results)
    path = save()
    features = results_of(runs("merchant"))["features_digest"]
    line = f"{path}: {expected.format(spec=spec.digest, features=features)}"
    code, out, err = check(capsys, path)
    assert (code, out.splitlines()) == (1, [line])
    assert err == "caaad: 1 problem(s): the submission does not meet the acceptance rules\n"
    evidence = tmp_path / "evidence.yaml"
    evidence.write_text("format: 1\nprofile: merchant\nobligations: []\nwaivers: []\n")
    code, out, err = cli(capsys, "certify", "--results", path, "--evidence", evidence, "--profile", "merchant",
                         "--out", tmp_path / "bundle", "--key", keypair[0], "--auditor", "lead-auditor-01")
    assert (code, out.splitlines()) == (1, [line]) and not (tmp_path / "bundle").exists()
    assert err == "caaad: 1 problem(s) make this submission uncertifiable; no bundle written\n"


def test_a_run_for_another_profile(runs, capsys):
    path = runs("merchant") / "results.json"
    code, out, _ = check(capsys, path, profile="platform")
    assert code == 1 and out.splitlines() == [f"{path}: $.profile: the run is for profile merchant, not platform: run with --profile platform"]


def test_an_edited_row_of_the_results(submission, capsys):
    results, save = submission
    path = save()
    index = next(i for i, row in enumerate(results["obligations"]) if row["outcome"] == "passed")
    row = results["obligations"][index]
    row["outcome"] = "failed"
    path.write_text(json.dumps(results, ensure_ascii=False), encoding="utf-8")
    code, out, _ = check(capsys, path)
    assert code == 1 and out.splitlines() == [
        f"{path}: $.obligations[{index}]: {row['id']} is failed but its scenarios roll up to passed: the file was edited or is broken"]


def test_errored_skipped_and_missing_scenarios_are_reported_and_leave_the_verdict_incomplete(submission, capsys, keypair, tmp_path):
    results, save = submission
    scenarios = [s for s in results["scenarios"] if s["outcome"] == "passed"]
    errored, skipped, precondition, dropped = scenarios[0], scenarios[1], scenarios[2], scenarios[3]
    errored.update(outcome="error", message="RuntimeError: database is locked")
    skipped.update(outcome="not_tested", message="not_tested: the system does not declare the capability reviews")
    precondition.update(outcome="not_tested", message="precondition not reachable: the platform rule allows no late report")
    results["scenarios"].remove(dropped)
    path = save()
    i_err, i_skip = results["scenarios"].index(errored), results["scenarios"].index(skipped)
    expected = [
        f"{path}: $.scenarios: the run lacks the scenario at {dropped['location']} ({dropped['name']}): a filtered run (-k/-m) cannot be certified",
        f"{path}: $.scenarios[{i_err}]: scenario errored at {errored['location']} ({errored['name']}): RuntimeError: database is locked",
        f"{path}: $.scenarios[{i_skip}]: scenario skipped at {skipped['location']} ({skipped['name']}): "
        "not_tested: the system does not declare the capability reviews",
    ]
    if any(s["location"] == dropped["location"] for s in results["scenarios"]):  # an outline keeps its other examples
        expected = expected[1:]
    code, out, _ = check(capsys, path)
    assert code == 1 and out.splitlines() == expected  # a precondition not reachable is not a skip for a capability
    evidence = tmp_path / "evidence.yaml"
    evidence.write_text("format: 1\nprofile: merchant\nobligations: []\nwaivers: []\n")
    code, out, _ = cli(capsys, "certify", "--results", path, "--evidence", evidence, "--profile", "merchant",
                       "--out", tmp_path / "bundle", "--key", keypair[0], "--auditor", "lead-auditor-01")
    lines = out.splitlines()
    assert code == 0 and lines[:len(expected)] == expected and lines[len(expected)].startswith("verdict for profile merchant: incomplete")
    rollup = json.loads((tmp_path / "bundle" / "rollup.json").read_text(encoding="utf-8"))
    for scenario in (errored, skipped, precondition):
        assert all(oid in rollup["open"] or not any(r["id"] == oid and r["decides_verdict"] for r in rollup["obligations"])
                   for oid in scenario["obligations"])


def test_results_that_are_not_results(tmp_path, capsys):
    path = tmp_path / "results.json"
    path.write_text("{\"format\": 1,\n \"kit\": ")
    code, out, err = check(capsys, path)
    assert (code, out, err) == (2, "", f"caaad: --results {path}:2: not JSON: Expecting value\n")  # one problem: one line
    path.write_text(json.dumps({"format": 2}))
    code, out, _ = check(capsys, path)
    assert code == 2 and f"{path}: $.format: 1 was expected" in out.splitlines()
    assert f"{path}: 'scenarios' is a required property" in out.splitlines()


def test_a_junit_xml_of_another_run(runs, tmp_path, capsys, keypair):
    """junit.xml from the platform run beside the merchant results: refused, scenario by scenario."""
    (tmp_path / "results.json").write_bytes((runs("merchant") / "results.json").read_bytes())
    junit = tmp_path / "junit.xml"
    junit.write_bytes((runs("platform") / "junit.xml").read_bytes())
    code, out, _ = check(capsys, tmp_path / "results.json")
    lines = out.splitlines()
    assert code == 1 and len(lines) == 1
    assert lines[0].startswith(f"{junit}: not the run of results.json: results.json has the scenario at features/")
    junit.write_text("<testsuites><testsuite>")
    code, out, _ = check(capsys, tmp_path / "results.json")
    assert code == 1 and out.splitlines() == [f"{junit}:1: not JUnit XML: no element found: line 1, column 23"]


def test_a_junit_xml_edited_with_the_same_outcomes(runs, tmp_path, capsys):
    """The kit writes junit.xml from results.json: same outcomes but another word is still another file."""
    (tmp_path / "results.json").write_bytes((runs("merchant") / "results.json").read_bytes())
    junit = tmp_path / "junit.xml"
    junit.write_bytes((runs("merchant") / "junit.xml").read_bytes().replace(b'name="', b'name="x', 1))
    code, out, _ = check(capsys, tmp_path / "results.json")
    assert (code, out.splitlines()) == (1, [f"{junit}: not the run of results.json: it differs from the junit.xml "
                                            "the kit writes for results.json (edited?)"])
