"""`caaad run` as a vendor meets it: results, parallel runs, profiles, and every way input goes wrong."""

import json
import os
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import launch
from cascade import essence

from caaad.paths import features_dir, spec_dir
from caaad.specload import load_spec

HERE = Path(__file__).resolve().parent


def caaad_run(*args, features: Path | None = None, out: Path, path: Path | None = None, env: dict | None = None,
              fresh: bool = False):
    env = {**os.environ, **(env or {}), "PYTHONPATH": os.pathsep.join(filter(None, [str(HERE), path and str(path),
                                                                     os.environ.get("PYTHONPATH")]))}
    if features:
        env["CAAAD_FEATURES_DIR"] = str(features)
    done = launch.caaad("run", "--out", out, *args, env=env, fresh=fresh)
    assert "Traceback" not in done.stdout + done.stderr
    results = out / "results.json"
    return done, (json.loads(results.read_text(encoding="utf-8")) if results.is_file() else None)


def caaad_run_in_process(capsys, monkeypatch, *args, out: Path):
    """`caaad run` in this process, for command lines it refuses before running anything: its exit code and
    what it printed. The environment it may set (the HTTP timeout) is the test's own."""
    from caaad.cli import main
    monkeypatch.setattr(os, "environ", dict(os.environ))
    code = main(["run", "--out", str(out), *args])
    printed = capsys.readouterr()
    assert "Traceback" not in printed.out + printed.err
    return code, printed, (out / "results.json").is_file()


# A pytest plugin that keeps only the first scenario: were it loaded, a failing system could pass.
FIRST_ONLY = "def pytest_collection_modifyitems(items):\n    del items[1:]\n"


def test_the_environment_cannot_change_what_runs(tmp_path):
    """Neither pytest's variables nor its installed plugins nor an ini file around the kit take part in a run."""
    (tmp_path / "first_only.py").write_text(FIRST_ONLY)
    info = tmp_path / "first_only-1.0.dist-info"  # an installed plugin, as pytest would load it unasked
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: first-only\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[pytest11]\nfirst_only = first_only\n")
    done, results = caaad_run("--adapter", "mutants:RefundToBalance", "-k", "混合支付", out=tmp_path / "out", path=tmp_path,
                              env={"PYTEST_ADDOPTS": "-x", "PYTEST_PLUGINS": "first_only"}, fresh=True)
    assert done.returncode == 1 and len(results["scenarios"]) == 4, [s["name"] for s in results["scenarios"]]
    assert {s["outcome"] for s in results["scenarios"]} == {"failed"}  # the balance is no payment path of these
    assert done.stderr.splitlines() == [
        "caaad: PYTEST_ADDOPTS='-x' is ignored: caaad run takes its own options and plugins only",
        "caaad: PYTEST_PLUGINS='first_only' is ignored: caaad run takes its own options and plugins only"]
    assert results["adapter"]["spec"] == "mutants:RefundToBalance"
    # No ini file above the kit configures the run (here the checkout's pyproject.toml): the steps folder is the
    # rootdir, so a scenario's id is the same wherever the kit is installed.
    assert all(s["id"].startswith("suite.py::test_") for s in results["scenarios"]), results["scenarios"][0]["id"]


@pytest.mark.parametrize("args", [("--adapter", "mutants:RefundToBalance", "-k", "混合支付"),
                                  ("--adapter", "bad_adapters:LeaksPersonalData", "-k", "混合支付", "-v"),
                                  ("--adapter", "vendor_module:Adapter",), ("-k", "没有这样的场景",)],
                         ids=["failing", "erroring", "unloadable", "nothing selected"])
