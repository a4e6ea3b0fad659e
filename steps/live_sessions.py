"""The live stream itself (clauses 5.2.1.a, 5.2.3, 5.2.4, 5.3.1.a): a live-room operator opens a session with its
anchor and running order; consumers watch the product cards and pages, comment, order and ask the merchant's
customer service; the merchant updates stock and pre-sale dates; the platform takes violation reports; what the
room promised is checked on the orders afterwards.

These steps use the operations of the capability live_sessions (contract 1.5): a system that does not declare it
gets not_tested (the client refuses the calls with CapabilityMissing; the step that opens a session checks first).
Every message starts with the ids the scenario is tagged with (fixture `obligations`).
"""

from __future__ import annotations

import re

from pytest_bdd import given, then, when

from caaad.contract.errors import AdapterFailure, CapabilityMissing

from .common import (Scenario, ScenarioError, advance_to, china, fen, label_names_terms, now, p, parse_timestamp,
                     rfc3339, scenario_time)
from .consultations import TOPIC, channels
from .orders import product, shown_product

CAPABILITY = "live_sessions"
BENEFIT_KIND = {"优惠券": "coupon", "返现": "rebate", "奖品": "prize"}


def _offer(ctx: Scenario, title: str) -> dict:
    """The room's offer on a product, described before the session opens."""
    if "live_session" in ctx.notes:
        raise ScenarioError(f"describe the live-room offer on {title!r} before the session opens")
    return ctx.notes.setdefault("offers", {}).setdefault(title, {"stock_quantity": 0})


def _session_id(ctx: Scenario) -> str:
    if "live_session" not in ctx.notes:
        raise ScenarioError("the scenario has not opened a live session")
    return ctx.notes["live_session"]["live_session_id"]


def _declared_price(sut, ctx: Scenario, title: str) -> int:
    """What the room offers the product at: its live-room-only price, else the product's price."""
    offer = ctx.notes.get("offers", {}).get(title, {})
    return offer.get("live_price_fen", product(sut, ctx, title)["price_fen"])


def card_and_page(sut, ctx: Scenario, title: str) -> tuple[dict, dict]:
    shown = sut.call("get_live_product", {"live_session_id": _session_id(ctx), "product_id": product(sut, ctx, title)["product_id"]})
    return shown["card"], shown["page"]


def _session(sut, ctx: Scenario) -> dict:
    ctx.notes["live_session"] = sut.call("get_live_session", {"live_session_id": _session_id(ctx)})["live_session"]
    return ctx.notes["live_session"]


def _closed_at(ctx: Scenario):
    closed = ctx.notes["live_session"]["closed_at"]
    if ctx.notes["live_session"]["status"] != "closed" or closed is None:
        raise ScenarioError("the scenario reads what happened by the end of the stream before closing it")
    return parse_timestamp(closed)


def _line(order: dict, product_id: str) -> dict:
    return next(line for line in order["lines"] if line["product_id"] == product_id)


# --- the room's offer (products are listed with the steps of orders.py) ---------------------------------------------------------------------

@given(p('直播间 "{title}" 现货库存 "{quantity:d}" 件'))
def offer_stock(ctx: Scenario, title: str, quantity: int):
    _offer(ctx, title)["stock_quantity"] = quantity


@given(p('直播间 "{title}" 为预售商品，预计发货日期 "{date}"'))
def offer_presale(ctx: Scenario, title: str, date: str):
    _offer(ctx, title)["presale_ship_date"] = date


@given(p('直播间 "{title}" 专享价 "{price}" 元'))
def offer_live_price(ctx: Scenario, title: str, price: str):
    _offer(ctx, title)["live_price_fen"] = fen(price)


@given(p('直播间 "{title}" 每件加赠 "{gift}"，市场公允价格 "{value}" 元'))
def offer_live_gift(ctx: Scenario, title: str, gift: str, value: str):
    _offer(ctx, title).setdefault("live_gifts", []).append(
        {"title": gift, "marked_price_fen": None, "market_value_fen": fen(value)})


