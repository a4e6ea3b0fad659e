"""Disputes (5.4.4): the merchant rejects, the consumer asks the platform to intervene, negotiation period,
evidence, agreements and supplementary agreements, the platform's decision; prohibited goods."""

from __future__ import annotations

from datetime import timedelta

from pytest_bdd import given, then, when

from caaad.preconditions import PreconditionNotReachable

from .common import (ACCEPTED_STATUSES, PARTY, Scenario, advance_to, china, describe_span, now, p,
                     parse_timestamp, refresh, rfc3339, rule_span, scenario_time, summary)
from .orders import line_of
from .returns import file_request, merchant_grants, require_accepted, situation, whole_lines

GRACE = timedelta(minutes=1)   # how far past the end of a negotiation period the clock is moved


@given(p('消费者于 "{moment}" (北京时间) 以质量问题申请退货'))
def quality_return(sut, ctx: Scenario, moment: str):
    advance_to(sut, scenario_time(ctx, moment))
    file_request(sut, ctx, "quality_problem", "return_refund")


@given(p('消费者于 "{moment}" (北京时间) 以商品属于禁止或限制出售的商品为由申请退货退款'))
@when(p('消费者于 "{moment}" (北京时间) 以商品属于禁止或限制出售的商品为由申请退货退款'))
def prohibited_goods_return(sut, ctx: Scenario, moment: str):
    advance_to(sut, scenario_time(ctx, moment))
    file_request(sut, ctx, "prohibited_goods", "return_refund")


@when(p('消费者于 "{moment}" (北京时间) 以 "{title}" 属于禁止或限制出售的商品为由申请退货退款'))
def prohibited_line_return(sut, ctx: Scenario, moment: str, title: str):
    advance_to(sut, scenario_time(ctx, moment))
    file_request(sut, ctx, "prohibited_goods", "return_refund", whole_lines([line_of(ctx, title)]))


@given('商家拒绝该售后申请')
def merchant_rejects(sut, ctx: Scenario):
    # The kit drives the merchant's decision (merchant_decide); a system that decides a request at once
    # (accepts a quality problem, say) conforms, and never offers the merchant a request to reject.
    state = refresh(sut, ctx)
    if state["status"] != "pending_merchant":
        raise PreconditionNotReachable(
            f"the scenario needs a request waiting for the merchant's decision, for the merchant to reject it; "
            f"{situation(ctx)}: the system answered {summary(state)}")
    ctx.after_sales = sut.call("merchant_decide", {"after_sales_id": state["after_sales_id"], "decision": "reject",
                                                   "reason": "商家认为商品不存在质量问题"})["after_sales"]


@given('消费者申请平台介入')
@when('消费者申请平台介入')
def ask_for_intervention(sut, ctx: Scenario):
    ctx.notes["intervention_asked_at"] = now(sut)
    ctx.after_sales = sut.call("request_intervention", {"after_sales_id": ctx.after_sales["after_sales_id"],
                                                        "note": "商家拒绝售后申请，消费者申请平台介入"})["after_sales"]


@given(p('商家与消费者在下单时约定：商品出现质量问题时可退货退款'))
def original_agreement(sut, ctx: Scenario):
    answer = sut.call("record_agreement", {"order_id": ctx.order["order_id"], "remedy": "return_refund",
                                           "channel": "original_path", "note": "商品出现质量问题时可退货退款"})
    ctx.agreement = answer["agreement"]


def intervention(state: dict) -> dict:
    """The platform's case. Opening it on the consumer's application is what 平台受理介入申请并立案处理 checks;
    for every other step it is the state the scenario needs."""
    if state["intervention"] is None:
        raise PreconditionNotReachable(
            f"the scenario needs the platform intervention the consumer applied for; got {summary(state)} "
            f"and no intervention")
    return state["intervention"]


def wait_for_decision(sut, ctx: Scenario) -> dict:
    """Let the negotiation period (if the platform granted one) run out without agreement."""
    case = intervention(refresh(sut, ctx))
    if case["decision"] is None and case["negotiation_ends_at"] is not None:
        advance_to(sut, max(now(sut), parse_timestamp(case["negotiation_ends_at"]) + GRACE))
    return refresh(sut, ctx)


@when('协商期届满双方仍未协商一致')
@when('平台作出处理决定')
def platform_decides(sut, ctx: Scenario):
    wait_for_decision(sut, ctx)


