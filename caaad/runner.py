"""`caaad run`: run the conformance suite against a system and write results.json, junit.xml and report.md."""

import json
import os
import sys
from collections import Counter, defaultdict
from pathlib import Path

from . import outcomes
from .contract.http import DEFAULT_TIMEOUT, TIMEOUT_ENV
from .junit import junit_xml
from .limits import DEFAULT_SCENARIO_LIMIT_S
from .paths import steps_dir
from .plugin import DEFAULT_ADAPTER
from .results import FAILING, scenario_title, verdict

MAX_LISTED = 40  # failing scenarios listed on the console; all of them are in results.json


FILES_WRITTEN = """files written into --out (a run that starts removes those of the run before):
  results.json  the run, scenario by scenario and obligation by obligation (format 1; docs/vendors/report.md)
  junit.xml     the same scenarios for CI dashboards: a <testsuite> per clause, obligation ids as properties
  report.md     for people: the verdict, the system and profile, each failing obligation, then the matrix
  report.html   the same as one self-contained page (no network), with filters; open it in a browser

exit codes: 0 no scenario or obligation in scope failed or errored; 1 some did; 2 the suite could not run
(one line says why); 130 interrupted (results.json and junit.xml hold the scenarios that ran)"""


def register(sub) -> None:
    import argparse
    run = sub.add_parser("run", help="run the conformance suite and write a report",
                         description="Run the scenarios of T/CAAAD 001—2023 against a system and report, by "
                                     "obligation, where it conforms.",
                         epilog=FILES_WRITTEN, formatter_class=argparse.RawDescriptionHelpFormatter)
    run.add_argument("--adapter", default=DEFAULT_ADAPTER, metavar="MODULE:CLASS|URL",
                     help="the system under test: a Python adapter class importable from the installed packages "
                          "or PYTHONPATH, or the http(s):// URL of a system served over the HTTP binding "
                          "(default: the embedded reference system)")
    run.add_argument("--profile", default="all", choices=sorted(outcomes.PROFILES),
                     help="the role certified; obligations of other actors are not_applicable (default all)")
    run.add_argument("--out", default="caaad-report", metavar="DIR",
                     help="where to write results.json, junit.xml, report.md and report.html (default caaad-report)")
    run.add_argument("-n", "--workers", metavar="N",
                     help=f"run scenarios in N processes (needs pytest-xdist): 1 to {max_workers()} on this machine "
                          "(twice its cores), or auto")
    run.add_argument("--timeout", metavar="S", help=f"seconds an HTTP call may take in all, connect to last byte "
                                                     f"(default {DEFAULT_TIMEOUT:g}, or {TIMEOUT_ENV})")
    run.add_argument("--scenario-timeout", metavar="S", default=f"{DEFAULT_SCENARIO_LIMIT_S:g}",
                     help="a scenario still running after S seconds is an error; in process too "
                          f"(default {DEFAULT_SCENARIO_LIMIT_S:g}; 0: no limit)")
    run.add_argument("--run-timeout", metavar="S", default="0",
                     help="scenarios not finished S seconds after the start are errors (default 0: no limit)")
    run.add_argument("-k", metavar="EXPR", help="only scenarios whose name matches EXPR (pytest -k grammar); "
                                                "selecting no scenario in the profile is an error")
    run.add_argument("-m", metavar="EXPR", help="only scenarios with these markers: req and <field>_<value> for "
                                                "actor, strength, phase, verification, e.g. 'strength_shall'")
    talk = run.add_mutually_exclusive_group()
    talk.add_argument("-q", "--quiet", action="store_true",
                      help="print only the verdict and the files written (no progress line, no table)")
    talk.add_argument("-v", "--verbose", action="store_true",
                      help="also one line per scenario as it finishes, and every failure (not only the first "
                           f"{MAX_LISTED})")
    run.set_defaults(func=cmd_run)


def max_workers() -> int:
    """More processes than this only queue for the cores (and 500 of them never finish starting)."""
    return 2 * (os.cpu_count() or 1)


