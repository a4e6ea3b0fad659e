"""After-sales service beyond the returns of 5.4 (4.2, 5.1.3, 5.3): after-sales terms shown before ordering,
promises honoured, requests handled within the platform's feedback time limit, requests caused by the merchant
or the goods not refused, the risk of transit borne by the merchant, the platform helping to resolve disputes.

The obligations these steps serve are stated in several clauses (a promise binds every participant and the
merchant; the feedback time limit binds the live room operator and the merchant), so every message starts
with the ids the scenario is tagged with (fixture `obligations`), then says what the standard requires and
what the system did.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from pytest_bdd import given, then, when

from .common import (ACCEPTED_STATUSES, CHINA, DAY, EXCLUSION_REASON, PARTY, RETURN_CLASS, Scenario, ScenarioError,
                     advance_to, china, describe_span, now, owed_total, p, paid_refunds, parse_timestamp,
                     platform_rule, refresh, rule_span, scenario_time, span_within_law, summary)
from .disputes import ask_for_intervention, decided_and_applied, wait_for_decision
from .returns import REMEDY, assert_refund_split, file_request, merchant_grants, refunds_text, situation

RESPONSE_LIMIT = "after_sales_request_response_limit"
GRACE = timedelta(minutes=1)   # how far past a time limit the clock is moved to see what the system did
HANDLERS = ("商家", "直播间运营者")   # who answers an after-sales request: both answer through merchant_decide
DECISION = {"同意": "accept", "拒绝": "reject"}
MONEY_REMEDIES = ("return_refund", "refund", "partial_refund", "compensation")
# Why a request of this ground is the merchant's to carry out, for messages.
FAULT = {
    "wrong_item": "goods sent wrongly are the merchant's error (CPL Art 24)",
    "missing_item": "goods left out are the merchant's error (CPL Art 24)",
    "transit_damage": "damage in transit, verified at delivery, is the merchant's risk (ECL Art 20)",
    "quality_problem": "a quality problem of the goods (CPL Art 24)",
    "not_delivered": "goods lost before signing are the merchant's risk (ECL Art 20)",
}


def promises_of(ctx: Scenario) -> list[tuple[str, dict]]:
    """(title, what the merchant promised) for every product of the scenario's request."""
    titles = [line["title"] for line in ctx.order["lines"]
              if any(l["line_id"] == line["line_id"] for l in ctx.after_sales["lines"])]
    return [(title, ctx.product_drafts[title].get("promises", {"return_window_days": 7, "free_return_shipping": False}))
            for title in titles]


def days_after_signing(ctx: Scenario) -> int:
    """Which day after signing the request was filed on, counted in China time (signed on D: D+1 is day 1)."""
    signed = ctx.notes["signed_at"].astimezone(CHINA)
    requested = parse_timestamp(ctx.after_sales["requested_at"]).astimezone(CHINA)
    return (requested.date() - signed.date()).days


# --- after-sales terms before ordering ---------------------------------------------------------------

TERMS = '商品页在下单前列明售后条款：无理由退货类别为 "{return_class}"，原因为 "{reason}"，退货期限不少于 "{days}" 天，'


@then(p(TERMS + '退货运费由 "{party}" 承担'))
def terms_shown_before_ordering(obligations, ctx: Scenario, return_class: str, reason: str, days: str, party: str):
    check_terms(obligations, ctx, return_class, reason, days, PARTY[party], exact_freight=True)


@then(p(TERMS + '退货运费由 "{party}" 或更有利于消费者的商家承担'))
def terms_shown_at_least(obligations, ctx: Scenario, return_class: str, reason: str, days: str, party: str):
    check_terms(obligations, ctx, return_class, reason, days, PARTY[party], exact_freight=False)


