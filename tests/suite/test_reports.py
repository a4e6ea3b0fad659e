"""What a vendor reads after a run with failures: console, report.md, report.html, results.json, junit.xml;
and the first hour of a new vendor: refusals that say in one line what to do."""

import base64
import hashlib
import io
import json
import re
import subprocess
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest

from caaad.paths import features_dir

from caaad.progress import RunMonitor, wants_progress_line
from test_run import caaad_run

def _line_of(feature: str, text: str) -> int:
    lines = (features_dir() / feature).read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if text in line)


# the outline 混合支付时按原支付方式按比例退款 (4 example rows) and the step that a refund to the balance fails
MIXED = f"features/5.4/5.4.1.feature:{_line_of('5.4/5.4.1.feature', '场景大纲: 混合支付时按原支付方式按比例退款')}"
PROPORTIONAL_STEP = _line_of("5.4/5.4.1.feature", "那么 退款按原支付方式按比例退还")
MARKUP = "<script>document.title='owned'</script><img src=x onerror=\"document.title='owned'\">"


@pytest.fixture(scope="module")
def failing_run(tmp_path_factory):
    """A refund-path violation (tests/suite/mutants.py): 4 rows of one outline and one plain scenario fail."""
    out = tmp_path_factory.mktemp("failing")
    done, results = caaad_run("--adapter", "mutants:RefundToBalance", "-k", "混合支付 or 七天无理由退货按暂行办法 or 商品页明示",
                              out=out)
    return done, results, out


def test_the_console_shows_only_the_kits_summary(failing_run):
    done, _, _ = failing_run
    assert done.returncode == 1
    text = done.stdout + done.stderr
    for pytest_own in ("PytestAssertRewriteWarning", " skipped", "passed in", "[100%]", "warnings summary"):
        assert pytest_own not in text
    assert "\r" not in text, "no progress line when output is not a terminal"
    assert "obligations in scope, by clause:" in done.stdout
    assert done.stdout.rstrip().splitlines()[-2].startswith("不通过 FAILED: 2 obligation(s) in scope failed")


def test_the_console_table_counts_obligations_as_the_totals_do(failing_run):
    done, results, _ = failing_run
    total = re.search(r"^total\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)$", done.stdout, flags=re.M)
    counts = results["summary"]["obligations"]
    assert [int(n) for n in total.groups()] == [counts.get(c, 0) for c in ("passed", "failed", "error", "not_tested")]
    rows = re.findall(r"^(\d[\d.]*|[A-Z][\d.]*)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)$", done.stdout, flags=re.M)
    assert sum(int(r[4]) for r in rows) == counts["not_tested"], "documentary obligations counted in the table too"


def test_outline_examples_are_told_apart_everywhere(failing_run):
    done, results, out = failing_run
    console = [line for line in done.stdout.splitlines() if MIXED in line]
    assert len(console) == 4 and len(set(console)) == 4
    assert any("[单价=1000, 件数=3, 支付=银行卡:2000,优惠券:1000, 退回件数=2, 退款=银行卡:1333,优惠券:667]" in c for c in console)
    rows = [s for s in results["scenarios"] if s["location"] == MIXED]
    assert len(rows) == 4 and len({json.dumps(s["example"], sort_keys=True) for s in rows}) == 4
    assert all(set(s["example"]) == {"单价", "件数", "支付", "退回件数", "退款"} for s in rows)
    plain = next(s for s in results["scenarios"] if s["location"].startswith("features/5.3/"))
    assert plain["example"] == {}
    report = (out / "report.md").read_text(encoding="utf-8")
    assert len({line for line in report.splitlines() if line.startswith(f"- **failed** `{MIXED}`")}) == 4
    names = [c.get("name") for c in ET.parse(out / "junit.xml").getroot().iter("testcase") if c.get("file") == MIXED]
    assert len(set(names)) == 4 and all(n.startswith("混合支付时按原支付方式按比例退款 [单价=") for n in names)


def test_failing_scenarios_record_their_steps_and_the_step_that_failed(failing_run):
    _, results, _ = failing_run
    for scenario in results["scenarios"]:
        if scenario["outcome"] == "failed":
            failed = [s for s in scenario["steps"] if s["failed"]]
            assert len(failed) == 1 and failed[0]["keyword"] == "那么", scenario["id"]
            assert str(scenario["example"].get("退款", "")) in failed[0]["text"]
        else:
            assert "steps" not in scenario


