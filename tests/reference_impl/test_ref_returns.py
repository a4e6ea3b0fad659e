"""No-reason returns, inspection, refunds and freight (5.4.1), through the contract."""

from datetime import datetime, timedelta

import pytest

T0 = "2024-03-01T10:00:00+08:00"

DAY7_LAST = "2024-03-08T23:59:00+08:00"
DAY8_FIRST = "2024-03-09T00:00:00+08:00"


@pytest.mark.parametrize("when, status", [(DAY7_LAST, "awaiting_return"), ("2024-03-08T15:59:59Z", "awaiting_return"),
                                          (DAY8_FIRST, "rejected"), ("2024-03-08T16:00:00Z", "rejected")])
def test_no_reason_window_boundary(shop, when, status):
    order = shop.signed(shop.product())
    shop.at(when)
    after_sales = shop.request(order)
    assert after_sales["status"] == status
    if status == "rejected":
        assert after_sales["rejection"]["code"] == "outside_window" and after_sales["rejection"]["by"] == "system"


def test_merchant_promise_of_fifteen_days_replaces_seven(shop):
    order = shop.signed(shop.product(promises={"return_window_days": 15, "free_return_shipping": False}))
    shop.at("2024-03-16T23:59:00+08:00")
    assert shop.request(order)["status"] == "awaiting_return"
    shop.at("2024-03-17T00:00:00+08:00")
    assert shop.request(order)["rejection"]["code"] == "outside_window"


@pytest.mark.parametrize("category, reason", [("fresh", "fresh_perishable"), ("made_to_order", "made_to_order"),
                                              ("digital", "digital_downloaded_or_unsealed"), ("periodical", "periodical_delivered")])
def test_statutory_exclusions_are_labelled_and_refused(shop, category, reason):
    product = shop.product(category, return_class="excluded_by_law", reason=reason)
    shown = shop.call("get_product", product_id=product["product_id"])["product"]
    assert shown["no_reason_return"] == {"class": "excluded_by_law", "reason": reason}
    assert shown["return_label"].startswith("不支持七天无理由退货")
    rejection = shop.request(shop.signed(product))["rejection"]
    assert rejection["code"] == "excluded_by_law" and rejection["detail"] == shown["return_label"]


@pytest.mark.parametrize("confirmed, status", [(False, "awaiting_return"), (True, "rejected")])
def test_confirmable_exclusion_binds_only_with_the_purchase_confirmation(shop, confirmed, status):
    product = shop.product("cosmetics", return_class="excluded_with_confirmation", reason="unsafe_or_altered_once_unsealed")
    assert product["requires_confirmation"] is True
    order = shop.signed(product, confirmed=confirmed)
    assert order["lines"][0]["exclusion_confirmed"] is confirmed
    after_sales = shop.request(order)
    assert after_sales["status"] == status
    if confirmed:
        assert after_sales["rejection"]["code"] == "excluded_with_confirmation"


def test_intact_return_refunded_within_the_platform_limit_to_original_methods(shop):
    payments = [{"method": "card", "amount_fen": 8000}, {"method": "points", "amount_fen": 1500}, {"method": "coupon", "amount_fen": 500}]
    order = shop.signed(shop.product(), payments=payments)
    after_sales = shop.request(order)
    assert after_sales["freight"] == {"outbound_leg": "consumer", "return_leg": "consumer", "reshipment_leg": "none"}
    assert after_sales["return_instructions"]["freight_bearer"] == "consumer"
    shop.advance("P1D")
    done = shop.receive(after_sales, observations=["package_opened", "reasonable_trial"], freight_paid_fen=1200)
    assert done["inspection"]["lines"][0] == {"line_id": order["lines"][0]["line_id"], "quantity": 1, "intact": True, "failed_checks": []}
    assert done["settlement"]["total_refund_fen"] == 10000 and done["settlement"]["return_freight_refunded_fen"] == 0
    assert [(r["method"], r["amount_fen"], r["to_original_path"]) for r in done["refunds"]] == [
        ("card", 8000, True), ("points", 1500, True), ("coupon", 500, True)]
    limit_days = shop.rule("refund_after_receipt")["value"]
    assert limit_days <= 7
    received = done["inspection"]["received_at"]
    assert all(r["status"] == "paid" and r["paid_at"] >= received for r in done["refunds"])
    assert done["status"] == "completed" and done["refund_method_notice"] is None
    assert next(d for d in done["deadlines"] if d["name"] == "refund")["met_at"] is not None


def test_broken_seal_on_food_is_not_intact_and_gets_no_refund(shop):
    after_sales = shop.request(shop.signed(shop.product("food")))
    done = shop.receive(after_sales, observations=["package_opened", "seal_broken"])
    assert done["inspection"]["lines"][0]["failed_checks"] == ["seal_broken"]
    assert done["status"] == "closed" and done["refunds"] == [] and done["settlement"] is None


def test_free_return_shipping_promise_prevails(shop):
    order = shop.signed(shop.product(promises={"return_window_days": 7, "free_return_shipping": True}))
    after_sales = shop.request(order)
    assert after_sales["freight"]["return_leg"] == "merchant"
    done = shop.receive(after_sales, freight_paid_fen=1200)
    assert done["settlement"]["return_freight_refunded_fen"] == 1200 and done["settlement"]["total_refund_fen"] == 11200


def test_partial_return_from_a_bundle_is_settled_at_purchase_prices(shop):
    a, b = shop.product(price_fen=10000), shop.product("clothing", price_fen=10000)
    bundle = {"kind": "bundle", "product_ids": [a["product_id"], b["product_id"]], "amount_fen": 5000}
    order = shop.signed(a, b, discounts=[bundle])
    assert [line["paid_fen"] for line in order["lines"]] == [7500, 7500]
    done = shop.receive(shop.request(order, line=1))
    assert done["settlement"]["goods_refund_fen"] == 5000


