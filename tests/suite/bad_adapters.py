"""Systems under test that misbehave in the ways a vendor's system can: for test_run.py."""

from caaad.reference_impl.adapter import ReferenceAdapter


class Incomplete:
    """Declares itself but implements almost nothing."""

    def describe(self, request):
        return {}


class RaisesOnOrder(ReferenceAdapter):
    """Crashes when an order is placed."""

    def place_order(self, request):
        raise RuntimeError("database is locked")


class NegativeTotal(ReferenceAdapter):
    """Answers place_order outside the contract: a negative amount."""

    def place_order(self, request):
        response = super().place_order(request)
        response["order"]["total_paid_fen"] = -1
        return response


class NoDisputes(ReferenceAdapter):
    """A merchant system without platform intervention: does not declare the disputes capability."""

    def describe(self, request):
        description = super().describe(request)
        return {**description, "capabilities": [c for c in description["capabilities"] if c != "disputes"]}


class ExitsOnOrder(ReferenceAdapter):
    """Calls sys.exit(0) when an order is placed: a CI must never read that as a clean run."""

    def place_order(self, request):
        raise SystemExit(0)


class InterruptsOnOrder(ReferenceAdapter):
    """Raises KeyboardInterrupt itself (no Ctrl-C was pressed): the system's fault, not the user's."""

    def place_order(self, request):
        raise KeyboardInterrupt


class SkipsOnOrder(ReferenceAdapter):
    """Tries to decide its own outcome by calling pytest.skip() inside an operation."""

    def place_order(self, request):
        import pytest
        pytest.skip("not today")


class ExitsInDescribe(ReferenceAdapter):
    """sys.exit(0) in describe(), which the kit also calls once more to write results.json."""

    def describe(self, request):
        raise SystemExit(0)


class ExitsOnClose(ReferenceAdapter):
    """sys.exit(0) when the kit closes it after each scenario."""

    def close(self):
        raise SystemExit(0)


class ExitsInConstructor(ReferenceAdapter):
    """sys.exit(3) in __init__."""

    def __init__(self):
        raise SystemExit(3)


class LeaksInConstructor(ReferenceAdapter):
    """Cannot start, and says so with an operator's e-mail address."""

    def __init__(self):
        raise RuntimeError("licence expired, write to ops.lead@vendor.example.com")


class CtrlCOnOrder(ReferenceAdapter):
    """Stands in for the user pressing Ctrl-C while an order is placed: a real SIGINT to the process."""

    def place_order(self, request):
        import os
        import signal
        os.kill(os.getpid(), signal.SIGINT)
        return super().place_order(request)


class LoopsOnOrder(ReferenceAdapter):
    """Never returns from place_order (and swallows ordinary exceptions while it spins)."""

    def place_order(self, request):
        while True:
            try:
                pass
            except Exception:
                continue


class LeaksPersonalData(ReferenceAdapter):
    """Fails with an error text that carries a consumer's mobile number, ID card number and e-mail address."""

    def place_order(self, request):
        raise RuntimeError("no account for 13912345678 (ID 110105194912310021, mail li.si@example.com.cn)")