def test_report_md_leads_with_system_profile_verdict_and_failures(failing_run):
    _, _, out = failing_run
    report = (out / "report.md").read_text(encoding="utf-8")
    head = report.splitlines()[:8]
    assert head[0] == "# 一致性测试报告 Conformance run — caaad reference system 0.1.0"
    assert head[2].startswith("**不通过 FAILED: 2 obligation(s) in scope failed")
    assert "- 被测系统 System: caaad reference system 0.1.0 (adapter `mutants:RefundToBalance`" in head[4]
    assert head[5] == "- 认证角色 Profile: `all`"
    failing = report.index("## 未通过的义务 Failing obligations")
    assert failing < report.index("### 5.3.2.c-1 — failed (应 shall, 商家 merchant)") < report.index("## 追溯矩阵")
    assert "> 退款原则上应按照原支付路径退还给顾客" in report
    assert f"— step line {PROPORTIONAL_STEP}: 那么 退款按原支付方式按比例退还" in report


class _Page(HTMLParser):
    """The text and the elements of report.html, as a browser's DOM would hold them."""

    def __init__(self):
        super().__init__()
        self.tags, self.text, self.by_id, self._open = [], [], {}, []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._open.append(dict(attrs).get("id"))

    def handle_endtag(self, tag):
        if self._open:
            self._open.pop()

    def handle_data(self, data):
        self.text.append(data)
        for element_id in filter(None, self._open):
            self.by_id[element_id] = self.by_id.get(element_id, "") + data


def parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def test_report_html_shows_the_verdict_summary_and_each_failure(failing_run):
    _, results, out = failing_run
    page = parse(out / "report.html")
    assert page.by_id["verdict"].startswith("不通过 FAILED: 2 obligation(s)")
    for outcome in ("passed", "failed", "error", "not_tested"):
        assert page.by_id[f"total-{outcome}"] == str(results["summary"]["obligations"].get(outcome, 0))
    cards = [a for tag, a in page.tags if tag == "article"]
    assert [(a["data-outcome"], a["data-group"], a["data-actor"], a["data-strength"]) for a in cards] == [
        ("failed", "5.3", "merchant", "shall"), ("failed", "5.4", "merchant", "shall")]
    text = "".join(page.text)
    assert "退款原则上应按照原支付路径退还给顾客" in text and "the system refunded 余额:2000" in text
    assert "← failed" in text and "mutants:RefundToBalance" in text
    assert "after_sales_request_response_limit" in text  # the declared platform rules
    assert not [a for tag, a in page.tags if tag in ("link", "img", "iframe") or a.get("src") or "http" in a.get("href", "")]


