"""Time limits of a run: whatever the system under test does, a scenario and a run end in bounded time.

A Python adapter runs in the kit's own process, where a loop that never returns cannot be cancelled
from another thread; so the limit is an alarm (SIGALRM, on the main thread, where pytest and
pytest-xdist's workers run tests) whose handler raises `TimeLimitReached` in the middle of whatever the
adapter is doing. The same alarm bounds an HTTP call that trickles its answer byte by byte. The
contract client (caaad/contract/client.py) lets the exception through rather than reporting it as the
adapter's own failure, and the plugin reports the scenario as `error`:
"no complete answer within N s (operation X)".
"""

import signal
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass

DEFAULT_SCENARIO_LIMIT_S = 120.0

# The operation the suite is waiting on, set by the contract client: named in the time-out message.
current_operation: str | None = None


class TimeLimitReached(BaseException):
    """A BaseException, so that no `except Exception` in steps or adapters can swallow it."""


@dataclass(frozen=True)
class Budget:
    """What is left for one phase of a scenario, and the limit it comes from (for the message)."""
    seconds_left: float | None  # None: no limit
    limit_s: float = 0.0
    name: str = ""

    def reached(self) -> TimeLimitReached:
        where = f"operation {current_operation}" if current_operation else "between operations"
        return TimeLimitReached(f"no complete answer within {self.limit_s:g} s ({where}; {self.name})")


@contextmanager
def time_limit(budget: Budget):
    """Raise TimeLimitReached in this thread once the budget is spent."""
    if budget.seconds_left is None or not alarms_available():
        yield
        return
    if budget.seconds_left <= 0:
        raise TimeLimitReached(f"not run: {budget.name} of {budget.limit_s:g} s was used up")

    def on_alarm(signum, frame):
        raise budget.reached()

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, budget.seconds_left)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def alarms_available() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


class Limits:
    """The scenario limit and the whole-run limit (counted from the start of this process: under
    pytest-xdist each worker counts from its own start, a little after the run's)."""

    def __init__(self, scenario_s: float | None, run_s: float | None):
        self.scenario_s, self.run_s = scenario_s, run_s
        self.run_deadline = time.monotonic() + run_s if run_s else None

    def budget(self, started: float) -> Budget:
        """What is left for a phase of a scenario that started at `started` (time.monotonic())."""
        now = time.monotonic()
        scenario_left = self.scenario_s - (now - started) if self.scenario_s else None
        run_left = self.run_deadline - now if self.run_deadline is not None else None
        if run_left is not None and (scenario_left is None or run_left < scenario_left):
            return Budget(run_left, self.run_s, "the run time limit")
        if scenario_left is None:
            return Budget(None)
        return Budget(scenario_left, self.scenario_s, "the scenario time limit")
