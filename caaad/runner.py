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

FAILING = (outcomes.FAILED, outcomes.ERROR)
MAX_LISTED = 40  # failing scenarios listed on the console; all of them are in results.json


def register(sub) -> None:
    run = sub.add_parser("run", help="run the conformance suite and write a report")
    run.add_argument("--adapter", default=DEFAULT_ADAPTER, metavar="MODULE:CLASS|URL",
                     help="the system under test: a Python adapter class, or the http(s):// URL of a system "
                          "served over the HTTP binding (default: the embedded reference system)")
    run.add_argument("--profile", default="all", choices=sorted(outcomes.PROFILES))
    run.add_argument("--out", default="caaad-report", metavar="DIR", help="where to write results.json, junit.xml and report.md")
    run.add_argument("-n", "--workers", metavar="N",
                     help=f"run scenarios in N processes (pytest-xdist): 1 to {max_workers()} on this machine "
                          "(twice its cores), or auto")
    run.add_argument("--timeout", metavar="S", help=f"seconds an HTTP call may take in all, connect to last byte "
                                                     f"(default {DEFAULT_TIMEOUT:g}, or {TIMEOUT_ENV})")
    run.add_argument("--scenario-timeout", metavar="S", default=f"{DEFAULT_SCENARIO_LIMIT_S:g}",
                     help="a scenario still running after S seconds is an error; in process too "
                          f"(default {DEFAULT_SCENARIO_LIMIT_S:g}; 0: no limit)")
    run.add_argument("--run-timeout", metavar="S", default="0",
                     help="scenarios not finished S seconds after the start are errors (default 0: no limit)")
    run.add_argument("-k", metavar="EXPR", help="only scenarios matching EXPR (pytest -k)")
    run.add_argument("-m", metavar="EXPR", help="only scenarios with these markers, e.g. 'strength_shall'")
    run.set_defaults(func=cmd_run)


def max_workers() -> int:
    """More processes than this only queue for the cores (and 500 of them never finish starting)."""
    return 2 * (os.cpu_count() or 1)


def cmd_run(args) -> int:
    import pytest

    from .usage import UsageError
    from .contract import AdapterLoadError, opened_adapter
    from .contract.http import redact
    _check_selection(args)
    try:
        with opened_adapter(args.adapter):
            pass  # a system that cannot be loaded or reached stops the run here, in one line
    except AdapterLoadError as e:
        raise UsageError(f"--adapter {redact(args.adapter)}: {e}") from None
    out = Path(args.out)
    _check_writable(out)
    _check_features()
    results_path, junit_path = out / "results.json", out / "junit.xml"
    pytest_args = [str(steps_dir() / "suite.py"), "--adapter", args.adapter, "--profile", args.profile,
                   "--caaad-results", str(results_path), "-p", "no:cacheprovider", "-q", "--no-header", "-rN", "--tb=no", "--strict-markers"]
    pytest_args += ["--scenario-timeout", args.scenario_timeout, "--run-timeout", args.run_timeout]
    if args.timeout:
        os.environ[TIMEOUT_ENV] = args.timeout  # read by every HttpAdapter, also in xdist workers
    if args.workers:
        pytest_args += ["-n", args.workers]
    if args.k:
        pytest_args += ["-k", args.k]
    if args.m:
        pytest_args += ["-m", args.m]
    code = pytest.main(pytest_args)
    if code in (pytest.ExitCode.USAGE_ERROR, pytest.ExitCode.INTERNAL_ERROR) or not results_path.is_file():
        print(f"caaad: the suite did not run (pytest exit {int(code)}); see the lines above", file=sys.stderr)
        return 2
    results = json.loads(results_path.read_text(encoding="utf-8"))
    junit_path.write_bytes(junit_xml(results))
    if code == pytest.ExitCode.INTERRUPTED:
        print(f"caaad: the run was interrupted; results.json and junit.xml hold only the {len(results['scenarios'])} "
              "scenarios that ran", file=sys.stderr)
        return 130
    if not results["scenarios"]:
        print("caaad: no scenario ran (check -k/-m)", file=sys.stderr)
        return 1
    report_path = out / "report.md"
    report_path.write_text(report_markdown(results, results_path), encoding="utf-8")
    print(summary(results))
    print(f"wrote {results_path}, {junit_path} and {report_path}")
    bad = [r for r in results["obligations"] if r["in_scope"] and r["outcome"] in FAILING]
    bad_scenarios = [s for s in results["scenarios"] if s["outcome"] in FAILING]
    return 1 if bad or bad_scenarios else 0


