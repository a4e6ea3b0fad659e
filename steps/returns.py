"""After-sales requests (售后申请) for physical goods: no-reason returns, quality problems, transit damage,
wrong or missing items; sending goods back, the merchant's inspection, refunds, freight and gifts."""

from __future__ import annotations

import re
from datetime import timedelta

from pytest_bdd import given, parsers, then, when

from caaad.contract.errors import CapabilityMissing
from caaad.preconditions import PreconditionNotReachable

from .common import (ACCEPTED_STATUSES, CHINA, DAY, PARTY, PAYMENT_METHOD, REASON_WORDS, REJECTION,
                     Scenario, advance_to, china, describe_span, format_payments, now, owed_refunds, owed_total, p,
                     parse_payments, parse_timestamp, platform_rule, refresh, rule_span, scenario_time,
                     span_within_law, summary)
from .orders import line_of, problem_line, product, shown_product

# What the standard requires of each ground, for assertion messages (after the scenario's obligation ids).
RULE = {
    "no_reason": "no-reason return of eligible goods within the period the product page states, at least 7 days "
                 "counted in China time from the day after signing (7D Art 6-7)",
    "quality_problem": "a quality problem, for perishables reported within the platform's perishable_report_window",
    "transit_damage": "verified transit damage: return within at least 7 days, exchange within at least 15 days of signing",
    "wrong_item": "wrong items: exchange, reship, partial refund, return and refund, at the merchant's cost",
    "missing_item": "missing items: exchange, reship, partial refund, return and refund, at the merchant's cost",
    "prohibited_goods": "prohibited or restricted goods: return and full refund, freight on the merchant",
    "service_below_description": "a service below its description: compensation by the actual loss",
}
REFUND_RULE = {
    "no_reason": "refund of the price actually paid, broken discounts settled at purchase prices",
    "prohibited_goods": "full refund of what was paid, outbound and return freight included, no deduction",
    "quality_problem": "the refund the parties or the platform settled",
    "service_below_description": "the refund agreed",
}
REMEDY = {"退货": "return_refund", "退货退款": "return_refund", "换货": "exchange", "调换": "exchange",
          "补发": "reship", "部分退款": "partial_refund", "补偿": "compensation", "退款": "refund", "维修": "repair"}
PROBLEM = {"错发": "wrong_item", "漏发": "missing_item"}
OBSERVATIONS = {
    "完好无损": [],
    "拆封查验": ["package_opened"],
    "拆开外包装查验": ["package_opened"],
    "拆封试穿": ["package_opened", "reasonable_trial"],
    "一次性密封已拆": ["seal_broken"],
    "已激活并留有个人信息": ["activated", "personal_data_left"],
    "非授权维修": ["unauthorised_repair"],
    "序列号损毁": ["marks_damaged"],
    "吊牌已剪": ["tags_removed"],
    "污损": ["soiled"],
    "运输损坏": ["damaged"],
}


# --- filing a request ---------------------------------------------------------------------------------------

def whole_lines(lines: list[dict]) -> list[dict]:
    """Request lines for these order (or after-sales) lines, each in its full quantity."""
    return [{"line_id": l["line_id"], "quantity": l["quantity"]} for l in lines]


def after_sales_request(ctx: Scenario, ground: str, remedy: str, lines: list[dict] | None = None,
                        amount: int | None = None, refund_channel: str | None = None) -> dict:
    """The request_after_sales request for the scenario's order: every line in full unless `lines` are given."""
    request = {"order_id": ctx.order["order_id"], "ground": ground, "remedy": remedy,
               "lines": lines or whole_lines(ctx.order["lines"])}
    if amount is not None:
        request["amount_fen"] = amount
    if refund_channel is not None:
        request["refund_channel"] = refund_channel
    return request


def file_request(sut, ctx: Scenario, ground: str, remedy: str, lines: list[dict] | None = None,
                 amount: int | None = None, refund_channel: str | None = None) -> dict:
    request = after_sales_request(ctx, ground, remedy, lines, amount, refund_channel)
    if remedy == "repair" and "repairs" not in sut.describe()["capabilities"]:  # a remedy of contract 1.5
        raise CapabilityMissing("request_after_sales", "repairs")
    ctx.after_sales = sut.call("request_after_sales", request)["after_sales"]
    ctx.notes["requested_at"] = now(sut)
    ctx.notes.setdefault("filed", {})[ctx.after_sales["after_sales_id"]] = ctx.after_sales  # for checks over the order
    return ctx.after_sales


def situation(ctx: Scenario) -> str:
    """Where the scenario stands, for assertion messages."""
    a = ctx.after_sales
    return (f"{a['ground']}/{a['remedy']} request at {china(a['requested_at'])}, "
            f"goods signed for at {china(ctx.notes.get('signed_at'))}")


@given(p('消费者于 "{moment}" (北京时间) 申请无理由退货'))
@when(p('消费者于 "{moment}" (北京时间) 申请无理由退货'))
def no_reason_return(sut, ctx: Scenario, moment: str):
    advance_to(sut, scenario_time(ctx, moment))
    file_request(sut, ctx, "no_reason", "return_refund")


WINDOW_DAY = {"最后一天": 0, "届满后第一天": 1}


