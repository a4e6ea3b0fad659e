"""Serious complaints (严重情况, 5.3.1.b, 5.3.2.f): a complaint demanding compensation, or one the party
handling it cannot resolve effectively, is coordinated by the party it is against with the parties the
standard names, its solution is agreed with the merchant (for the live-room operator) or the live-room
operator (for the merchant) before it is closed, and the emergency handling mechanism starts when the
criterion the system declares is met.

These steps send request properties of the capability serious_complaints (contract 1.4): a system that
does not declare it gets not_tested (the client refuses the call with CapabilityMissing).
"""

from __future__ import annotations

from pytest_bdd import then, when

from caaad.contract.errors import AdapterFailure, CapabilityMissing

from .common import Scenario, advance_to, china, p, parse_timestamp, platform_rule
from .consultations import WHOSE, complaint

EMERGENCY_RULE = "serious_complaint_emergency_threshold"
PARTICIPANT = {**WHOSE, "消费者": "consumer", "电子商务平台": "platform"}


def _submit(sut, ctx: Scenario, against: str, text: str, claim: int) -> None:
    assert ctx.order is not None, "the scenario has not placed an order"
    request = {"consumer_id": ctx.consumer_id, "against": WHOSE[against], "text": text,
               "order_id": ctx.order["order_id"], "compensation_claim_fen": claim}
    ctx.notes["complaint_request"] = request
    ctx.notes["complaint"] = sut.call("submit_complaint", request)["complaint"]


@when(p('消费者就订单投诉{against}并要求赔偿 "{claim:yuan}" 元，内容为 "{text}"'))
def complain_with_claim(sut, ctx: Scenario, against: str, claim: int, text: str):
    _submit(sut, ctx, against, text, claim)


@when(p('消费者就订单投诉{against}并要求达到平台声明的应急处理启动标准的赔偿，内容为 "{text}"'))
def complain_with_emergency_claim(sut, ctx: Scenario, sut_description, against: str, text: str):
    if "serious_complaints" not in sut_description["capabilities"]:  # the rule is required only with the capability
        raise CapabilityMissing("submit_complaint", "serious_complaints")
    rule = platform_rule(sut_description, EMERGENCY_RULE)
    assert rule["unit"] == "fen", f"platform rule {EMERGENCY_RULE} is an amount in fen; declared in {rule['unit']}"
    ctx.notes["emergency_threshold"] = int(rule["value"])
    _submit(sut, ctx, against, text, int(rule["value"]))


@when(p('{who}答复该投诉 "{text}"，表示无法有效处理'))
def cannot_resolve(sut, ctx: Scenario, who: str, text: str):
    ctx.notes["complaint"] = sut.call("respond_complaint", {
        "complaint_id": ctx.notes["complaint"]["complaint_id"], "by": WHOSE[who], "text": text,
        "cannot_resolve": True})["complaint"]


@when(p('{who}未与{partner}商定解决方案即以 "{outcome}" 结案'))
def close_alone(sut, ctx: Scenario, who: str, partner: str, outcome: str):
    try:
        ctx.notes["complaint"] = sut.call("respond_complaint", {
            "complaint_id": ctx.notes["complaint"]["complaint_id"], "by": WHOSE[who], "text": outcome, "close": True,
            "outcome": outcome})["complaint"]
    except AdapterFailure as refusal:  # refusing the close is one conforming answer
        ctx.notes["close_refused"] = refusal.message


def _by_feedback_due(sut, ctx: Scenario, field: str) -> dict:
    """The complaint, read again at the end of its feedback period when `field` is not shown yet: a system
    may coordinate or start the emergency mechanism at any time within that period."""
    record = complaint(sut, ctx)
    if record.get(field) is None:
        advance_to(sut, parse_timestamp(record["feedback_due_at"]))
        record = complaint(sut, ctx)
    return record


def _serious(record: dict) -> str:
    return (f"complaint {record['complaint_id']} against the {record['against']}: severity {record.get('severity')}, "
            f"coordination {record.get('coordination')}, status {record['status']}")


@then(p('投诉被认定为严重投诉，由{coordinator}协调{parties}核实情况'))
def coordinated(sut, ctx: Scenario, coordinator: str, parties: str):
    record = _by_feedback_due(sut, ctx, "coordination")
    wanted = {PARTICIPANT[name] for name in parties.replace("和", "、").split("、")}
    assert record.get("severity") == "serious", (
        f"a complaint demanding compensation, or that cannot be resolved effectively, is a serious situation; the "
        f"system shows {_serious(record)}")
    coordination = record.get("coordination")
    assert coordination is not None and coordination["coordinated_by"] == WHOSE[coordinator], (
        f"the {WHOSE[coordinator]} coordinates a serious complaint against it; the system shows {_serious(record)}")
    missing = wanted - set(coordination["parties"])
    assert not missing, (
        f"the {WHOSE[coordinator]} brings in {sorted(wanted)} to establish the facts and agree the solution; "
        f"{sorted(missing)} not brought in: {_serious(record)}")
    started = parse_timestamp(coordination["started_at"])
    assert started <= parse_timestamp(record["feedback_due_at"]), (
        f"the coordination starts within the complaint feedback period (by {china(record['feedback_due_at'])}); "
        f"it started at {china(started)}")


@then('投诉未结案')
def not_closed(sut, ctx: Scenario):
    record = complaint(sut, ctx)
    partner = (record.get("coordination") or {}).get("solution_with")
    assert record["status"] != "closed", (
        f"a serious complaint is resolved with a solution agreed with the {partner or 'party the standard names'}; "
        f"it was closed ({record['outcome']}) before that party took part: {_serious(record)}")


@then(p('投诉以与{partner}商定的解决方案结案'))
def closed_with_agreed_solution(sut, ctx: Scenario, partner: str):
    record = complaint(sut, ctx)
    who = WHOSE[partner]
    assert record["status"] == "closed" and record["outcome"], (
        f"a serious complaint is driven to resolution: closed with its outcome; {_serious(record)}")
    closed_at = next(parse_timestamp(e["at"]) for e in reversed(record["history"]) if e["status"] == "closed")
    assert any(r["by"] == who and parse_timestamp(r["at"]) <= closed_at for r in record["responses"]), (
        f"the solution is agreed with the {who}, whose response comes before the close; responses "
        f"{[(r['by'], r['at']) for r in record['responses']]}")
    coordination = record.get("coordination") or {}
    assert coordination.get("solution_with") == who and coordination.get("solution_agreed_at"), (
        f"the record shows the solution agreed with the {who} and when; coordination {coordination}")


@then('应急处理机制在投诉反馈期限内启动并写明原因')
def emergency_started(sut, ctx: Scenario):
    record = _by_feedback_due(sut, ctx, "emergency")
    emergency = record.get("emergency")
    claim = ctx.notes["emergency_threshold"]
    assert emergency is not None, (
        f"a compensation claim of {claim} fen meets the emergency mechanism's criterion the system declares "
        f"({EMERGENCY_RULE} = {claim} fen): the mechanism is started; the complaint shows none ({_serious(record)})")
    activated = parse_timestamp(emergency["activated_at"])
    assert activated <= parse_timestamp(record["feedback_due_at"]) and emergency["reason"].strip(), (
        f"the emergency mechanism starts by the end of the complaint feedback period "
        f"({china(record['feedback_due_at'])}) and states why; got {emergency}")
