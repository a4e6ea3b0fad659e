"""Before the stream (5.1.3.e, 5.1.4.a, 5.1.4.e): the after-sales plan a merchant agrees with a live-room
operator, the platform's published after-sales rules, and the feedback time limits its rules declare with
what happens when one passes.

The plan and the published rules are contract 1.5 (capabilities after_sales_plans and published_rules): a system
that does not declare them gets not_tested. The declared limits and their timeout rules apply to every system.
Every message starts with the ids the scenario is tagged with (fixture `obligations`).
"""

from __future__ import annotations

from datetime import timedelta

from pytest_bdd import given, then, when

from caaad.contract.errors import AdapterFailure, CapabilityMissing

from .common import (ACCEPTED_STATUSES, DAY, Scenario, ScenarioError, advance_to, china, describe_span, now,
                     owed_refunds, p, parse_timestamp, platform_rule, refresh, rfc3339, rule_span, scenario_time,
                     summary)
from .consultations import COMPLAINT_LIMIT, complaint
from .orders import editable_draft, product
from .terms_and_promises import RESPONSE_LIMIT
PLAN_CEILING_DAYS = 15  # 7D Art 31: a no-reason return not processed 15 days after the request is unlawful

# The rows of a plan table (项目 | 内容) and the plan field each one fills.
PLAN_ITEMS = {
    "交付时间(小时)": ("ship_within_hours", int), "现货数量": ("stock_quantity", int), "预售数量": ("presale_quantity", int),
    "物流方式": ("logistics_method", str), "退换货方式": ("return_exchange_method", str),
    "退换货处理期限(天)": ("return_handling_days", int), "投诉处理流程": ("complaint_process", str),
    "投诉反馈期限(小时)": ("complaint_feedback_hours", int),
}
# A plan's items when the scenario names only some of them.
PLAN_DEFAULTS = {"ship_within_hours": 48, "stock_quantity": 100, "presale_quantity": 0, "logistics_method": "快递配送",
                 "return_exchange_method": "消费者寄回商家，商家收货后换新或退款", "return_handling_days": 7,
                 "complaint_process": "受理、核实、答复、办结、回访", "complaint_feedback_hours": 24}


def _taken_over(state: dict) -> bool:
    """The platform taking a request over shows as an intervention, or as the platform's own decision on it."""
    return state["intervention"] is not None or state["status"] != "pending_merchant"


# What a declared on_expiry means for an after-sales request nobody answered, as the request shows it.
REQUEST_TIMEOUT = {
    "request_accepted": ("the request is accepted", lambda state: state["status"] in ACCEPTED_STATUSES),
    "platform_decides": ("the platform takes the request over", _taken_over),
    "escalated_to_platform": ("the platform takes the request over", _taken_over),
    "refund_issued": ("a refund is made", lambda state: bool(owed_refunds(state))),
}


# … and for a complaint nobody answered: the platform steps in.
COMPLAINT_TIMEOUT = ("platform_decides", "escalated_to_platform")


# --- the after-sales plan agreed with the live-room operator ------------------------------------------------------

def operator(ctx: Scenario) -> str:
    if "operator_id" not in ctx.notes:
        raise ScenarioError("the scenario names no live-room operator (商家的合作直播间运营者为 …)")
    return ctx.notes["operator_id"]


@given(p('商家的合作直播间运营者为 "{name}"'))
def partner_operator(sut, ctx: Scenario, name: str):
    if "after_sales_plans" not in sut.describe()["capabilities"]:  # the party kind arrived with the plans (1.5)
        raise CapabilityMissing("create_party", "after_sales_plans")
    ctx.notes["operator_id"] = sut.call("create_party", {"kind": "live_room_operator", "display_name": name})["party_id"]


def agree_plan(sut, ctx: Scenario, title: str, moment: str, items: dict) -> dict:
    plan = {"agreed_with": operator(ctx), "agreed_at": rfc3339(scenario_time(ctx, moment)), **PLAN_DEFAULTS, **items}
    advance_to(sut, scenario_time(ctx, moment))
    editable_draft(ctx, title)["after_sales_plan"] = plan
    return plan


