"""Whatever an adapter raises is the system's fault, reported as such; only the user's Ctrl-C stops a run.

A Python adapter runs inside the kit's process, so it can raise SystemExit, KeyboardInterrupt or one of
pytest's outcome exceptions (pytest.skip, pytest.exit), all BaseExceptions that would otherwise end the
run or decide a scenario's outcome on the system's behalf: a CI would read "conformant". Such an
exception becomes an error of the operation it was raised in. A KeyboardInterrupt is the user's only when
SIGINT (or SIGTERM) was really delivered to this process, which `watch_interrupts` records.
"""

import signal

_interrupted = False


def watch_interrupts() -> None:
    """Record real SIGINTs from now on (installed by the kit's plugin in every process that runs steps). SIGTERM
    (a CI cancelling the job, `kill`) stops a run as Ctrl-C does, so that its scenarios' teardown still ends
    their sessions on a shared server instead of leaving them open until they expire."""
    def on_interrupt(signum, frame):
        global _interrupted
        _interrupted = True
        signal.default_int_handler(signum, frame)

    # someone else (a debugger, xdist's worker, caaad serve) handles a signal: leave their handler in place
    for signum, untouched in ((signal.SIGINT, signal.default_int_handler), (signal.SIGTERM, signal.SIG_DFL)):
        if signal.getsignal(signum) is untouched:
            signal.signal(signum, on_interrupt)


def raised_by_system(exc: BaseException) -> bool:
    """True when `exc`, caught around a call into the adapter, is the system's doing, not the user's
    interrupt or the kit's own time limit (caaad/limits.py)."""
    from .limits import TimeLimitReached
    return not (isinstance(exc, TimeLimitReached) or isinstance(exc, KeyboardInterrupt) and _interrupted)


def describe_exception(exc: BaseException) -> str:
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
