"""Amounts in integer fen: what was paid per line, what a return gives back, and how it is split.

Rounding is always down to whole fen with the remainder put on the largest share (the first of
equals: the dearest line of a discount, the largest payment method of a refund), so amounts always
add up exactly.
"""

from dataclasses import dataclass
from math import inf

from .obligations import implements


@dataclass(frozen=True)
class PricedLine:
    product_id: str
    unit_price_fen: int
    quantity: int


@dataclass(frozen=True)
class Discount:
    kind: str  # bundle | threshold
    product_ids: tuple[str, ...]
    amount_fen: int
    threshold_fen: int | None


def _spread(amount: int, weights: list[int]) -> list[int]:
    """amount split in proportion to weights, rounded down, remainder on the largest weight (first on ties)."""
    total = sum(weights)
    if total == 0:
        return [amount] + [0] * (len(weights) - 1) if weights else []
    shares = [amount * w // total for w in weights]
    shares[weights.index(max(weights))] += amount - sum(shares)
    return shares


def discount_applies(discount: Discount, kept: dict[str, int], ordered: dict[str, int], prices: dict[str, int]) -> bool:
    """A bundle holds while every product of it is kept in full; a threshold discount while the kept
    products' purchase prices still reach the threshold (7D Art 17)."""
    if discount.kind == "bundle":
        return all(kept.get(p, 0) == ordered[p] for p in discount.product_ids)
    return sum(prices[p] * kept.get(p, 0) for p in discount.product_ids) >= (discount.threshold_fen or 0)


@implements("5.4.1.b-2")
def allocate_paid(lines: list[PricedLine], discounts: list[Discount]) -> list[int]:
    """Amount actually paid per line: each discount spread over its lines in proportion to their price."""
    paid = [line.unit_price_fen * line.quantity for line in lines]
    index = {line.product_id: i for i, line in enumerate(lines)}
    for discount in discounts:
        members = [index[p] for p in discount.product_ids]
        for i, share in zip(members, _spread(discount.amount_fen, [paid[i] for i in members])):
            paid[i] -= share
    return paid


@implements("5.4.1.b-2")
def kept_cost(lines: list[PricedLine], discounts: list[Discount], kept: dict[str, int]) -> int:
    """What the goods kept cost at purchase prices, with only the discounts they still qualify for."""
    ordered = {line.product_id: line.quantity for line in lines}
    prices = {line.product_id: line.unit_price_fen for line in lines}
    gross = sum(prices[p] * q for p, q in kept.items())
    return max(0, gross - sum(d.amount_fen for d in discounts if discount_applies(d, kept, ordered, prices)))


@implements("5.4.1.b-2")
def goods_refund(allocated_fen: int, net_paid_before_fen: int, kept_cost_after_fen: int) -> int:
    """Refund for returned goods (7D Art 17): what was actually paid for them, but no more than what
    the consumer has paid net minus the kept goods' cost once broken bundle/threshold discounts are
    settled at purchase prices (多退少补, the consumer's share capped at zero)."""
    return max(0, min(allocated_fen, net_paid_before_fen - kept_cost_after_fen))


@implements("5.4.1.b-3", "5.3.2.c-1")
def split_refund(amount_fen: int, payments: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """A refund split over the original payment methods in proportion to what each paid (7D Art 14);
    points and coupons come back as points and coupons (7D Art 15). Zero parts are left out."""
    parts = _spread(amount_fen, [fen for _, fen in payments])
    return [(method, fen) for (method, _), fen in zip(payments, parts) if fen]


@implements("5.4.4.d-2")
def deductions_allowed(ground: str) -> bool:
    """Whether gift charges and freight deductions may reduce the refund. Not for prohibited or
    restricted goods: the consumer gets a full refund (5.4.4.d); elsewhere the merchant may charge
    for gifts not returned (5.4.2.d)."""
    return ground != "prohibited_goods"


@implements("5.4.2.d-2")
def gift_charge(marked_price_fen: int | None, market_value_fen: int, missing: int) -> tuple[str, int]:
    """(basis, amount) charged for gifts not returned (5.4.2.d, 7D Art 12): the price marked in
    advance, else the fair market value."""
    if marked_price_fen is not None:
        return "marked_price", marked_price_fen * missing
    return "market_value", market_value_fen * missing


@implements("5.4.3.a-1")
def cancellation_fee(paid_fen: int, fees: list[tuple[int, int]], hours_left: float = inf) -> int | None:
    """Fee for cancelling a service order under its published table of (min_hours_before_start,
    fee_percent) (5.4.3.a): the tier with the largest minimum that is met; None when no tier applies."""
    tiers = [(hours, percent) for hours, percent in fees if hours <= hours_left]
    if not tiers:
        return None
    return paid_fen * max(tiers)[1] // 100


@implements("5.4.3.b-1")
def compensation_amount(agreed_fen: int | None, claimed_loss_fen: int | None) -> int | None:
    """Compensation for service goods below their description (5.4.3.b): the amount the parties agreed,
    else the actual loss the consumer claimed."""
    return agreed_fen if agreed_fen is not None else claimed_loss_fen


@implements("5.4.1.b-4")
def refund_method_notice(other_methods: list[str]) -> str | None:
    """What the platform shows when a refund does not go back by the original payment path (5.4.1.b):
    the methods it goes to instead; None when everything goes back the original way."""
    if not other_methods:
        return None
    return f"退款不按原支付路径退回，经消费者同意退至：{'、'.join(sorted(set(other_methods)))}"



@implements("5.4.1.b-2", "5.4.4.c-2")
def amount_without_return(remedy: str, agreed_fen: int | None, asked_fen: int | None, allocated_fen: int) -> int:
    """What is owed on a request settled without goods coming back: the amount agreed or decided, else for a
    partial refund what the consumer asked up to what was paid, else what was paid for the lines."""
    if agreed_fen is not None:
        return agreed_fen
    return min(asked_fen, allocated_fen) if remedy == "partial_refund" and asked_fen is not None else allocated_fen