@given(p('直播间承诺：在直播中下单 "{title}" 的消费者于 "{moment}" (北京时间) 前获得 "{amount}" 元{kind} "{benefit}"'))
def offer_benefit(ctx: Scenario, title: str, moment: str, amount: str, kind: str, benefit: str):
    _offer(ctx, title).setdefault("benefits", []).append(
        {"title": benefit, "kind": BENEFIT_KIND[kind], "amount_fen": fen(amount),
         "deliver_by": rfc3339(scenario_time(ctx, moment))})


@given(p('直播间运营者 "{operator}" 由主播 "{anchor}" 开播，依次讲解 "{titles}"'))
def open_session(sut, ctx: Scenario, operator: str, anchor: str, titles: str):
    if CAPABILITY not in sut.describe()["capabilities"]:  # the operator is a party kind of contract 1.5
        raise CapabilityMissing("open_live_session", CAPABILITY)
    operator_id = sut.call("create_party", {"kind": "live_room_operator", "display_name": operator})["party_id"]
    offers = ctx.notes.setdefault("offers", {})
    running = [title.strip() for title in titles.split("、")]
    products = [{"product_id": product(sut, ctx, title)["product_id"], **offers.setdefault(title, {"stock_quantity": 0})}
                for title in running]
    ctx.notes["live_session"] = sut.call("open_live_session", {
        "live_room_operator_id": operator_id, "anchor_name": anchor, "products": products,
        "faq": [{"question": f"{title}支持七天无理由退货吗？", "answer": "以商品页面的售后标识为准。"} for title in running]})["live_session"]


# --- during the stream ---------------------------------------------------------------------------------------------

@when(p('消费者于 "{moment}" (北京时间) 在直播间评论 "{text}"'))
def comment(sut, ctx: Scenario, moment: str, text: str):
    advance_to(sut, scenario_time(ctx, moment))
    ctx.notes["comment"] = sut.call("post_live_comment", {"live_session_id": _session_id(ctx), "consumer_id": ctx.consumer_id,
                                                          "text": text})["comment"]


@when(p('直播间运营者于 "{moment}" (北京时间) 下播'))
def close_session(sut, ctx: Scenario, moment: str):
    advance_to(sut, scenario_time(ctx, moment))
    ctx.notes["live_session"] = sut.call("close_live_session", {"live_session_id": _session_id(ctx)})["live_session"]


@when(p('商家将直播间 "{title}" 的库存更新为 "{quantity:d}" 件'))
def update_stock(sut, ctx: Scenario, title: str, quantity: int):
    ctx.notes["card"] = sut.call("update_live_stock", {"live_session_id": _session_id(ctx),
                                                       "product_id": product(sut, ctx, title)["product_id"],
                                                       "stock_quantity": quantity})["card"]


@when(p('商家将直播间 "{title}" 的预计发货日期改为 "{date}"'))
def update_presale(sut, ctx: Scenario, title: str, date: str):
    ctx.notes["card"] = sut.call("update_live_stock", {"live_session_id": _session_id(ctx),
                                                       "product_id": product(sut, ctx, title)["product_id"],
                                                       "presale_ship_date": date})["card"]


@when(p('消费者在直播间下单购买 "{title}"'))
def live_order(sut, ctx: Scenario, title: str):
    """Orders one unit from the card, paying what the room offers it at. The card seen just before is kept:
    what the consumer was shown before ordering. A refusal is kept too (one conforming answer for a sold-out card)."""
    ctx.notes["card_before_order"], _ = card_and_page(sut, ctx, title)
    ctx.notes.pop("order_refused", None)
    request = {"consumer_id": ctx.consumer_id, "items": [{"product_id": product(sut, ctx, title)["product_id"], "quantity": 1}],
               "payments": [{"method": "card", "amount_fen": _declared_price(sut, ctx, title)}],
               "live_session_id": _session_id(ctx)}
    try:
        ctx.order = sut.call("place_order", request)["order"]
    except AdapterFailure as refusal:
        ctx.order, ctx.notes["order_refused"] = None, refusal.message