@when(p('消费者于 商品页标明的无理由退货期限{which:w}的 "{clock}" (北京时间) 申请无理由退货'))
def no_reason_return_at_window_edge(sut, ctx: Scenario, which: str, clock: str):
    """The period the product page states (its return_window_days, never an assumed 7), counted in China time
    from the day after signing: its last day is the signing date + N days, the next day it has passed."""
    days = shown_product(sut, ctx, ctx.order["lines"][0]["title"])["return_window_days"]
    hour, minute = (int(part) for part in clock.split(":"))
    signed = ctx.notes["signed_at"].astimezone(CHINA)
    day = signed.date() + timedelta(days=days + WINDOW_DAY[which])
    advance_to(sut, signed.replace(year=day.year, month=day.month, day=day.day, hour=hour, minute=minute, second=0))
    file_request(sut, ctx, "no_reason", "return_refund")


@when(p('消费者于 "{moment}" (北京时间) 申请无理由退回 "{title}"'))
def no_reason_return_of(sut, ctx: Scenario, moment: str, title: str):
    advance_to(sut, scenario_time(ctx, moment))
    line = line_of(ctx, title)
    file_request(sut, ctx, "no_reason", "return_refund", whole_lines([line]))


@when(p('消费者于 "{moment}" (北京时间) 以质量问题申请退回 "{title}"'))
def quality_return_of(sut, ctx: Scenario, moment: str, title: str):
    advance_to(sut, scenario_time(ctx, moment))
    file_request(sut, ctx, "quality_problem", "return_refund", whole_lines([line_of(ctx, title)]))


@when(p('消费者于 "{moment}" (北京时间) 申请无理由退回 "{quantity:d}" 件 "{title}"'))
def no_reason_return_quantity(sut, ctx: Scenario, moment: str, quantity: int, title: str):
    advance_to(sut, scenario_time(ctx, moment))
    line = line_of(ctx, title)
    file_request(sut, ctx, "no_reason", "return_refund", [{"line_id": line["line_id"], "quantity": quantity}])


@when(p('消费者于 "{moment}" (北京时间) 申请无理由退货，并同意退款至 "{method}"'))
def no_reason_return_other_method(sut, ctx: Scenario, moment: str, method: str):
    # refund_channel (contract 1.1) is the consumer's explicit consent to another method (7D Art 14).
    advance_to(sut, scenario_time(ctx, moment))
    file_request(sut, ctx, "no_reason", "return_refund", refund_channel=PAYMENT_METHOD[method])


@when(p('消费者在平台规定的鲜活易腐商品报告时限届满{side}"{minutes:d}" 分钟报告非消费者原因的质量问题，申请"{service}"'))
def perishable_report(sut, ctx: Scenario, sut_description, side: str, minutes: int, service: str):
    window = rule_span(sut_description, "perishable_report_window")
    offset = {"前 ": -1, "后 ": 1}[side] * timedelta(minutes=minutes)
    lapses = platform_rule(sut_description, "perishable_report_window")["on_expiry"]
    if offset > timedelta(0) and lapses != "right_lapses":   # a window the system keeps open has no "after"
        raise PreconditionNotReachable(f"the system declares perishable_report_window with on_expiry {lapses}, "
                                       f"not right_lapses: no report comes too late")
    advance_to(sut, ctx.notes["signed_at"] + window + offset)
    file_request(sut, ctx, "quality_problem", REMEDY[service], amount=None)


def merchant_grants(sut, ctx: Scenario, reason: str = "商家核实后同意售后申请") -> dict:
    """The scenario's request as it stands now, once the merchant has granted it if it waits for the merchant:
    for the checks whose premise is that it must be granted.

    A request waiting for the merchant (pending_merchant) is the merchant's to decide within the platform's
    response limit: a system in which the merchant reviews every request (as published platform practice has
    it) conforms as much as one that accepts at once. The kit takes the part of a conforming merchant and
    accepts it through the contract (merchant_decide), then checks what the system does; a system that refuses
    by itself what it must grant still fails. Whether a request nobody answers is granted when the limit passes
    is the response-limit scenarios' check (5.3.1.c, 5.3.2.e). A request outside what the system declares (its
    window, its exclusions) is still the system's own to refuse: those checks take no merchant's part."""
    state = refresh(sut, ctx)
    if state["status"] != "pending_merchant":
        return state
    ctx.after_sales = sut.call("merchant_decide", {"after_sales_id": state["after_sales_id"], "decision": "accept",
                                                   "reason": reason})["after_sales"]
    return ctx.after_sales


@when('商家确认质量问题不属于消费者原因')
def merchant_confirms_quality_problem(sut, ctx: Scenario):
    # What is decided is checked by the then steps (售后申请被受理 …), so nothing is asserted here.
    merchant_grants(sut, ctx, "核实为质量问题，非消费者原因")


@when(p('消费者于 "{moment}" (北京时间) 因运输损坏申请"{service}"'))
def transit_damage_request(sut, ctx: Scenario, moment: str, service: str):
    advance_to(sut, scenario_time(ctx, moment))
    file_request(sut, ctx, "transit_damage", REMEDY[service])


@when(p('消费者于 "{moment}" (北京时间) 就{problem}商品申请"{service}"'))
def wrong_or_missing_request(sut, ctx: Scenario, moment: str, problem: str, service: str):
    advance_to(sut, scenario_time(ctx, moment))
    line = problem_line(ctx)
    remedy = REMEDY[service]
    amount = line["paid_fen"] // line["quantity"] if remedy == "partial_refund" else None
    ctx.notes["partial_refund_fen"] = amount
    file_request(sut, ctx, PROBLEM[problem], remedy, [{"line_id": line["line_id"], "quantity": 1}], amount)


