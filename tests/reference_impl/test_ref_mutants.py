"""Deliberately broken systems are one rule away: each swap below breaks one obligation, and the
difference is visible through the contract. These are the mutants the scenario suite must kill."""

from datetime import timedelta

from caaad.reference_impl.adapter import ReferenceAdapter
from caaad.reference_impl.rules import DEFAULT_RULES
from caaad.reference_impl.rules.china_time import china_date, start_of_china_day

T0 = "2024-03-01T10:00:00+08:00"


def _shop(shop_factory, **rules):
    return shop_factory(ReferenceAdapter(rules=DEFAULT_RULES.replace(**rules)))


def test_rules_replace_swaps_one_rule_only():
    def mutant(*args):
        return None
    rules = DEFAULT_RULES.replace(window_closes_at=mutant)
    assert rules.window_closes_at is mutant and rules.split_refund is DEFAULT_RULES.split_refund


def test_window_counted_from_the_signing_day(shop_factory):
    def from_signing_day(signed_at, days):
        return start_of_china_day(china_date(signed_at) + timedelta(days=days))
    for adapter_rules, status in (({}, "awaiting_return"), ({"window_closes_at": from_signing_day}, "rejected")):
        shop = _shop(shop_factory, **adapter_rules)
        order = shop.signed(shop.product(), at=T0)
        shop.at("2024-03-08T23:59:00+08:00")
        assert shop.request(order)["status"] == status


def test_refund_to_balance_instead_of_the_original_path(shop_factory):
    shop = _shop(shop_factory, split_refund=lambda amount, payments: [("balance", amount)] if amount else [])
    done = shop.receive(shop.request(shop.signed(shop.product(), payments=[{"method": "card", "amount_fen": 10000}])))
    assert [(r["method"], r["to_original_path"]) for r in done["refunds"]] == [("balance", False)]
    assert done["refund_method_notice"] is not None


def test_consumer_pays_transit_damage_freight(shop_factory):
    from caaad.reference_impl.rules.freight import Freight
    shop = _shop(shop_factory, freight_legs=lambda ground, remedy, free: Freight("consumer", "consumer", "none"))
    shop.at(T0)
    order = shop.order(shop.product())
    issue = {"line_id": order["lines"][0]["line_id"], "kind": "transit_damage", "quantity": 1, "damage": "leaking"}
    shop.call("deliver_order", order_id=order["order_id"], outcome="signed", issues=[issue])
    assert shop.request(order, ground="transit_damage")["freight"]["return_leg"] == "consumer"


def test_missing_gift_treated_as_refusal(shop_factory):
    shop = _shop(shop_factory, return_refusal=lambda ground, intact_lines: "gift_missing")
    product = shop.product(gifts=[{"title": "收纳包", "marked_price_fen": 1500, "market_value_fen": 1200}])
    after_sales = shop.request(shop.signed(product))
    done = shop.receive(after_sales, gifts=[{"gift_id": product["gifts"][0]["gift_id"], "returned_quantity": 0}])
    assert done["status"] == "closed" and done["refunds"] == []


def test_refund_paid_late(shop_factory):
    shop = _shop(shop_factory, refund_payment_time=lambda due_from, due_by: due_from + timedelta(days=8))
    done = shop.receive(shop.request(shop.signed(shop.product())))
    assert done["refunds"][0]["status"] == "scheduled"
    shop.advance("P9D")
    paid = shop.get(done)["refunds"][0]
    assert paid["paid_at"] > paid["due_by"]


def test_opening_the_package_breaks_intactness(shop_factory):
    shop = _shop(shop_factory, failed_checks=lambda category, observations: list(observations))
    done = shop.receive(shop.request(shop.signed(shop.product("cosmetics"))), observations=["package_opened"])
    assert done["status"] == "closed"