def test_breaking_free_shipping_threshold_deducts_outbound_freight(shop):
    a, b = shop.product(price_fen=6000), shop.product("books", price_fen=6000)
    order = shop.signed(a, b, shipping={"fee_fen": 800, "free_threshold_fen": 9900})
    assert order["shipping_charged_fen"] == 0
    done = shop.receive(shop.request(order, line=1))
    assert done["settlement"]["outbound_freight_deducted_fen"] == 800
    assert done["settlement"]["total_refund_fen"] == 5200


def test_return_instructions_list_gifts_and_missing_gift_is_charged_not_refused(shop):
    product = shop.product(gifts=[{"title": "收纳包", "marked_price_fen": 1500, "market_value_fen": 1200},
                                  {"title": "贴膜", "marked_price_fen": None, "market_value_fen": 300}])
    order = shop.signed((product, 2))
    after_sales = shop.request(order, quantity=2)
    items = after_sales["return_instructions"]["items"]
    assert [(i["kind"], i["quantity"]) for i in items] == [("goods", 2), ("gift", 2), ("gift", 2)]
    marked, unmarked = product["gifts"]
    done = shop.receive(after_sales, gifts=[{"gift_id": marked["gift_id"], "returned_quantity": 1},
                                            {"gift_id": unmarked["gift_id"], "returned_quantity": 0}])
    assert done["status"] == "completed"
    assert done["settlement"]["gift_charges"] == [
        {"gift_id": marked["gift_id"], "quantity": 1, "basis": "marked_price", "amount_fen": 1500},
        {"gift_id": unmarked["gift_id"], "quantity": 2, "basis": "market_value", "amount_fen": 600}]
    assert done["settlement"]["total_refund_fen"] == 20000 - 2100


def test_merchant_silence_accepts_at_the_deadline(shop):
    order = shop.signed(shop.product())
    after_sales = shop.request(order, ground="quality_problem")
    assert after_sales["status"] == "pending_merchant"
    due = next(d for d in after_sales["deadlines"] if d["name"] == "merchant_response")["due_at"]
    shop.advance("P10D")
    later = shop.get(after_sales)
    assert later["status"] == "awaiting_return"
    assert later["return_instructions"]["provided_at"] == due
    assert later["freight"]["return_leg"] == "merchant"


def test_requests_before_signing_are_rejected(shop):
    shop.at(T0)
    order = shop.order(shop.product())
    assert shop.request(order)["rejection"]["code"] == "not_delivered_yet"


def test_lost_parcel_is_refunded_with_freight(shop):
    shop.at(T0)
    order = shop.order(shop.product(price_fen=5000), shipping={"fee_fen": 800, "free_threshold_fen": None})
    shop.call("deliver_order", order_id=order["order_id"], outcome="lost")
    after_sales = shop.request(order, ground="not_delivered", remedy="refund")
    assert after_sales["status"] == "completed"
    assert after_sales["settlement"]["total_refund_fen"] == 5800


def test_refund_to_another_method_only_with_consent_and_shown(shop):
    order = shop.signed(shop.product(), payments=[{"method": "card", "amount_fen": 10000}])
    after_sales = shop.request(order, refund_channel="balance")
    done = shop.receive(after_sales)
    assert [(r["method"], r["to_original_path"]) for r in done["refunds"]] == [("balance", False)]
    assert "balance" in done["refund_method_notice"]


def test_accessories_and_gifts_go_back_with_the_goods(shop):
    product = shop.product(accessories=[{"title": "充电线", "quantity": 1}],
                           gifts=[{"title": "收纳包", "marked_price_fen": 1500, "market_value_fen": 1200}])
    assert product["accessories"] == [{"title": "充电线", "quantity": 1}]
    items = shop.request(shop.signed((product, 2)), quantity=2)["return_instructions"]["items"]
    assert [(i["kind"], i["title"], i["quantity"]) for i in items] == [("goods", "electronics商品", 2), ("accessory", "充电线", 2), ("gift", "收纳包", 2)]


def test_receipt_then_inspection_refund_due_from_receipt(shop):
    after_sales = shop.request(shop.signed(shop.product()))
    received = shop.call("receive_return", after_sales_id=after_sales["after_sales_id"], lines=after_sales["lines"], inspected=False)["after_sales"]
    assert received["status"] == "return_received" and received["inspection"]["inspected_at"] is None
    shop.advance("P1D")
    done = shop.call("inspect_return", after_sales_id=after_sales["after_sales_id"],
                     lines=[{**after_sales["lines"][0], "observations": ["package_opened"]}])["after_sales"]
    assert done["inspection"]["deemed"] is False and done["inspection"]["inspected_at"] > done["inspection"]["received_at"]
    limit = shop.rule("refund_after_receipt")
    assert datetime.fromisoformat(done["refunds"][0]["due_by"]) == datetime.fromisoformat(done["inspection"]["received_at"]) + timedelta(days=limit["value"])


def test_return_not_inspected_in_time_is_deemed_intact(shop):
    after_sales = shop.request(shop.signed(shop.product()))
    received = shop.call("receive_return", after_sales_id=after_sales["after_sales_id"], lines=after_sales["lines"], inspected=False)["after_sales"]
    due = next(d for d in received["deadlines"] if d["name"] == "return_inspection")["due_at"]
    shop.advance("P30D")
    later = shop.get(after_sales)
    assert later["inspection"]["deemed"] is True and later["inspection"]["inspected_at"] == due
    assert later["status"] == "completed" and later["settlement"]["total_refund_fen"] == 10000
