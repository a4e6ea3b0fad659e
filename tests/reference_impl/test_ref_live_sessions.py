"""Live sessions in the reference system, through the contract: stock taken by orders, refusals, what is shown
when, and what a closed session no longer does."""

import pytest

from caaad.contract import AdapterFailure

T0 = "2024-03-01T19:00:00+08:00"


@pytest.fixture
def room(shop):
    shop.at(T0)
    goods = shop.product(price_fen=29900)
    operator = shop.call("create_party", kind="live_room_operator", display_name="直播间甲")["party_id"]
    session = shop.call("open_live_session", live_room_operator_id=operator, anchor_name="主播甲", products=[{
        "product_id": goods["product_id"], "live_price_fen": 19900, "stock_quantity": 1,
        "benefits": [{"title": "返券", "kind": "coupon", "amount_fen": 1000, "deliver_by": "2024-03-04T20:00:00+08:00"}]}])
    return shop, goods, session["live_session"]["live_session_id"]


def _order(shop, goods, sid, amount=19900):
    return shop.call("place_order", consumer_id=shop.consumer, items=[{"product_id": goods["product_id"], "quantity": 1}],
                     payments=[{"method": "card", "amount_fen": amount}], live_session_id=sid)["order"]


def test_an_order_takes_the_last_unit_and_the_next_is_refused(room):
    shop, goods, sid = room
    order = _order(shop, goods, sid)
    assert (order["lines"][0]["unit_price_fen"], order["live_session_id"]) == (19900, sid)
    card = shop.call("get_live_product", live_session_id=sid, product_id=goods["product_id"])["card"]
    assert (card["stock_status"], card["stock_quantity"]) == ("sold_out", 0)
    with pytest.raises(AdapterFailure, match="out_of_stock"):
        _order(shop, goods, sid)


def test_a_refused_order_takes_no_stock(room):
    shop, goods, sid = room
    with pytest.raises(AdapterFailure, match="payments add up"):
        _order(shop, goods, sid, amount=100)
    assert shop.call("get_live_product", live_session_id=sid, product_id=goods["product_id"])["card"]["stock_quantity"] == 1


def test_benefits_are_shown_delivered_once_the_stream_has_ended(room):
    shop, goods, sid = room
    order = _order(shop, goods, sid)
    assert [b["delivered_at"] for b in order["live_benefits"]] == [None]
    closed = shop.call("close_live_session", live_session_id=sid)["live_session"]
    shown = shop.call("get_order", order_id=order["order_id"])["order"]
    assert [b["delivered_at"] for b in shown["live_benefits"]] == [closed["closed_at"]]


def test_a_closed_session_takes_no_orders_comments_or_stock_updates(room):
    shop, goods, sid = room
    shop.call("close_live_session", live_session_id=sid)
    with pytest.raises(AdapterFailure, match="has ended"):
        _order(shop, goods, sid)
    with pytest.raises(AdapterFailure, match="has ended"):
        shop.call("post_live_comment", live_session_id=sid, consumer_id=shop.consumer, text="还能退吗？")
    with pytest.raises(AdapterFailure, match="has ended"):
        shop.call("update_live_stock", live_session_id=sid, product_id=goods["product_id"], stock_quantity=5)


def test_only_after_sales_comments_are_handed_over(room):
    shop, _, sid = room
    question = shop.call("post_live_comment", live_session_id=sid, consumer_id=shop.consumer, text="能换货吗？")["comment"]
    chat = shop.call("post_live_comment", live_session_id=sid, consumer_id=shop.consumer, text="主播好")["comment"]
    assert question["handover"]["source_comment_id"] == question["comment_id"] and question["reply"]
    assert (chat["reply"], chat["handover"]) == (None, None)


def test_a_product_not_in_the_running_order_is_not_sold_in_the_room(room):
    shop, _, sid = room
    other = shop.product()
    with pytest.raises(AdapterFailure, match="not on sale in live session"):
        shop.call("get_live_product", live_session_id=sid, product_id=other["product_id"])
