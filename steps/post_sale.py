"""After the stream (5.3.2.b, g, h, j): requests the platform files for a consumer handled like the consumer's
own, exchange and repair of goods with a quality problem and the warranty the merchant promised, the merchant's
customer service answering questions about promotions, benefits, delivery and logistics, and orders shipped by
the method and within the time the after-sales plan promises.

These steps need contract 1.5 capabilities (assisted_requests, repairs, merchant_consultations,
after_sales_plans): a system that does not declare them gets not_tested. Every message starts with the ids the
scenario is tagged with (fixture `obligations`).
"""

from __future__ import annotations

import re
from datetime import timedelta

from pytest_bdd import given, then, when

from caaad.contract.errors import CapabilityMissing

from .common import (ACCEPTED_STATUSES, Scenario, ScenarioError, advance_to, china, now, p, parse_timestamp, refresh,
                     rule_span, scenario_time, summary)
from .consultations import INQUIRY_LIMIT, consult, consultation, shown
from .orders import editable_draft, place_order
from .returns import REMEDY, after_sales_request

FILER = {"消费者本人": "consumer", "平台代消费者": "platform"}
DECISION = {"同意": "accept", "拒绝": "reject"}
# How a reply states the shipping status, by the state the order is in (a reply naming the tracking number also
# does): within one clause, 已…发货 / 已于 3 月 2 日发出 / 已签收 and the like, or 未 / 没 / 待 / 尚未 … 发货; a
# conforming reply must not fail for its wording. A clause is what lies between commas and stops (not colons or
# points, which times and dates hold), so that "已为您催促，尚未发货" states the order not shipped.
_CLAUSE = r"[^，。；！？,;!?\n]"
SHIPPED_STATUS = re.compile(rf"已{_CLAUSE}{{0,40}}?(发货|发出|出库|揽收|签收|送达)|运输中|运输途中|在途|配送中|派送中|派件中")
NOT_SHIPPED_STATUS = re.compile(rf"(未|没|待){_CLAUSE}{{0,6}}?(发货|发出|出库)|备货中")


# --- requests the platform files on the consumer's behalf ---------------------------------------------------------

@when(p('售后申请由{filer}于 "{moment}" (北京时间) 以质量问题提出，申请"{service}"'))
def file_for_consumer(sut, ctx: Scenario, filer: str, moment: str, service: str):
    if "assisted_requests" not in sut.describe()["capabilities"]:  # the comparison needs both kinds of filing
        raise CapabilityMissing("request_after_sales", "assisted_requests")
    advance_to(sut, scenario_time(ctx, moment))
    request = {**after_sales_request(ctx, "quality_problem", REMEDY[service]), "filed_by": FILER[filer]}
    ctx.notes["filed_by"] = FILER[filer]
    ctx.after_sales = sut.call("request_after_sales", request)["after_sales"]


@then(p('售后申请记录为{filer}提出，并进入商家的处理队列'))
def in_merchant_queue(obligations, sut, ctx: Scenario, filer: str):
    state = refresh(sut, ctx)
    recorded = state.get("filed_by", FILER[filer])  # a system may omit who filed it
    assert recorded == FILER[filer], (
        f"{obligations}: the request is recorded as filed by the {FILER[filer]}; the system records {recorded}")
    assert state["status"] == "pending_merchant" or state["status"] in ACCEPTED_STATUSES, (
        f"{obligations}: a quality-problem request filed by the {FILER[filer]} goes to the merchant to handle (or is "
        f"granted at once), as the consumer's own would; a request is not turned away because the platform filed it; "
        f"got {summary(state)}")


@when(p('商家对该售后申请作出结论：{decision}'))
def merchant_concludes(sut, ctx: Scenario, decision: str):
    state = refresh(sut, ctx)
    if state["status"] != "pending_merchant":
        return  # the system granted it at once: that is its outcome, which the then-step checks
    reason = "核实为质量问题，同意处理" if DECISION[decision] == "accept" else "经检测商品功能正常，不属于质量问题"
    ctx.after_sales = sut.call("merchant_decide", {"after_sales_id": state["after_sales_id"],
                                                   "decision": DECISION[decision], "reason": reason})["after_sales"]


@then('售后申请得到商家的处理结论，不因由平台提出而被忽略')
def merchant_outcome(obligations, sut, ctx: Scenario):
    state = refresh(sut, ctx)
    rejection = state["rejection"]
    concluded = state["status"] in ACCEPTED_STATUSES or (
        state["status"] == "rejected" and rejection and rejection["detail"].strip())
    assert concluded, (
        f"{obligations}: a request filed by the {ctx.notes['filed_by']} gets the merchant's outcome (accepted, or "
        f"refused with the reason); got {summary(state)}")


# --- repair and the promised warranty ---------------------------------------------------------------------------

@given(p('商家为 "{title}" 承诺保修 "{days:d}" 天'))
def promise_warranty(ctx: Scenario, title: str, days: int):
    editable_draft(ctx, title)["warranty_days"] = days  # sent only to a system declaring repairs (x-capability)


