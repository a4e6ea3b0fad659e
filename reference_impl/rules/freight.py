"""Who pays which freight leg."""

from dataclasses import dataclass

from .obligations import implements

# Grounds where the goods or the merchant are at fault: the merchant pays transport (CPL Art 24,
# 5.4.2.a–c) and, for prohibited goods, both the outbound and the return freight (5.4.4.d).
MERCHANT_FAULT = frozenset({"quality_problem", "transit_damage", "wrong_item", "missing_item", "not_delivered", "prohibited_goods"})
_RETURNS_GOODS = {"return_refund", "exchange", "repair"}
_SENDS_GOODS = {"exchange", "reship", "repair"}


@dataclass(frozen=True)
class Freight:
    outbound_leg: str
    return_leg: str
    reshipment_leg: str


@implements("5.4.1.a-5", "5.4.2.b-3", "5.4.4.d-3", "5.3.2.j-2", "4.2-3")
def freight_legs(ground: str, remedy: str, free_return_shipping: bool) -> Freight:
    if ground.startswith("service_"):
        return Freight("none", "none", "none")
    if ground in MERCHANT_FAULT:
        bearer = "merchant"
    else:
        bearer = "consumer"  # no-reason: 7D Art 18, unless the merchant promised free return shipping
    return_bearer = "merchant" if free_return_shipping else bearer
    return Freight(
        outbound_leg=bearer,
        return_leg=return_bearer if remedy in _RETURNS_GOODS else "none",
        reshipment_leg="merchant" if remedy in _SENDS_GOODS else "none")


@implements("5.4.1.a-5", "5.1.3.c-2", "4.2-3")
def return_freight_promised(promised_per_product) -> bool:
    """Whether the merchant carries the goods of a return back at its cost under its promise. A promise of free
    return shipping is made for a product and travels with it (7D Art 18; CPL Art 16): returned in one parcel
    beside goods without the promise, it still holds, so the parcel comes back at the merchant's cost."""
    return any(promised_per_product)


@implements("5.4.1.a-4")
def outbound_freight_deduction(shipping_fee_fen: int, shipping_charged_fen: int, free_threshold_fen: int | None,
                               kept_paid_fen: int, already_deducted_fen: int) -> int:
    """Outbound freight the merchant may deduct from a no-reason refund (7D Art 18): the order shipped
    free because it reached the threshold, and what the consumer keeps no longer does. Deducted once
    per order; a full return (nothing kept) is not a broken threshold."""
    broken = (free_threshold_fen is not None and shipping_charged_fen == 0
              and 0 < kept_paid_fen < free_threshold_fen)
    return shipping_fee_fen if broken and not already_deducted_fen else 0


@implements("5.4.4.d-3", "5.3.2.j-2")
def outbound_freight_refund(charged_fen: int, order_paid_fen: int, at_fault_before_fen: int, at_fault_now_fen: int) -> int:
    """Outbound freight given back when the merchant is at fault for some goods: the share of the freight
    the consumer paid that belongs to those goods, in proportion to what was paid for them.

    The law makes the merchant bear the transport of the goods concerned ("依照前款规定进行退货、更换、
    修理的，经营者应当承担运输等必要费用", CPL Art 24 para 2), and the standard the freight "related" to
    them ("相关发货及退货运费由商家自行承担", 5.4.4.d); the goods delivered as contracted were carried as
    paid for. So a missing line of a two-line order gives back its share, and all the goods at fault give
    back the whole freight. Shares are computed on the running total at fault, so an order whose goods
    are all refunded over several requests gives back exactly the freight paid (no fen lost to rounding)."""
    if order_paid_fen <= 0:  # nothing paid for the goods: no proportion to take, the freight follows the fault
        return charged_fen if at_fault_now_fen and not at_fault_before_fen else 0
    after = min(order_paid_fen, at_fault_before_fen + at_fault_now_fen)
    return charged_fen * after // order_paid_fen - charged_fen * min(order_paid_fen, at_fault_before_fen) // order_paid_fen