def test_report_html_runs_only_its_own_script(failing_run):
    _, _, out = failing_run
    html = (out / "report.html").read_text(encoding="utf-8")
    scripts = re.findall(r"<script>(.*?)</script>", html, flags=re.S)
    assert len(scripts) == 1
    digest = base64.b64encode(hashlib.sha256(scripts[0].encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in html and "default-src 'none'" in html


def test_markup_in_a_systems_message_is_shown_as_text_never_run(tmp_path):
    (tmp_path / "markup_adapter.py").write_text(
        "from caaad.reference_impl.adapter import ReferenceAdapter\n"
        "class Adapter(ReferenceAdapter):\n"
        "    def place_order(self, request):\n"
        f"        raise RuntimeError({MARKUP!r})\n", encoding="utf-8")
    done, results = caaad_run("--adapter", "markup_adapter:Adapter", "-k", "混合支付", out=tmp_path / "out", path=tmp_path)
    assert done.returncode == 1 and all(MARKUP in s["message"] for s in results["scenarios"])
    html = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "<img" not in html and html.count("<script>") == 1 and "onerror=\"" not in html
    page = parse(tmp_path / "out" / "report.html")
    assert MARKUP in "".join(page.text), "the vendor sees the message as it was, as text"


CHROMIUM = Path("/usr/bin/chromium")


@pytest.mark.skipif(not CHROMIUM.exists(), reason="no /usr/bin/chromium on this machine: the browser check needs it")
def test_report_html_in_a_real_browser(failing_run):
    _, results, out = failing_run
    done = subprocess.run([str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom",
                           (out / "report.html").as_uri()], capture_output=True, text=True, timeout=120)
    dom = done.stdout
    assert "不通过 FAILED: 2 obligation(s)" in dom and "the system refunded 余额:2000" in dom
    assert f'id="total-failed">{results["summary"]["obligations"]["failed"]}<' in dom


def test_a_system_of_another_contract_major_version_is_refused_before_any_scenario(tmp_path):
    (tmp_path / "future_adapter.py").write_text(
        "from caaad.reference_impl.adapter import ReferenceAdapter\n"
        "class Adapter(ReferenceAdapter):\n"
        "    def describe(self, request):\n"
        "        return {**super().describe(request), 'contract_version': '2.0.0'}\n", encoding="utf-8")
    done, results = caaad_run("--adapter", "future_adapter:Adapter", out=tmp_path / "out", path=tmp_path)
    assert done.returncode == 2 and results is None
    lines = done.stderr.strip().splitlines()
    assert lines == ["caaad: --adapter future_adapter:Adapter: the system implements contract 2.0.0, this kit speaks "
                     "1.5.0; this kit accepts contract 1.x (any 1.minor.patch), so no scenario was run"], done.stderr


def test_workers_without_pytest_xdist_say_what_to_install(tmp_path):
    fake = tmp_path / "xdist"
    fake.mkdir()
    (fake / "__init__.py").write_text("raise ImportError('No module named xdist')\n")  # as if not installed
    done, results = caaad_run("-n", "2", out=tmp_path / "out", path=tmp_path)
    assert done.returncode == 2 and results is None
    assert done.stderr.strip().splitlines() == [
        "caaad: -n 2: running in parallel needs pytest-xdist, which this install lacks: "
        "pip install 'pytest-xdist>=3.5,<4' (or run without -n)"]


@pytest.mark.parametrize(("args", "line"), [
    (["-k", "没有这样的场景"], "caaad: -k '没有这样的场景' selects no scenario in scope of the all profile (0 selected, all not_applicable)"),
    (["--profile", "merchant", "-k", "商品页明示"],
     "caaad: -k '商品页明示' selects no scenario in scope of the merchant profile (6 selected, all not_applicable)"),
    (["-m", "strength_may and actor_consumer and phase_pre_live"], "caaad: -m 'strength_may and actor_consumer and "
                                                                     "phase_pre_live' selects no scenario in scope"),
    (["-n", "2", "--profile", "merchant", "-k", "商品页明示"],
     "caaad: -k '商品页明示' selects no scenario in scope of the merchant profile (6 selected, all not_applicable)"),
])
def test_a_selection_of_nothing_in_scope_is_a_usage_error(tmp_path, args, line):
    done, results = caaad_run(*args, out=tmp_path / "out")
    assert done.returncode == 2 and results is None, done.stdout + done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(line), done.stderr
    assert not done.stdout.strip()


def test_run_help_documents_every_option_and_every_file(tmp_path):
    from caaad.cli import build_parser
    parser = build_parser()
    run = parser._subparsers._group_actions[0].choices["run"]
    text = run.format_help()
    for action in run._actions:
        if action.option_strings and action.dest != "help":
            assert action.help, action.dest
            assert action.option_strings[-1] in text
    for written in ("results.json", "junit.xml", "report.md", "report.html"):
        assert re.search(rf"^  {re.escape(written)}\s+\S", text, flags=re.M), written
    assert "exit codes: 0" in text


def test_quiet_prints_the_verdict_and_verbose_every_scenario(tmp_path):
    quiet, _ = caaad_run("--adapter", "mutants:RefundToBalance", "-k", "混合支付", "--quiet", out=tmp_path / "q")
    assert quiet.returncode == 1
    lines = quiet.stdout.strip().splitlines()
    assert len(lines) == 2 and lines[0].startswith("不通过 FAILED: 1 obligation(s)") and lines[1].startswith("wrote ")
    verbose, results = caaad_run("--adapter", "mutants:RefundToBalance", "-k", "混合支付", "--verbose", out=tmp_path / "v")
    per_scenario = [l for l in verbose.stdout.splitlines() if re.match(r"(PASSED|FAILED)\s+features/", l)]
    assert len(per_scenario) == len(results["scenarios"]) == 4


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_the_progress_line_is_for_terminals_outside_ci(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    assert wants_progress_line(_Terminal()) and not wants_progress_line(io.StringIO())
    monkeypatch.setenv("CI", "true")
    assert not wants_progress_line(_Terminal())


def test_the_progress_line_counts_scenarios_and_failures():
    class Report:
        def __init__(self, nodeid, when, outcome):
            self.nodeid, self.when = nodeid, when
            self.user_properties = [("caaad", json.dumps({"name": nodeid, "location": "f:1", "example": {}})),
                                    ("caaad_outcome", json.dumps([outcome, ""]))]
    stream = _Terminal()
    monitor = RunMonitor(verbose=False, progress=True, stream=stream)
    monitor.total = 3
    for nodeid, outcome in (("a", "passed"), ("b", "failed")):
        for when in ("setup", "call", "teardown"):
            monitor.pytest_runtest_logreport(Report(nodeid, when, outcome if when == "call" else "passed"))
    assert re.search(r"\r2/3 scenarios, 1 failed or errored, \d+ s\x1b\[K$", stream.getvalue())


def test_a_run_that_starts_removes_the_reports_of_the_run_before(tmp_path):
    out = tmp_path / "out"
    done, _ = caaad_run("-k", "混合支付", "-q", out=out)
    assert done.returncode == 0 and len(list(out.iterdir())) == 4
    done, results = caaad_run("-k", "没有这样的场景", out=out)
    assert done.returncode == 2 and results is None
    assert not list(out.iterdir()), "no report of the run before stands beside a run that selected nothing"