# --- the request on record ----------------------------------------------------------------------------------

# Where a no-reason return stands, and the statuses of the contract that say so; the later stages allow for a
# system that settles or pays at once on receipt (a refund counts once owed, paid or scheduled).
RECORD_STAGE = {
    "待寄回商品": ({"awaiting_return"}, "accepted, waiting for the goods", lambda s: s["return_instructions"] is not None),
    "商品已寄回": ({"return_shipped"}, "the consumer has sent the goods back", lambda s: s["return_shipment"] is not None),
    "商家已收到退货": ({"return_received", "processing", "completed"}, "the merchant has the goods",
                  lambda s: s["inspection"] is not None),
    "退款已办理": ({"processing", "completed"}, "the refund is settled", lambda s: bool(owed_refunds(s))),
}


@then(p('该售后申请有记录可查，订单、商品和理由与申请一致，状态为 "{stage}"'))
def request_on_record(obligations, sut, ctx: Scenario, stage: str):
    """The system keeps a record of the consumer's request and returns it, with a status that follows the process
    (rules for returns and refunds established and carried out; ECL Art 59)."""
    statuses, meaning, evidence = RECORD_STAGE[stage]
    filed = ctx.notes["filed"][ctx.after_sales["after_sales_id"]]
    state = merchant_grants(sut, ctx)
    seen = ctx.notes.setdefault("statuses_seen", [filed["status"]])
    seen.append(state["status"])
    same = {"order_id": ctx.order["order_id"], "ground": filed["ground"], "remedy": filed["remedy"],
            "lines": whole_lines(filed["lines"]), "requested_at": parse_timestamp(filed["requested_at"])}
    got = {"order_id": state["order_id"], "ground": state["ground"], "remedy": state["remedy"],
           "lines": whole_lines(state["lines"]), "requested_at": parse_timestamp(state["requested_at"])}
    assert got == same, (
        f"{obligations} (ECL Art 59): the request's record keeps what the consumer filed ({same}); "
        f"get_after_sales {state['after_sales_id']} returns {got}")
    assert state["status"] in statuses and evidence(state), (
        f"{obligations} (ECL Art 59): the record's status follows the process: {meaning} is status "
        f"{' or '.join(sorted(statuses))}, with what shows it recorded; {situation(ctx)}: the system answers "
        f"{summary(state)} (statuses so far: {' → '.join(seen)})")


# --- the answer -------------------------------------------------------------------------------------------------

@then('售后申请被受理')
def accepted(obligations, sut, ctx: Scenario):
    state = merchant_grants(sut, ctx)
    assert state["status"] in ACCEPTED_STATUSES, (
        f"{obligations}: {RULE.get(state['ground'], state['ground'])}: the request must be accepted; "
        f"{situation(ctx)}: got {summary(state)}")


def left_to_merchant(state: dict) -> bool:
    """A request outside what the system declares (its return period, its perishable report window, its exclusions)
    is refused on that ground, or left to the merchant (pending_merchant), who may refuse it or grant it as a
    favour: the standard sets the consumer's right, it does not make the system refuse by itself. What fails is
    the system granting it by its own rules, against what it declares, and a refusal on another ground."""
    return state["status"] == "pending_merchant"


@then(p('售后申请被拒绝，理由为{reason}'))
def rejected_for(obligations, sut, ctx: Scenario, reason: str):
    state = refresh(sut, ctx)
    code = REJECTION[reason]
    if left_to_merchant(state):
        return
    assert state["status"] == "rejected" and state["rejection"] and state["rejection"]["code"] == code, (
        f"{obligations}: {RULE.get(state['ground'], state['ground'])}: {reason} — the request falls outside the rule and is "
        f"expected to be rejected with code {code}; {situation(ctx)}: got {summary(state)}")


@then('未经售后人员核查属实的运输损坏申请如被拒绝，拒绝理由为未经核实')
def unverified_damage_refused_as_unverified(obligations, sut, ctx: Scenario):
    """5.4.2.b grants return and exchange for transit damage the after-sales staff verified (经售后人员核查情况属实).
    Unverified, the request may be refused as not verified, left to the staff to verify (pending_merchant), or
    granted on trust, more than the clause asks; what it may not be is refused on another ground within the
    transit-damage periods, as if the consumer had asked too late or for the wrong remedy."""
    state = refresh(sut, ctx)
    if state["status"] == "rejected":
        assert state["rejection"]["code"] == "not_verified", (
            f"{obligations}: transit damage the after-sales staff have not verified may be refused for that reason "
            f"(rejection code not_verified), within the transit-damage periods on no other ground; {situation(ctx)}: "
            f"got {summary(state)}")


@then(p('售后申请被拒绝，理由为商品不适用无理由退货，原因为 "{reason}"'))
def rejected_as_excluded(obligations, sut, ctx: Scenario, reason: str):
    state = refresh(sut, ctx)
    if left_to_merchant(state):
        return
    line = next(l for l in ctx.order["lines"] if l["line_id"] == state["lines"][0]["line_id"])
    labelled = product(sut, ctx, line["title"])["no_reason_return"]
    rejection = state["rejection"]
    assert state["status"] == "rejected" and rejection and rejection["code"] == labelled["class"], (
        f"{obligations}: goods labelled {labelled['class']} ({reason}) are refused on that labelled ground "
        f"(rejection code {labelled['class']}); {situation(ctx)}: got {summary(state)}")
    words = REASON_WORDS[labelled["reason"]]
    assert any(w in rejection["detail"] for w in words), (
        f"{obligations}: the refusal must state the ground the product was labelled with ({reason}, one of {words}); "
        f"detail is {rejection['detail']!r}")


