"""The live-room card's after-sales label in words of its own (steps/live_sessions.py, 5.2.3.a-2): it agrees with the
product when it states the same class, names an exclusion's reason and states no other number of days."""

import pytest

from caaad.steps.live_sessions import label_agrees


def product(return_class: str, reason: str | None, days: int) -> dict:
    return {"no_reason_return": {"class": return_class, "reason": reason}, "return_window_days": days}


@pytest.mark.parametrize(("label", "days", "agrees"), [
    ("15天无理由退货", 15, True),
    ("支持 15 天无理由退货", 15, True),
    ("十五天无理由退货", 15, True),
    ("一百八十天无理由退换", 180, True),
    ("支持无理由退货", 7, True),
    ("支持七天无理由退货", 15, False),     # fewer days than the product gives: not its terms
    ("支持30天无理由退货", 7, False),      # more than it gives
    ("不支持无理由退货", 7, False),        # the opposite class
    ("七天无忧", 7, False),                # no no-reason return stated
])
def test_an_eligible_products_terms(label, days, agrees):
    assert label_agrees(label, product("eligible", None, days)) is agrees


@pytest.mark.parametrize(("label", "agrees"), [
    ("生鲜商品不支持七天无理由退货", True),
    ("鲜活易腐商品不适用无理由退货", True),
    ("不支持七天无理由退货", False),       # the reason is not named (7D Art 20)
    ("生鲜商品支持七天无理由退货", False),  # not excluded
    ("生鲜商品不支持15天无理由退货", False),
])
def test_an_excluded_products_terms(label, agrees):
    assert label_agrees(label, product("excluded_by_law", "fresh_perishable", 7)) is agrees
