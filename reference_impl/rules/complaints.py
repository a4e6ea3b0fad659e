"""Serious complaints (严重情况, 5.3.1.b, 5.3.2.f): what makes a complaint serious, whom its handling
brings in, when it may be closed, and when the emergency handling mechanism starts.

5.3.1.b: a complaint against the live-room operator that cannot be resolved effectively, or with a
demand for compensation, is coordinated by the operator with the consumer, the merchant and the
platform, and its solution agreed with the merchant; the emergency mechanism is started where
necessary (5.1.1.g-1: the mechanism names its criteria; the reference's is a compensation claim at or
above a declared amount). 5.3.2.f: against the merchant, the merchant coordinates with the consumer
and the live-room operator and works out the solution with the operator.
"""

from .obligations import implements

# Who is brought in, by the party the complaint is against, and with whom the solution is agreed.
_COORDINATION = {
    "live_room_operator": (("consumer", "merchant", "platform"), "merchant"),        # 5.3.1.b-1
    "merchant": (("consumer", "live_room_operator"), "live_room_operator"),           # 5.3.2.f-1
    "platform": (("consumer", "merchant", "live_room_operator"), None),               # the platform decides itself
}


@implements("5.3.1.b-1", "5.3.2.f-1")
def complaint_severity(declared: str, compensation_claim_fen: int | None, cannot_resolve: bool) -> str:
    """serious for a demand for compensation, a complaint submitted as serious, or one a party handling
    it cannot resolve effectively; ordinary otherwise."""
    serious = declared == "serious" or bool(compensation_claim_fen) or cannot_resolve
    return "serious" if serious else "ordinary"


@implements("5.3.1.b-1", "5.3.2.f-1")
def coordination_parties(against: str) -> tuple[str, ...]:
    """The parties the coordinating party brings in to establish the facts and agree the solution."""
    return _COORDINATION[against][0]


@implements("5.3.1.b-1", "5.3.2.f-1")
def solution_partner(against: str) -> str | None:
    """The party the solution of a serious complaint is agreed with; None when the coordinator decides alone."""
    return _COORDINATION[against][1]


@implements("5.3.1.b-1", "5.3.2.f-1", "5.1.1.g-3")
def closable(severity: str, partner: str | None, responded: set[str]) -> bool:
    """A serious complaint closes only once the party its solution is agreed with has responded."""
    return severity != "serious" or partner is None or partner in responded


@implements("5.3.1.b-2")
def emergency_needed(compensation_claim_fen: int | None, threshold_fen: int) -> bool:
    """The emergency mechanism's criterion: a compensation claim at or above the declared amount."""
    return compensation_claim_fen is not None and compensation_claim_fen >= threshold_fen