def test_a_command_forked_by_the_tests_gives_what_a_new_interpreter_gives(tmp_path, args):
    """tests/launch.py, through which most of these tests run caaad: exit code, both outputs and results alike."""
    (tmp_path / "vendor_module.py").write_text("raise RuntimeError('no database')\n")
    runs = {fresh: caaad_run(*args, out=tmp_path / str(fresh), path=tmp_path, fresh=fresh) for fresh in (True, False)}
    (new, new_results), (forked, forked_results) = runs[True], runs[False]
    assert forked.returncode == new.returncode
    assert forked.stdout.replace(str(tmp_path / "False"), "OUT") == new.stdout.replace(str(tmp_path / "True"), "OUT")
    assert forked.stderr == new.stderr
    if new_results is None:
        assert forked_results is None
    else:
        assert essence(forked.returncode, forked_results) == essence(new.returncode, new_results)


def outcomes(results: dict) -> dict[str, str]:
    return {o["id"]: o["outcome"] for o in results["obligations"]}


@pytest.fixture(scope="module")
def full_runs(tmp_path_factory):
    base = tmp_path_factory.mktemp("runs")
    return {"serial": caaad_run(out=base / "serial"), "xdist": caaad_run("-n", "2", out=base / "xdist"),
            "out": base}


def test_results_document_the_run(full_runs):
    done, results = full_runs["serial"]
    assert done.returncode == 0
    spec = load_spec(spec_dir()).spec
    assert results["spec_digest"] == spec.digest and results["standard"] == "T/CAAAD 001—2023"
    assert results["adapter"]["describe"]["contract_version"] == results["contract_version"]
    assert results["kit"]["name"] == "caaad-conformance" and results["features_digest"].startswith("sha256:")
    assert {o["id"] for o in results["obligations"]} == set(spec.obligations)
    for scenario in results["scenarios"]:
        # features/<group>/<clause>.feature, e.g. features/4/4.2.feature, features/5.4/5.4.1.feature
        found = re.fullmatch(r"features/([0-9A-Z.]+)/([0-9A-Z.]+)\.feature:\d+", scenario["location"])
        assert found and found[2].startswith(found[1]), scenario["location"]
        assert all(spec.obligations[oid].clause_id == found[2] for oid in scenario["obligations"]), scenario["location"]
        assert scenario["obligations"] and scenario["duration_s"] >= 0 and scenario["outcome"] == "passed"
    tagged = {oid for scenario in results["scenarios"] for oid in scenario["obligations"]}
    executable_54 = {o.id for o in spec.obligations.values() if o.clause_id.startswith("5.4") and o.executable}
    assert executable_54 <= tagged  # clause 5.4 is covered in full
    assert {oid for oid, outcome in outcomes(results).items() if outcome == "passed"} == tagged
    assert "5.4.1" in done.stdout and "wrote" in done.stdout


def test_report_md_leads_with_the_verdict_then_the_matrix_with_this_runs_outcomes(full_runs):
    report = (full_runs["out"] / "serial" / "report.md").read_text(encoding="utf-8")
    lines = report.splitlines()
    assert lines[0] == "# 一致性测试报告 Conformance run — caaad reference system 0.1.0"
    assert lines[2].startswith("**未发现不符合 NO FAILURE FOUND: ")
    assert "## 未通过的义务 Failing obligations\n\nNone.\n" in report
    assert report.index("## 未通过的义务") < report.index("## 追溯矩阵 Traceability matrix")
    assert "| 5.4.1 | 5.4.1.b-3 | 应 shall |" in report and "通过 / passed" in report


def test_junit_has_one_testcase_per_scenario(full_runs):
    _, results = full_runs["serial"]
    root = ET.parse(full_runs["out"] / "serial" / "junit.xml").getroot()
    cases = list(root.iter("testcase"))
    assert len(cases) == len(results["scenarios"]) == int(root.get("tests"))
    assert len({(c.get("file"), c.get("name")) for c in cases}) == len(cases), "outline examples are told apart"
    assert {s.get("name") for s in root.iter("testsuite")} == {s["location"].rpartition(":")[0] for s in results["scenarios"]}


