"""Who bears which freight leg, the outbound freight deduction of 7D Art 18, the outbound freight of goods at fault
(CPL Art 24 para 2, 5.4.4.d) and free-return-shipping promises per product."""

import pytest

from caaad.reference_impl.rules.freight import (Freight, freight_legs, outbound_freight_deduction, outbound_freight_refund,
                                                return_freight_promised)


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


@pytest.mark.parametrize("promised, expected", [
    ([True], True), ([False], False),
    ([True, False], True),     # a promised product returned beside one without the promise keeps it
    ([False, False], False),
])
def test_return_freight_promised_per_product(promised, expected):
    assert return_freight_promised(iter(promised)) is expected


@pytest.mark.parametrize("charged, paid, before, now, refunded", [
    (1200, 12000, 0, 6000, 600),       # one of two equal lines at fault: its share
    (1200, 12000, 0, 12000, 1200),     # all lines at fault: the whole freight
    (1200, 12000, 6000, 6000, 600),    # the second half later: the rest
    (1000, 15000, 0, 5000, 333),       # thirds: shares on the running total...
    (1000, 15000, 5000, 5000, 333),
    (1000, 15000, 10000, 5000, 334),   # ...add up to exactly the freight paid
    (1200, 12000, 12000, 6000, 0),     # nothing left to give back
    (0, 12000, 0, 6000, 0),            # free shipping: nothing was paid
    (1200, 0, 0, 0, 0),                # nothing paid for the goods and nothing at fault
])
def test_outbound_freight_refund(charged, paid, before, now, refunded):
    assert outbound_freight_refund(charged, paid, before, now) == refunded
