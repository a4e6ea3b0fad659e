"""The reference system with repeated requests, retried calls and serious complaints (contract 1.4)."""

import pytest

from caaad.contract import AdapterFailure
from caaad.reference_impl.adapter import ReferenceAdapter

from conftest import T0


def _lost(shop, price_fen=8900):
    shop.at(T0)
    order = shop.order(shop.product(price_fen=price_fen))
    return shop.call("deliver_order", order_id=order["order_id"], outcome="lost")["order"]


def _refund_request(order, key=None):
    request = {"order_id": order["order_id"], "ground": "not_delivered", "remedy": "refund",
               "lines": [{"line_id": order["lines"][0]["line_id"], "quantity": 1}]}
    return {**request, "idempotency_key": key} if key else request


def test_a_repeated_request_is_refused_and_the_line_paid_once(shop):
    order = _lost(shop)
    first = shop.call("request_after_sales", **_refund_request(order))["after_sales"]
    assert first["status"] == "completed" and first["settlement"]["goods_refund_fen"] == 8900
    for _ in range(4):
        again = shop.call("request_after_sales", **_refund_request(order))["after_sales"]
        assert again["status"] == "rejected" and again["rejection"]["code"] == "duplicate_request"
        assert first["after_sales_id"] in again["rejection"]["detail"] and again["refunds"] == []


def test_refunds_of_a_line_over_several_requests_stop_at_what_was_paid(shop):
    product = shop.product(price_fen=10000)
    order = shop.signed(product, issues=[{"line_id": "O1-1", "kind": "missing_item", "quantity": 1}])
    partial = shop.request(order, ground="missing_item", remedy="partial_refund", amount_fen=3000)
    assert partial["settlement"]["goods_refund_fen"] == 3000
    returned = shop.receive(shop.request(order, ground="missing_item", remedy="return_refund"))
    assert returned["settlement"]["goods_refund_fen"] == 7000
    # the same partial refund again repeats the first, completed one
    third = shop.request(order, ground="missing_item", remedy="partial_refund", amount_fen=1000)
    assert third["status"] == "rejected" and third["rejection"]["code"] == "duplicate_request"


def test_a_retried_call_gets_the_first_answer_and_nothing_is_done_again(shop):
    order = _lost(shop)
    first = shop.client.call("request_after_sales", _refund_request(order, "retry-1"))
    assert first["idempotency_key"] == "retry-1"
    again = shop.client.call("request_after_sales", _refund_request(order, "retry-1"))
    assert again == first
    # one request, not two: without the key, the same request is now a repeat of the first
    repeat = shop.call("request_after_sales", **_refund_request(order))["after_sales"]
    assert repeat["rejection"]["code"] == "duplicate_request" and repeat["after_sales_id"] == "A2"


def test_a_subclass_overriding_an_operation_still_recognises_retries(shop_factory):
    class Noting(ReferenceAdapter):
        def request_after_sales(self, request):
            return super().request_after_sales({**request, "note": "经子类转交"})

    shop = shop_factory(Noting())
    order = _lost(shop)
    first = shop.client.call("request_after_sales", _refund_request(order, "sub-1"))
    assert shop.client.call("request_after_sales", _refund_request(order, "sub-1")) == first


def test_a_key_reused_for_another_call_is_refused_and_changes_nothing(shop):
    order = _lost(shop)
    shop.client.call("request_after_sales", _refund_request(order, "k"))
    with pytest.raises(AdapterFailure, match="idempotency key 'k' was used for another call"):
        shop.client.call("request_after_sales", {**_refund_request(order, "k"), "note": "again, differently"})
    with pytest.raises(AdapterFailure, match="used for another call"):
        shop.client.call("create_party", {"kind": "consumer", "display_name": "乙", "idempotency_key": "k"})
    assert shop.client.call("create_party", {"kind": "consumer", "display_name": "乙"})["party_id"] == "P3"


