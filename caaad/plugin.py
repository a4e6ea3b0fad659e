"""The kit's pytest plugin (entry point pytest11 'caaad').

One job per hook:
- options --adapter / --profile / --caaad-results;
- markers: `req` and one marker per actor, strength, phase and verification mode, derived from
  the spec for each scenario's @req:<obligation id> tag (so --strict-markers works and
  `-m "actor_merchant and strength_shall"` selects scenarios);
- before collecting the suite, the scenario index is checked: unknown ids or duplicate
  scenario names stop the run with one line each;
- each scenario gets a fresh system under test (`sut`), so scenarios are independent; the adapter's
  close(), if it has one (HttpAdapter: ends its session), runs after the scenario;
- what collection leaves is frozen out of the garbage collector's sight until pytest cleans up (caaad/collector.py);
- every report is classified into passed / failed / error / not_tested / not_applicable and,
  on the controlling process (also under xdist), written to results.json.
"""

import gc
import json
import time
from contextlib import nullcontext
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

import pytest

from . import outcomes
from .collector import ending_process
from .contract.loading import DEFAULT_ADAPTER
from .limits import DEFAULT_SCENARIO_LIMIT_S, Limits, TimeLimitReached, time_limit
from .paths import features_dir, spec_dir, steps_dir
from .personal import vendor_line

_PROPERTY = "caaad"


def marker_values() -> dict[str, list[str]]:
    """The values of each marker field, as the spec's schema enumerates them (the one list of them)."""
    schema = spec_dir() / "schema"
    common = json.loads((schema / "common.schema.json").read_text(encoding="utf-8"))["$defs"]
    clause = json.loads((schema / "clause.schema.json").read_text(encoding="utf-8"))["$defs"]
    return {"actor": common["actor"]["enum"], "strength": clause["obligation"]["properties"]["strength"]["enum"],
            "phase": clause["obligation"]["properties"]["phase"]["enum"],
            "verification": clause["verification"]["properties"]["mode"]["enum"]}


@lru_cache(maxsize=1)
def spec():
    from .specload import load_spec
    return load_spec(spec_dir()).spec


def pytest_addoption(parser):
    group = parser.getgroup("caaad", "T/CAAAD 001—2023 conformance")
    group.addoption("--adapter", default=DEFAULT_ADAPTER, metavar="MODULE:CLASS",
                    help=f"the system under test (default: the reference system, {DEFAULT_ADAPTER})")
    group.addoption("--profile", default="all", choices=sorted(outcomes.PROFILES),
                    help="the role certified; obligations of other actors are not_applicable")
    group.addoption("--caaad-results", metavar="FILE", help="write results.json here")
    group.addoption("--scenario-timeout", type=float, default=DEFAULT_SCENARIO_LIMIT_S, metavar="S",
                    help=f"a scenario still running after S seconds is an error (default {DEFAULT_SCENARIO_LIMIT_S:g}; 0: none)")
    group.addoption("--run-timeout", type=float, default=0, metavar="S",
                    help="scenarios not finished S seconds after the start are errors (default 0: no limit)")


def pytest_configure(config):
    config.addinivalue_line("markers", "req(id): the obligation of T/CAAAD 001—2023 a scenario verifies")
    for field, values in marker_values().items():
        for value in values:
            config.addinivalue_line("markers", f"{field}_{value}: obligations with {field} {value}")
    if not hasattr(config, "workerinput"):
        config.pluginmanager.register(ResultCollector(config), "caaad-results")
    if not hasattr(config.option, "tbstyle"):
        # No terminal shows tracebacks (`caaad run` replaces it; the kit reports one line per failure), so
        # pytest's default long form, which parses the source of every frame, is not worth its 0.3 s a failure.
        config.option.tbstyle = "native"
    config.stash[_LIMITS] = Limits(config.getoption("scenario_timeout") or None, config.getoption("run_timeout") or None)
    config.stash[_RUNS_SUITE] = _runs_suite(config)
    if config.stash[_RUNS_SUITE]:
        # Added before pytest's unraisableexception plugin adds its own clean-up (a full collection), so run after it.
        # An xdist worker's process ends with its session: it freezes the rest instead (caaad/collector.py).
        config.add_cleanup(ending_process if hasattr(config, "workerinput") else gc.unfreeze)


