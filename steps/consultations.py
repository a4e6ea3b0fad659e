"""After-sales consultations (售后咨询) and complaints (投诉): channels, feedback within the platform's time
limits, answers given directly, matters that need handling passed on, complaints routed to the party they are
against, escalated when that party stays silent and closed with their outcome, records kept as submitted
(clauses 4.2, 5.1.1, 5.1.4, 5.2.1, 5.3.3 and 5.3.4).

A system that does not declare the capability consultations or complaints gets not_tested: the client
refuses their operations with CapabilityMissing, and the steps that only read describe() raise it too.
Every message starts with the ids the scenario is tagged with (fixture `obligations`).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from pytest_bdd import then, when

from caaad.contract.errors import CapabilityMissing

from .common import (Scenario, ScenarioError, advance_to, china, describe_span, now, p, parse_timestamp, rule_span,
                     scenario_time)

INQUIRY_LIMIT = "after_sales_inquiry_response_limit"
COMPLAINT_LIMIT = "complaint_feedback_time_limit"
WHOSE = {"平台": "platform", "直播间运营者": "live_room_operator", "商家": "merchant"}
KIND = {"电话": "telephone", "在线文字": "online_text", "语音": "voice", "视频": "video", "社交媒体": "social_media",
        "其他": "other"}
TOPIC = {"售后政策": "after_sales_policy", "退货条件": "return_conditions", "发货状态": "shipping_status",
         "退货": "return", "换货": "exchange", "退款": "refund", "其他": "other",
         # contract 1.5, the merchant's customer service (5.3.2.g, 5.3.2.h)
         "促销活动内容": "promotion", "服务承诺": "service_commitment", "领取方式": "benefit_claim", "商品交付": "delivery",
         "物流配送": "logistics", "退换货承诺": "return_exchange_commitment"}
MERCHANT_TOPICS = ("promotion", "service_commitment", "benefit_claim", "delivery", "logistics", "return_exchange_commitment")
ONLINE = ("online_text",)  # channels a consultation can reach through the API


def _require(sut, capability: str, op: str) -> dict:
    description = sut.describe()
    if capability not in description["capabilities"]:
        raise CapabilityMissing(op, capability)
    return description


def channels(sut, whose: str) -> list[dict]:
    description = _require(sut, "consultations", "describe")
    return [c for c in description.get("consultation_channels", []) if c["addressed_to"] == WHOSE[whose]]


def consult(sut, ctx: Scenario, whose: str, kind: str, topic: str, text: str | None = None,
            with_order: bool = False) -> dict:
    if WHOSE[whose] == "merchant" or TOPIC[topic] in MERCHANT_TOPICS:  # contract 1.5: a channel and topics of its own
        _require(sut, "merchant_consultations", "submit_consultation")
    offered = [c for c in channels(sut, whose) if c["kind"] == KIND[kind]]
    assert offered, f"describe() lists no {KIND[kind]} after-sales consultation channel of the {WHOSE[whose]} (5.1.4.g, 5.3.4.c)"
    request = {"consumer_id": ctx.consumer_id, "channel_id": offered[0]["channel_id"], "topic": TOPIC[topic],
               "text": text or f"请问{topic}方面的问题怎么处理？"}
    if with_order:
        if not (ctx.order is not None):
            raise ScenarioError("the scenario has not placed an order")
        request["order_id"] = ctx.order["order_id"]
    ctx.notes["consultation_request"] = request
    ctx.notes["consultation"] = sut.call("submit_consultation", request)["consultation"]
    return ctx.notes["consultation"]


def consultation(sut, ctx: Scenario) -> dict:
    if not ("consultation" in ctx.notes):
        raise ScenarioError("the scenario has not submitted a consultation")
    ctx.notes["consultation"] = sut.call(
        "get_consultation", {"consultation_id": ctx.notes["consultation"]["consultation_id"]})["consultation"]
    return ctx.notes["consultation"]


def complaint(sut, ctx: Scenario) -> dict:
    if not ("complaint" in ctx.notes):
        raise ScenarioError("the scenario has not filed a complaint")
    ctx.notes["complaint"] = sut.call("get_complaint", {"complaint_id": ctx.notes["complaint"]["complaint_id"]})["complaint"]
    return ctx.notes["complaint"]


def feedback(record: dict) -> tuple[str, datetime | None]:
    """(what, when) of a consultation's feedback: an answer, a notice of hand-over, or none."""
    if record["answer"]:
        return "answer", parse_timestamp(record["answer"]["at"])
    if record["handover"]:
        return "handover", parse_timestamp(record["handover"]["at"])
    return "none", None