def check_terms(ids: str, ctx: Scenario, return_class: str, reason: str, days: str, bearer: str, exact_freight: bool):
    """The page states the terms that apply: the class the listing has, a period of at least the statutory
    or promised days, and who bears the return freight. A system may offer more than the merchant or the
    law (5.1.3.c); the boundary scenarios then hold it to what its page states."""
    if not (ctx.order is None):
        raise ScenarioError(f"{ids}: the scenario must look at the product before ordering it")
    shown = ctx.notes["shown"]
    expected = {"class": RETURN_CLASS[return_class], "reason": EXCLUSION_REASON[reason]}
    assert shown["no_reason_return"] == expected, (
        f"{ids} (CPL Art 8, 7D Art 20): before ordering the consumer can see whether no-reason return applies "
        f"({expected}); the product page shows {shown['no_reason_return']}")
    if days != "不适用":
        assert shown["return_window_days"] >= int(days), (
            f"{ids} (CPL Art 8): before ordering the consumer can see the return period that applies, at least "
            f"{days} days (the merchant's promise or the statutory 7); the product page shows "
            f"return_window_days {shown['return_window_days']}")
    if exact_freight or bearer == "merchant":
        assert shown["free_return_shipping"] is (bearer == "merchant"), (
            f"{ids} (CPL Art 8, 7D Art 18): before ordering the consumer can see who bears the return freight of a "
            f"no-reason return ({bearer}); the product page shows free_return_shipping {shown['free_return_shipping']}")


# --- promises honoured ---------------------------------------------------------------------

@then('售后申请按商家的承诺被受理')
def accepted_as_promised(obligations, sut, ctx: Scenario):
    state = merchant_grants(sut, ctx)
    promised = promises_of(ctx)
    terms = "; ".join(f"{title}: {p_['return_window_days']}-day no-reason return"
                      f"{', free return shipping' if p_['free_return_shipping'] else ''}" for title, p_ in promised)
    assert state["status"] in ACCEPTED_STATUSES, (
        f"{obligations} (7D Art 5, SPC Art 10): the merchant's after-sales promise and listing are kept when the "
        f"consumer invokes them ({terms}; a request on day {days_after_signing(ctx)} after signing); "
        f"{situation(ctx)}: got {summary(state)}")
    # The return leg is one party in the contract: it must be the merchant's when every returned product carries
    # the promise. A parcel mixing goods with and without it may be shared; the promised share is checked in money.
    if all(p_["free_return_shipping"] for _, p_ in promised):
        instructions = state["return_instructions"]
        assert state["freight"]["return_leg"] == "merchant" and (
                instructions is None or instructions["freight_bearer"] == "merchant"), (
            f"{obligations}: the merchant promised free return shipping, so the return freight is the "
            f"merchant's; the system puts the return leg on {state['freight']['return_leg']}"
            f"{'' if instructions is None else ', instructions say ' + instructions['freight_bearer']}")


@then(p('售后结果不低于商家的承诺：退还货款 "{goods:yuan}" 元和消费者垫付的退货运费 "{freight:yuan}" 元'))
def outcome_as_promised(obligations, sut, ctx: Scenario, goods: int, freight: int):
    state = refresh(sut, ctx)
    settlement = state["settlement"]
    assert settlement is not None and owed_total(state) >= goods + freight, (
        f"{obligations} (SPC Art 10): with free return shipping promised, the consumer gets back the "
        f"{goods} fen paid and the {freight} fen return freight advanced, nothing charged or deducted: at least "
        f"{goods + freight} fen; the system owes {owed_total(state)} fen (scheduled or paid): {refunds_text(state)}; "
        f"settlement {settlement}")
    assert settlement["return_freight_refunded_fen"] >= freight, (
        f"{obligations}: the promised free return shipping gives back the {freight} fen return freight; the "
        f"settlement refunds {settlement['return_freight_refunded_fen']} fen of it")


# --- served under the law, the platform rules and the promises --------------------------------------

@then('售后申请依法被受理，未以法律、平台规则或售后承诺之外的理由拒绝')
def accepted_under_law(obligations, sut, ctx: Scenario):
    state = merchant_grants(sut, ctx)
    assert state["status"] in ACCEPTED_STATUSES, (
        f"{obligations} (CPL Art 24-25): a request within the law, the platform rules or the product's "
        f"promise is accepted, whatever the shop's own terms (promotions, its own deadlines) say; "
        f"{situation(ctx)}, order discounts {ctx.order['discounts'] or 'none'}: got {summary(state)}")


# --- seven-day no-reason return under the 7D measures ------------------------------------------------

@then('七日无理由退货申请被受理')
def no_reason_return_accepted(obligations, sut, ctx: Scenario):
    state = merchant_grants(sut, ctx)
    assert state["status"] in ACCEPTED_STATUSES, (
        f"{obligations} (7D Art 10): a no-reason return notice for eligible goods sent by the end of the 7th "
        f"day after signing (counted in China time from the day after) is accepted; {situation(ctx)}: "
        f"got {summary(state)}")