def test_parallel_run_gives_the_same_results(full_runs):
    (_, serial), (xdist_done, xdist) = full_runs["serial"], full_runs["xdist"]
    assert xdist_done.returncode == 0
    assert outcomes(xdist) == outcomes(serial)
    assert sorted(s["id"] for s in xdist["scenarios"]) == sorted(s["id"] for s in serial["scenarios"])


def copy_features(tmp_path: Path, edit) -> Path:
    target = tmp_path / "features"
    shutil.copytree(features_dir(), target)
    path = target / "5.4" / "5.4.1.feature"
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    return target


def test_unknown_obligation_id_stops_the_run(tmp_path):
    features = copy_features(tmp_path, lambda t: t.replace("@req:5.4.1.a-1\n", "@req:5.4.9.z-1\n", 1))
    done, results = caaad_run(features=features, out=tmp_path / "out")
    assert done.returncode == 2 and results is None
    assert re.search(r"features/5\.4/5\.4\.1\.feature:\d+: scenario '.+' is tagged @req:5\.4\.9\.z-1, "
                     r"which is not an obligation id in the spec", done.stdout + done.stderr)


def test_duplicate_scenario_name_stops_the_run(tmp_path):
    def duplicate(text):
        names = re.findall(r"^  场景: (.+)$", text, flags=re.M)
        return text.replace(f"场景: {names[1]}", f"场景: {names[0]}", 1)
    done, _ = caaad_run(features=copy_features(tmp_path, duplicate), out=tmp_path / "out")
    assert done.returncode == 2
    assert "pytest-bdd would silently run only one" in done.stdout + done.stderr


def test_a_malformed_amount_in_a_feature_stops_the_run_in_one_line(tmp_path):
    # before, the scenario ran and errored with "Step definition is not found", counted against the system
    features = copy_features(tmp_path, lambda t: t.replace('"129.00" 元', '"129.0" 元', 1))
    done, results = caaad_run(features=features, out=tmp_path / "out")
    assert done.returncode == 2 and results is None
    assert re.search(r'features/5\.4/5\.4\.1\.feature:\d+: amount "129\.0" 元: write it with two decimals', done.stderr)


@pytest.mark.parametrize(("adapter", "message"), [
    ("nosuch.module:Adapter", "caaad: --adapter nosuch.module:Adapter: cannot import module 'nosuch.module'"),
    ("bad_adapters:Missing", "caaad: --adapter bad_adapters:Missing: module 'bad_adapters' has no attribute 'Missing'"),
    ("bad_adapters:Incomplete", "caaad: --adapter bad_adapters:Incomplete: bad_adapters:Incomplete is missing operations: clock_now"),
    ("no-colon", "caaad: --adapter no-colon:"),
    ("bad_adapters:ExitsInConstructor", "caaad: --adapter bad_adapters:ExitsInConstructor: cannot create "
                                        "bad_adapters:ExitsInConstructor: SystemExit: 3"),
    ("bad_adapters:ExitsOnClose", "caaad: --adapter bad_adapters:ExitsOnClose: closing bad_adapters:ExitsOnClose "
                                  "failed: SystemExit: 0"),
    ("bad_adapters:LeaksInConstructor", "caaad: --adapter bad_adapters:LeaksInConstructor: cannot create "
                                        "bad_adapters:LeaksInConstructor: RuntimeError: licence expired, write to [e-mail address]"),
])
def test_unusable_adapter_is_one_line_and_exit_2(tmp_path, capsys, monkeypatch, adapter, message):
    code, printed, wrote = caaad_run_in_process(capsys, monkeypatch, "--adapter", adapter, out=tmp_path / "out")
    assert code == 2 and not wrote
    lines = printed.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(message), printed.err
    assert not printed.out.strip()