# --- the merchant's customer service -------------------------------------------------------------------------------

@then('消费者在售后咨询反馈时限内得到商家的答复，咨询未被无答复关闭')
def merchant_answered(obligations, sut, ctx: Scenario, sut_description):
    record = consultation(sut, ctx)
    answer = record["answer"]
    due = parse_timestamp(record["submitted_at"]) + rule_span(sut_description, INQUIRY_LIMIT)
    assert answer and answer["by"] == "merchant" and answer["text"].strip() and parse_timestamp(answer["at"]) <= due, (
        f"{obligations}: a consumer's question to the merchant's customer service about {record['topic']} is answered "
        f"by the merchant, within the declared {INQUIRY_LIMIT} (by {china(due)}), not passed on or closed without a "
        f"reply; the system shows {shown(record)}" + (f" by {answer['by']}" if answer else ""))


@when(p('消费者通过商家的 "{kind}" 渠道就订单的物流配送咨询 "{text}"'))
def ask_about_logistics(sut, ctx: Scenario, kind: str, text: str):
    ctx.notes["shipment_when_asked"] = _shipment(sut, ctx)
    consult(sut, ctx, "商家", kind, "物流配送", text=text, with_order=True)


@then('商家的答复包含订单的实际物流状态或运单号')
def logistics_answer_states_status(obligations, sut, ctx: Scenario):
    record = consultation(sut, ctx)
    text = record["answer"]["text"] if record["answer"] else ""
    states = [ctx.notes["shipment_when_asked"], _shipment(sut, ctx)]  # a later answer may give the later state
    tracking = {s["tracking_number"] for s in states if s["tracking_number"]}
    wordings = {SHIPPED_STATUS if s["shipped_at"] else NOT_SHIPPED_STATUS for s in states}
    assert any(t in text for t in tracking) or any(w.search(text) for w in wordings), (
        f"{obligations}: the merchant's answer to a logistics question contains the order's actual shipping status "
        f"({' or '.join('shipped' if w is SHIPPED_STATUS else 'not shipped' for w in wordings)}) or its tracking "
        f"number {sorted(tracking) or '(none yet)'}; the answer is {text!r} ({shown(record)})")


# --- delivery as promised ------------------------------------------------------------------------------------------

def _shipment(sut, ctx: Scenario) -> dict:
    if ctx.order is None:
        raise ScenarioError("the scenario has not placed an order")
    ctx.order = sut.call("get_order", {"order_id": ctx.order["order_id"]})["order"]
    shipment = ctx.order.get("shipment")
    if shipment is None:
        raise ScenarioError("the order's product carries no after-sales plan with a delivery promise")
    return shipment


@when(p('消费者于 "{moment}" (北京时间) 下单购买 "{title}"'))
def buy_at(sut, ctx: Scenario, moment: str, title: str):
    advance_to(sut, scenario_time(ctx, moment))
    place_order(sut, ctx, [(title, 1)])


@given('时间到达订单承诺的发货时限')
@when('时间到达订单承诺的发货时限')
def promised_shipping_time(sut, ctx: Scenario):
    plan = _plan_of_order(ctx)
    ctx.notes["ship_by"] = parse_timestamp(ctx.order["placed_at"]) + timedelta(hours=plan["ship_within_hours"])
    advance_to(sut, ctx.notes["ship_by"])


def _plan_of_order(ctx: Scenario) -> dict:
    titles = [line["title"] for line in ctx.order["lines"]]
    plans = [ctx.product_drafts[t]["after_sales_plan"] for t in titles if "after_sales_plan" in ctx.product_drafts[t]]
    if len(plans) != 1:
        raise ScenarioError("the order needs exactly one product with an after-sales plan")
    return plans[0]


@then('订单不晚于承诺的发货时限、按承诺的物流方式发出')
def shipped_as_promised(obligations, sut, ctx: Scenario):
    plan = _plan_of_order(ctx)
    due = ctx.notes["ship_by"]
    shipment = _shipment(sut, ctx)
    why = (f"{obligations} (ECL Art 20): an order placed at {china(ctx.order['placed_at'])} ships by the promised "
           f"{plan['logistics_method']} within the promised {plan['ship_within_hours']} hours, by {china(due)}")
    assert parse_timestamp(shipment["ship_by"]) <= due and shipment["logistics_method"] == plan["logistics_method"], (
        f"{why}; the order shows the promise as {shipment['logistics_method']} by {china(shipment['ship_by'])}")
    shipped = shipment["shipped_at"]
    assert shipped is not None and parse_timestamp(shipped) <= due, (
        f"{why}; at {china(now(sut))} the order {'has not shipped' if shipped is None else f'shipped at {china(shipped)}'}")
    assert shipment["shipped_by_method"] == plan["logistics_method"], (
        f"{why}; it shipped by {shipment['shipped_by_method']}")