@then('商家及时提供退货地址和联系方式')
def return_address_given(obligations, sut, ctx: Scenario, sut_description):
    state = refresh(sut, ctx)
    instructions = state["return_instructions"]
    assert instructions is not None and instructions["address_label"].strip(), (
        f"{obligations} (7D Art 11): the merchant gives the consumer a real return address and contact for "
        f"an accepted return; got return instructions {instructions}, {summary(state)}")
    limit, within = span_within_law(sut_description, "return_address_limit", 15 * DAY)
    latest = parse_timestamp(state["requested_at"]) + within
    given_at = parse_timestamp(instructions["provided_at"])
    assert given_at <= latest, (
        f"{obligations} (7D Art 11): the return address is given within the declared return_address_limit "
        f"({describe_span(limit)}) and at most 15 days of the notice at {china(state['requested_at'])}, "
        f"by {china(latest)}; it was given at {china(given_at)}")


@then(p('消费者在收到退货后 "{days:d}" 天内按原支付方式获得退款 "{split}"'))
def refunded_by_original_path(obligations, sut, ctx: Scenario, sut_description, days: int, split: str):
    state = refresh(sut, ctx)
    ids = obligations
    assert_refund_split(ids, state, split)
    limit, within = span_within_law(sut_description, "refund_after_receipt", days * DAY)
    latest = ctx.received_at + within
    late = [r for r in state["refunds"] if r["status"] != "paid" or parse_timestamp(r["paid_at"]) > latest]
    assert not late, (
        f"{ids} (7D Art 13): the refund is made within refund_after_receipt ({describe_span(limit)}) and at most "
        f"{days} days of receiving the return at {china(ctx.received_at)}, by {china(latest)}; "
        f"got {refunds_text(state)}")


# --- the platform's feedback time limit ---------------------------------------------------

_QUALITY_REQUEST = p('消费者于 "{moment}" (北京时间) 以质量问题申请"{service}"')


@given(_QUALITY_REQUEST)
@when(_QUALITY_REQUEST)
def quality_request(sut, ctx: Scenario, moment: str, service: str):
    advance_to(sut, scenario_time(ctx, moment))
    file_request(sut, ctx, "quality_problem", REMEDY[service])


@then(p('电子商务平台声明的售后申请反馈时限不超过 "{days:d}" 天'))
def response_limit_within_law(obligations, sut_description, days: int):
    limit, within = span_within_law(sut_description, RESPONSE_LIMIT, days * DAY)
    assert limit == within, (
        f"{obligations} (7D Art 11, 31; ECL Art 59): the platform's feedback time limit for after-sales "
        f"requests may not exceed the legal ceiling of {days} days; the system declares "
        f"{RESPONSE_LIMIT} = {describe_span(limit)}")


@when(p('{handler}在平台规定的售后申请反馈时限届满前 "{minutes:d}" 分钟{decision}该售后申请'))
def decide_before_limit(sut, ctx: Scenario, sut_description, handler: str, minutes: int, decision: str):
    if not (handler in HANDLERS):
        raise ScenarioError(f"unknown handler {handler!r} in the feature file")
    limit = rule_span(sut_description, RESPONSE_LIMIT)
    advance_to(sut, parse_timestamp(ctx.after_sales["requested_at"]) + limit - timedelta(minutes=minutes))
    state = refresh(sut, ctx)
    if state["status"] != "pending_merchant":
        return   # the system has already answered the request; the then-step checks that answer
    reason = "同意处理该售后申请" if DECISION[decision] == "accept" else "经检测商品不存在质量问题，不予退换"
    ctx.after_sales = sut.call("merchant_decide", {"after_sales_id": state["after_sales_id"],
                                                   "decision": DECISION[decision], "reason": reason})["after_sales"]
    ctx.notes["decision"] = DECISION[decision]


@when('平台规定的售后申请反馈时限届满，售后申请仍无人处理')
def response_limit_passes(sut, ctx: Scenario, sut_description):
    limit = rule_span(sut_description, RESPONSE_LIMIT)
    advance_to(sut, max(now(sut), parse_timestamp(ctx.after_sales["requested_at"]) + limit + GRACE))


