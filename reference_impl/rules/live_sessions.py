"""The live stream itself (5.2.1.a, 5.2.3, 5.2.4, 5.3.1.a): what the room shows and sells, what happens to
after-sales questions in the comments, and when promises made in the room are kept.

5.2.3.a: the card shows the stock and pre-sale date as they are now, and a product with no stock is not sold as
in stock; the card shows, and an order placed from it is charged, what the room offers (CPL Art 20, ECL Art 17).
5.2.4: the product page carries after-sales and dispute information and a channel to report violations
(ECL Art 33, 59). 5.3.1.a: live-room commitments are honoured after the stream (ECL Art 20).
"""

from datetime import datetime, timedelta

from .obligations import implements

# Words that make a comment an after-sales question (returns, exchanges, repairs, refunds, shipping, quality).
AFTER_SALES_WORDS = ("退", "换", "修", "售后", "发货", "物流", "快递", "质量", "坏", "破", "漏", "充不进", "不能用", "没收到")
ON_SCREEN_REPLY = "已收到您的售后问题，直播间售后客服将马上联系您处理。"
AFTER_SALES_INFO = "{label}；质量问题可退货、换货或维修，运费由商家承担；退款原路退回。"
DISPUTE_INFO = "对售后处理有异议的，可在订单详情申请平台介入或提交投诉，平台在规定时限内反馈处理结果。"
AFTER_SALES_LINK = "caaad://after-sales/{product_id}"
DISPUTE_LINK = "caaad://disputes"
REPORT_CHANNEL = {"access_point": "直播间及商品页「举报」入口（违法违规举报）"}


@implements("5.2.3.a-1")
def stock_status(stock_quantity: int, presale_ship_date: str | None) -> str:
    """A pre-sale product is sold as pre-sale; otherwise in stock while units are left, sold out at zero."""
    if presale_ship_date is not None:
        return "presale"
    return "in_stock" if stock_quantity > 0 else "sold_out"


@implements("5.2.3.a-1")
def sellable(status: str, stock_quantity: int, quantity: int) -> bool:
    """An order from the card is taken as pre-sale, or from stock for as many units as are left."""
    return status == "presale" or (status == "in_stock" and quantity <= stock_quantity)


@implements("5.2.3.a-2", "5.3.1.a-1")
def live_terms(product: dict, offer: dict) -> tuple[int, list[dict]]:
    """What the room offers on a unit: the live-room-only price (else the product's), and the product's gifts
    plus the room's own, each with its id. The card shows these and an order from it is charged them."""
    room_gifts = [{"gift_id": f"{product['product_id']}-L{n}", "quantity": 1, **gift}
                  for n, gift in enumerate(offer.get("live_gifts", ()), 1)]
    return offer.get("live_price_fen", product["price_fen"]), [*product["gifts"], *room_gifts]


@implements("5.2.3.a-2")
def shown_card(product: dict, offer: dict, price_fen: int, gifts: list[dict], status: str) -> dict:
    """The card as shown in the room: the terms an order will get, availability now, the after-sales label and
    terms, and the benefits promised for after the stream."""
    return {"product_id": product["product_id"], "title": product["title"], "price_fen": price_fen,
            "stock_status": status, "stock_quantity": offer["stock_quantity"],
            "presale_ship_date": offer.get("presale_ship_date"), "gifts": gifts, "return_label": product["return_label"],
            "after_sales": {"text": AFTER_SALES_INFO.format(label=product["return_label"]),
                            "link": AFTER_SALES_LINK.format(product_id=product["product_id"])},
            "benefits": list(offer.get("benefits", ()))}


@implements("5.2.4-1")
def page_information(product: dict) -> tuple[dict, dict]:
    """The after-sales and the dispute and complaint information on a live product's page, each with its link."""
    return ({"text": AFTER_SALES_INFO.format(label=product["return_label"]),
             "link": AFTER_SALES_LINK.format(product_id=product["product_id"])},
            {"text": DISPUTE_INFO, "link": DISPUTE_LINK})


@implements("5.2.4-2")
def report_channel() -> dict | None:
    """The channel to report violations of laws and regulations, reachable from the room and the page."""
    return dict(REPORT_CHANNEL)


@implements("5.2.1.a-2")
def comment_handling(text: str, posted_at: datetime) -> tuple[str, datetime, datetime] | None:
    """For an after-sales question in the comments: the on-screen reply, its time and the time it is handed to the
    operator's after-sales staff (at once, so always before the stream ends); None for any other comment."""
    if not any(word in text for word in AFTER_SALES_WORDS):
        return None
    return ON_SCREEN_REPLY, posted_at, posted_at


@implements("5.2.3.b-1")
def merchant_service_reply_at(submitted_at: datetime, limit: timedelta) -> datetime:
    """The merchant's online customer service, staffed for the whole stream, replies at once."""
    return submitted_at


@implements("5.3.1.a-1")
def benefit_delivery_at(closed_at: datetime, deliver_by: datetime) -> datetime:
    """A benefit promised for after the stream reaches the consumer as the stream ends (never after deliver_by)."""
    return min(closed_at, deliver_by)
