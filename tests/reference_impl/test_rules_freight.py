"""Who bears which freight leg, and the outbound freight deduction of 7D Art 18."""

import pytest

from caaad.reference_impl.rules.freight import Freight, freight_legs, outbound_freight_deduction


@pytest.mark.parametrize("ground, remedy, free_return, expected", [
    ("no_reason", "return_refund", False, Freight("consumer", "consumer", "none")),
    ("no_reason", "return_refund", True, Freight("consumer", "merchant", "none")),     # promise prevails (5.4.1.a)
    ("quality_problem", "return_refund", False, Freight("merchant", "merchant", "none")),
    ("quality_problem", "exchange", False, Freight("merchant", "merchant", "merchant")),
    ("transit_damage", "return_refund", False, Freight("merchant", "merchant", "none")),
    ("transit_damage", "exchange", False, Freight("merchant", "merchant", "merchant")),
    ("wrong_item", "reship", False, Freight("merchant", "none", "merchant")),
    ("missing_item", "partial_refund", False, Freight("merchant", "none", "none")),
    ("prohibited_goods", "return_refund", False, Freight("merchant", "merchant", "none")),  # both legs (5.4.4.d)
    ("service_below_description", "compensation", False, Freight("none", "none", "none")),
])
def test_freight_legs(ground, remedy, free_return, expected):
    assert freight_legs(ground, remedy, free_return) == expected


@pytest.mark.parametrize("charged, threshold, kept, already, deducted", [
    (0, 9900, 5000, 0, 800),       # free shipping, kept goods below threshold: deduct
    (0, 9900, 9900, 0, 0),         # still reaches the threshold
    (0, 9900, 0, 0, 0),            # everything returned: no threshold to break
    (800, 9900, 5000, 0, 0),       # freight was paid: nothing to deduct
    (0, None, 5000, 0, 0),         # no free-shipping offer
    (0, 9900, 5000, 800, 0),       # deducted once per order
])
def test_outbound_freight_deduction(charged, threshold, kept, already, deducted):
    assert outbound_freight_deduction(800, charged, threshold, kept, already) == deducted