def shown(record: dict) -> str:
    what, at = feedback(record)
    return f"status {record['status']}, feedback {what} at {china(at)}"


# --- consultations --------------------------------------------------------------------------------------------

@when(p('消费者通过{whose}的 "{kind}" 渠道咨询 "{topic}"'))
def consult_now(sut, ctx: Scenario, whose: str, kind: str, topic: str):
    consult(sut, ctx, whose, kind, topic)


@when(p('消费者于 "{moment}" (北京时间) 通过{whose}的 "{kind}" 渠道就订单咨询 "{topic}"'))
def consult_at(sut, ctx: Scenario, moment: str, whose: str, kind: str, topic: str):
    advance_to(sut, scenario_time(ctx, moment))
    consult(sut, ctx, whose, kind, topic, with_order=True)


@when(p('消费者通过{whose}的 "{kind}" 渠道就订单咨询 "{topic}"，内容为 "{text}"'))
def consult_with_text(sut, ctx: Scenario, whose: str, kind: str, topic: str, text: str):
    consult(sut, ctx, whose, kind, topic, text=text, with_order=True)


@when(p('时间到达售后咨询反馈时限届满{side} "{minutes:d}" 分钟'))
def inquiry_limit_passes(sut, ctx: Scenario, sut_description, side: str, minutes: int):
    submitted = parse_timestamp(ctx.notes["consultation"]["submitted_at"])
    offset = timedelta(minutes=minutes) * (-1 if side == "前" else 1)
    ctx.notes["consultation_due"] = submitted + rule_span(sut_description, INQUIRY_LIMIT)
    advance_to(sut, ctx.notes["consultation_due"] + offset)


@then(p('系统列明{whose}的售后咨询渠道及其接入方式'))
def channels_listed(sut, obligations, whose: str):
    listed = channels(sut, whose)
    assert listed, (f"{obligations}: the standard requires after-sales consultation channels (telephone, online text, "
                    f"voice, video, social media…); describe() lists none of the {WHOSE[whose]}")
    bad = [c["channel_id"] for c in listed if not c["access_point"].strip()]
    assert not bad, f"{obligations}: every consultation channel must say how to reach it; {bad} give no access point"


@then(p('{whose}的每个在线渠道均受理咨询并建立咨询记录'))
def every_online_channel_accepts(sut, ctx: Scenario, obligations, whose: str):
    online = [c for c in channels(sut, whose) if c["kind"] in ONLINE]
    assert online, (f"{obligations}: the {WHOSE[whose]} must offer a consultation channel a consumer can reach online; "
                    f"describe() lists {[c['kind'] for c in channels(sut, whose)]}")
    for channel in online:
        text = f"通过{channel['channel_id']}咨询：退货条件是什么？"
        record = sut.call("submit_consultation", {"consumer_id": ctx.consumer_id, "channel_id": channel["channel_id"],
                                                  "topic": "return_conditions", "text": text})["consultation"]
        stored = sut.call("get_consultation", {"consultation_id": record["consultation_id"]})["consultation"]
        assert stored["channel_id"] == channel["channel_id"] and stored["text"] == text, (
            f"{obligations}: a consultation on the {channel['kind']} channel {channel['channel_id']} must be accepted "
            f"and recorded; the record shows channel {stored['channel_id']} and text {stored['text']!r}")


@then(p('{whose}受理该咨询并建立咨询记录'))
def consultation_recorded(sut, ctx: Scenario, obligations, whose: str):
    sent = ctx.notes["consultation_request"]
    record = consultation(sut, ctx)
    assert (record["consumer_id"], record["channel_id"], record["topic"]) == (sent["consumer_id"], sent["channel_id"], sent["topic"]), (
        f"{obligations}: the {WHOSE[whose]} must accept the consultation and record it as submitted; the record shows "
        f"consumer {record['consumer_id']}, channel {record['channel_id']}, topic {record['topic']}")


@then(p('消费者收到答复或转交结果'))
def answer_or_handover(sut, ctx: Scenario, obligations):
    record = consultation(sut, ctx)
    assert feedback(record)[0] != "none", (
        f"{obligations}: an after-sales consultation must get an answer or the result of passing it on; "
        f"after the feedback limit it shows {shown(record)}")