def cmd_run(args) -> int:
    import pytest

    from .progress import RunMonitor, wants_progress_line
    from .report_html import report_html
    from .usage import UsageError
    _check_selection(args)
    _check_system(args.adapter)
    if not args.out.strip():  # Path("") is the current folder: the reports would land there unasked
        raise UsageError("--out '': name the folder for the reports (default caaad-report)")
    out = Path(args.out)
    _check_writable(out)
    _check_features()
    results_path, junit_path = out / "results.json", out / "junit.xml"
    report_path, html_path = out / "report.md", out / "report.html"
    for stale in (results_path, junit_path, report_path, html_path):
        stale.unlink(missing_ok=True)  # whatever is in --out afterwards is this run's
    # pytest's terminal output is replaced by the kit's (caaad/progress.py): its "N skipped" and its
    # warnings contradicted the kit's own outcomes.
    pytest_args = [str(steps_dir() / "suite.py"), "--adapter", args.adapter, "--profile", args.profile,
                   "--caaad-results", str(results_path), "-p", "no:cacheprovider", "-p", "no:terminal",
                   "-W", "ignore::pytest.PytestAssertRewriteWarning", "--strict-markers"]
    pytest_args += ["--scenario-timeout", args.scenario_timeout, "--run-timeout", args.run_timeout]
    if args.timeout:
        os.environ[TIMEOUT_ENV] = args.timeout  # read by every HttpAdapter, also in xdist workers
    if args.workers:
        pytest_args += ["-n", args.workers]
    if args.k:
        pytest_args += ["-k", args.k]
    if args.m:
        pytest_args += ["-m", args.m]
    monitor = RunMonitor(verbose=args.verbose, progress=not args.quiet and wants_progress_line(sys.stdout))
    code = pytest.main(pytest_args, plugins=[monitor])
    if monitor.collect_errors:
        results_path.unlink(missing_ok=True)
        raise UsageError("the suite could not be collected: " + "; ".join(monitor.collect_errors))
    if code in (pytest.ExitCode.USAGE_ERROR, pytest.ExitCode.INTERNAL_ERROR) or not results_path.is_file():
        print(f"caaad: the suite did not run (pytest exit {int(code)}); see the lines above", file=sys.stderr)
        return 2
    results = json.loads(results_path.read_text(encoding="utf-8"))
    if (args.k or args.m) and code != pytest.ExitCode.INTERRUPTED and \
            all(s["outcome"] == outcomes.NOT_APPLICABLE for s in results["scenarios"]):
        results_path.unlink()  # a run of nothing must not stand as a result
        selection = " and ".join(f"{flag} {value!r}" for flag, value in (("-k", args.k), ("-m", args.m)) if value)
        raise UsageError(f"{selection} selects no scenario in scope of the {args.profile} profile "
                         f"({len(results['scenarios'])} selected, all not_applicable)")
    junit_path.write_bytes(junit_xml(results))
    if code == pytest.ExitCode.INTERRUPTED:
        print(f"caaad: the run was interrupted; results.json and junit.xml hold only the {len(results['scenarios'])} "
              "scenarios that ran", file=sys.stderr)
        return 130
    report_path.write_text(report_markdown(results, results_path), encoding="utf-8")
    html_path.write_text(report_html(results), encoding="utf-8")
    print(verdict(results)[1] if args.quiet else summary(results, every_failure=args.verbose))
    print(f"wrote {results_path}, {junit_path}, {report_path} and {html_path}")
    return 0 if verdict(results)[0] else 1


def _check_system(adapter_spec: str) -> None:
    """The system is opened once before any scenario: one that cannot be loaded or reached, or that speaks
    another major version of the contract, stops the run here in one line."""
    from .contract import AdapterLoadError, ContractClient, ContractError, ContractViolation, opened_adapter
    from .contract.http import redact
    from .personal import redact_personal_data
    from .usage import UsageError
    try:
        with opened_adapter(adapter_spec) as adapter:
            client = ContractClient(adapter)
            try:
                client.describe()
            except ContractViolation as e:
                if e.json_path == "$.contract_version":
                    major = client.contract.version.split(".")[0]
                    raise UsageError(f"--adapter {redact(adapter_spec)}: {e.message}; this kit accepts contract "
                                     f"{major}.x (any {major}.minor.patch), so no scenario was run") from None
            except ContractError:
                pass  # any other describe() failure is reported per scenario, as error
    except AdapterLoadError as e:  # the system's own text (its constructor's error, its HTTP error) goes to the console
        raise UsageError(f"--adapter {redact(adapter_spec)}: {redact_personal_data(str(e))}") from None