def free_return_shipping_shown(sut, ctx: Scenario) -> bool:
    """Whether the product page of a returned line promises free return shipping (the merchant's, or the
    system's own, more favourable promise): a promise holds per product, also beside products without it."""
    titles = [l["title"] for l in ctx.order["lines"] if any(r["line_id"] == l["line_id"] for r in ctx.after_sales["lines"])]
    return any(shown_product(sut, ctx, title)["free_return_shipping"] for title in titles)


@then(p('退货运费由 "{party}" 承担'))
def return_freight_bearer(obligations, sut, ctx: Scenario, party: str):
    check_return_freight(obligations, sut, ctx, PARTY[party], RULE.get(ctx.after_sales["ground"], ctx.after_sales["ground"]))


@then(p('退货运费由商品页标明的一方承担，未承诺退货包运费的由 "{party}" 承担'))
def return_freight_as_shown(obligations, sut, ctx: Scenario, party: str):
    free = free_return_shipping_shown(sut, ctx)
    check_return_freight(obligations, sut, ctx, "merchant" if free else PARTY[party],
                         f"the product page {'promises' if free else 'does not promise'} free return shipping; "
                         f"without a promise the consumer bears the return freight of a no-reason return (7D Art 18)")


def require_accepted(state: dict, ctx: Scenario, needed_for: str) -> None:
    """A check of what follows acceptance (freight, return instructions) needs an accepted request; whether
    the request had to be accepted is the subject of the scenarios that check 售后申请被受理."""
    if state["status"] not in ACCEPTED_STATUSES:
        raise PreconditionNotReachable(f"{needed_for} needs an accepted request; {situation(ctx)}: "
                                       f"the system answered {summary(state)}")


def check_return_freight(obligations: str, sut, ctx: Scenario, expected: str, why: str):
    state = merchant_grants(sut, ctx)
    require_accepted(state, ctx, "who bears the return freight")
    assert state["freight"]["return_leg"] == expected, (
        f"{obligations}: {why}: the return freight is borne by {expected}; "
        f"{situation(ctx)}: the system puts the return leg on {state['freight']['return_leg']}")
    instructions = state["return_instructions"]
    if instructions is not None:
        assert instructions["freight_bearer"] == expected, (
            f"{obligations}: the return instructions given to the consumer must say the return freight is borne by {expected}; "
            f"they say {instructions['freight_bearer']}")
    shipment = state["return_shipment"]
    if shipment is not None and state["settlement"] is not None:
        refunded = state["settlement"]["return_freight_refunded_fen"]
        owed = shipment["freight_paid_fen"] if expected == "merchant" else 0
        assert refunded == owed, (
            f"{obligations}: the consumer paid {shipment['freight_paid_fen']} fen return freight, borne by {expected}: "
            f"{owed} fen of it is owed back; the system refunds {refunded} fen")


# --- sending back, inspection, refund ---------------------------------------------------------------------------

def ship_back(sut, ctx: Scenario, freight: int, missing_gifts: tuple[str, ...] = ()):
    state = merchant_grants(sut, ctx)
    if state["status"] != "awaiting_return":   # whether it should have been accepted is another scenario's check
        raise PreconditionNotReachable(
            f"the goods can be sent back only once the return is accepted and awaits them; {situation(ctx)}: "
            f"the system answered {summary(state)}")
    ctx.notes["missing_gifts"] = missing_gifts
    ctx.after_sales = sut.call("ship_return", {"after_sales_id": state["after_sales_id"],
                                               "freight_paid_fen": freight})["after_sales"]


@when('消费者寄回商品')
def ship_return(sut, ctx: Scenario):
    ship_back(sut, ctx, 0)


@when(p('消费者寄回商品，支付退货运费 "{freight:yuan}" 元'))
def ship_return_paying(sut, ctx: Scenario, freight: int):
    ship_back(sut, ctx, freight)


@when(p('消费者寄回商品，但未寄回赠品 "{gift}"'))
def ship_return_without_gift(sut, ctx: Scenario, gift: str):
    ship_back(sut, ctx, 0, (gift,))


@when(p('消费者寄回商品，支付退货运费 "{freight:yuan}" 元，但未寄回赠品 "{gift}"'))
def ship_return_paying_without_gift(sut, ctx: Scenario, freight: int, gift: str):
    ship_back(sut, ctx, freight, (gift,))


def receive(sut, ctx: Scenario, observations: list[str]):
    state = ctx.after_sales
    missing = ctx.notes.get("missing_gifts", ())
    gifts = [{"gift_id": item["gift_id"], "returned_quantity": 0 if item["title"] in missing else item["quantity"]}
             for item in state["return_instructions"]["items"] if item["kind"] == "gift"]
    request = {"after_sales_id": state["after_sales_id"],
               "lines": [{**line, "observations": observations} for line in state["lines"]]}
    if gifts:
        request["gifts"] = gifts
    ctx.after_sales = sut.call("receive_return", request)["after_sales"]
    ctx.received_at = now(sut)