def _check_selection(args) -> None:
    """-n, -k and -m are checked here, so that a bad one is one line rather than pytest's own output."""
    from _pytest.mark.expression import Expression  # pytest is pinned <10: its own selection grammar

    from .plugin import MARKER_VALUES
    from .usage import UsageError
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
    """The run for people: the traceability matrix with this run's outcomes, then each failure."""
    from .paths import features_dir, spec_dir
    from .scenarios import index_features
    from .plugin import spec as loaded_spec
    from .trace import KNOWN_GAPS_FILE, build, load_known_gaps, load_results, render_markdown
    spec = loaded_spec()  # the plugin loaded it for this run already (cached)
    known_path = spec_dir() / KNOWN_GAPS_FILE
    known = load_known_gaps(known_path) if known_path.is_file() else None
    matrix = build(spec, index_features(features_dir(), spec.obligations), load_results(results_path), known)
    system = results["adapter"]["describe"] or {}
    lines = [render_markdown(matrix).rstrip(), "", "## 被测系统 System under test", "",
             f"- adapter: `{results['adapter']['spec']}`; contract {system.get('contract_version', '?')}; "
             f"kit {results['kit']['version']}; profile `{results['profile']}`"]
    lines += [f"- platform rule `{r['name']}`: {r['value']} {r['unit']}, on expiry {r['on_expiry']}"
              for r in system.get("platform_rules", ())]
    problems = [s for s in results["scenarios"] if s["outcome"] in FAILING]
    lines += ["", "## 未通过的场景 Failed and errored scenarios", ""]
    lines += [f"- **{s['outcome']}** `{s['location']}` {s['name']} ({', '.join(s['obligations'])}): {s['message']}"
              for s in problems] or ["None."]
    return "\n".join(lines) + "\n"


def summary(results: dict) -> str:
    """Per-clause table of obligation outcomes, then the totals."""
    per_clause: dict[str, Counter] = defaultdict(Counter)
    for row in results["obligations"]:
        if row["in_scope"] and (row["scenarios"] or row["verification"] != "documentary"):
            per_clause[row["clause"]][row["outcome"]] += 1
    columns = (outcomes.PASSED, outcomes.FAILED, outcomes.ERROR, outcomes.NOT_TESTED)
    lines = ["", f"{'clause':<10}" + "".join(f"{c:>12}" for c in columns)]
    for clause, counts in sorted(per_clause.items(), key=lambda kv: _clause_key(kv[0])):
        if counts[outcomes.PASSED] + counts[outcomes.FAILED] + counts[outcomes.ERROR] == 0:
            continue  # nothing executable ran for it: listed in the totals as not_tested
        lines.append(f"{clause:<10}" + "".join(f"{counts[c]:>12}" for c in columns))
    describe = results["adapter"]["describe"] or {}
    system = describe.get("system", {}) if isinstance(describe.get("system"), dict) else {}
    name = system.get("name") or describe.get("name") or results["adapter"]["spec"]
    scen = results["summary"]["scenarios"]
    obl = results["summary"]["obligations"]
    problems = [s for s in results["scenarios"] if s["outcome"] in FAILING]
    if problems:
        lines += ["", "failed and errored scenarios:"]
        lines += [f"  {s['outcome'].upper():<7} {s['location']} {s['name']} [{', '.join(s['obligations'])}]: {s['message']}"
                  for s in problems[:MAX_LISTED]]
        if len(problems) > MAX_LISTED:
            lines.append(f"  … and {len(problems) - MAX_LISTED} more in results.json")
    lines += ["", f"system: {name}   profile: {results['profile']}",
              "scenarios: " + ", ".join(f"{scen.get(c, 0)} {c}" for c in outcomes.SCENARIO_OUTCOMES),
              "obligations in scope: " + ", ".join(f"{obl.get(c, 0)} {c}" for c in outcomes.SCENARIO_OUTCOMES)
              + " (documentary obligations await evidence)"]
    if results["adapter"]["describe_error"]:
        lines.append(f"describe() failed: {results['adapter']['describe_error']}")
    return "\n".join(lines)


def _clause_key(clause_id: str):
    return [int(p) if p.isdigit() else ord(p[0]) * 1000 for p in clause_id.split(".")]
