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