@then('平台受理介入申请并立案处理')
def intervention_opened(obligations, sut, ctx: Scenario):
    state = refresh(sut, ctx)
    case = state["intervention"]
    assert case is not None, (
        f"{obligations}: after the merchant rejects, the consumer's application opens a platform intervention; "
        f"got {summary(state)} and no intervention")
    asked = ctx.notes["intervention_asked_at"]
    assert parse_timestamp(case["requested_at"]) >= asked - GRACE, (
        f"{obligations}: the intervention case is opened on the consumer's application at {china(asked)}; "
        f"it says requested at {china(case['requested_at'])}")
    assert state["status"] == "in_intervention" or case["decision"] is not None, (
        f"{obligations}: the platform handles the dispute (in_intervention, or decided at once); got {summary(state)}")


@then('平台给予的协商期起止时间已告知双方，且不超过平台规定的协商期')
def negotiation_period_granted(obligations, sut, ctx: Scenario, sut_description):
    state = refresh(sut, ctx)
    case = intervention(state)
    if case["negotiation_ends_at"] is None:
        assert case["decision"] is not None, (
            f"{obligations}: a platform that grants no negotiation period handles the case directly: a decision is "
            f"expected; got {summary(state)} without decision")
        return
    period = rule_span(sut_description, "negotiation_period")
    granted = parse_timestamp(case["negotiation_ends_at"]) - parse_timestamp(case["requested_at"])
    assert timedelta(0) < granted <= period, (
        f"{obligations}: the negotiation period runs from the intervention ({china(case['requested_at'])}) and is no "
        f"longer than the declared negotiation_period ({describe_span(period)}); "
        f"it ends {china(case['negotiation_ends_at'])}")


@then('平台要求取证时，取证要求发给商家和消费者双方并写明提交期限')
def evidence_requested_from_both(obligations, sut, ctx: Scenario):
    state = refresh(sut, ctx)
    case = intervention(state)
    asked = set(case["evidence_requested_from"])
    if not asked:
        assert case["decision"] is not None or case["negotiation_ends_at"] is not None, (
            f"{obligations}: without an evidence request the platform still either negotiates or decides; got neither")
        return
    assert asked == {"consumer", "merchant"}, (
        f"{obligations}: an evidence request goes to both the merchant and the consumer; it went to {sorted(asked)}")
    deadline = case["negotiation_ends_at"] or next(
        (d["due_at"] for d in state["deadlines"] if d["met_at"] is None and "evidence" in d["name"]), None)
    assert deadline is not None, (
        f"{obligations}: the evidence request states the deadline for submission; no negotiation end or evidence "
        f"deadline in {state['deadlines']}")


@when('商家和消费者分别提交证据')
def both_submit_evidence(sut, ctx: Scenario):
    for party, kind, text in (("consumer", "photo", "商品故障照片"), ("merchant", "inspection_report", "出厂检验报告")):
        ctx.after_sales = sut.call("submit_evidence", {"after_sales_id": ctx.after_sales["after_sales_id"],
                                                       "party": party, "kind": kind, "description": text})["after_sales"]


@then('平台记录了商家和消费者双方的证据')
def evidence_recorded(obligations, sut, ctx: Scenario):
    case = intervention(refresh(sut, ctx))
    parties = {e["party"] for e in case["evidence"]}
    assert parties == {"consumer", "merchant"}, (
        f"{obligations}: both parties can give the platform evidence; recorded evidence is from {sorted(parties)}")


def decided_and_applied(sut, state: dict, why: str, not_before: str, since: str) -> dict:
    """The platform's decision on the case: recorded (decided, not before `not_before`, the time of `since`) and
    applied to the request both parties see: upheld puts it back on its accepted path, not upheld closes it."""
    case = intervention(state)
    decision = case["decision"]
    assert case["status"] == "decided" and decision is not None, (
        f"{why}; by {china(now(sut))} the case is {case['status']} without a decision (negotiation ended "
        f"{china(case['negotiation_ends_at'])}), request {summary(state)}")
    assert parse_timestamp(decision["decided_at"]) >= parse_timestamp(not_before), (
        f"{why}; the decision comes after {since} at {china(not_before)}, not at {china(decision['decided_at'])}")
    expected = ACCEPTED_STATUSES if decision["upheld"] else ("closed",)
    assert state["status"] in expected, (
        f"{why}; the decision ({'upheld' if decision['upheld'] else 'not upheld'}) is carried out on the request "
        f"both parties see; got {summary(state)}")
    return decision