@pytest.mark.parametrize(("args", "line"), [
    (["-n", "-1"], "caaad: -n -1: the number of worker processes is a whole number from 1 to"),
    (["-n", "0"], "caaad: -n 0: the number of worker processes is a whole number from 1 to"),
    (["-n", "abc"], "caaad: -n abc: the number of worker processes is a whole number from 1 to"),
    (["-n", "500"], "caaad: -n 500: the number of worker processes is a whole number from 1 to"),
    (["-k", "("], "caaad: -k '(': at column 2: expected not OR left parenthesis OR identifier; got end of input"),
    (["-m", "and or"], "caaad: -m 'and or': at column 1: expected not OR left parenthesis OR identifier; got and"),
    (["-m", "strength_must"], "caaad: -m 'strength_must': no such marker strength_must;"),
    (["--adapter", "ftp://example.org/x"], "caaad: --adapter ftp://example.org/x: URL scheme 'ftp' is not served"),
    (["--out", "{tmp}/file"], "caaad: --out {tmp}/file: exists and is not a folder"),
    (["--timeout", "0"], "caaad: --timeout 0: a number of seconds, more than 0"),
    (["--scenario-timeout", "-1"], "caaad: --scenario-timeout -1: a number of seconds, more than 0 (0: no limit)"),
    (["--run-timeout", "soon"], "caaad: --run-timeout soon: a number of seconds, more than 0 (0: no limit)"),
    (["--out", "{tmp}/file/below"], "caaad: --out {tmp}/file/below: "),
])
def test_bad_command_line_is_one_line_and_exit_2(tmp_path, capsys, monkeypatch, args, line):
    (tmp_path / "file").write_text("not a folder")
    args = [a.format(tmp=tmp_path) for a in args]
    out = tmp_path / "out" if "--out" not in args else Path(args[1])
    code, printed, wrote = caaad_run_in_process(capsys, monkeypatch, *(args if "--out" not in args else args[2:]), out=out)
    assert code == 2 and not wrote
    lines = printed.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(line.format(tmp=tmp_path)), printed.err
    assert not printed.out.strip(), "nothing of pytest's own output before the line"


@pytest.mark.parametrize(("source", "line"), [
    ("class Adapter(:\n", "caaad: --adapter vendor_module:Adapter: cannot import module 'vendor_module': SyntaxError: "),
    ("raise RuntimeError('no database')\n", "caaad: --adapter vendor_module:Adapter: cannot import module "
                                             "'vendor_module': RuntimeError: no database"),
    ("import sys\nsys.exit(0)\n", "caaad: --adapter vendor_module:Adapter: cannot import module 'vendor_module': "
                                  "SystemExit: 0"),
])
def test_broken_adapter_module_is_one_line_and_exit_2(tmp_path, source, line):
    (tmp_path / "vendor_module.py").write_text(source)
    done, results = caaad_run("--adapter", "vendor_module:Adapter", out=tmp_path / "out", path=tmp_path)
    assert done.returncode == 2 and results is None
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(line), done.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a read-only folder anyway")
def test_read_only_out_is_refused_before_the_suite_runs(tmp_path):
    out = tmp_path / "ro"
    out.mkdir(mode=0o555)
    done, _ = caaad_run(out=out)
    assert done.returncode == 2 and done.stderr.startswith(f"caaad: --out {out}: Permission denied")


@pytest.mark.parametrize(("prepare", "line"), [
    (lambda f: (f / "5.4" / "5.4.1.feature").write_bytes((f / "5.4" / "5.4.1.feature").read_bytes() + b"\xff\n"),
     r"caaad: features/5\.4/5\.4\.1\.feature:\d+: not UTF-8: byte 0xff cannot be decoded; save as UTF-8"),
    (lambda f: shutil.rmtree(f), r"caaad: .+/features: the features folder does not exist"),
])
def test_unreadable_features_are_one_line_and_exit_2(tmp_path, prepare, line):
    features = copy_features(tmp_path, lambda text: text)
    prepare(features)
    done, results = caaad_run(features=features, out=tmp_path / "out")
    assert done.returncode == 2 and results is None
    assert re.fullmatch(line, done.stderr.strip()), done.stderr