def first_response_at(state: dict) -> datetime | None:
    """When the request was first answered, as the system recorded it: the merchant_response deadline met,
    a refusal, return instructions given, a replacement shipped."""
    times = [d["met_at"] for d in state["deadlines"] if d["name"] == "merchant_response" and d["met_at"]]
    if state["rejection"]:
        times.append(state["rejection"]["at"])
    if state["return_instructions"]:
        times.append(state["return_instructions"]["provided_at"])
    if state["replacement"] and state["replacement"]["shipped_at"]:
        times.append(state["replacement"]["shipped_at"])
    return min(map(parse_timestamp, times), default=None)


@then('售后申请在平台规定的反馈时限内得到首次处理，处理时间有记录')
def handled_within_limit(obligations, sut, ctx: Scenario, sut_description):
    state = refresh(sut, ctx)
    ids = obligations
    rule = platform_rule(sut_description, RESPONSE_LIMIT)
    limit = rule_span(sut_description, RESPONSE_LIMIT)
    requested = parse_timestamp(state["requested_at"])
    due = requested + limit
    why = (f"{ids} (ECL Art 59): a request filed at {china(requested)} gets a first handling response (acceptance, "
           f"reasoned refusal or a solution) within the declared {RESPONSE_LIMIT} ({describe_span(limit)}), by "
           f"{china(due)}; a response at the limit, also the system's own (on_expiry {rule['on_expiry']}), counts")
    assert state["status"] != "pending_merchant", f"{why}; at {china(now(sut))} the request is still pending_merchant"
    answered = first_response_at(state)
    assert answered is not None, (
        f"{why}; the time of the response must be recorded (merchant_response deadline met_at, rejection.at, "
        f"return_instructions.provided_at), the system records none: {summary(state)}, deadlines {state['deadlines']}")
    assert requested <= answered <= due, f"{why}; the response is recorded at {china(answered)}"
    decision = ctx.notes.get("decision")
    if decision == "reject":
        rejection = state["rejection"]
        assert state["status"] == "rejected" and rejection and rejection["detail"].strip(), (
            f"{why}; a refusal states its reason; got {summary(state)}")
    elif decision == "accept" or rule["on_expiry"] == "request_accepted":
        assert state["status"] in ACCEPTED_STATUSES, (
            f"{why}; the request was {'accepted by the merchant' if decision else 'left unanswered, which the platform rule turns into acceptance'}"
            f"; got {summary(state)}")


# --- requests the merchant answers for are not refused; the risk of transit ---------------------------------------

@when(p('售后申请待商家决定时，商家以 "{reason}" 为由拒绝'))
def merchant_refuses_if_asked(sut, ctx: Scenario, reason: str):
    state = refresh(sut, ctx)
    if state["status"] == "pending_merchant":   # a system that accepted at once gives the merchant nothing to refuse
        ctx.after_sales = sut.call("merchant_decide", {"after_sales_id": state["after_sales_id"], "decision": "reject",
                                                       "reason": reason})["after_sales"]
        ctx.notes["merchant_refused"] = reason


@when('售后申请被拒绝时，消费者申请平台介入，平台作出处理决定')
def intervention_if_refused(sut, ctx: Scenario):
    if refresh(sut, ctx)["status"] == "rejected":
        ask_for_intervention(sut, ctx)
        wait_for_decision(sut, ctx)


def not_closed_as_refused(obligations: str, sut, ctx: Scenario) -> tuple[dict, str]:
    state = refresh(sut, ctx)
    ground = state["ground"]
    refused = ctx.notes.get("merchant_refused")
    why = (f"{obligations}: {FAULT.get(ground, ground)}; such a request is not closed as refused, whatever the "
           f"ground (SPC Art 1: a clause such as 'signing means the goods were accepted' does not bind the consumer)"
           f"{f'; the merchant refused: {refused}' if refused else ''}")
    case = state["intervention"]
    decision = case and case["decision"]
    assert state["status"] in ACCEPTED_STATUSES and (not decision or decision["upheld"]), (
        f"{why}; {situation(ctx)}: got {summary(state)}"
        f"{f', platform decision {decision}' if case else ''}")
    return state, why