@given(p('商家与直播间运营者于 "{moment}" (北京时间) 为 "{title}" 协商确定售后服务方案:'))
def plan_from_table(sut, ctx: Scenario, datatable, moment: str, title: str):
    """The data table: | 项目 | 内容 | — one row per item of the plan (PLAN_ITEMS)."""
    items = {}
    for item, value in datatable[1:]:
        if item not in PLAN_ITEMS:
            raise ScenarioError(f"unknown plan item {item!r}; items are {', '.join(PLAN_ITEMS)}")
        field, kind = PLAN_ITEMS[item]
        items[field] = kind(value)
    agree_plan(sut, ctx, title, moment, items)


@given(p('商家与直播间运营者于 "{moment}" (北京时间) 为 "{title}" 协商确定售后服务方案，退换货处理期限为 "{days:d}" 天'))
def plan_with_handling_period(sut, ctx: Scenario, moment: str, title: str, days: int):
    agree_plan(sut, ctx, title, moment, {"return_handling_days": days})


@given(p('商家与直播间运营者于 "{moment}" (北京时间) 为 "{title}" 协商确定售后服务方案，承诺下单后 "{hours:d}" 小时内以 "{method}" 发货'))
def plan_with_delivery(sut, ctx: Scenario, moment: str, title: str, hours: int, method: str):
    agree_plan(sut, ctx, title, moment, {"ship_within_hours": hours, "logistics_method": method})


@when(p('商家为直播登记商品 "{title}"'))
def register_for_stream(sut, ctx: Scenario, title: str):
    try:
        product(sut, ctx, title)
    except AdapterFailure as refusal:  # refusing the plan is one lawful answer; the then-step judges it
        ctx.notes["registration_refused"] = refusal.message


@then('商品页的售后服务方案与商家和直播间运营者协商确定的方案一致')
def plan_shown_as_agreed(obligations, ctx: Scenario):
    shown = ctx.notes["shown"]
    agreed = ctx.product_drafts[shown["title"]]["after_sales_plan"]
    got = shown.get("after_sales_plan")
    assert got is not None, (
        f"{obligations}: a product registered for a live stream carries the after-sales plan agreed with the live-room "
        f"operator (delivery time, stock and pre-sale quantities, logistics, return and exchange method and period, "
        f"complaint process and feedback period); the product page shows none")
    differ = {k: (v, got.get(k)) for k, v in agreed.items() if k != "agreed_at" and got.get(k) != v}
    same_time = parse_timestamp(got["agreed_at"]) == parse_timestamp(agreed["agreed_at"])
    assert not differ and same_time, (
        f"{obligations}: the after-sales terms the consumer retrieves match the plan as agreed; (agreed, shown) "
        f"differ for {differ or {'agreed_at': (agreed['agreed_at'], got['agreed_at'])}}")


@then('商品未以超过法定上限的退换货处理期限登记')
def plan_within_ceiling(obligations, sut, ctx: Scenario):
    if "registration_refused" in ctx.notes:
        return
    title = next(iter(ctx.products))
    shown = sut.call("get_product", {"product_id": ctx.products[title]["product_id"]})["product"]
    plan = shown.get("after_sales_plan")
    days = plan["return_handling_days"] if plan else None
    assert days is not None and days <= PLAN_CEILING_DAYS, (
        f"{obligations} (7D Art 31): an after-sales plan's return and exchange handling period may not exceed "
        f"{PLAN_CEILING_DAYS} days; a plan of {ctx.product_drafts[title]['after_sales_plan']['return_handling_days']} "
        f"days is refused or registered within the ceiling; the system registered it and shows "
        f"{'no plan' if plan is None else f'return_handling_days {days}'}")


# --- the published after-sales rules ----------------------------------------------------------------------------------

@when('未登录的访客获取电子商务平台公示的售后服务制度')
def read_published_rules(sut, ctx: Scenario):
    ctx.notes["published_rules"] = sut.call("get_after_sales_rules", {})["rules"]  # names no party: no login


@then('获取到现行售后服务制度的全文、版本和生效日期，生效日期不晚于当前时间')
def rules_in_force(obligations, sut, ctx: Scenario):
    rules = ctx.notes["published_rules"]
    current = now(sut)
    effective = parse_timestamp(rules["effective_from"])
    assert rules["full_text"].strip() and rules["version"].strip(), (
        f"{obligations} (ECL Art 33): the platform publishes the full text of its after-sales rules and their version; "
        f"got version {rules['version']!r} and a text of {len(rules['full_text'].strip())} characters")
    assert effective <= current, (
        f"{obligations} (ECL Art 33): the rules published are the ones in force; at {china(current)} the system "
        f"publishes version {rules['version']!r}, effective only from {china(effective)}")