@pytest.fixture(scope="module")
def raises_on_order(tmp_path_factory):
    """One run against a system that raises on place_order, read by the two tests below."""
    out = tmp_path_factory.mktemp("raises") / "out"
    done, results = caaad_run("--adapter", "bad_adapters:RaisesOnOrder", "-k", "混合支付", out=out)
    return done, results, out


def test_system_that_raises_makes_scenarios_error_never_passed(raises_on_order):
    done, results, out = raises_on_order
    assert done.returncode == 1
    assert results["scenarios"] and {s["outcome"] for s in results["scenarios"]} == {"error"}
    assert all("AdapterFailure: operation place_order: adapter failed: RuntimeError: database is locked" in s["message"]
               for s in results["scenarios"])
    assert outcomes(results)["5.4.1.b-3"] == "error"
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "- **error** `features/5.4/5.4.1.feature:" in report and "database is locked" in report


def junit_counts(path: Path) -> dict[str, int]:
    root = ET.parse(path).getroot()
    return {"errors": len(list(root.iter("error"))), "failures": len(list(root.iter("failure"))),
            "declared_errors": int(root.get("errors")), "declared_failures": int(root.get("failures"))}


def test_junit_reports_errors_as_errors(raises_on_order):
    done, results, out = raises_on_order
    errored = sum(1 for s in results["scenarios"] if s["outcome"] == "error")
    assert errored and junit_counts(out / "junit.xml") == {
        "errors": errored, "failures": 0, "declared_errors": errored, "declared_failures": 0}


@pytest.mark.parametrize(("adapter", "raised"), [
    ("ExitsOnOrder", "operation place_order: adapter failed: SystemExit: 0"),
    ("InterruptsOnOrder", "operation place_order: adapter failed: KeyboardInterrupt"),
    ("SkipsOnOrder", "operation place_order: adapter failed: Skipped: not today"),
    ("ExitsInDescribe", "operation describe: adapter failed: SystemExit: 0"),
])
def test_base_exceptions_of_the_system_are_errors_and_the_run_completes(tmp_path, adapter, raised):
    """SystemExit, KeyboardInterrupt or pytest.skip raised inside an adapter must not end the run or decide an
    outcome: a CI reading exit 0 with no results would call the system conformant."""
    done, results = caaad_run("--adapter", f"bad_adapters:{adapter}", "-k", "混合支付", out=tmp_path / "out")
    assert done.returncode == 1, done.stderr
    assert results["scenarios"] and {s["outcome"] for s in results["scenarios"]} == {"error"}
    assert all(raised in s["message"] for s in results["scenarios"]), results["scenarios"][0]["message"]
    assert outcomes(results)["5.4.1.b-3"] == "error"
    assert junit_counts(tmp_path / "out" / "junit.xml")["errors"] == len(results["scenarios"])
    assert (tmp_path / "out" / "report.md").is_file()


def test_a_system_that_never_answers_is_cut_off_by_the_time_limits(tmp_path):
    """An in-process adapter looping for ever (and swallowing exceptions) must not hang the run."""
    done, results = caaad_run("--adapter", "bad_adapters:LoopsOnOrder", "-k", "混合支付 or 质量问题",
                              "--scenario-timeout", "1", "--run-timeout", "3.5", out=tmp_path / "out")
    assert done.returncode == 1
    messages = [s["message"] for s in results["scenarios"]]
    assert messages and {s["outcome"] for s in results["scenarios"]} == {"error"}
    assert "no complete answer within 1 s (operation place_order; the scenario time limit)" in messages
    assert "not run: the run time limit of 3.5 s was used up" in messages
    allowed = (r"no complete answer within 1 s \(operation place_order; the scenario time limit\)",
               r"no complete answer within 3.5 s \((operation \w+|between operations); the run time limit\)",
               r"not run: the run time limit of 3.5 s was used up")
    assert all(any(re.fullmatch(a, m) for a in allowed) for m in messages), messages
    assert junit_counts(tmp_path / "out" / "junit.xml")["errors"] == len(messages)


