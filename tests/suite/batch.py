"""Several systems through the conformance suite in one pytest session:

    PYTHONPATH=tests/suite python tests/suite/batch.py BASE NAME=MODULE:CLASS [NAME=MODULE:CLASS ...]

The suite (steps/suite.py) is collected once and every scenario is parametrized by the system (a
fixture selects it: the `--adapter` that the kit's `sut` fixture opens is set per scenario), so what
a `caaad run` per system would do again is done once: start-up and imports, assertion rewriting of
the step modules, pytest-bdd's parsing of the feature files and its step lookup, collection, loading
the spec and the contract. Each scenario still gets a fresh system, as in `caaad run`.

The reports are sorted by system and each system's are classified and rolled up by the kit's own
ResultCollector and build_results, as `caaad run` does; BASE/NAME/results.json and BASE/NAME/exit_code
(0 when the verdict passes, 1 when it does not: `caaad run`'s rule) are written for each NAME.
bench/check_identical.py shows the results equal those of one fresh `caaad run` process per system.
cascade.run_all starts one such process per worker.

    batch.py BASE --trace NAME=caaad.reference_impl.adapter:ReferenceAdapter   # also BASE/NAME/reach.json
    batch.py BASE --reach REACH.json NAME=... [...]     # each system runs only the scenarios it can change

With --trace, the reference system runs traced (reach.TracedReference) and each scenario's report entry is
kept with the reference_impl functions it called (reach.json) and the calls of its rules (answers.pickle).
With --reach (the reach.json of a traced run of the reference system, answers.pickle beside it), a system that
replaces functions of the reference (reach.replaced) runs only the scenarios in which the reference called a
method it replaces or a rule it swaps for one that answers otherwise (reach.changeable); every other scenario
takes the reference's entry, which is what it would have given. Only the scenario functions a system runs are
parametrized with it, so that a hundred systems do not collect twenty thousand scenarios to run three thousand.
"""

import argparse
import copy
import json
import pickle
import sys
from datetime import datetime, timezone
from pathlib import Path
from types import SimpleNamespace

import pytest

import reach

EXIT_FILE = "exit_code"
REACH_FILE = "reach.json"
ANSWERS_FILE = "answers.pickle"  # beside reach.json: the reference rules' calls (reach.Answers)
TRACED = "reach:TracedReference"  # what runs, with --trace, for the reference system
SYSTEM = "caaad_system"  # the fixture that selects the system of each scenario


def _function(node_id: str) -> str:
    """The scenario function of a scenario's node id: an outline's examples share one."""
    return node_id.partition("[")[0]


