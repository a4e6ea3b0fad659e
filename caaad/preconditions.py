"""A scenario's set-up that the system under test does not reach is not a failure of what the scenario checks.

Given steps and the actions on the way to a scenario's subject raise PreconditionNotReachable when
the system is not in the state the scenario needs (a request it accepted at once cannot be rejected
by the merchant; goods it judged not intact earn no refund to check). The kit's plugin reports the
scenario as not_tested with the reason, never as failed: whether that state is wrong is what
another scenario, tagged with the obligation that governs it, checks.
"""

PREFIX = "precondition not reachable: "


class PreconditionNotReachable(Exception):
    """The system under test legitimately (or, per another obligation, wrongly) never reaches the state a scenario needs."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(PREFIX + reason)