@then('平台作出处理决定并通知商家和消费者双方')
def decision_made(obligations, sut, ctx: Scenario):
    state = refresh(sut, ctx)
    case = intervention(state)
    ended = case["negotiation_ends_at"]
    decided_and_applied(sut, state, f"{obligations}: when the negotiation period ends without agreement the platform "
                        "takes over and decides", ended or case["requested_at"],
                        "the end of the negotiation period" if ended else "the application for intervention")


@then('处理决定写明所依据的平台规则')
def decided_by_platform_rules(obligations, sut, ctx: Scenario):
    decision = intervention(refresh(sut, ctx))["decision"]
    assert decision is not None and decision["basis"] == "platform_rules", (
        f"{obligations}: with neither an agreement nor a supplementary agreement the platform decides under its own "
        f"rules (basis platform_rules); got {decision}")
    assert (decision.get("rule") or "").strip(), (
        f"{obligations}: the decision names the platform rule it applies (decision.rule); got {decision}")


@then('处理决定依据双方的约定，支持消费者退货退款')
def decided_by_agreement(obligations, sut, ctx: Scenario):
    decision = intervention(refresh(sut, ctx))["decision"]
    assert decision is not None and decision["basis"] == "agreement" and decision["upheld"] \
        and decision["remedy"] == "return_refund", (
            f"{obligations}: the platform follows what the merchant and the consumer agreed for the transaction "
            f"({ctx.agreement['note'] if ctx.agreement else 'agreement'}: return and refund): decision basis "
            f"agreement, upheld, remedy return_refund expected; got {decision}")


@when(p('商家与消费者达成补充协议：商家于 "{moment}" (北京时间) 前部分退款 "{amount:yuan}" 元，消费者保留商品'))
def supplementary_agreement(sut, ctx: Scenario, moment: str, amount: int):
    answer = sut.call("record_agreement", {
        "order_id": ctx.order["order_id"], "after_sales_id": ctx.after_sales["after_sales_id"],
        "remedy": "partial_refund", "amount_fen": amount, "channel": "original_path",
        "pay_by": rfc3339(scenario_time(ctx, moment)), "note": "双方协商：部分退款，消费者保留商品"})
    ctx.agreement = answer["agreement"]
    ctx.notes["agreed_amount"] = amount
    if answer["after_sales"] is not None:
        ctx.after_sales = answer["after_sales"]


@then('补充协议被记录，平台按补充协议处理')
def follows_supplementary_agreement(obligations, sut, ctx: Scenario):
    state = refresh(sut, ctx)
    amount = ctx.notes["agreed_amount"]
    recorded = [a for a in state["agreements"] if a["kind"] == "supplementary" and a["amount_fen"] == amount]
    assert recorded, (
        f"{obligations}: the supplementary agreement both parties confirmed (partial refund {amount} fen) is recorded "
        f"on the request; agreements: {state['agreements']}")
    decision = intervention(state)["decision"]
    assert decision is not None and decision["basis"] == "supplementary_agreement" \
        and decision["remedy"] == "partial_refund" and decision["amount_fen"] == amount, (
            f"{obligations}: the platform closes or decides the dispute according to the supplementary agreement "
            f"(partial_refund {amount} fen); got decision {decision}, {summary(state)}")


@then('处理决定判定商家承担责任，支持消费者退货退款，发货及退货运费由商家承担')
def merchant_liable(obligations, sut, ctx: Scenario):
    state = refresh(sut, ctx)
    decision = intervention(state)["decision"]
    assert decision is not None and decision["liable_party"] == "merchant" and decision["upheld"] \
        and decision["remedy"] == "return_refund", (
            f"{obligations}: in a dispute over prohibited goods the platform finds the merchant liable and grants the "
            f"return and refund; got decision {decision}, {summary(state)}")
    assert state["freight"]["outbound_leg"] == "merchant" and state["freight"]["return_leg"] == "merchant", (
        f"{obligations}: the platform places the outbound and return freight on the merchant; got {state['freight']}")


@then(p('发货运费和退货运费均由 "{party}" 承担'))
def both_freight_legs(obligations, sut, ctx: Scenario, party: str):
    state = merchant_grants(sut, ctx)
    require_accepted(state, ctx, "who bears the outbound and return freight")
    expected = PARTY[party]
    assert state["freight"]["outbound_leg"] == expected and state["freight"]["return_leg"] == expected, (
        f"{obligations}: for prohibited or restricted goods the merchant bears the outbound and the return freight; "
        f"{situation(ctx)}: got {state['freight']}")
