"""Consultations and complaints through the contract (every response validated against its schema)."""

import pytest

from caaad.contract.errors import AdapterFailure

from conftest import T0


def _limit(shop, name):
    rule = shop.rule(name)
    assert rule["unit"] == "hour"
    return rule["value"]


def test_describe_lists_channels_and_both_time_limits(shop):
    description = shop.client.describe()
    assert {"consultations", "complaints"} <= set(description["capabilities"])
    kinds = {(c["addressed_to"], c["kind"]) for c in description["consultation_channels"]}
    assert {("platform", "online_text"), ("platform", "telephone"), ("live_room_operator", "online_text")} <= kinds
    assert all(c["access_point"] for c in description["consultation_channels"])
    assert shop.rule("after_sales_inquiry_response_limit")["on_expiry"] == "none"
    assert shop.rule("complaint_feedback_time_limit")["on_expiry"] == "escalated_to_platform"


def test_a_direct_question_is_answered_at_once_and_recorded_as_submitted(shop):
    shop.at(T0)
    order = shop.order(shop.product())
    text = "拆封后还能退吗？  “七天无理由”"
    consultation = shop.call("submit_consultation", consumer_id=shop.consumer, channel_id="live-room-online-text",
                             topic="return_conditions", text=text, order_id=order["order_id"])["consultation"]
    assert consultation["status"] == "answered" and consultation["answer"]["by"] == "live_room_operator"
    assert consultation["answer"]["at"] == consultation["submitted_at"] == T0
    assert (consultation["consumer_id"], consultation["order_id"], consultation["text"]) == (shop.consumer, order["order_id"], text)
    assert consultation["feedback_due_at"] == "2024-03-02T10:00:00+08:00"


def test_a_refund_question_is_handed_to_the_after_sales_department(shop):
    shop.at(T0)
    consultation = shop.call("submit_consultation", consumer_id=shop.consumer, channel_id="platform-online-text",
                             topic="refund", text="怎么退款？")["consultation"]
    again = shop.call("get_consultation", consultation_id=consultation["consultation_id"])["consultation"]
    assert again["status"] == "handed_over" and again["answer"] is None
    assert again["handover"]["department"] and again["handover"]["at"] == T0 and again["handover"]["progress"] == "received"


def test_an_unknown_channel_is_refused(shop):
    with pytest.raises(AdapterFailure, match="no consultation channel 'fax'"):
        shop.call("submit_consultation", consumer_id=shop.consumer, channel_id="fax", topic="other", text="?")


def test_a_complaint_is_routed_answered_and_closed_with_its_history(shop):
    shop.at(T0)
    order = shop.order(shop.product())
    complaint = shop.call("submit_complaint", consumer_id=shop.consumer, against="merchant", text="漏水",
                          order_id=order["order_id"])["complaint"]
    assert complaint["status"] == "acknowledged" and complaint["handled_by"] == "merchant"
    with pytest.raises(AdapterFailure, match="handled by the merchant, not the live_room_operator"):
        shop.call("respond_complaint", complaint_id=complaint["complaint_id"], by="live_room_operator", text="?")
    with pytest.raises(AdapterFailure, match="needs its outcome"):
        shop.call("respond_complaint", complaint_id=complaint["complaint_id"], by="merchant", text="好", close=True)
    shop.advance("PT2H")
    closed = shop.call("respond_complaint", complaint_id=complaint["complaint_id"], by="merchant", text="换新",
                       close=True, outcome="换新，消费者认可")["complaint"]
    assert closed["status"] == "closed" and closed["outcome"] == "换新，消费者认可"
    assert [e["status"] for e in closed["history"]] == ["received", "acknowledged", "responded", "closed"]
    assert closed["history"][-1]["at"] == "2024-03-01T12:00:00+08:00"
    with pytest.raises(AdapterFailure, match="is closed"):
        shop.call("respond_complaint", complaint_id=complaint["complaint_id"], by="platform", text="再答复")
    # a later look at the clock changes nothing: a complaint answered in time is never escalated
    shop.advance(f"PT{_limit(shop, 'complaint_feedback_time_limit') + 1:g}H")
    assert shop.call("get_complaint", complaint_id=complaint["complaint_id"])["complaint"] == closed


@pytest.mark.parametrize("minutes, escalated", [(-1, False), (0, True), (1, True)])
def test_the_platform_steps_in_as_the_complaint_limit_passes(shop, minutes, escalated):
    shop.at(T0)
    complaint = shop.call("submit_complaint", consumer_id=shop.consumer, against="live_room_operator",
                          text="主播承诺的赠品没发")["complaint"]
    shop.advance(int(_limit(shop, "complaint_feedback_time_limit") * 3600 + minutes * 60))
    seen = shop.call("get_complaint", complaint_id=complaint["complaint_id"])["complaint"]
    assert (seen["status"] == "escalated") is escalated
    if escalated:
        assert seen["handled_by"] == "platform"
        assert seen["responses"][0]["by"] == "platform" and seen["responses"][0]["at"] == seen["feedback_due_at"]
        assert seen["history"][-1] == {"status": "escalated", "at": seen["feedback_due_at"], "by": "platform",
                                       "note": seen["responses"][0]["text"]}
    else:
        assert seen["responses"] == []


def test_the_party_complained_against_may_answer_even_when_the_platform_handles_it(shop_factory):
    from caaad.reference_impl.adapter import ReferenceAdapter
    from caaad.reference_impl.rules import DEFAULT_RULES
    shop = shop_factory(ReferenceAdapter(rules=DEFAULT_RULES.replace(complaint_handler=lambda against: "platform")))
    complaint = shop.call("submit_complaint", consumer_id=shop.consumer, against="merchant", text="x")["complaint"]
    answered = shop.call("respond_complaint", complaint_id=complaint["complaint_id"], by="merchant", text="y")["complaint"]
    assert answered["status"] == "responded" and answered["handled_by"] == "platform"