def _runs_suite(config) -> bool:
    roots = (steps_dir().resolve(), features_dir().resolve())
    for arg in config.args:
        if arg.startswith("caaad.steps"):  # --pyargs caaad.steps.suite
            return True
        path = Path(arg.split("::")[0]).resolve()
        if any(path == root or root in path.parents or path in root.parents for root in roots):
            return True
    return False


def pytest_sessionstart(session):
    if not session.config.stash[_RUNS_SUITE]:
        return
    from .steplookup import install
    install()
    from .featurecache import fill
    from .scenarios import index_features
    index = index_features(features_dir(), spec().obligations)
    if index.findings:
        raise pytest.UsageError("\n".join(str(f) for f in index.findings))
    fill(features_dir(), index)


def pytest_collection_finish(session):
    """Imports, the spec, the contract's schemas and every collected scenario live until the end of the run:
    frozen, the collections during the run and pytest's full ones at its end (for unraisable exceptions, which
    only the objects made since can raise) skip them: about 0.2 s of a `caaad run`. The clean-up of pytest_configure
    gives them back to the collector for a process that goes on after pytest (caaad/collector.py)."""
    if session.config.stash[_RUNS_SUITE]:
        gc.freeze()


@pytest.hookimpl(tryfirst=True)  # before pytest-bdd's own, which would make "req:…" an unregistered marker
def pytest_bdd_apply_tag(tag, function):
    if not tag.startswith("req:"):
        return None
    obligation_id = tag[len("req:"):]
    pytest.mark.req(obligation_id)(function)
    obligation = spec().obligations.get(obligation_id)
    if obligation is not None:  # unknown ids are reported once, in pytest_sessionstart
        for field, value in (("actor", obligation.actor), ("strength", obligation.strength),
                             ("phase", obligation.phase), ("verification", obligation.mode)):
            getattr(pytest.mark, f"{field}_{value}")(function)
    return True


def pytest_collection_modifyitems(config, items):
    profile = config.getoption("profile")
    for item in items:
        ids = [m.args[0] for m in item.iter_markers("req")]
        scenario = _scenario_of(item)
        if not ids:
            if scenario is not None and config.stash[_RUNS_SUITE]:  # the index guarantees tags: never count silently
                raise pytest.UsageError(f"{item.nodeid}: @req tags were not applied; is another plugin handling pytest_bdd_apply_tag?")
            continue
        item.user_properties.append((_PROPERTY, json.dumps({
            "obligations": ids,
            "feature": scenario.feature.name if scenario else "",
            "name": scenario.name if scenario else item.name,
            "location": _location(scenario) if scenario else item.nodeid,
            # an outline's example row, so that its failures are told apart (console, reports, junit)
            "example": dict(getattr(item, "callspec", None) and item.callspec.params.get("_pytest_bdd_example") or {}),
        }, ensure_ascii=False)))
        known = [spec().obligations[i] for i in ids if i in spec().obligations]
        if known and not any(outcomes.in_profile(o, profile) for o in known):
            item.add_marker(pytest.mark.skip(reason=f"{outcomes.NOT_APPLICABLE}: outside the {profile} profile"))


def _scenario_of(item):
    from pytest_bdd.scenario import scenario_wrapper_template_registry
    return scenario_wrapper_template_registry.get(getattr(item, "obj", None))


def _location(scenario) -> str:
    return f"{_feature_file(scenario.feature.filename, features_dir())}:{scenario.line_number}"


@lru_cache(maxsize=64)
def _feature_file(filename: str, features: Path) -> str:
    """features/… of a feature file, resolved once per file rather than once per scenario."""
    return f"features/{Path(filename).resolve().relative_to(features.resolve()).as_posix()}"


@pytest.fixture
def sut(request):
    """The system under test, new for each scenario, behind the contract's validating client."""
    from .contract import ContractClient, opened_adapter
    from .guard import watch_interrupts
    watch_interrupts()  # also in xdist workers, which do not start from caaad's CLI
    with opened_adapter(request.config.getoption("adapter")) as adapter:
        yield ContractClient(adapter)


@pytest.fixture
def sut_description(sut):
    return sut.describe()


def pytest_bdd_before_scenario(request, feature, scenario):
    """The scenario's steps as run (an outline's values filled in): the reports show them for failures."""
    request.node.user_properties.append(("caaad_steps", json.dumps(
        [[s.keyword.strip(), s.name, s.line_number] for s in scenario.steps], ensure_ascii=False)))