class Systems:
    """A pytest plugin: every scenario once per system (or those it can change), and one results.json per system."""

    def __init__(self, adapters: dict[str, str], base: Path, trace: bool = False, reference: dict | None = None,
                 answers: reach.Answers | None = None):
        self.adapters, self.base = adapters, base
        self.trace, self.reference, self.answers = trace, reference, answers
        self.scenario_of: dict[str, tuple[str, str]] = {}  # item node id → (system, node id of a run of that system)
        self.called: dict[str, list[str]] = {}  # traced: own node id → reference_impl functions called
        self.rule_calls: dict[str, list[reach.Call]] = {}  # traced: own node id → calls of the reference's rules
        self.collectors: dict = {}
        self.started = datetime.now(timezone.utc)
        # With a traced reference run: the scenarios each system can change (reach.py), and the scenario functions
        # (an outline's examples are one function) each has one of, so that only those are parametrized with it.
        self.changeable = None if reference is None else {
            name: reach.changeable(adapter, reference, answers) for name, adapter in adapters.items()}
        self.functions = None if reference is None else {
            name: {_function(own) for own in changeable} for name, changeable in self.changeable.items()}
        self.traced_functions = {_function(own) for own in reference or ()}

    @pytest.hookimpl(trylast=True)  # after the kit's, whose one collector for the session this one replaces
    def pytest_configure(self, config):
        from caaad.plugin import ResultCollector
        config.pluginmanager.unregister(name="caaad-results")
        self.collectors = {name: ResultCollector(config) for name in self.adapters}

    def pytest_generate_tests(self, metafunc):
        if SYSTEM in metafunc.fixturenames:  # every scenario of the suite (autouse)
            function = metafunc.definition.nodeid
            traced = function in self.traced_functions
            metafunc.parametrize(SYSTEM, [name for name in self.adapters
                                          if not traced or function in self.functions[name]], indirect=True)

    @pytest.fixture(autouse=True)
    def caaad_system(self, request):
        # Autouse fixtures are set up before the others, so `sut` opens this scenario's system.
        request.config.option.adapter = TRACED if self.trace else self.adapters[request.param]

    def pytest_collection_modifyitems(self, items):
        kept, left = [], []
        for item in items:
            name = item.callspec.params[SYSTEM]
            if name not in self.adapters:  # a scenario function no system can change (an empty parameter set)
                left.append(item)
                continue
            # The id pytest gives the scenario in a run of one system: the system's part of the id taken out.
            ids = item.callspec.id.split("-")
            ids.remove(name)
            own = f"{_function(item.nodeid)}[{'-'.join(ids)}]" if ids else _function(item.nodeid)
            self.scenario_of[item.nodeid] = name, own
            if self.reference is None or own in self.changeable[name] or own not in self.reference:
                kept.append(item)
            else:  # another example of an outline the system changes
                left.append(item)
        if left:
            items[:] = kept
            left[0].config.hook.pytest_deselected(items=left)
        if self.reference is not None:
            self._take_the_reference_entries(kept)

    def _take_the_reference_entries(self, kept) -> None:
        """Each scenario a system does not run takes the reference's entry; every system has every scenario."""
        running = {self.scenario_of[item.nodeid] for item in kept}
        every = set(self.reference) | {own for _, own in running}
        for name, collector in self.collectors.items():
            for own in sorted(every):
                if (name, own) in running:
                    continue
                if own not in self.reference:
                    raise pytest.UsageError(f"{own}: not in the traced reference run; {REACH_FILE} is of another suite")
                collector.scenarios[own] = copy.deepcopy(self.reference[own]["entry"])

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_protocol(self, item, nextitem):
        if not self.trace:
            return (yield)
        reach.TRACER.clear()
        result = yield
        own = self.scenario_of[item.nodeid][1]
        self.called[own], self.rule_calls[own] = reach.TRACER.keys(), reach.TRACER.calls
        return result

    def pytest_runtest_logreport(self, report):
        name, own = self.scenario_of[report.nodeid]
        self.collectors[name].pytest_runtest_logreport(SimpleNamespace(
            nodeid=own, user_properties=report.user_properties, duration=report.duration))

    def pytest_sessionfinish(self, session, exitstatus):
        if exitstatus not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
            return  # a session that did not run the suite has no results: cascade.read_runs says which are missing
        from caaad.plugin import spec
        from caaad.results import build_results, verdict
        finished = datetime.now(timezone.utc)
        for name, collector in self.collectors.items():
            results = build_results(scenarios=list(collector.scenarios.values()), spec=spec(), adapter=self.adapters[name],
                                    profile=session.config.getoption("profile"), started=self.started, finished=finished)
            out = self.base / name
            out.mkdir(parents=True, exist_ok=True)
            # Not indented as caaad run writes it: json's C encoder does not indent, and this is read by programs.
            (out / "results.json").write_text(json.dumps(results, ensure_ascii=False), encoding="utf-8")
            (out / EXIT_FILE).write_text("0" if verdict(results)[0] else "1", encoding="ascii")
            if self.trace:
                traced = {own: {"called": called, "entry": collector.scenarios[own]}
                          for own, called in self.called.items() if own in collector.scenarios}
                (out / REACH_FILE).write_text(json.dumps(traced, ensure_ascii=False), encoding="utf-8")
                reach.Answers.of_run({own: self.rule_calls[own] for own in traced}).dump(out / ANSWERS_FILE)


def main(argv: list[str]) -> int:
    from caaad.cli import run_suite
    from caaad.contract.loading import DEFAULT_ADAPTER
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base", type=Path)
    parser.add_argument("runs", nargs="+", metavar="NAME=MODULE:CLASS")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--trace", action="store_true", help=f"also write BASE/NAME/{REACH_FILE} (one system)")
    mode.add_argument("--reach", type=Path, help="a traced run's reach.json: run only what each system can change")
    args = parser.parse_args(argv)
    adapters = dict(run.partition("=")[::2] for run in args.runs)
    if args.trace and set(adapters.values()) != {DEFAULT_ADAPTER}:
        parser.error(f"--trace runs the reference system ({DEFAULT_ADAPTER}) alone")
    try:
        reference = json.loads(args.reach.read_text(encoding="utf-8")) if args.reach else None
        answers = reach.Answers.load(args.reach.parent / ANSWERS_FILE) if args.reach else None
    except (OSError, ValueError, EOFError, KeyError, TypeError, pickle.UnpicklingError) as e:  # unreadable, not ours
        parser.error(f"--reach {args.reach}: {e}")
    plugin = Systems(adapters, args.base, trace=args.trace, reference=reference, answers=answers)
    code = run_suite([], plugins=[plugin])  # `caaad run`'s own arguments, plugins and environment
    return 0 if code in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED) else int(code)


if __name__ == "__main__":
    from caaad.collector import ending_process
    code = main(sys.argv[1:])
    ending_process()
    sys.exit(code)