def _check_selection(args) -> None:
    """-n, -k and -m are checked here, so that a bad one is one line rather than pytest's own output."""
    from _pytest.mark.expression import Expression  # pytest is pinned <10: its own selection grammar

    from .plugin import MARKER_VALUES
    from .usage import UsageError
    if args.workers is not None:
        try:
            import xdist  # noqa: F401  (only in the kit's test extra)
        except ImportError:
            raise UsageError(f"-n {args.workers}: running in parallel needs pytest-xdist, which this install "
                             "lacks: pip install 'pytest-xdist>=3.5,<4' (or run without -n)") from None
    if args.workers is not None and args.workers != "auto":
        if not args.workers.isdigit() or not 1 <= int(args.workers) <= max_workers():
            raise UsageError(f"-n {args.workers}: the number of worker processes is a whole number from 1 to "
                             f"{max_workers()} on this machine (twice its cores), or auto")
    for flag, value, zero in (("--timeout", args.timeout, False), ("--scenario-timeout", args.scenario_timeout, True),
                              ("--run-timeout", args.run_timeout, True)):
        if value is not None and not _seconds(value, zero):
            raise UsageError(f"{flag} {value}: a number of seconds, more than 0{' (0: no limit)' if zero else ''}")
    for flag, expression in (("-k", args.k), ("-m", args.m)):
        if expression is None:
            continue
        if not expression.strip():  # e.g. `-k "$SCENARIOS"` with the variable unset: not a wish for everything
            raise UsageError(f"{flag} {expression!r}: an empty expression; leave {flag} out to run every scenario")
        try:
            compiled = Expression.compile(expression)
        except SyntaxError as e:
            raise UsageError(f"{flag} {expression!r}: at column {e.offset}: {e.msg}") from None
        markers = {"req"} | {f"{field}_{value}" for field, values in MARKER_VALUES.items() for value in values}
        unknown = sorted(compiled.idents() - markers) if flag == "-m" else []
        if unknown:
            raise UsageError(f"-m {expression!r}: no such marker {', '.join(unknown)}; markers are req and "
                             "<field>_<value> for actor, strength, phase and verification, e.g. strength_shall")


def _seconds(text: str, zero_allowed: bool) -> bool:
    try:
        value = float(text)
    except ValueError:
        return False
    return value == value and value != float("inf") and (value > 0 or zero_allowed and value == 0)


def _check_writable(out: Path) -> None:
    """Before the suite runs, not after: a read-only --out would lose the whole run."""
    import tempfile

    from .usage import UsageError
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out}: exists and is not a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=out):
            pass
    except OSError as e:
        raise UsageError(f"--out {out}: {e.strerror or e}") from None


def _check_features() -> None:
    """The scenario index's findings, one line each (the plugin checks again for direct pytest runs)."""
    from .paths import features_dir
    from .plugin import spec
    from .scenarios import index_features
    from .usage import UsageError
    findings = index_features(features_dir(), spec().obligations).findings
    if findings:
        raise UsageError("\n".join(str(f) for f in findings))


