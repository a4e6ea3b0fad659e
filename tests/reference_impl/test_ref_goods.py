"""Physical goods (5.4.2): perishables, transit damage, wrong or missing items, through the contract."""

import pytest

T0 = "2024-03-01T10:00:00+08:00"


def _damage(order, kind="transit_damage", quantity=1):
    return {"line_id": order["lines"][0]["line_id"], "kind": kind, "quantity": quantity, "damage": "broken"}


def _signed_with_issue(shop, kind="transit_damage", product=None):
    shop.at(T0)
    order = shop.order(product or shop.product(), shipping={"fee_fen": 800, "free_threshold_fen": None})
    return shop.call("deliver_order", order_id=order["order_id"], outcome="signed", issues=[_damage(order, kind)])["order"]


def test_perishable_quality_problem_within_window_goes_to_merchant_who_pays_freight(shop):
    order = shop.signed(shop.product("fresh", return_class="excluded_by_law", reason="fresh_perishable"))
    window = shop.rule("perishable_report_window")
    assert window["unit"] == "hour"
    shop.advance(f"PT{int(window['value']) - 1}H")
    after_sales = shop.request(order, ground="quality_problem")
    assert after_sales["status"] == "pending_merchant"
    accepted = shop.call("merchant_decide", after_sales_id=after_sales["after_sales_id"], decision="accept")["after_sales"]
    assert accepted["status"] == "awaiting_return"
    assert accepted["freight"] == {"outbound_leg": "merchant", "return_leg": "merchant", "reshipment_leg": "none"}


def test_perishable_quality_problem_after_window_is_outside_5_4_2_a(shop):
    order = shop.signed(shop.product("fresh", return_class="excluded_by_law", reason="fresh_perishable"))
    shop.advance(f"PT{int(shop.rule('perishable_report_window')['value'])}H")
    assert shop.request(order, ground="quality_problem")["rejection"]["code"] == "outside_window"


@pytest.mark.parametrize("remedy, last_ok, first_late", [
    ("return_refund", "2024-03-08T23:59:00+08:00", "2024-03-09T00:00:00+08:00"),
    ("exchange", "2024-03-16T23:59:00+08:00", "2024-03-17T00:00:00+08:00")])
def test_transit_damage_return_7_days_exchange_15_days(shop, remedy, last_ok, first_late):
    order = _signed_with_issue(shop)
    shop.at(last_ok)
    after_sales = shop.request(order, ground="transit_damage", remedy=remedy)
    assert after_sales["status"] == "awaiting_return"
    assert after_sales["freight"]["return_leg"] == "merchant"
    shop.at(first_late)
    assert shop.request(order, ground="transit_damage", remedy=remedy)["rejection"]["code"] == "outside_window"


def test_transit_damage_return_costs_the_consumer_nothing(shop):
    order = _signed_with_issue(shop)
    done = shop.receive(shop.request(order, ground="transit_damage"), observations=["damaged"], freight_paid_fen=1500)
    assert done["settlement"]["goods_refund_fen"] == 10000          # damage is no ground to refuse here
    assert done["settlement"]["return_freight_refunded_fen"] == 1500
    assert done["settlement"]["outbound_freight_refunded_fen"] == 800
    assert done["settlement"]["total_refund_fen"] == 12300


def test_transit_damage_exchange_ships_a_replacement(shop):
    order = _signed_with_issue(shop)
    done = shop.receive(shop.request(order, ground="transit_damage", remedy="exchange"), freight_paid_fen=1500)
    assert done["replacement"]["kind"] == "exchange" and done["replacement"]["shipped_at"]
    assert done["freight"]["reshipment_leg"] == "merchant"
    assert [r["amount_fen"] for r in done["refunds"]] == [1500] and done["status"] == "completed"


def test_unverified_transit_damage_is_rejected(shop):
    order = shop.signed(shop.product())
    assert shop.request(order, ground="transit_damage")["rejection"]["code"] == "not_verified"


@pytest.mark.parametrize("kind", ["wrong_item", "missing_item"])
@pytest.mark.parametrize("remedy, status", [("exchange", "awaiting_return"), ("reship", "completed"),
                                            ("partial_refund", "completed"), ("return_refund", "awaiting_return")])
def test_wrong_or_missing_items_offer_all_four_remedies(shop, kind, remedy, status):
    order = _signed_with_issue(shop, kind)
    after_sales = shop.request(order, ground=kind, remedy=remedy)
    assert after_sales["status"] == status and after_sales["rejection"] is None
    assert after_sales["freight"]["outbound_leg"] == "merchant"


def test_reship_records_the_replacement(shop):
    after_sales = shop.request(_signed_with_issue(shop, "missing_item"), ground="missing_item", remedy="reship")
    assert after_sales["replacement"]["kind"] == "reship"
    assert after_sales["freight"]["reshipment_leg"] == "merchant"


def test_partial_refund_pays_the_amount_asked_up_to_what_was_paid(shop):
    order = _signed_with_issue(shop, "wrong_item")
    after_sales = shop.request(order, ground="wrong_item", remedy="partial_refund", amount_fen=3000)
    assert after_sales["settlement"]["goods_refund_fen"] == 3000
    assert sum(r["amount_fen"] for r in after_sales["refunds"]) == after_sales["settlement"]["total_refund_fen"]


def test_prohibited_goods_full_refund_merchant_pays_both_legs(shop):
    product = shop.product(legal_status="prohibited")
    shop.at(T0)
    order = shop.order(product, shipping={"fee_fen": 800, "free_threshold_fen": None})
    shop.call("deliver_order", order_id=order["order_id"], outcome="signed")
    after_sales = shop.request(order, ground="prohibited_goods")
    assert after_sales["freight"] == {"outbound_leg": "merchant", "return_leg": "merchant", "reshipment_leg": "none"}
    done = shop.receive(after_sales, observations=["seal_broken", "activated"], freight_paid_fen=1000)
    assert done["settlement"]["total_refund_fen"] == 10000 + 800 + 1000


def test_prohibited_goods_refund_is_full_even_without_the_gift(shop):
    product = shop.product(legal_status="prohibited", gifts=[{"title": "电池", "marked_price_fen": 800, "market_value_fen": 500}])
    after_sales = shop.request(shop.signed(product), ground="prohibited_goods")
    done = shop.receive(after_sales, gifts=[{"gift_id": product["gifts"][0]["gift_id"], "returned_quantity": 0}])
    assert done["settlement"]["gift_charges"] == [] and done["settlement"]["total_refund_fen"] == 10000


def test_permitted_goods_are_not_prohibited(shop):
    assert shop.request(shop.signed(shop.product()), ground="prohibited_goods")["rejection"]["code"] == "not_verified"


def test_remedy_that_does_not_fit_the_ground(shop):
    assert shop.request(shop.signed(shop.product()), remedy="exchange")["rejection"]["code"] == "remedy_not_offered"