def _due(ctx: Scenario) -> datetime:
    return ctx.notes["consultation_due"]


@then(p('当前已给出的咨询反馈均不晚于当前时间'))
def feedback_not_in_future(sut, ctx: Scenario, obligations):
    record = consultation(sut, ctx)
    what, at = feedback(record)
    current = now(sut)
    assert at is None or at <= current, (
        f"{obligations}: feedback shown must have been given already; at {china(current)} the record shows {shown(record)}")


@then(p('消费者在平台规定的售后咨询反馈时限内收到{expected}'))
def feedback_in_time(sut, ctx: Scenario, obligations, sut_description, expected: str):
    record = consultation(sut, ctx)
    what, at = feedback(record)
    limit = describe_span(rule_span(sut_description, INQUIRY_LIMIT))
    allowed = {"答复或转交告知": ("answer", "handover"), "答复": ("answer",), "解决方案": ("answer",)}[expected]
    assert what in allowed and at <= _due(ctx), (
        f"{obligations}: after the consultation submitted at {china(record['submitted_at'])}, the consumer must receive "
        f"{expected} within the declared {INQUIRY_LIMIT} of {limit} (by {china(_due(ctx))}); the system shows {shown(record)}")


@then(p('答复直接包含咨询结果，而不只是转交或引导至其他渠道'))
def answered_directly(sut, ctx: Scenario, obligations):
    record = consultation(sut, ctx)
    # answered, or handled: the contract's status for a matter the system handles itself, with the answer
    assert record["status"] in ("answered", "handled") and record["answer"] and record["answer"]["text"].strip() \
        and not record["handover"], (
        f"{obligations}: a consultation that can be answered directly ({record['topic']}) must be answered itself, "
        f"not only passed on or referred elsewhere; the system shows {shown(record)}")


@then(p('需要进一步处理的咨询由售后服务人员处理或转交平台相关部门，记录接收部门和转交时间'))
def handled_or_handed_over(sut, ctx: Scenario, obligations):
    record = consultation(sut, ctx)
    handover = record["handover"]
    ok = (record["status"] == "handled" and record["answer"]) or (
        record["status"] == "handed_over" and handover and handover["department"].strip() and handover["at"])
    assert ok, (f"{obligations}: a consultation that needs further handling ({record['topic']}) must be handled by "
                f"the after-sales staff or passed to the relevant platform department with the department and the "
                f"hand-over time recorded; the system shows {shown(record)}")
    ctx.notes["handed_over"] = record


@then(p('消费者可以查询该咨询的处理进度'))
def progress_visible(sut, ctx: Scenario, obligations):
    record = consultation(sut, ctx)
    assert record["status"] in ("handled", "handed_over") and (record["answer"] or record["handover"]["progress"]), (
        f"{obligations}: the consumer must be able to follow a consultation that was passed on; "
        f"get_consultation shows {shown(record)}")


@then(p('{kind:w}记录中的消费者、订单和{again:w}内容与提交时完全一致'))
def record_as_submitted(sut, ctx: Scenario, obligations, kind: str, again: str):
    """Consultations and complaints alike keep what the consumer sent, word for word."""
    fetch, note = {"咨询": (consultation, "consultation_request"), "投诉": (complaint, "complaint_request")}[kind]
    sent = ctx.notes[note]
    record = fetch(sut, ctx)
    got = (record["consumer_id"], record["order_id"], record["text"])
    want = (sent["consumer_id"], sent.get("order_id"), sent["text"])
    assert got == want, (f"{obligations}: the {'consultation' if kind == '咨询' else 'complaint'} record must "
                         f"keep the consumer, the order and the consumer's words exactly as submitted {want}; "
                         f"it shows {got}")


# --- complaints --------------------------------------------------------------------------------------------------

@when(p('消费者于 "{moment}" (北京时间) 就订单投诉{against}，内容为 "{text}"'))
def file_complaint_at(sut, ctx: Scenario, moment: str, against: str, text: str):
    advance_to(sut, scenario_time(ctx, moment))
    file_complaint(sut, ctx, against, text)


@when(p('消费者就订单投诉{against}，内容为 "{text}"'))
def file_complaint(sut, ctx: Scenario, against: str, text: str):
    if not (ctx.order is not None):
        raise ScenarioError("the scenario has not placed an order")
    request = {"consumer_id": ctx.consumer_id, "against": WHOSE[against], "text": text, "order_id": ctx.order["order_id"]}
    ctx.notes["complaint_request"] = request
    ctx.notes["complaint"] = sut.call("submit_complaint", request)["complaint"]


