"""Repeated after-sales requests and the ceiling on a line's refunds.

A consumer's app may send the same request twice (a double tap, a retry without an idempotency key),
and a consumer may file several requests on one line (a partial refund for a missing piece, then a
return). Whatever happens, the refunds of a line, summed over all its after-sales requests, never
exceed what was paid for it: a refund is the price paid coming back (7D Art 13, 17), once.
"""

from dataclasses import dataclass

from .obligations import implements

# A request still under way asks for what is already being given; one completed with a refund has
# given it. Rejected and closed requests leave nothing owed, and a completed exchange or reshipment
# may fail again (the replacement is faulty too), so the consumer may ask again after those.
OPEN = frozenset({"pending_merchant", "awaiting_return", "return_shipped", "return_received", "processing",
                  "in_intervention"})
REFUNDING = frozenset({"return_refund", "refund", "partial_refund"})


@dataclass(frozen=True)
class HeldRequest:
    after_sales_id: str
    ground: str
    remedy: str
    lines: frozenset[tuple[str, int]]   # (line_id, quantity)
    status: str


@implements("5.4.1.b-2", "4.2-4")
def repeated_request(ground: str, remedy: str, lines: frozenset[tuple[str, int]],
                     held: list[HeldRequest]) -> str | None:
    """The id of the open or completed request this one repeats (same ground, remedy, lines and
    quantities), or None when it is a new request."""
    for earlier in held:
        holds = earlier.status in OPEN or (earlier.status == "completed" and earlier.remedy in REFUNDING)
        if holds and (earlier.ground, earlier.remedy, earlier.lines) == (ground, remedy, lines):
            return earlier.after_sales_id
    return None


@implements("5.4.1.b-2")
def line_refund_ceiling(allocated_fen: int, line_paid_fen: int, line_refunded_fen: int) -> int:
    """Most a request may refund for one line: its share of the price paid (allocated), and never more
    than what of the line's price has not been refunded yet by earlier requests."""
    return max(0, min(allocated_fen, line_paid_fen - line_refunded_fen))


def shares_within(amount_fen: int, ceilings: list[int]) -> list[int]:
    """`amount_fen` (at most the sum of the ceilings) spread over lines in proportion to their ceilings,
    rounded down, the remainder given to the lines with room left, first the largest: no share above
    its ceiling, and the shares add up exactly."""
    total = sum(ceilings)
    if amount_fen > total:
        raise ValueError(f"{amount_fen} fen do not fit under ceilings adding up to {total} fen")
    shares = [amount_fen * c // total if total else 0 for c in ceilings]
    left = amount_fen - sum(shares)
    for i in sorted(range(len(ceilings)), key=lambda i: -ceilings[i]):
        extra = min(left, ceilings[i] - shares[i])
        shares[i] += extra
        left -= extra
    return shares