def test_the_users_interrupt_stops_the_run_and_says_so(tmp_path):
    done, results = caaad_run("--adapter", "bad_adapters:CtrlCOnOrder", "-k", "混合支付", out=tmp_path / "out")
    assert done.returncode == 130
    assert "caaad: the run was interrupted; results.json and junit.xml hold only the 0 scenarios that ran" in done.stderr
    assert results is not None and (tmp_path / "out" / "junit.xml").is_file()


def test_answer_outside_the_contract_is_an_error_naming_operation_and_path(tmp_path):
    done, results = caaad_run("--adapter", "bad_adapters:NegativeTotal", "-k", "混合支付", out=tmp_path / "out")
    assert done.returncode == 1 and {s["outcome"] for s in results["scenarios"]} == {"error"}
    assert all("operation place_order: response $.order.total_paid_fen: -1 is less than the minimum of 0"
               in s["message"] for s in results["scenarios"]), results["scenarios"][0]["message"]


def test_missing_capability_is_not_tested(tmp_path):
    done, results = caaad_run("--adapter", "bad_adapters:NoDisputes", "-m", "phase_returns and actor_platform",
                              "-k", "平台", out=tmp_path / "out")
    disputes = [s for s in results["scenarios"] if "capability" in s["message"]]
    assert disputes and all(s["outcome"] == "not_tested" and "disputes" in s["message"] for s in disputes)
    assert "passed" not in {outcomes(results)[oid] for s in disputes for oid in s["obligations"]}
    assert done.returncode == 0  # nothing failed or errored; the summary shows what was not tested
    assert "not_tested" in done.stdout


def test_profile_makes_other_actors_not_applicable(tmp_path):
    done, results = caaad_run("--profile", "merchant", "-k", "商品页明示 or 混合支付", out=tmp_path / "out")
    assert done.returncode == 0
    by_name = {s["name"]: s["outcome"] for s in results["scenarios"]}
    assert by_name == {"商品页明示是否适用无理由退货及不适用的原因": "not_applicable", "混合支付时按原支付方式按比例退款": "passed"}
    row = next(o for o in results["obligations"] if o["id"] == "5.4.1.a-1")
    assert (row["actor"], row["in_scope"], row["outcome"]) == ("platform", False, "not_applicable")


def test_markers_derived_from_the_spec_select_scenarios(tmp_path):
    done, results = caaad_run("-m", "actor_platform and strength_shall", out=tmp_path / "out")
    spec = load_spec(spec_dir()).spec
    assert done.returncode == 0 and results["scenarios"]
    for scenario in results["scenarios"]:
        actors = {(spec.obligations[i].actor, spec.obligations[i].strength) for i in scenario["obligations"]}
        assert ("platform", "shall") in actors, scenario["name"]


def test_bad_out_directory_is_one_line(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    done, _ = caaad_run(out=blocker / "sub")
    assert done.returncode == 2 and done.stderr.startswith(f"caaad: --out {blocker / 'sub'}:")


def test_personal_data_in_a_systems_error_never_reaches_the_reports_or_the_console(tmp_path):
    done, results = caaad_run("--adapter", "bad_adapters:LeaksPersonalData", "-k", "混合支付", "-v", out=tmp_path / "out")
    assert done.returncode == 1 and {s["outcome"] for s in results["scenarios"]} == {"error"}
    redacted = "no account for [mobile phone number] (ID [identity card number], mail [e-mail address])"
    assert all(redacted in s["message"] for s in results["scenarios"]), results["scenarios"][0]["message"]
    for text in [done.stdout, done.stderr] + [(tmp_path / "out" / f).read_text(encoding="utf-8")
                                              for f in ("results.json", "junit.xml", "report.md", "report.html")]:
        assert not re.search(r"13912345678|110105194912310021|li\.si@", text)
    assert redacted in (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