@when(p('时间到达投诉反馈时限届满{side} "{minutes:d}" 分钟'))
def complaint_limit_passes(sut, ctx: Scenario, sut_description, side: str, minutes: int):
    received = parse_timestamp(ctx.notes["complaint"]["received_at"])
    ctx.notes["complaint_due"] = received + rule_span(sut_description, COMPLAINT_LIMIT)
    advance_to(sut, ctx.notes["complaint_due"] + timedelta(minutes=minutes) * (-1 if side == "前" else 1))


@when(p('{who}答复该投诉 "{text}"'))
def respond(sut, ctx: Scenario, who: str, text: str):
    ctx.notes["complaint"] = sut.call("respond_complaint", {
        "complaint_id": ctx.notes["complaint"]["complaint_id"], "by": WHOSE[who], "text": text})["complaint"]


@when(p('{who}答复该投诉 "{text}" 并以 "{outcome}" 结案'))
def respond_and_close(sut, ctx: Scenario, who: str, text: str, outcome: str):
    ctx.notes["complaint"] = sut.call("respond_complaint", {
        "complaint_id": ctx.notes["complaint"]["complaint_id"], "by": WHOSE[who], "text": text, "close": True,
        "outcome": outcome})["complaint"]


def _history(record: dict) -> str:
    return ", ".join(f"{e['status']} by {e['by']} at {china(e['at'])}" for e in record["history"]) or "no history"


@then(p('投诉被受理并转交{whose}处理'))
def complaint_routed(sut, ctx: Scenario, obligations, whose: str):
    record = complaint(sut, ctx)
    statuses = [e["status"] for e in record["history"]]
    assert record["handled_by"] == WHOSE[whose] and "received" in statuses, (
        f"{obligations}: a complaint against the {record['against']} must be received and passed to the "
        f"{WHOSE[whose]} to handle; the system has it handled by the {record['handled_by']} ({_history(record)})")


@then(p('消费者看到{whose}的答复 "{text}"'))
def consumer_sees_response(sut, ctx: Scenario, obligations, whose: str, text: str):
    record = complaint(sut, ctx)
    assert any(r["by"] == WHOSE[whose] and r["text"] == text for r in record["responses"]), (
        f"{obligations}: the {WHOSE[whose]}'s answer must be passed back to the consumer; the complaint shows "
        f"responses {[(r['by'], r['text']) for r in record['responses']]}")


@then(p('消费者在投诉反馈时限内收到首次答复'))
def first_response_in_time(sut, ctx: Scenario, obligations, sut_description):
    record = complaint(sut, ctx)
    due = ctx.notes["complaint_due"]
    first = min((parse_timestamp(r["at"]) for r in record["responses"]), default=None)
    limit = describe_span(rule_span(sut_description, COMPLAINT_LIMIT))
    assert first is not None and first <= due, (
        f"{obligations}: a complaint received at {china(record['received_at'])} must get a first response within "
        f"the declared {COMPLAINT_LIMIT} of {limit} (by {china(due)}); the first response shown is at {china(first)} "
        f"({_history(record)})")


@then(p('首次答复来自{whose}且投诉未被升级'))
def answered_by_handler(sut, ctx: Scenario, obligations, whose: str):
    record = complaint(sut, ctx)
    first = record["responses"][0] if record["responses"] else None
    assert first and first["by"] == WHOSE[whose] and "escalated" not in [e["status"] for e in record["history"]], (
        f"{obligations}: the {WHOSE[whose]} answered before the feedback limit, so its answer is the first response "
        f"and nothing is escalated; the system shows {_history(record)}")


@then(p('投诉已结案并写明处理结果，状态记录含受理、答复和结案及其时间'))
def complaint_closed_with_outcome(sut, ctx: Scenario, obligations):
    record = complaint(sut, ctx)
    statuses = [e["status"] for e in record["history"]]
    ok = (record["status"] == "closed" and (record["outcome"] or "").strip()
          and all(s in statuses for s in ("received", "responded", "closed"))
          and statuses.index("received") < statuses.index("responded") < statuses.index("closed"))
    assert ok, (f"{obligations}: a complaint must end closed with its outcome stated and its handling on record "
                f"(received, responded, closed, with times); the system shows status {record['status']}, outcome "
                f"{record['outcome']!r}, history {_history(record)}")