def test_a_failed_call_keeps_nothing_so_its_retry_runs(shop):
    shop.at(T0)
    order = shop.order(shop.product())
    request = {"after_sales_id": "A9", "decision": "accept", "idempotency_key": "m-1"}
    with pytest.raises(AdapterFailure, match="no after-sales with id 'A9'"):
        shop.client.call("merchant_decide", request)
    filed = shop.client.call("request_after_sales", {**_refund_request(order), "idempotency_key": "r-1"})
    assert filed["after_sales"]["status"] == "rejected"  # not delivered yet: not_verified
    with pytest.raises(AdapterFailure, match="no after-sales with id 'A9'"):
        shop.client.call("merchant_decide", request)


def _complaint(shop, against, **extra):
    shop.at(T0)
    order = shop.order(shop.product())
    return shop.call("submit_complaint", consumer_id=shop.consumer, against=against, text="电机烧了",
                     order_id=order["order_id"], **extra)["complaint"]


def test_a_claim_against_the_live_room_operator_is_coordinated_and_closed_with_the_merchant(shop):
    complaint = _complaint(shop, "live_room_operator", compensation_claim_fen=20000)
    assert complaint["severity"] == "serious" and complaint["status"] == "coordinating"
    assert complaint["coordination"] == {"coordinated_by": "live_room_operator", "started_at": complaint["received_at"],
                                         "parties": ["consumer", "merchant", "platform"], "solution_with": "merchant",
                                         "solution_agreed_at": None}
    assert complaint["emergency"] is None  # 20000 fen is below the declared 50000
    cid = complaint["complaint_id"]
    with pytest.raises(AdapterFailure, match="agreed with the merchant, who has not responded"):
        shop.call("respond_complaint", complaint_id=cid, by="live_room_operator", text="致歉", close=True, outcome="致歉")
    shop.advance("PT1H")
    agreed = shop.call("respond_complaint", complaint_id=cid, by="merchant", text="换新并赔偿")["complaint"]
    assert agreed["coordination"]["solution_agreed_at"] == "2024-03-01T11:00:00+08:00"
    closed = shop.call("respond_complaint", complaint_id=cid, by="live_room_operator", text="已商定", close=True,
                       outcome="换新并赔偿")["complaint"]
    assert closed["status"] == "closed"
    assert [e["status"] for e in closed["history"]] == ["received", "acknowledged", "coordinating", "responded",
                                                        "responded", "closed"]


def test_a_claim_against_the_merchant_is_worked_out_with_the_live_room_operator(shop):
    complaint = _complaint(shop, "merchant", compensation_claim_fen=50000)
    assert complaint["coordination"]["parties"] == ["consumer", "live_room_operator"]
    assert complaint["emergency"]["activated_at"] == complaint["received_at"]  # at the declared threshold
    assert "50000" in complaint["emergency"]["reason"]
    shop.call("respond_complaint", complaint_id=complaint["complaint_id"], by="live_room_operator", text="共同承担")
    closed = shop.call("respond_complaint", complaint_id=complaint["complaint_id"], by="merchant", text="退款赔偿",
                       close=True, outcome="退款并赔偿")["complaint"]
    assert closed["status"] == "closed" and closed["coordination"]["solution_agreed_at"] is not None


def test_a_complaint_that_cannot_be_resolved_becomes_serious(shop):
    complaint = _complaint(shop, "live_room_operator")
    assert complaint["severity"] == "ordinary" and complaint["coordination"] is None
    shop.advance("PT2H")
    serious = shop.call("respond_complaint", complaint_id=complaint["complaint_id"], by="live_room_operator",
                        text="无法处理", cannot_resolve=True)["complaint"]
    assert serious["severity"] == "serious" and serious["coordination"]["started_at"] == "2024-03-01T12:00:00+08:00"
    assert serious["status"] == "coordinating"
    # the merchant, brought in, can now answer the consumer
    answered = shop.call("respond_complaint", complaint_id=complaint["complaint_id"], by="merchant", text="商家处理")
    assert answered["complaint"]["responses"][-1]["by"] == "merchant"


def test_an_ordinary_complaint_closes_as_before(shop):
    complaint = _complaint(shop, "live_room_operator")
    closed = shop.call("respond_complaint", complaint_id=complaint["complaint_id"], by="live_room_operator",
                       text="已补发", close=True, outcome="已补发赠品")["complaint"]
    assert closed["status"] == "closed" and closed["severity"] == "ordinary" and closed["emergency"] is None