def report_markdown(results: dict, results_path: Path) -> str:
    """The run for people: the system, its profile and the verdict first, then each failing obligation with
    its scenarios, the declared platform rules, and the traceability matrix with this run's outcomes last."""
    from .paths import features_dir, spec_dir
    from .plugin import spec as loaded_spec
    from .reportview import failures, system_facts
    from .scenarios import index_features
    from .trace import KNOWN_GAPS_FILE, build, load_known_gaps, load_results, render_markdown
    spec = loaded_spec()  # the plugin loaded it for this run already (cached)
    system = system_facts(results)
    _, line = verdict(results)
    obl = results["summary"]["obligations"]
    lines = [f"# 一致性测试报告 Conformance run — {system['name']} {system['version']}".rstrip(), "",
             f"**{line}**", "",
             f"- 被测系统 System: {system['name']} {system['version']} (adapter `{system['adapter']}`, "
             f"contract {system['contract']})",
             f"- 认证角色 Profile: `{results['profile']}`",
             "- 范围内义务 Obligations in scope: " + ", ".join(f"{obl.get(c, 0)} {c}" for c in outcomes.SCENARIO_OUTCOMES[:4]),
             f"- 运行 Run: {results['started_at']} – {results['finished_at']}, kit {results['kit']['version']}, "
             f"spec `{results['spec_digest'][:19]}…`"]
    if system["describe_error"]:
        lines.append(f"- describe() failed: {system['describe_error']}")
    lines += ["", "## 未通过的义务 Failing obligations", ""]
    found = failures(results, spec)
    for f in found:
        lines += [f"### {f.row['id']} — {f.row['outcome']} ({f.strength}, {f.actor})", "",
                  f"> {f.text_zh}", ">", f"> {f.text_en}", ""]
        for s in f.scenarios:
            step = s["failed_step"]
            lines.append(f"- **{s['outcome']}** `{s['location']}` {s['title']}"
                         + (f" — step line {step['line']}: {step['keyword']} {step['text']}" if step else ""))
            lines.append(f"  - {s['message']}")
        lines.append("")
    if not found:  # a failing scenario always fails an obligation in scope (outcomes.roll_up)
        lines += ["None.", ""]
    lines += ["## 声明的平台规则 Declared platform rules", ""]
    lines += [f"- `{r['name']}`: {r['value']} {r['unit']}, on expiry {r['on_expiry']}"
              for r in system["platform_rules"]] or ["None declared."]
    known_path = spec_dir() / KNOWN_GAPS_FILE
    known = load_known_gaps(known_path) if known_path.is_file() else None
    matrix = build(spec, index_features(features_dir(), spec.obligations), load_results(results_path), known)
    # the matrix one heading level down, under this report's title
    lines += ["", *("#" + l if l.startswith("#") else l for l in render_markdown(matrix).rstrip().splitlines())]
    return "\n".join(lines) + "\n"


def summary(results: dict, every_failure: bool = False) -> str:
    """Obligations in scope by clause and outcome (the same count as the totals), the failures, the verdict."""
    from .reportview import COLUMNS, clause_key, system_facts
    per_clause: dict[str, Counter] = defaultdict(Counter)
    for row in results["obligations"]:
        if row["in_scope"]:
            per_clause[row["clause"]][row["outcome"]] += 1
    documentary = sum(1 for r in results["obligations"] if r["in_scope"] and r["outcome"] == outcomes.NOT_TESTED
                      and r["verification"] == "documentary")
    lines = ["", "obligations in scope, by clause:", f"{'clause':<10}" + "".join(f"{c:>12}" for c in COLUMNS)]
    for clause, counts in sorted(per_clause.items(), key=lambda kv: clause_key(kv[0])):
        lines.append(f"{clause:<10}" + "".join(f"{counts[c]:>12}" for c in COLUMNS))
    total = Counter(r["outcome"] for r in results["obligations"] if r["in_scope"])
    lines.append(f"{'total':<10}" + "".join(f"{total[c]:>12}" for c in COLUMNS))
    lines.append(f"({documentary} of the not_tested are documentary obligations, which await evidence)")
    problems = [s for s in results["scenarios"] if s["outcome"] in FAILING]
    listed = problems if every_failure else problems[:MAX_LISTED]
    if problems:
        lines += ["", "failed and errored scenarios:"]
        lines += [f"  {s['outcome'].upper():<7} {s['location']} {scenario_title(s)} [{', '.join(s['obligations'])}]: "
                  f"{s['message']}" for s in listed]
        if len(problems) > len(listed):
            lines.append(f"  … and {len(problems) - len(listed)} more in report.md and results.json (all: --verbose)")
    scen = results["summary"]["scenarios"]
    system = system_facts(results)
    lines += ["", f"system: {system['name']}   profile: {results['profile']}",
              "scenarios: " + ", ".join(f"{scen.get(c, 0)} {c}" for c in outcomes.SCENARIO_OUTCOMES)]
    if system["describe_error"]:
        lines.append(f"describe() failed: {system['describe_error']}")
    lines.append(verdict(results)[1])
    return "\n".join(lines)