@when(p('消费者于 "{moment}" (北京时间) 在直播间通过商家的在线客服就 "{title}" 咨询 "{topic}"'))
def ask_merchant_service(sut, ctx: Scenario, obligations, moment: str, title: str, topic: str):
    advance_to(sut, scenario_time(ctx, moment))
    online = [c for c in channels(sut, "商家") if c["kind"] == "online_text"]
    assert online, (f"{obligations}: during the stream the merchant's customer service must be online; describe() lists "
                    f"no online consultation channel addressed to the merchant")
    request = {"consumer_id": ctx.consumer_id, "channel_id": online[0]["channel_id"], "topic": TOPIC[topic],
               "text": f"直播间里的{title}，{topic}是怎样的？", "product_id": product(sut, ctx, title)["product_id"],
               "live_session_id": _session_id(ctx)}
    ctx.notes["consultation_request"] = request
    ctx.notes["consultation"] = sut.call("submit_consultation", request)["consultation"]


@when(p('消费者通过 "{title}" 商品页面的举报通道举报 "{text}"'))
def report_violation(sut, ctx: Scenario, obligations, title: str, text: str):
    _, page = card_and_page(sut, ctx, title)
    assert page["report_channel"] is not None, (
        f"{obligations}: the page of a product sold in a live stream must offer a channel to report violations of laws "
        f"and regulations; the page of {title!r} shows none")
    request = {"reporter_id": ctx.consumer_id, "text": text, "live_session_id": _session_id(ctx),
               "product_id": product(sut, ctx, title)["product_id"]}
    ctx.notes["report_request"] = request
    ctx.notes["report"] = sut.call("submit_violation_report", request)["report"]


# --- 5.2.1.a: after-sales questions in the comments ------------------------------------------------------------------

@then(p('该售后问题已转交直播间运营者售后服务人员，记录来源评论、消费者和转交时间，转交不晚于直播结束'))
def handed_over_by_end(sut, ctx: Scenario, obligations):
    closed_at = _closed_at(ctx)
    posted = ctx.notes["comment"]
    shown = next((c for c in _session(sut, ctx)["comments"] if c["comment_id"] == posted["comment_id"]), None)
    assert shown is not None, f"{obligations}: the live session no longer shows comment {posted['comment_id']}"
    handover = shown["handover"]
    assert handover is not None, (
        f"{obligations}: an after-sales question posted in the comments at {china(posted['posted_at'])} must be handed to "
        f"the live-room operator's after-sales staff no later than the end of the stream ({china(closed_at)}); at "
        f"{china(now(sut))} it has not been")
    source = (handover["source_comment_id"], handover["source_text"], handover["consumer_id"])
    assert source == (posted["comment_id"], posted["text"], ctx.consumer_id), (
        f"{obligations}: the hand-over must record the source comment and the consumer: expected "
        f"{(posted['comment_id'], posted['text'], ctx.consumer_id)}, recorded {source}")
    at = parse_timestamp(handover["handed_over_at"])
    assert parse_timestamp(posted["posted_at"]) <= at <= closed_at, (
        f"{obligations}: the hand-over time must lie between the comment ({china(posted['posted_at'])}) and the end of the "
        f"stream ({china(closed_at)}); recorded {china(at)}")


# --- 5.2.3.a: stock, pre-sale and what the card shows ----------------------------------------------------------------

def _not_sold_as_in_stock(obligations, card: dict, title: str) -> None:
    assert card["stock_status"] in ("sold_out", "presale"), (
        f"{obligations}: with no stock left, the card of {title!r} must show it sold out or on pre-sale; it shows "
        f"{card['stock_status']}")
    if card["stock_status"] == "presale":
        assert card["presale_ship_date"], f"{obligations}: a pre-sale card must show the expected shipping date; it shows none"


def _page_as_card(obligations, card: dict, page: dict, title: str) -> None:
    """The product page shows availability and the pre-sale date as the card does (5.2.3.a: card and detail page)."""
    shown = (page["stock_status"], page["presale_ship_date"])
    assert shown == (card["stock_status"], card["presale_ship_date"]), (
        f"{obligations}: the product page of {title!r} must show the same availability and shipping date as the card, "
        f"{(card['stock_status'], card['presale_ship_date'])}; it shows {shown}")


@then(p('直播间 "{title}" 的商品卡显示有现货'))
def card_in_stock(sut, ctx: Scenario, obligations, title: str):
    card, page = card_and_page(sut, ctx, title)
    assert card["stock_status"] == "in_stock", f"{obligations}: the card of {title!r} must show it in stock; it shows {card['stock_status']}"
    _page_as_card(obligations, card, page, title)
    ctx.notes["card"] = card


