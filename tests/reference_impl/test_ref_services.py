"""Service goods (5.4.3): cancellation rules and fees, compensation and refunds by agreement."""

import pytest

T0 = "2024-03-01T10:00:00+08:00"
RULES_TEXT = "服务开始前24小时以上取消免费；24小时内取消收取30%"


def _service(shop, starts_at="2024-03-05T10:00:00+08:00"):
    return shop.product("service", price_fen=10000, service={
        "starts_at": starts_at, "cancellation_rules": RULES_TEXT,
        "cancellation_fees": [{"min_hours_before_start": 24, "fee_percent": 0}, {"min_hours_before_start": 0, "fee_percent": 30}]})


def test_cancellation_rules_are_shown(shop):
    shown = shop.call("get_product", product_id=_service(shop)["product_id"])["product"]
    assert shown["service"]["cancellation_rules"] == RULES_TEXT
    assert shown["service"]["cancellation_fees"][1] == {"min_hours_before_start": 0, "fee_percent": 30}


@pytest.mark.parametrize("when, fee", [("2024-03-04T09:59:00+08:00", 0), ("2024-03-04T10:01:00+08:00", 3000)])
def test_cancellation_fee_by_tier_and_refund_within_limit(shop, when, fee):
    product = _service(shop)
    shop.at(T0)
    order = shop.order(product, payments=[{"method": "wallet", "amount_fen": 10000}])
    shop.at(when)
    after_sales = shop.call("cancel_service_order", order_id=order["order_id"])["after_sales"]
    assert (after_sales["ground"], after_sales["remedy"]) == ("service_cancellation", "refund")
    assert after_sales["settlement"]["cancellation_fee_fen"] == fee
    assert after_sales["refunds"] == [{"purpose": "service", "method": "wallet", "amount_fen": 10000 - fee,
                                       "to_original_path": True, "status": "paid",
                                       "due_by": next(d["due_at"] for d in after_sales["deadlines"] if d["name"] == "service_refund"),
                                       "paid_at": after_sales["requested_at"]}]
    assert shop.call("get_order", order_id=order["order_id"])["order"]["status"] == "cancelled"


def test_cancelling_after_the_start_is_not_allowed(shop):
    product = _service(shop)
    shop.at(T0)
    order = shop.order(product)
    shop.at("2024-03-05T11:00:00+08:00")
    assert shop.call("cancel_service_order", order_id=order["order_id"])["after_sales"]["rejection"]["code"] == "cancellation_not_allowed"


def test_compensation_paid_as_agreed(shop):
    product = _service(shop)
    order = shop.signed(product)
    after_sales = shop.request(order, ground="service_below_description", remedy="compensation", amount_fen=4000)
    assert after_sales["status"] == "pending_merchant"
    accepted = shop.call("merchant_decide", after_sales_id=after_sales["after_sales_id"], decision="accept")["after_sales"]
    assert accepted["status"] == "processing" and accepted["refunds"] == []
    result = shop.call("record_agreement", order_id=order["order_id"], after_sales_id=after_sales["after_sales_id"],
                       remedy="compensation", amount_fen=3500, channel="wallet", pay_by="2024-03-10T00:00:00+08:00")
    assert result["agreement"]["kind"] == "supplementary"
    done = result["after_sales"]
    assert done["settlement"]["compensation_fen"] == 3500
    assert [(r["purpose"], r["method"], r["amount_fen"]) for r in done["refunds"]] == [("compensation", "wallet", 3500)]
    assert done["refunds"][0]["paid_at"] <= "2024-03-10T00:00:00+08:00"
    assert done["refund_method_notice"] is not None      # not the original path (card): the method is shown


def test_service_refund_after_agreement_within_platform_limit(shop):
    order = shop.signed(_service(shop))
    after_sales = shop.request(order, ground="service_below_description", remedy="refund")
    shop.call("merchant_decide", after_sales_id=after_sales["after_sales_id"], decision="accept")
    done = shop.call("record_agreement", order_id=order["order_id"], after_sales_id=after_sales["after_sales_id"],
                     remedy="refund", amount_fen=6000, channel="original_path")["after_sales"]
    agreed_at = done["agreements"][0]["recorded_at"]
    deadline = next(d for d in done["deadlines"] if d["name"] == "service_refund")
    assert done["refunds"][0]["amount_fen"] == 6000 and done["refunds"][0]["paid_at"] == agreed_at
    assert deadline["met_at"] <= deadline["due_at"] and done["status"] == "completed"


def test_goods_grounds_do_not_apply_to_services(shop):
    assert shop.request(shop.signed(_service(shop)))["rejection"]["code"] == "remedy_not_offered"


def test_compensation_defaults_to_the_actual_loss_claimed(shop):
    order = shop.signed(_service(shop))
    after_sales = shop.request(order, ground="service_below_description", remedy="compensation", amount_fen=4200)
    assert after_sales["amount_requested_fen"] == 4200
    shop.call("merchant_decide", after_sales_id=after_sales["after_sales_id"], decision="accept")
    done = shop.call("record_agreement", order_id=order["order_id"], after_sales_id=after_sales["after_sales_id"],
                     remedy="compensation")["after_sales"]
    assert done["settlement"]["compensation_fen"] == 4200


def test_merchants_one_sided_proposal_settles_nothing(shop):
    order = shop.signed(_service(shop))
    after_sales = shop.request(order, ground="service_below_description", remedy="compensation", amount_fen=4200)
    shop.call("merchant_decide", after_sales_id=after_sales["after_sales_id"], decision="accept")
    result = shop.call("record_agreement", order_id=order["order_id"], after_sales_id=after_sales["after_sales_id"],
                       remedy="compensation", amount_fen=500, confirmed_by=["merchant"])
    assert result["agreement"]["confirmed_by"] == ["merchant"]
    assert result["after_sales"]["status"] == "processing" and result["after_sales"]["refunds"] == []
