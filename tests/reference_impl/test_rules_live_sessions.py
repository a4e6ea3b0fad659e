"""The live-stream rules of the reference system (reference_impl/rules/live_sessions.py)."""

from datetime import datetime, timedelta, timezone

import pytest

from caaad.reference_impl.rules import live_sessions as live

CHINA = timezone(timedelta(hours=8))
T = datetime(2024, 3, 1, 20, 59, tzinfo=CHINA)
PRODUCT = {"product_id": "G1", "title": "牙刷", "price_fen": 29900, "return_label": "支持七天无理由退货",
           "gifts": [{"gift_id": "G1-g1", "title": "收纳盒", "quantity": 1, "marked_price_fen": None, "market_value_fen": 500}]}


@pytest.mark.parametrize("stock, presale, status", [(1, None, "in_stock"), (0, None, "sold_out"),
                                                    (0, "2024-03-15", "presale"), (5, "2024-03-15", "presale")])
def test_stock_status(stock, presale, status):
    assert live.stock_status(stock, presale) == status


@pytest.mark.parametrize("status, stock, quantity, ok", [("in_stock", 1, 1, True), ("in_stock", 1, 2, False),
                                                         ("sold_out", 0, 1, False), ("presale", 0, 3, True)])
def test_sellable(status, stock, quantity, ok):
    assert live.sellable(status, stock, quantity) is ok


def test_live_terms_price_and_gifts_of_the_room():
    offer = {"live_price_fen": 19900, "live_gifts": [{"title": "刷头", "marked_price_fen": None, "market_value_fen": 1990}]}
    price, gifts = live.live_terms(PRODUCT, offer)
    assert price == 19900
    assert [(g["gift_id"], g["title"]) for g in gifts] == [("G1-g1", "收纳盒"), ("G1-L1", "刷头")]
    assert live.live_terms(PRODUCT, {})[0] == 29900


def test_shown_card_shows_the_terms_and_label():
    card = live.shown_card(PRODUCT, {"stock_quantity": 0}, 19900, PRODUCT["gifts"], "sold_out")
    assert (card["price_fen"], card["stock_status"], card["return_label"]) == (19900, "sold_out", "支持七天无理由退货")
    assert card["after_sales"]["text"] and card["after_sales"]["link"]


def test_page_information_and_report_channel():
    after_sales, disputes = live.page_information(PRODUCT)
    assert "支持七天无理由退货" in after_sales["text"] and disputes["text"] and disputes["link"]
    assert live.report_channel()["access_point"]


def test_after_sales_comments_are_replied_to_and_handed_over_at_once():
    assert live.comment_handling("拉链坏了，可以换货吗？", T) == (live.ON_SCREEN_REPLY, T, T)
    assert live.comment_handling("主播今天真好看", T) is None


def test_merchant_service_replies_at_once_and_benefits_arrive_at_the_end_of_the_stream():
    assert live.merchant_service_reply_at(T, timedelta(hours=24)) == T
    deliver_by = T + timedelta(days=3)
    assert live.benefit_delivery_at(T, deliver_by) == T
    assert live.benefit_delivery_at(deliver_by + timedelta(hours=1), deliver_by) == deliver_by