@then(p('直播间 "{title}" 的商品卡显示库存 "{quantity:d}" 件或不显示具体数量'))
def card_quantity(sut, ctx: Scenario, obligations, title: str, quantity: int):
    card, _ = card_and_page(sut, ctx, title)
    assert card["stock_quantity"] in (None, quantity), (
        f"{obligations}: after the stock of {title!r} changed to {quantity}, the card must show the new stock (or no "
        f"number); it shows {card['stock_quantity']}")


@then(p('订单作为现货成交'))
def ordered_in_stock(obligations, ctx: Scenario):
    assert ctx.order is not None, f"{obligations}: with stock on the card the order must be taken; refused: {ctx.notes.get('order_refused')}"
    dates = [line.get("presale_ship_date") for line in ctx.order["lines"]]
    assert dates == [None] * len(dates), f"{obligations}: an order from stock is not a pre-sale; the lines show shipping dates {dates}"


@then(p('直播间 "{title}" 不再作为现货出售：商品卡显示售罄或预售及发货日期'))
def not_sold_as_in_stock(sut, ctx: Scenario, obligations, title: str):
    card, page = card_and_page(sut, ctx, title)
    _not_sold_as_in_stock(obligations, card, title)
    _page_as_card(obligations, card, page, title)


@then(p('此时下单被拒绝，或作为预售成交且发货日期为下单前商品卡所示日期'))
def refused_or_presale(obligations, ctx: Scenario):
    shown = ctx.notes["card_before_order"]
    _not_sold_as_in_stock(obligations, shown, shown["title"])
    if ctx.order is None:
        return  # refused: one conforming answer
    date = _line(ctx.order, shown["product_id"]).get("presale_ship_date")
    assert shown["stock_status"] == "presale" and date == shown["presale_ship_date"], (
        f"{obligations}: with no stock left an order is refused, or sold as pre-sale with the shipping date the card "
        f"showed before ordering ({shown['presale_ship_date']}); the order was taken with card {shown['stock_status']} "
        f"and shipping date {date}")


@then(p('直播间 "{title}" 的商品卡显示预售，预计发货日期 "{date}"'))
def card_presale(sut, ctx: Scenario, obligations, title: str, date: str):
    card, page = card_and_page(sut, ctx, title)
    assert (card["stock_status"], card["presale_ship_date"]) == ("presale", date), (
        f"{obligations}: the card of {title!r} must show the pre-sale and its current shipping date {date}; it shows "
        f"{card['stock_status']}, shipping date {card['presale_ship_date']}")
    _page_as_card(obligations, card, page, title)


@then(p('订单作为预售成交，发货日期为 "{date}"'))
def ordered_as_presale(obligations, ctx: Scenario, date: str):
    assert ctx.order is not None, f"{obligations}: a pre-sale card takes orders; refused: {ctx.notes.get('order_refused')}"
    shown = ctx.notes["card_before_order"]
    got = _line(ctx.order, shown["product_id"]).get("presale_ship_date")
    assert got == date == shown["presale_ship_date"], (
        f"{obligations}: the order must carry the shipping date shown before ordering ({shown['presale_ship_date']}, "
        f"expected {date}); it carries {got}")


# A label that says goods are excluded (7D Art 20 wording and the everyday one).
_NOT = ("不支持", "不适用", "不可", "不参与", "不享受", "不能", "不提供", "不予", "无法")
_CHINESE_DIGITS = {**dict(zip("零一二三四五六七八九", range(10))), "〇": 0, "两": 2}
_CHINESE_UNITS = {"十": 10, "百": 100}


def _chinese_number(numeral: str) -> int:
    """七 → 7, 十五 → 15, 三十 → 30, 一百八十 → 180."""
    total = digit = 0
    for character in numeral:
        if character in _CHINESE_UNITS:
            total, digit = total + (digit or 1) * _CHINESE_UNITS[character], 0
        else:
            digit = _CHINESE_DIGITS[character]
    return total + digit


_DAYS = re.compile(r"(\d+)\s*天")
_NUMERALS = "".join((*_CHINESE_DIGITS, *_CHINESE_UNITS))
_DAYS_IN_NUMERALS = re.compile(rf"([{_NUMERALS}]+)\s*天")