@then(p('该售后申请未以拒绝结案，消费者的"{service}"申请得到支持'))
def upheld_not_refused(obligations, sut, ctx: Scenario, service: str):
    state, why = not_closed_as_refused(obligations, sut, ctx)
    remedy = REMEDY[service]
    decision = state["intervention"] and state["intervention"]["decision"]
    granted = decision["remedy"] if decision else state["remedy"]
    assert granted == remedy, f"{why}; the remedy the consumer chose ({remedy}) is granted; got {granted}"


@then(p('该售后申请未以拒绝结案，消费者获得退款 "{amount:yuan}" 元'))
def refunded_not_refused(obligations, sut, ctx: Scenario, amount: int):
    state, why = not_closed_as_refused(obligations, sut, ctx)
    assert owed_total(state) >= amount, (
        f"{why}; goods the merchant sent wrongly are refunded whatever state they come back in (intactness is a "
        f"condition of no-reason returns only): at least {amount} fen; the system owes {owed_total(state)} "
        f"fen: {refunds_text(state)}; inspection {state['inspection']}")


@given(p('包裹于 "{moment}" (北京时间) 在运输中丢失，消费者未签收'))
def parcel_lost(sut, ctx: Scenario, moment: str):
    advance_to(sut, scenario_time(ctx, moment))
    ctx.order = sut.call("deliver_order", {"order_id": ctx.order["order_id"], "outcome": "lost"})["order"]


@when(p('消费者于 "{moment}" (北京时间) 以商品未送达为由申请退款'))
def not_delivered_refund(sut, ctx: Scenario, moment: str):
    advance_to(sut, scenario_time(ctx, moment))
    file_request(sut, ctx, "not_delivered", "refund")


@then(p('消费者未承担运输中的损失：已付的 "{amount:yuan}" 元全部退还'))
def transit_loss_on_merchant(obligations, sut, ctx: Scenario, amount: int):
    state = refresh(sut, ctx)
    why = (f"{obligations} (ECL Art 20): goods lost before the consumer signed for them are the merchant's "
           f"risk: refund or reship at no cost to the consumer")
    assert state["status"] in ACCEPTED_STATUSES, f"{why}; {situation(ctx)}: got {summary(state)}"
    assert owed_total(state) >= amount, (
        f"{why}: all {amount} fen paid (goods and outbound freight) comes back; the system owes "
        f"{owed_total(state)} fen (scheduled or paid): {refunds_text(state)}; settlement {state['settlement']}")


# --- the platform helps to resolve -------------------------------------------------------------------

@when(p('消费者向平台提交证据 "{description}"'))
def consumer_gives_evidence(sut, ctx: Scenario, description: str):
    ctx.after_sales = sut.call("submit_evidence", {"after_sales_id": ctx.after_sales["after_sales_id"],
                                                   "party": "consumer", "kind": "video",
                                                   "description": description})["after_sales"]


@then('平台受理协助请求并记录处理结果')
def platform_outcome_recorded(obligations, sut, ctx: Scenario):
    state = refresh(sut, ctx)
    case = state["intervention"]
    why = (f"{obligations} (ECL Art 61): asked by the consumer to help with a return and refund, the platform "
           f"accepts the request and records an outcome")
    assert case is not None, f"{why}; the request shows no platform case: {summary(state)}"
    decided_and_applied(sut, state, why, case["requested_at"], "the request for help")


@then('平台决定的退货退款已实际支付给消费者')
def platform_refund_paid(obligations, sut, ctx: Scenario):
    state = refresh(sut, ctx)
    decision = state["intervention"]["decision"]
    if not (decision["upheld"] and decision["remedy"] in MONEY_REMEDIES):
        return   # the platform decided no money is owed; 5.4.4 checks how it decides
    lines = {l["line_id"]: l for l in ctx.order["lines"]}
    owed = decision["amount_fen"] if decision["amount_fen"] is not None else sum(
        lines[l["line_id"]]["paid_fen"] * l["quantity"] // lines[l["line_id"]]["quantity"] for l in state["lines"])
    unpaid = [r for r in state["refunds"] if r["status"] != "paid"]
    paid = sum(r["amount_fen"] for r in paid_refunds(state))
    assert paid >= owed and not unpaid, (
        f"{obligations} (ECL Art 61): a refund the platform decides ({decision['remedy']}, {owed} fen) is "
        f"actually paid to the consumer; by {china(now(sut))} the system paid {paid} fen: "
        f"{refunds_text(state)}; {summary(state)}")
