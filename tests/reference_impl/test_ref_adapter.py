"""The reference adapter answers every contract operation within the schemas."""

from datetime import timedelta

import pytest

from caaad.contract import AdapterFailure, AdapterProtocol, load_contract
from caaad.reference_impl.adapter import ReferenceAdapter, parse_duration

T0 = "2024-03-01T10:00:00+08:00"


def test_is_an_adapter_protocol():
    assert isinstance(ReferenceAdapter(), AdapterProtocol)


def test_describe_declares_everything_and_required_rules(shop):
    description = shop.client.describe()
    assert description["contract_version"] == load_contract().version
    assert set(description["capabilities"]) == set(load_contract().defs["capability"]["enum"])
    names = {r["name"] for r in description["platform_rules"]}
    assert {"after_sales_request_response_limit", "return_address_limit", "refund_after_receipt", "perishable_report_window",
            "return_inspection_time_limit", "negotiation_period", "service_refund_after_agreement"} <= names


def test_every_operation_answers_within_the_schemas(shop):
    """One walk through every operation; ContractClient validates each request and response."""
    shop.call("describe")
    shop.call("clock_now")
    shop.at(T0)
    product = shop.product(gifts=[{"title": "收纳包", "marked_price_fen": 1500, "market_value_fen": 1200}])
    shop.call("get_product", product_id=product["product_id"])
    order = shop.order(product)
    shop.call("get_order", order_id=order["order_id"])
    shop.call("deliver_order", order_id=order["order_id"], outcome="signed")
    returned = shop.request(order)
    shop.call("ship_return", after_sales_id=returned["after_sales_id"], freight_paid_fen=0)
    shop.call("receive_return", after_sales_id=returned["after_sales_id"], lines=returned["lines"], inspected=False)
    shop.call("inspect_return", after_sales_id=returned["after_sales_id"], lines=returned["lines"])
    disputed = shop.request(order, ground="quality_problem")
    shop.call("merchant_decide", after_sales_id=disputed["after_sales_id"], decision="reject", reason="无质量问题")
    shop.call("request_intervention", after_sales_id=disputed["after_sales_id"])
    shop.call("submit_evidence", after_sales_id=disputed["after_sales_id"], party="consumer", kind="video", description="视频")
    shop.call("record_agreement", order_id=order["order_id"], after_sales_id=disputed["after_sales_id"],
              remedy="partial_refund", amount_fen=1000)
    shop.get(disputed)
    service = shop.product("service", service={"starts_at": None, "cancellation_rules": "随时退",
                                               "cancellation_fees": [{"min_hours_before_start": 0, "fee_percent": 0}]})
    shop.call("cancel_service_order", order_id=shop.order(service)["order_id"])
    review = shop.call("submit_review", order_id=order["order_id"], rating=2, text="一般")["review"]
    shop.call("list_reviews", product_id=product["product_id"])
    shop.call("request_review_removal", review_id=review["review_id"], merchant_id=shop.merchant,
              ground="negative_opinion", detail="差评")
    shop.call("file_review_appeal", review_id=review["review_id"], merchant_id=shop.merchant, reasons="描述不实")
    recipient = {"name": "测试第三方", "kind": "third_party", "contact": "测试第三方客服"}
    consent = shop.call("record_consent", consumer_id=shop.consumer, recipient=recipient, purpose="推荐",
                        data_types=["phone_number"])["consent"]
    shop.call("request_data_disclosure", discloser="merchant", consumer_id=shop.consumer, recipient=recipient,
              purpose="推荐", data_types=["phone_number"], consent_id=consent["consent_id"])
    shop.call("withdraw_consent", consent_id=consent["consent_id"])
    shop.call("report_incident", data_types=["phone_number"], cause="模拟泄露", affected_consumer_ids=[shop.consumer])
    consultation = shop.call("submit_consultation", consumer_id=shop.consumer, channel_id="platform-online-text",
                             topic="refund", text="怎么退款？", order_id=order["order_id"])["consultation"]
    shop.call("get_consultation", consultation_id=consultation["consultation_id"])
    complaint = shop.call("submit_complaint", consumer_id=shop.consumer, against="merchant", text="不发货")["complaint"]
    shop.call("respond_complaint", complaint_id=complaint["complaint_id"], by="merchant", text="已发货")
    shop.call("get_complaint", complaint_id=complaint["complaint_id"])
    operator = shop.call("create_party", kind="live_room_operator", display_name="测试直播间")["party_id"]
    sid = shop.call("open_live_session", live_room_operator_id=operator, anchor_name="测试主播",
                    products=[{"product_id": product["product_id"], "stock_quantity": 3}])["live_session"]["live_session_id"]
    shop.call("update_live_stock", live_session_id=sid, product_id=product["product_id"], presale_ship_date="2024-03-15")
    shop.call("get_live_product", live_session_id=sid, product_id=product["product_id"])
    shop.call("post_live_comment", live_session_id=sid, consumer_id=shop.consumer, text="怎么换货？")
    report = shop.call("submit_violation_report", reporter_id=shop.consumer, text="虚假宣传")["report"]
    shop.call("get_violation_report", report_id=report["report_id"])
    shop.call("close_live_session", live_session_id=sid)
    shop.call("get_live_session", live_session_id=sid)
    shop.call("get_after_sales_rules")
    shop.advance(3600)
    assert shop.called == set(load_contract().operations)


def test_wrong_state_is_reported_as_an_adapter_failure(shop):
    after_sales = shop.request(shop.signed(shop.product()))
    with pytest.raises(AdapterFailure, match="operation merchant_decide: adapter failed: ServiceError: .* not pending the merchant"):
        shop.call("merchant_decide", after_sales_id=after_sales["after_sales_id"], decision="accept")


def test_unknown_ids_are_adapter_failures(shop):
    with pytest.raises(AdapterFailure, match="NotFound: no order with id 'O404'"):
        shop.call("get_order", order_id="O404")


def test_clock_never_goes_back(shop):
    shop.at(T0)
    with pytest.raises(AdapterFailure, match="the clock only moves forward"):
        shop.at("2024-02-01T10:00:00+08:00")


def test_payments_must_add_up(shop):
    with pytest.raises(AdapterFailure, match="payments add up to 1 fen, the order costs 10000 fen"):
        shop.order(shop.product(), payments=[{"method": "card", "amount_fen": 1}])


@pytest.mark.parametrize("value, expected", [(90, timedelta(seconds=90)), ("P7D", timedelta(days=7)),
                                             ("PT36H", timedelta(hours=36)), ("P1DT2H30M5S", timedelta(days=1, hours=2, minutes=30, seconds=5))])
def test_parse_duration(value, expected):
    assert parse_duration(value) == expected


def test_clock_advance_by_and_to_report_the_new_now(shop):
    shop.at(T0)
    assert shop.advance("P7DT13H59M") == "2024-03-08T23:59:00+08:00"
    assert shop.at("2024-03-08T16:00:00Z") == "2024-03-09T00:00:00+08:00"


def test_each_adapter_has_its_own_system():
    first, second = ReferenceAdapter(), ReferenceAdapter()
    first.clock_advance({"by": "P30D"})
    assert first.clock_now({})["now"] != second.clock_now({})["now"]