def _days_stated(label: str) -> set[int]:
    """The numbers of days a label states: 7天, 15 天, 七天, 十五天, 一百八十天."""
    return {int(n) for n in _DAYS.findall(label)} | {_chinese_number(n) for n in _DAYS_IN_NUMERALS.findall(label)}


def label_agrees(label: str, product: dict) -> bool:
    """Whether a label in other words than the product's states the product's no-reason-return terms: it names
    them as the product page must (label_names_terms), says "not" exactly when the product is excluded, and states
    no other number of days than the product's window (or the statutory 7 an excluded product's label may quote)."""
    terms = product["no_reason_return"]
    excluded = terms["class"] != "eligible"
    states = label_names_terms(label, terms) and any(w in label for w in _NOT) == excluded
    allowed = {product["return_window_days"]} | ({7} if excluded else set())
    return states and _days_stated(label) <= allowed


@then(p('直播间 "{title}" 的商品卡价格为 "{price}" 元，赠品、售后标识与商品信息一致'))
def card_matches_record(sut, ctx: Scenario, obligations, title: str, price: str):
    card, _ = card_and_page(sut, ctx, title)
    listed = shown_product(sut, ctx, title)
    assert card["price_fen"] == fen(price), (
        f"{obligations}: the card of {title!r} must show the price the room offers, {price} 元; it shows "
        f"{card['price_fen'] / 100:.2f} 元")
    offer = ctx.notes.get("offers", {}).get(title, {})
    expected_gifts = sorted([g["title"] for g in listed["gifts"]] + [g["title"] for g in offer.get("live_gifts", ())])
    assert sorted(g["title"] for g in card["gifts"]) == expected_gifts, (
        f"{obligations}: the card must show the gifts of the product and of the room, {expected_gifts}; it shows "
        f"{sorted(g['title'] for g in card['gifts'])}")
    assert card["return_label"] == listed["return_label"] or label_agrees(card["return_label"], listed), (
        f"{obligations}: the card's after-sales label must state the product's terms ({listed['no_reason_return']}, "
        f"{listed['return_window_days']} days: the product's label {listed['return_label']!r}, or the same class, "
        f"reason and days in other words); it shows {card['return_label']!r}")
    ctx.notes["card"] = card


@then(p('订单按商品卡所示价格结算，订单中的赠品与商品卡一致'))
def order_matches_card(obligations, ctx: Scenario):
    card = ctx.notes["card_before_order"]
    assert ctx.order is not None, f"{obligations}: an order at the card's price must be taken; refused: {ctx.notes.get('order_refused')}"
    line = _line(ctx.order, card["product_id"])
    assert (line["unit_price_fen"], ctx.order["total_paid_fen"]) == (card["price_fen"], card["price_fen"]), (
        f"{obligations}: an order placed at the price shown in the live room is charged that price "
        f"({card['price_fen'] / 100:.2f} 元); unit price {line['unit_price_fen'] / 100:.2f} 元, paid "
        f"{ctx.order['total_paid_fen'] / 100:.2f} 元")
    assert sorted(g["title"] for g in line["gifts"]) == sorted(g["title"] for g in card["gifts"]), (
        f"{obligations}: the order must carry the gifts the card showed, {sorted(g['title'] for g in card['gifts'])}; "
        f"it carries {sorted(g['title'] for g in line['gifts'])}")


# --- 5.2.3.b: the merchant's customer service during the stream -------------------------------------------------------

@then(p('咨询在直播结束前得到商家客服的答复，并与所咨询的商品关联'))
def answered_during_stream(sut, ctx: Scenario, obligations):
    closed_at = _closed_at(ctx)
    sent = ctx.notes["consultation_request"]
    record = sut.call("get_consultation", {"consultation_id": ctx.notes["consultation"]["consultation_id"]})["consultation"]
    linked = record.get("product_id") == sent["product_id"] or (record["order_id"] is not None and record["order_id"] == sent.get("order_id"))
    assert linked, (f"{obligations}: the request must be recorded with the product (or order) it is about, "
                    f"{sent['product_id']}; the record links product {record.get('product_id')}, order {record['order_id']}")
    answer = record["answer"]
    assert answer is not None and answer["by"] == "merchant" and parse_timestamp(answer["at"]) <= closed_at, (
        f"{obligations}: a request sent to the merchant's online customer service at {china(record['submitted_at'])} must "
        f"get its reply during the stream (which ended {china(closed_at)}); at {china(now(sut))} the record shows status "
        f"{record['status']}, answer {answer}")


