"""What `caaad run` shows while the suite runs, in place of pytest's own terminal output.

pytest's terminal reporter is switched off for the run (its dots, its "N skipped" and its warnings would
contradict the kit's outcomes); this plugin, on the controlling process, instead
- keeps a progress line (scenarios done / total, failures so far, elapsed) on a terminal only;
- with --verbose, prints one line per finished scenario;
- gathers collection errors (a step module that does not import), which `caaad run` prints in one line each.
"""

import json
import os
import sys
import time

import pytest

from . import outcomes
from .results import scenario_title

_WORST = (outcomes.ERROR, outcomes.FAILED, outcomes.NOT_TESTED, outcomes.NOT_APPLICABLE, outcomes.PASSED)


def wants_progress_line(stream) -> bool:
    """A terminal, and not a CI job (CI=true is set by GitHub Actions, GitLab CI and most others)."""
    return stream.isatty() and not os.environ.get("CI")


class RunMonitor:
    def __init__(self, *, verbose: bool, progress: bool, stream=None):
        self.verbose, self.progress = verbose, progress
        self.stream = stream or sys.stdout
        self.started = time.monotonic()
        self.total = 0
        self.outcome: dict[str, str] = {}  # the worst outcome of each scenario's phases so far
        self.finished = 0
        self.collect_errors: list[str] = []

    def pytest_collectreport(self, report):
        if report.failed:
            text = str(report.longrepr).strip().splitlines()
            self.collect_errors.append(f"{report.nodeid or 'collection'}: {text[-1] if text else 'failed'}")

    def pytest_collection_finish(self, session):
        self.total = len(session.items)

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_node_collection_finished(self, node, ids):
        self.total = max(self.total, len(ids))  # every worker collects the whole run

    def pytest_runtest_logreport(self, report):
        props = dict(report.user_properties)
        if "caaad_outcome" in props:
            outcome, _ = json.loads(props["caaad_outcome"])
            previous = self.outcome.get(report.nodeid, outcomes.PASSED)
            self.outcome[report.nodeid] = min(previous, outcome, key=_WORST.index)
        if report.when != "teardown" or "caaad" not in props:
            return
        self.finished += 1
        if self.verbose:
            scenario = json.loads(props["caaad"])
            scenario["id"] = report.nodeid
            self._clear()
            outcome = self.outcome.get(report.nodeid, outcomes.PASSED)
            print(f"{outcome.upper():<14} {scenario['location']} {scenario_title(scenario)}", file=self.stream)
        self._draw()

    def pytest_sessionfinish(self):
        self._clear()

    def _draw(self):
        if not self.progress:
            return
        bad = sum(o in (outcomes.FAILED, outcomes.ERROR) for o in self.outcome.values())
        line = (f"{self.finished}/{self.total or '?'} scenarios, {bad} failed or errored, "
                f"{time.monotonic() - self.started:.0f} s")
        self.stream.write("\r" + line + "\x1b[K")
        self.stream.flush()

    def _clear(self):
        if self.progress:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
