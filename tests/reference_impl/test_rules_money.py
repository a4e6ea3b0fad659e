"""Amounts: paid per line, settlement of broken discounts (7D Art 17), proportional split (7D Art 14–15)."""

import pytest

from caaad.reference_impl.rules.money import (Discount, PricedLine, allocate_paid, cancellation_fee, deductions_allowed,
                                              gift_charge, goods_refund, kept_cost, split_refund)

A, B = PricedLine("A", 10000, 1), PricedLine("B", 10000, 1)
BUNDLE = Discount("bundle", ("A", "B"), 5000, None)
THRESHOLD = Discount("threshold", ("A", "B"), 3000, 20000)


def test_allocate_paid_spreads_discounts_in_proportion():
    assert allocate_paid([PricedLine("A", 10000, 1), PricedLine("B", 5000, 2)], [Discount("threshold", ("A", "B"), 1001, 20000)]) == [9499, 9500]  # remainder on the first of equals
    assert sum(allocate_paid([A, B], [BUNDLE])) == 15000


def test_kept_cost_drops_discounts_that_no_longer_apply():
    assert kept_cost([A, B], [BUNDLE], {"A": 1, "B": 1}) == 15000
    assert kept_cost([A, B], [BUNDLE], {"A": 1, "B": 0}) == 10000
    assert kept_cost([A, B], [THRESHOLD], {"A": 1, "B": 0}) == 10000
    three = PricedLine("C", 10000, 3)
    assert kept_cost([three], [Discount("threshold", ("C",), 3000, 20000)], {"C": 2}) == 17000


def test_broken_bundle_is_settled_at_purchase_prices():
    # paid 150 for A+B; returning B leaves A at its own price of 100: refund 50, not B's share of 75
    assert goods_refund(7500, 15000, kept_cost([A, B], [BUNDLE], {"A": 1, "B": 0})) == 5000


def test_threshold_still_met_refunds_only_what_was_paid():
    three = PricedLine("C", 10000, 3)
    discount = Discount("threshold", ("C",), 3000, 20000)
    # 3 × 100 with 满200减30: paid 270; returning one keeps the discount: refund the 90 actually paid
    assert goods_refund(9000, 27000, kept_cost([three], [discount], {"C": 2})) == 9000
    # then a second return breaks it: 180 paid net for two, the one kept costs 100 alone
    assert goods_refund(9000, 18000, kept_cost([three], [discount], {"C": 1})) == 8000


def test_refund_never_negative():
    assert goods_refund(100, 1000, 5000) == 0


@pytest.mark.parametrize("amount, payments, expected", [
    (19900, [("card", 15900), ("points", 2000), ("coupon", 2000)], [("card", 15900), ("points", 2000), ("coupon", 2000)]),
    (19400, [("card", 15900), ("points", 2000), ("coupon", 2000)], [("card", 15502), ("points", 1949), ("coupon", 1949)]),
    (100, [("card", 1), ("balance", 1), ("points", 1)], [("card", 34), ("balance", 33), ("points", 33)]),
    (10, [("points", 500), ("card", 9500)], [("card", 10)]),       # parts of 0 fen are left out
    (0, [("card", 100)], []),
])
def test_split_refund(amount, payments, expected):
    assert split_refund(amount, payments) == expected


@pytest.mark.parametrize("amount", [1, 7, 999, 12345, 19899])
def test_split_refund_adds_up_and_stays_on_original_methods(amount):
    payments = [("card", 12900), ("points", 3000), ("coupon", 1000), ("wallet", 3000)]
    parts = split_refund(amount, payments)
    assert sum(fen for _, fen in parts) == amount
    assert {m for m, _ in parts} <= {m for m, _ in payments}


def test_gift_charge_prefers_marked_price_else_market_value():
    assert gift_charge(1500, 1200, 1) == ("marked_price", 1500)
    assert gift_charge(None, 1200, 2) == ("market_value", 2400)


@pytest.mark.parametrize("hours_left, fee", [(30, 0), (24, 0), (23.9, 3000), (0, 3000), (-1, None), (float("inf"), 0)])
def test_cancellation_fee_tiers(hours_left, fee):
    assert cancellation_fee(10000, [(24, 0), (0, 30)], hours_left) == fee


def test_cancellation_fee_rounds_down():
    assert cancellation_fee(999, [(0, 33)]) == 329


@pytest.mark.parametrize("ground, allowed", [("no_reason", True), ("quality_problem", True), ("prohibited_goods", False)])
def test_no_deductions_from_a_full_refund_for_prohibited_goods(ground, allowed):
    assert deductions_allowed(ground) is allowed