# --- feedback time limits and what happens when one passes ------------------------------------------------------------

@then(p('电子商务平台声明售后申请反馈时限和投诉反馈时限，售后申请反馈时限不超过 "{days:d}" 天，每项时限均声明超时的处理方式'))
def limits_declared(obligations, sut_description, days: int):
    names = [RESPONSE_LIMIT] + ([COMPLAINT_LIMIT] if "complaints" in sut_description["capabilities"] else [])
    for name in names:
        rule = platform_rule(sut_description, name)
        assert rule["unit"] in ("minute", "hour", "day") and rule["on_expiry"] != "none", (
            f"{obligations} (ECL Art 32, 59): the platform's rules state each feedback time limit and what happens when "
            f"it is missed; {name} is declared as {rule['value']} {rule['unit']}, on_expiry {rule['on_expiry']}")
    limit = rule_span(sut_description, RESPONSE_LIMIT)
    assert limit <= days * DAY, (
        f"{obligations} (7D Art 11, 31): the feedback time limit for after-sales requests may not exceed {days} days; "
        f"the system declares {RESPONSE_LIMIT} = {describe_span(limit)}")


@when(p('时间到达售后申请反馈时限届满后 "{seconds:d}" 秒，商家始终未处理'))
def request_limit_passes(sut, ctx: Scenario, sut_description, seconds: int):
    due = parse_timestamp(ctx.after_sales["requested_at"]) + rule_span(sut_description, RESPONSE_LIMIT)
    ctx.notes["request_due"] = due
    advance_to(sut, due + timedelta(seconds=seconds))


@then('售后申请已按平台声明的超时规则处理')
def request_timeout_applied(obligations, sut, ctx: Scenario, sut_description):
    state = refresh(sut, ctx)
    rule = platform_rule(sut_description, RESPONSE_LIMIT)
    why = (f"{obligations}: a request left unanswered past the declared {RESPONSE_LIMIT} "
           f"(due {china(ctx.notes['request_due'])}) is handled by the timeout rule the platform declares, "
           f"on_expiry {rule['on_expiry']}")
    assert rule["on_expiry"] in REQUEST_TIMEOUT, (
        f"{why}, which gives a silent merchant no consequence (expected one of {', '.join(REQUEST_TIMEOUT)}); "
        f"at {china(now(sut))} the request shows {summary(state)}")
    what, applied = REQUEST_TIMEOUT[rule["on_expiry"]]
    assert applied(state), f"{why}: {what}; at {china(now(sut))} the request shows {summary(state)}"


@when(p('时间到达投诉反馈时限届满后 "{seconds:d}" 秒，被投诉方始终未答复'))
def complaint_limit_passes_unanswered(sut, ctx: Scenario, sut_description, seconds: int):
    received = parse_timestamp(ctx.notes["complaint"]["received_at"])
    ctx.notes["complaint_due"] = received + rule_span(sut_description, COMPLAINT_LIMIT)
    advance_to(sut, ctx.notes["complaint_due"] + timedelta(seconds=seconds))


@then('投诉已按平台声明的超时规则处理')
def complaint_timeout_applied(obligations, sut, ctx: Scenario, sut_description):
    record = complaint(sut, ctx)
    rule = platform_rule(sut_description, COMPLAINT_LIMIT)
    why = (f"{obligations}: a complaint nobody answered past the declared {COMPLAINT_LIMIT} "
           f"(due {china(ctx.notes['complaint_due'])}) is handled by the timeout rule the platform declares, "
           f"on_expiry {rule['on_expiry']}")
    assert rule["on_expiry"] in COMPLAINT_TIMEOUT, (
        f"{why}, which gives a silent handler no consequence (expected one of {', '.join(COMPLAINT_TIMEOUT)})")
    stepped_in = record["handled_by"] == "platform" or any(e["status"] == "escalated" for e in record["history"])
    platform_answer = [r for r in record["responses"] if r["by"] == "platform"]
    assert stepped_in and platform_answer, (
        f"{why}: the platform steps in and answers; the complaint shows status {record['status']}, handled by "
        f"{record['handled_by']}, responses {[(r['by'], china(r['at'])) for r in record['responses']]}")