@when(p('商家于 "{moment}" (北京时间) 收到退货，商品状况为 "{condition}"'))
def merchant_receives(sut, ctx: Scenario, moment: str, condition: str):
    advance_to(sut, scenario_time(ctx, moment))
    ctx.notes["condition"] = condition
    receive(sut, ctx, OBSERVATIONS[condition])


@when(p('商家于 "{moment}" (北京时间) 签收退货但未查验'))
def merchant_receives_without_inspecting(sut, ctx: Scenario, moment: str):
    advance_to(sut, scenario_time(ctx, moment))
    state = ctx.after_sales
    ctx.after_sales = sut.call("receive_return", {"after_sales_id": state["after_sales_id"], "inspected": False,
                                                  "lines": state["lines"]})["after_sales"]
    ctx.received_at = now(sut)


@when('平台规定的退货查验时限届满')
def inspection_limit_passes(sut, ctx: Scenario, sut_description):
    limit = rule_span(sut_description, "return_inspection_time_limit")
    advance_to(sut, max(now(sut), ctx.received_at + limit + timedelta(minutes=1)))


@then('查验结果在收到退货后的平台规定查验时限内记录')
def inspection_recorded_in_time(obligations, sut, ctx: Scenario, sut_description):
    state = refresh(sut, ctx)
    rule = platform_rule(sut_description, "return_inspection_time_limit")
    limit = rule_span(sut_description, "return_inspection_time_limit")
    inspection = state["inspection"]
    inspected_at = inspection and inspection["inspected_at"]
    assert inspected_at and parse_timestamp(inspected_at) <= ctx.received_at + limit, (
        f"{obligations}: an inspection result is recorded within return_inspection_time_limit ({describe_span(limit)}) "
        f"of the receipt at {china(ctx.received_at)}, by the merchant or by the platform rule's on_expiry "
        f"({rule['on_expiry']}); got inspection {inspection}, {summary(state)}")
    if rule["on_expiry"] == "deemed_received_intact":
        assert inspection["deemed"] and all(line["intact"] for line in inspection["lines"]), (
            f"{obligations}: the system declares on_expiry deemed_received_intact for return_inspection_time_limit; "
            f"an uninspected return must then count as intact; got inspection {inspection}")


# Observations after which goods stay intact by law (7D Art 8-9: opening to inspect, reasonable trial).
KEEP_INTACT = {"package_opened", "reasonable_trial"}


@when('平台规定的退款时限届满')
def refund_limit_passes(sut, ctx: Scenario, sut_description):
    start = ctx.received_at or now(sut)
    advance_to(sut, max(now(sut), start + rule_span(sut_description, "refund_after_receipt")))
    state = refresh(sut, ctx)
    inspection = state["inspection"]
    if state["ground"] == "no_reason" and inspection is not None:
        # A refund after a no-reason return needs goods judged intact; judging goods not intact for being
        # opened to inspect them is the inspection scenarios' failure, not this scenario's.
        wrongly = [line for line in inspection["lines"]
                   if not line["intact"] and line["failed_checks"] and set(line["failed_checks"]) <= KEEP_INTACT]
        if wrongly:
            raise PreconditionNotReachable(
                f"the returned goods must be judged intact for a refund to be checked; the system judged goods "
                f"observed as {ctx.notes.get('condition')} not intact (failed_checks "
                f"{wrongly[0]['failed_checks']}), which the inspection scenarios check")


@when('售后流程执行完毕')
def carry_out(sut, ctx: Scenario, sut_description):
    """Whatever the accepted remedy needs: the goods go back (the consumer pays 1000 fen freight up front,
    to see who bears it), the merchant receives them opened for inspection only, the refund limit passes."""
    if refresh(sut, ctx)["status"] == "awaiting_return":
        ship_back(sut, ctx, 1000)
        receive(sut, ctx, ["package_opened"])
    refund_limit_passes(sut, ctx, sut_description)


@then(p('商家查验确认退回商品{verdict}'))
def inspection_verdict(obligations, sut, ctx: Scenario, sut_description, verdict: str):
    state = refresh(sut, ctx)
    inspection = state["inspection"]
    assert inspection is not None, (
        f"{obligations}: the merchant's inspection of the returned goods must be recorded; {summary(state)}")
    intact = {"完好": True, "不完好": False}[verdict]
    for line in inspection["lines"]:
        assert line["intact"] is intact, (
            f"{obligations}: {ctx.order['lines'][0]['category']} goods observed as {ctx.notes.get('condition')} "
            f"({OBSERVATIONS.get(ctx.notes.get('condition'))}) must be judged {'intact' if intact else 'not intact'} "
            f"(7D Art 8-9: opening to inspect and reasonable trial keep goods intact); the system judged "
            f"intact={line['intact']} failed_checks={line['failed_checks']}")
        assert bool(line["failed_checks"]) is not intact, (
            f"{obligations}: 'not intact' must state its ground and 'intact' none; got failed_checks={line['failed_checks']}")
    limit = rule_span(sut_description, "return_inspection_time_limit")
    took = parse_timestamp(inspection["inspected_at"]) - parse_timestamp(inspection["received_at"])
    assert took <= limit, (
        f"{obligations}: the inspection is recorded within return_inspection_time_limit ({describe_span(limit)}); "
        f"it took {took}")
    if intact:
        assert state["status"] in ("processing", "completed"), (
            f"{obligations}: intact goods of a no-reason return go on to the refund; got {summary(state)}")
    else:
        assert state["status"] == "closed" and not owed_refunds(state), (
            f"{obligations}: goods that are not intact are not refunded as a no-reason return; got {summary(state)} "
            f"with refunds {state['refunds']}")