# --- 5.2.4: the product page ----------------------------------------------------------------------------------------

def _shown(info: dict | None) -> bool:
    return info is not None and bool((info.get("text") or "").strip() or (info.get("link") or "").strip())


@then(p('"{title}" 的商品页面展示售后服务信息和争议投诉处理信息，或显示信息的链接'))
def page_informs(sut, ctx: Scenario, obligations, title: str):
    _, page = card_and_page(sut, ctx, title)
    assert _shown(page["after_sales"]), (
        f"{obligations}: the page of {title!r} must show after-sales service information or a link to it; it shows "
        f"{page['after_sales']}")
    assert _shown(page["disputes"]), (
        f"{obligations}: the page of {title!r} must show dispute and complaint handling information or a link to it; it "
        f"shows {page['disputes']}")


@then(p('举报被受理并得到举报编号，凭编号可查询举报状态'))
def report_queryable(sut, ctx: Scenario, obligations):
    sent, report = ctx.notes["report_request"], ctx.notes["report"]
    queried = sut.call("get_violation_report", {"report_id": report["report_id"]})["report"]
    assert (queried["report_id"], queried["reporter_id"], queried["text"]) == (report["report_id"], sent["reporter_id"], sent["text"]), (
        f"{obligations}: the report number {report['report_id']} must find the report as submitted; it finds "
        f"{queried['report_id']} by {queried['reporter_id']}: {queried['text']!r}")


# --- 5.3.1.a: commitments of the live room kept after the stream -----------------------------------------------------

@then(p('订单按直播间专享价 "{price}" 元结算，并带有直播间加赠的 "{gift}"'))
def commitment_charged(obligations, ctx: Scenario, price: str, gift: str):
    assert ctx.order is not None, f"{obligations}: the order at the live-room price must be taken; refused: {ctx.notes.get('order_refused')}"
    line = ctx.order["lines"][0]
    assert line["unit_price_fen"] == fen(price) and ctx.order["total_paid_fen"] == fen(price), (
        f"{obligations}: the live-room-only price {price} 元 must be what the order is charged; unit price "
        f"{line['unit_price_fen'] / 100:.2f} 元, paid {ctx.order['total_paid_fen'] / 100:.2f} 元")
    assert gift in [g["title"] for g in line["gifts"]], (
        f"{obligations}: the order must carry the gift promised in the room, {gift!r}; it carries {[g['title'] for g in line['gifts']]}")


@then(p('订单带有直播间承诺的 "{benefit}"，且在承诺时间前到达消费者'))
def benefit_delivered(sut, ctx: Scenario, obligations, benefit: str):
    if ctx.order is None:
        raise ScenarioError(f"the scenario has no order; refused: {ctx.notes.get('order_refused')}")
    order = sut.call("get_order", {"order_id": ctx.order["order_id"]})["order"]
    promise = next((b for offer in ctx.notes.get("offers", {}).values() for b in offer.get("benefits", ())
                    if b["title"] == benefit), None)
    if promise is None:
        raise ScenarioError(f"the scenario promised no benefit {benefit!r}")
    earned = [b for b in order.get("live_benefits", []) if b["title"] == benefit]
    assert earned and earned[0]["amount_fen"] == promise["amount_fen"], (
        f"{obligations}: the order must carry the benefit promised in the live room, {benefit!r} worth "
        f"{promise['amount_fen'] / 100:.2f} 元; it carries {[(b['title'], b['amount_fen']) for b in order.get('live_benefits', [])]}")
    promised = parse_timestamp(promise["deliver_by"])
    delivered = earned[0]["delivered_at"]
    assert delivered is not None and parse_timestamp(delivered) <= promised, (
        f"{obligations}: {benefit!r} was promised by {china(promised)}; at {china(now(sut))} it "
        f"{'reached the consumer ' + china(delivered) if delivered else 'has not reached the consumer'}")