def pytest_bdd_step_error(request, feature, scenario, step, step_func, step_func_args, exception):
    request.node.user_properties.append(("caaad_failed_step", json.dumps(step.line_number)))


_LIMITS = pytest.StashKey[Limits]()
_RUNS_SUITE = pytest.StashKey[bool]()  # whether this session runs the kit's suite (_runs_suite), decided once
_STARTED = pytest.StashKey[float]()


def _limited(item, fresh: bool = False):
    """Set-up and call of a scenario share its limits (caaad/limits.py); teardown, which closes the
    adapter, gets a fresh allowance so that a scenario that ran out of time still closes its session."""
    if not any(name == _PROPERTY for name, _ in item.user_properties):
        return nullcontext()
    started = time.monotonic() if fresh else item.stash.setdefault(_STARTED, time.monotonic())
    return time_limit(item.config.stash[_LIMITS].budget(started))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item):
    with _limited(item):
        return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    with _limited(item):
        return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    with _limited(item, fresh=True):
        return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if not any(name == _PROPERTY for name, _ in item.user_properties):
        return report
    outcome, message = _classify(report, call)
    if outcome == outcomes.NOT_TESTED and report.failed:
        report.outcome = "skipped"
        report.longrepr = (str(item.path), item.location[1] or 0, message)
    if report.when == "call" or report.outcome != "passed":
        report.user_properties.append(("caaad_outcome", json.dumps([outcome, message], ensure_ascii=False)))
    return report


def _classify(report, call) -> tuple[str, str]:
    from .contract import CapabilityMissing
    from .preconditions import PreconditionNotReachable
    if report.passed:
        return outcomes.PASSED, ""
    if report.skipped:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        reason = reason.removeprefix("Skipped: ")
        kind = outcomes.NOT_APPLICABLE if reason.startswith(outcomes.NOT_APPLICABLE) else outcomes.NOT_TESTED
        return kind, reason
    error = call.excinfo.value if call.excinfo else None
    text = vendor_line(error) if error is not None else "failed"
    if isinstance(error, CapabilityMissing):
        return outcomes.NOT_TESTED, f"{outcomes.NOT_TESTED}: {text}"
    if isinstance(error, PreconditionNotReachable):  # a set-up not reached is no verdict on the check
        return outcomes.NOT_TESTED, text
    if isinstance(error, TimeLimitReached):
        return outcomes.ERROR, text
    if isinstance(error, AssertionError) and report.when == "call":
        return outcomes.FAILED, text
    return outcomes.ERROR, f"{type(error).__name__}: {text}" if error is not None else "error"


class ResultCollector:
    """Registered on the controlling process only: gathers classified reports into results.json."""

    def __init__(self, config):
        self.config = config
        self.started = datetime.now(timezone.utc)
        self.scenarios: dict[str, dict] = {}

    def pytest_runtest_logreport(self, report):
        props = dict(report.user_properties)
        if _PROPERTY not in props or "caaad_outcome" not in props:
            return
        outcome, message = json.loads(props["caaad_outcome"])
        entry = self.scenarios.setdefault(report.nodeid, {"id": report.nodeid, **json.loads(props[_PROPERTY]),
                                                          "outcome": outcome, "message": message, "duration_s": 0.0})
        entry["duration_s"] = round(entry["duration_s"] + report.duration, 4)
        if entry["outcome"] == outcomes.PASSED and outcome != outcomes.PASSED:  # e.g. an error in teardown
            entry["outcome"], entry["message"] = outcome, message
        if entry["outcome"] in (outcomes.FAILED, outcomes.ERROR) and "caaad_steps" in props:
            failed_line = json.loads(props.get("caaad_failed_step", "null"))
            entry["steps"] = [{"keyword": keyword, "text": text, "line": line, "failed": line == failed_line}
                              for keyword, text, line in json.loads(props["caaad_steps"])]

    def pytest_sessionfinish(self, session):
        target = self.config.getoption("caaad_results")
        if not target:
            return
        from .results import build_results
        document = build_results(
            scenarios=list(self.scenarios.values()), spec=spec(), adapter=self.config.getoption("adapter"),
            profile=self.config.getoption("profile"), started=self.started, finished=datetime.now(timezone.utc))
        path = Path(target)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