def refunds_text(state: dict) -> str:
    return "; ".join(f"{r['purpose']} {r['amount_fen']} fen by {r['method']} {r['status']} at {china(r['paid_at'])}"
                     for r in state["refunds"]) or "no refunds"


# Refunds are minimums: what the consumer is owed after the deductions the law allows (7D Art 17, 18; 5.4.2.d).
# A system that deducts less, or refunds the freight it could have left to the consumer, is more favourable
# to the consumer (5.1.3.c) and conforms. That no request is refunded twice is a rule of its own, checked by
# the scenarios about repeated requests, not by every refund.

@then(p('消费者获得的退款不少于 "{amount:yuan}" 元'))
def refund_at_least(obligations, sut, ctx: Scenario, amount: int):
    state = refresh(sut, ctx)
    assert owed_total(state) >= amount, (
        f"{obligations}: {REFUND_RULE.get(state['ground'], RULE.get(state['ground'], state['ground']))}: "
        f"the consumer is owed at least {amount} fen by now ({situation(ctx)}); the system owes "
        f"{owed_total(state)} fen (scheduled or paid): {refunds_text(state)}; settlement {state['settlement']}")


@then(p('消费者获得的退款不少于货款 "{amount:yuan}" 元，商品页标明退货包运费的另加退货运费'))
def refund_with_freight_as_shown(obligations, sut, ctx: Scenario, amount: int):
    state = refresh(sut, ctx)
    freight = state["return_shipment"]["freight_paid_fen"] if free_return_shipping_shown(sut, ctx) else 0
    assert owed_total(state) >= amount + freight, (
        f"{obligations}: {REFUND_RULE['no_reason']}: at least {amount} fen for the goods"
        f"{f' and the {freight} fen return freight the product page promised to bear' if freight else ''}; "
        f"the system owes {owed_total(state)} fen (scheduled or paid): {refunds_text(state)}")


@then(p('消费者垫付的退货运费中，承诺退货包运费的商品分摊的 "{least:yuan}" 元由商家退还'))
def promised_share_of_return_freight(obligations, sut, ctx: Scenario, least: int):
    """A promise of free return shipping is made per product (7D Art 18): returned in one parcel with goods
    without the promise, the promised goods' share of the return freight is still the merchant's. Bearing the
    whole parcel's freight is more favourable and conforms; the consumer never gets back more than was paid."""
    state = refresh(sut, ctx)
    paid = state["return_shipment"]["freight_paid_fen"] if state["return_shipment"] else 0
    refunded = state["settlement"]["return_freight_refunded_fen"] if state["settlement"] and owed_refunds(state) else 0
    assert least <= refunded <= paid, (
        f"{obligations} (7D Art 18, CPL Art 16): the merchant promised free return shipping for some of the goods "
        f"returned; of the {paid} fen return freight the consumer advanced, at least their share of {least} fen comes "
        f"back (at most {paid} fen); the system gives back {refunded} fen: {refunds_text(state)}; "
        f"settlement {state['settlement']}")


@then(p('消费者获得的退款为 "{full:yuan}" 元，或扣除原发货运费 "{freight:yuan}" 元后为 "{reduced:yuan}" 元'))
def refund_with_optional_freight_deduction(obligations, sut, ctx: Scenario, full: int, freight: int, reduced: int):
    state = refresh(sut, ctx)
    total = owed_total(state)
    assert reduced <= total <= full, (
        f"{obligations} (7D Art 18): a return that breaks the free-shipping threshold may have the waived outbound "
        f"freight ({freight} fen) deducted, and no more: refund expected between {reduced} and {full} fen; "
        f"the system paid {total} fen: {refunds_text(state)}")
    deducted = state["settlement"]["outbound_freight_deducted_fen"]
    assert deducted <= freight, (
        f"{obligations}: at most the waived outbound freight ({freight} fen) may be deducted; "
        f"the settlement deducts {deducted} fen")


def refund_without_outbound_deduction(obligations: str, sut, ctx: Scenario, amount: int, why: str) -> None:
    state = refresh(sut, ctx)
    deducted = (state["settlement"] or {}).get("outbound_freight_deducted_fen", 0)
    assert owed_total(state) >= amount, (
        f"{obligations}: {why}, so no outbound freight may be deducted: at least {amount} fen is owed; the system owes "
        f"{owed_total(state)} fen, {deducted} fen outbound freight deducted: {refunds_text(state)}")


@then(p('留下的商品仍满足包邮条件，消费者获得的退款不少于 "{amount:yuan}" 元，不扣除原发货运费'))
def refund_with_threshold_still_met(obligations, sut, ctx: Scenario, amount: int):
    """7D Art 18 lets the outbound freight be deducted only where the goods kept no longer reach the free-shipping
    threshold; reaching it exactly meets it (满…包邮)."""
    refund_without_outbound_deduction(
        obligations, sut, ctx, amount,
        f"(7D Art 18) the goods kept still reach the free-shipping threshold of {ctx.shipping['free_threshold_fen']} fen")


