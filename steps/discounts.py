"""Partial returns from discounted orders: bundles (套装) and threshold discounts (满减), the two forms the
contract's $defs/discount expresses (coupons and points are payment methods, refunded in kind by the original payment path).

A return that breaks a discount is settled at the purchase prices (7D Art 17): the consumer gets back what
was paid, less what the goods kept cost without the discount they no longer qualify for. That is the least a
conforming system refunds; it may give more (not clawing back the discount is more favourable to the
consumer), but never more than was paid for the goods returned. Where the discount still holds after the
return, or everything is returned, the two bounds meet.
"""

from __future__ import annotations

from pytest_bdd import given, then

from .common import Scenario, owed_total, p, refresh, summary
from .orders import place_order


@given(p('订单中的商品组成套装，套装优惠立减 "{amount:yuan}" 元'))
def bundle_discount(ctx: Scenario, amount: int):
    # place_order (steps/orders.py) gives every discount of the scenario all the products of the order.
    ctx.discounts.append({"kind": "bundle", "threshold_fen": None, "amount_fen": amount})


@given(p('消费者下单购买 "{first}"、"{second}" 和 "{third}"'))
def buy_three(sut, ctx: Scenario, first: str, second: str, third: str):
    place_order(sut, ctx, [(first, 1), (second, 1), (third, 1)])


@then(p('退还的货款不少于按购买时价格结算后的 "{least:yuan}" 元，且不超过为退回商品实际支付的 "{most:yuan}" 元'))
def refund_between(sut, ctx: Scenario, least: int, most: int):
    state = refresh(sut, ctx)
    paid_for_returned = sum(l["paid_fen"] * r["quantity"] // l["quantity"]
                            for r in state["lines"] for l in ctx.order["lines"] if l["line_id"] == r["line_id"])
    assert paid_for_returned == most, (
        f"the order shows {paid_for_returned} fen paid for the goods returned (paid_fen, the discount spread over the "
        f"lines as the contract says); the scenario expects {most} fen: lines {ctx.order['lines']}")
    total = owed_total(state)
    discounts = ", ".join(f"{d['kind']} −{d['amount_fen']} fen" for d in ctx.order["discounts"]) or "none"
    assert least <= total <= most, (
        f"a return from a discounted order ({discounts}) refunds at least what was paid less what the goods kept cost "
        f"at purchase prices without the discounts they no longer qualify for ({least} fen), and never more than was "
        f"paid for the goods returned ({most} fen); the system owes {total} fen, scheduled or paid ({summary(state)}, settlement "
        f"{state['settlement']})")