@then(p('因质量问题退货的，消费者获得的退款不少于 "{amount:yuan}" 元，不扣除原发货运费'))
def refund_for_quality_without_deduction(obligations, sut, ctx: Scenario, amount: int):
    """The deduction of 7D Art 18 is a no-reason return's; goods returned for a quality problem travel at the
    merchant's cost (CPL Art 24), whatever threshold the return breaks."""
    refund_without_outbound_deduction(
        obligations, sut, ctx, amount, "(CPL Art 24) goods returned for a quality problem travel at the merchant's cost, "
        "and 7D Art 18's deduction for a broken free-shipping threshold is for no-reason returns only")


@then(p('赠品已随商品退回，不折价，消费者获得的退款不少于 "{amount:yuan}" 元'))
def gifts_returned_not_charged(obligations, sut, ctx: Scenario, amount: int):
    state = refresh(sut, ctx)
    charges = [c for c in (state["settlement"] or {}).get("gift_charges", ()) if c["amount_fen"]]
    assert not charges and owed_total(state) >= amount, (
        f"{obligations} (7D Art 12): only a gift that is not sent back may be charged; every gift came back with the "
        f"goods, so nothing is charged and at least {amount} fen is owed; the system charges {charges} and owes "
        f"{owed_total(state)} fen: {refunds_text(state)}")


@then(p('退款在收到退货后的平台规定时限内完成，且不晚于收到退货后 "{days:d}" 天'))
def refund_in_time(obligations, sut, ctx: Scenario, sut_description, days: int):
    state = refresh(sut, ctx)
    limit, within = span_within_law(sut_description, "refund_after_receipt", days * DAY)
    latest = ctx.received_at + within
    goods = [r for r in state["refunds"] if r["purpose"] == "goods"]
    assert goods, f"{obligations}: intact goods received at {china(ctx.received_at)} must be refunded; {refunds_text(state)}"
    for refund in goods:
        assert refund["status"] == "paid" and parse_timestamp(refund["paid_at"]) <= latest, (
            f"{obligations}: refund after receipt at {china(ctx.received_at)} expected within {describe_span(limit)} "
            f"(platform rule refund_after_receipt) and at most {days} days, i.e. by {china(latest)}; "
            f"got {refund['status']} refund paid at {china(refund['paid_at'])}")


@then(p('电子商务平台声明的收到退货后退款时限不超过 "{days:d}" 天'))
def refund_limit_within_law(obligations, sut_description, days: int):
    limit, within = span_within_law(sut_description, "refund_after_receipt", days * DAY)
    assert limit == within, (
        f"{obligations} (7D Art 13, CPL Art 25): the refund time limit after receipt of the return is at most {days} days; "
        f"the system declares refund_after_receipt = {describe_span(limit)}")


def assert_refund_split(obligations: str, state: dict, split: str) -> None:
    """The refunds owed go back to each original payment method in proportion to what it paid, as `split` says
    (up to 1 fen of rounding per method, exact in total), and none goes elsewhere (7D Art 14-15)."""
    expected = {p_["method"]: p_["amount_fen"] for p_ in parse_payments(split)}
    got: dict[str, int] = {}
    for refund in owed_refunds(state):
        got[refund["method"]] = got.get(refund["method"], 0) + refund["amount_fen"]
    close = set(got) == set(expected) and all(abs(got[m] - expected[m]) <= 1 for m in expected)
    assert close and sum(got.values()) == sum(expected.values()), (
        f"{obligations} (7D Art 14-15): the refund goes back to each original payment method in proportion to what it "
        f"paid (points and coupons in kind; at most 1 fen rounding per method), expected {split}; "
        f"the system refunded {format_payments(got)}: {refunds_text(state)}")
    stray = [r for r in state["refunds"] if not r["to_original_path"]]
    assert not stray, (f"{obligations} (7D Art 14): without the consumer's consent every refund goes by the original "
                       f"path; got {stray}")


@then(p('退款按原支付方式按比例退还，约为 "{split}"'))
def refund_in_proportion(obligations, sut, ctx: Scenario, split: str):
    assert_refund_split(obligations, refresh(sut, ctx), split)


# Other names a notice may give a refund method by, as payment apps name it (WeChat: 零钱 for a balance).
OTHER_NAMES = {"balance": ("零钱",), "wallet": ("零钱",)}


@then(p('平台明示退款方式为 "{method}"'))
def refund_method_shown(obligations, sut, ctx: Scenario, method: str):
    state = refresh(sut, ctx)
    code = PAYMENT_METHOD[method]
    other = [r for r in state["refunds"] if not r["to_original_path"]]
    assert other and all(r["method"] == code for r in other), (
        f"{obligations}: with the consumer's explicit consent the refund goes to {code} (not the original path); "
        f"the system's refunds: {refunds_text(state)}")
    notice = state["refund_method_notice"]
    words = (method, code, *OTHER_NAMES.get(code, ()))
    assert notice and any(w in notice for w in words), (
        f"{obligations}: when a refund does not go back by the original payment path the platform must show the "
        f"refund method ({method}) to the consumer; refund_method_notice is {notice!r}")


# --- gifts --------------------------------------------------------------------------------------------------------

@then(parsers.re(r'退货说明要求一并退回 (?P<items>.+)'))
def return_instructions_list(obligations, sut, ctx: Scenario, items: str):
    state = merchant_grants(sut, ctx)
    titles = re.findall(r'"([^"]+)"', items)
    require_accepted(state, ctx, "the return instructions")
    instructions = state["return_instructions"]
    assert instructions is not None, f"{obligations}: an accepted return comes with return instructions; {summary(state)}"
    listed = [item["title"] for item in instructions["items"]]
    missing = [t for t in titles if t not in listed]
    assert not missing, (
        f"{obligations} (7D Art 12): the return instructions must list the goods and every gift to send back "
        f"together ({', '.join(titles)}); they list {listed}, missing {missing}")


@then('退货未因赠品未退回被拒绝')
def not_refused_for_gift(obligations, sut, ctx: Scenario):
    state = refresh(sut, ctx)
    assert state["status"] in ("processing", "completed") and state["settlement"] is not None, (
        f"{obligations}: a gift that is not returned is charged or deducted, never a ground to refuse the return; "
        f"got {summary(state)}")
    assert owed_total(state) > 0, f"{obligations}: the return must still be refunded; {refunds_text(state)}"


# --- outbound freight of goods the merchant is at fault for -------------------------------------------------

@then(p('该订单各售后申请退还的发货运费合计不少于 "{least:yuan}" 元，且不超过消费者支付的发货运费 "{paid:yuan}" 元'))
def outbound_freight_within(obligations, sut, ctx: Scenario, least: int, paid: int):
    check_outbound_freight(obligations, sut, ctx, least, paid)


@then(p('该订单各售后申请退还的发货运费合计为消费者支付的全部发货运费 "{paid:yuan}" 元'))
def outbound_freight_whole(obligations, sut, ctx: Scenario, paid: int):
    check_outbound_freight(obligations, sut, ctx, paid, paid)


def check_outbound_freight(obligations: str, sut, ctx: Scenario, least: int, paid: int):
    """The merchant bears the transport of the goods it is at fault for (CPL Art 24 para 2; 5.4.4.d "相关发货及
    退货运费由商家自行承担"): of the outbound freight the consumer paid, at least the share of those goods comes
    back, and over all the order's requests never more than was paid. Giving back the whole freight for one
    faulty line is more than the law asks and conforms. The scenarios give the lines equal prices where a share
    is checked, so a share by value and a share by item agree."""
    charged = sut.call("get_order", {"order_id": ctx.order["order_id"]})["order"]["shipping_charged_fen"]
    if charged != paid:
        raise PreconditionNotReachable(f"the scenario needs an order on which the consumer paid {paid} fen outbound "
                                       f"freight; the system charged {charged} fen")
    total, parts = 0, []
    for after_sales_id in ctx.notes.get("filed", {}):
        state = sut.call("get_after_sales", {"after_sales_id": after_sales_id})["after_sales"]
        refunded = state["settlement"]["outbound_freight_refunded_fen"] if state["settlement"] else 0
        total += refunded
        parts.append(f"{after_sales_id} ({state['ground']}/{state['remedy']}, {summary(state)}): {refunded} fen")
    assert least <= total <= paid, (
        f"{obligations} (CPL Art 24): the merchant bears the outbound freight of the goods it is at fault for: of the "
        f"{paid} fen the consumer paid, at least {least} fen comes back by now, and never more than {paid} fen over "
        f"all the order's requests; the system gives back {total} fen: " + "; ".join(parts))


@then(p('赠品 "{gift}" 折价不超过 "{cap:yuan}" 元，退款不少于 "{minimum:yuan}" 元'))
def gift_charge(obligations, sut, ctx: Scenario, gift: str, cap: int, minimum: int):
    state = refresh(sut, ctx)
    charges = state["settlement"]["gift_charges"]
    charged = sum(c["amount_fen"] for c in charges)
    assert charged <= cap, (
        f"{obligations} (7D Art 12): a gift not returned is charged at its price marked in advance or, unmarked, its "
        f"fair market value: at most {cap} fen for {gift}; the system charges {charged} fen ({charges})")
    assert owed_total(state) >= minimum, (
        f"{obligations}: nothing but the gift's value may be deducted: refund at least {minimum} fen; "
        f"the system owes {owed_total(state)} fen (scheduled or paid): {refunds_text(state)}")


# --- wrong or missing items ------------------------------------------------------------------------------------------

@then(p('消费者选择的"{service}"已执行，运费由商家承担'))
def remedy_carried_out(obligations, sut, ctx: Scenario, service: str):
    state = refresh(sut, ctx)
    remedy = REMEDY[service]
    why = f"{obligations}: the remedy the consumer chose for a {state['ground']} ({remedy}) is carried out"
    if remedy in ("exchange", "reship", "repair"):
        replacement = state["replacement"]
        assert replacement and replacement["kind"] == remedy and replacement["shipped_at"], (
            f"{why}: a replacement ({remedy}) is shipped; got {summary(state)}, replacement {replacement}")
        assert state["freight"]["reshipment_leg"] == "merchant", (
            f"{why}: the merchant bears the freight of the replacement; got {state['freight']}")
    else:
        line = ctx.order["lines"][0]
        owed = ctx.notes["partial_refund_fen"] if remedy == "partial_refund" else line["paid_fen"] // line["quantity"]
        assert owed_total(state) >= owed, (
            f"{why}: at least {owed} fen refunded; the system owes {owed_total(state)} fen (scheduled or paid): {refunds_text(state)}")
    if state["return_shipment"] is not None:
        assert state["freight"]["return_leg"] == "merchant" and \
            state["settlement"]["return_freight_refunded_fen"] == state["return_shipment"]["freight_paid_fen"], (
                f"{why}: the merchant bears the return freight of goods it takes back for its fault; freight {state['freight']}, "
                f"settlement {state['settlement']}")
