"""Service goods (5.4.3): cancellation rules and fees shown and applied, compensation by actual loss as
agreed, refunds after a refund agreement within the platform's time limit."""

from __future__ import annotations

from pytest_bdd import given, then, when

from caaad.preconditions import PreconditionNotReachable

from .common import (PAYMENT_METHOD, Scenario, ScenarioError, advance_to, china, describe_span, now, owed_refunds,
                     owed_total, p, paid_refunds, parse_timestamp, refresh, rfc3339, rule_span, scenario_time, summary)
from .returns import file_request, refunds_text


@given(p('商家上架服务类商品 "{title}"，售价 "{price:yuan}" 元，服务开始时间为 "{moment}" (北京时间)，取消收费标准如下:'))
def list_service(ctx: Scenario, datatable, title: str, price: int, moment: str):
    """The data table: | 距服务开始至少(小时) | 取消收费(%) | — one row per tier."""
    fees = [{"min_hours_before_start": int(hours), "fee_percent": int(percent)} for hours, percent in datatable[1:]]
    rules = "；".join(f"距服务开始{f['min_hours_before_start']}小时及以上取消，收取已付金额的{f['fee_percent']}%"
                     for f in fees) + "；服务开始后不可取消。"
    if not (title not in ctx.product_drafts):
        raise ScenarioError(f"the scenario lists product {title!r} twice")
    ctx.product_drafts[title] = {
        "merchant_id": ctx.merchant_id, "title": title, "category": "service", "price_fen": price,
        # Services have no statutory no-reason return; what applies is the cancellation rules below.
        "no_reason_return": {"class": "eligible", "reason": None},
        "service": {"starts_at": rfc3339(scenario_time(ctx, moment)), "cancellation_rules": rules,
                    "cancellation_fees": fees},
    }
    ctx.notes["service_fees"] = fees


@then('商品页明示订单取消规则和取消收费标准')
def cancellation_terms_shown(obligations, ctx: Scenario):
    shown = ctx.notes["shown"]
    service = shown["service"]
    assert service is not None and service["cancellation_rules"].strip(), (
        f"{obligations}: a service product shows its order cancellation rules before ordering; the page shows {service}")
    as_set = sorted(ctx.notes["service_fees"], key=lambda f: f["min_hours_before_start"])
    shown_fees = sorted(service["cancellation_fees"], key=lambda f: f["min_hours_before_start"])
    assert shown_fees == as_set, (
        f"{obligations}: the cancellation fee schedule shown is the merchant's ({as_set}); the page shows {shown_fees}")


@when(p('消费者于 "{moment}" (北京时间) 取消服务订单'))
def cancel(sut, ctx: Scenario, moment: str):
    advance_to(sut, scenario_time(ctx, moment))
    ctx.after_sales = sut.call("cancel_service_order", {"order_id": ctx.order["order_id"]})["after_sales"]
    ctx.notes["agreed_at"] = now(sut)   # the cancellation under the published rules is the refund agreement


@then(p('取消收费不超过 "{cap:yuan}" 元，退款不少于 "{minimum:yuan}" 元'))
def cancellation_fee_within_schedule(obligations, sut, ctx: Scenario, cap: int, minimum: int):
    state = refresh(sut, ctx)
    assert state["status"] != "rejected" and state["settlement"] is not None, (
        f"{obligations}: a cancellation the schedule shown allows is carried out; got {summary(state)}")
    fee = state["settlement"]["cancellation_fee_fen"]
    assert fee <= cap, (
        f"{obligations}: the consumer is charged no more than the fee schedule shown at purchase: at most {cap} fen "
        f"for cancelling at {china(ctx.notes['agreed_at'])}; the system charges {fee} fen")
    assert owed_total(state) >= minimum, (
        f"{obligations}: the rest of the price ({minimum} fen at least) is refunded; the system owes "
        f"{owed_total(state)} fen (scheduled or paid): {refunds_text(state)}")


@given(p('消费者于 "{moment}" (北京时间) 以服务水平低于商家描述为由申请补偿，实际损失 "{loss:yuan}" 元'))
@when(p('消费者于 "{moment}" (北京时间) 以服务水平低于商家描述为由申请补偿，实际损失 "{loss:yuan}" 元'))
def claim_compensation(sut, ctx: Scenario, moment: str, loss: int):
    advance_to(sut, scenario_time(ctx, moment))
    file_request(sut, ctx, "service_below_description", "compensation", amount=loss)
    ctx.notes["actual_loss"] = loss


@given(p('消费者于 "{moment}" (北京时间) 以服务水平低于商家描述为由申请退款 "{amount:yuan}" 元'))
def claim_service_refund(sut, ctx: Scenario, moment: str, amount: int):
    advance_to(sut, scenario_time(ctx, moment))
    file_request(sut, ctx, "service_below_description", "refund", amount=amount)


@given('商家核实服务水平低于描述')
@when('商家核实服务水平低于描述')
def merchant_confirms_service_shortfall(sut, ctx: Scenario):
    state = refresh(sut, ctx)
    if state["status"] == "pending_merchant":
        ctx.after_sales = sut.call("merchant_decide", {"after_sales_id": state["after_sales_id"], "decision": "accept",
                                                       "reason": "核实服务水平低于商家描述"})["after_sales"]
    ctx.notes["confirmed_at"] = now(sut)


@when(p('商家与消费者于 "{moment}" (北京时间) 约定按实际损失补偿，经 "{channel}" 于 "{pay_by}" (北京时间) 前发放'))
def agree_compensation_by_loss(sut, ctx: Scenario, moment: str, channel: str, pay_by: str):
    # No amount: contract 1.1 reads this as the amount the consumer claimed, the actual loss (5.4.3.b).
    advance_to(sut, scenario_time(ctx, moment))
    answer = sut.call("record_agreement", {
        "order_id": ctx.order["order_id"], "after_sales_id": ctx.after_sales["after_sales_id"],
        "remedy": "compensation", "channel": PAYMENT_METHOD[channel],
        "pay_by": rfc3339(scenario_time(ctx, pay_by)), "note": "按消费者的实际损失补偿"})
    ctx.agreement = answer["agreement"]


@when(p('商家单方提出补偿 "{amount:yuan}" 元，消费者未同意'))
def one_sided_proposal(sut, ctx: Scenario, amount: int):
    answer = sut.call("record_agreement", {
        "order_id": ctx.order["order_id"], "after_sales_id": ctx.after_sales["after_sales_id"],
        "remedy": "compensation", "amount_fen": amount, "channel": "original_path", "confirmed_by": ["merchant"],
        "note": "商家单方提出的补偿方案"})
    ctx.agreement = answer["agreement"]


@then('该补偿申请未结案，也未发放补偿')
def claim_still_open(obligations, sut, ctx: Scenario):
    state = refresh(sut, ctx)
    paid = [r for r in state["refunds"] if r["purpose"] == "compensation"]
    assert state["status"] not in ("completed", "closed") and not paid, (
        f"{obligations}: a proposal made by the merchant alone and not accepted by the consumer does not close the "
        f"claim and pays nothing; got {summary(state)}, compensation {refunds_text(state)}")


@then(p('消费者获得的补偿等于实际损失 "{loss:yuan}" 元'))
def compensation_equals_loss(obligations, sut, ctx: Scenario, loss: int):
    state = refresh(sut, ctx)
    paid = sum(r["amount_fen"] for r in owed_refunds(state) if r["purpose"] == "compensation")
    assert paid == loss, (
        f"{obligations}: a service below its description is compensated by the consumer's actual loss ({loss} fen, "
        f"as agreed); the system owes {paid} fen as compensation (scheduled or paid): {refunds_text(state)}")


@when(p('商家与消费者于 "{moment}" (北京时间) 约定补偿 "{amount:yuan}" 元，经 "{channel}" 于 "{pay_by}" (北京时间) 前发放'))
def agree_compensation(sut, ctx: Scenario, moment: str, amount: int, channel: str, pay_by: str):
    advance_to(sut, scenario_time(ctx, moment))
    answer = sut.call("record_agreement", {
        "order_id": ctx.order["order_id"], "after_sales_id": ctx.after_sales["after_sales_id"],
        "remedy": "compensation", "amount_fen": amount, "channel": PAYMENT_METHOD[channel],
        "pay_by": rfc3339(scenario_time(ctx, pay_by)), "note": "双方协商一致的补偿"})
    ctx.agreement = answer["agreement"]


@then(p('消费者于 "{pay_by}" (北京时间) 前经 "{channel}" 获得补偿 "{amount:yuan}" 元'))
def compensation_paid_as_agreed(obligations, sut, ctx: Scenario, pay_by: str, channel: str, amount: int):
    state = refresh(sut, ctx)
    deadline = scenario_time(ctx, pay_by)
    method = PAYMENT_METHOD[channel]
    recorded = [a for a in state["agreements"] if a["amount_fen"] == amount and a["channel"] == method]
    assert recorded, (
        f"{obligations}: the amount, channel and time the consumer agreed to are recorded before payment "
        f"({amount} fen via {method} by {china(deadline)}); agreements: {state['agreements']}")
    paid = [r for r in paid_refunds(state) if r["purpose"] == "compensation"]
    ok = (sum(r["amount_fen"] for r in paid) == amount and all(r["method"] == method for r in paid)
          and all(parse_timestamp(r["paid_at"]) <= deadline for r in paid))
    assert ok, (
        f"{obligations}: the compensation is paid as agreed: {amount} fen via {method} by {china(deadline)}; "
        f"the system paid: {refunds_text(state)}")


@when(p('商家与消费者于 "{moment}" (北京时间) 达成退款协定，退款 "{amount:yuan}" 元'))
def agree_service_refund(sut, ctx: Scenario, moment: str, amount: int):
    advance_to(sut, scenario_time(ctx, moment))
    answer = sut.call("record_agreement", {
        "order_id": ctx.order["order_id"], "after_sales_id": ctx.after_sales["after_sales_id"],
        "remedy": "refund", "amount_fen": amount, "channel": "original_path", "note": "双方达成的退款协定"})
    ctx.agreement = answer["agreement"]
    ctx.notes["agreed_at"] = now(sut)


@when('平台规定的服务类商品退款时限届满')
def service_refund_limit_passes(sut, ctx: Scenario, sut_description):
    limit = rule_span(sut_description, "service_refund_after_agreement")
    advance_to(sut, max(now(sut), ctx.notes["agreed_at"] + limit))


@then('退款在退款协定达成后的平台规定时限内完成')
def service_refund_in_time(obligations, sut, ctx: Scenario, sut_description):
    state = refresh(sut, ctx)
    limit = rule_span(sut_description, "service_refund_after_agreement")
    latest = ctx.notes["agreed_at"] + limit
    refunds = [r for r in state["refunds"] if r["purpose"] in ("service", "goods")]
    if not refunds:   # how much is owed is the fee and refund scenarios' check; here only when it is paid
        raise PreconditionNotReachable(f"no refund is recorded after the agreement to time its payment; {summary(state)}")
    assert all(r["status"] == "paid" and parse_timestamp(r["paid_at"]) <= latest for r in refunds), (
        f"{obligations}: after the refund agreement at {china(ctx.notes['agreed_at'])} the refund is made within "
        f"service_refund_after_agreement ({describe_span(limit)}), by {china(latest)}; got {refunds_text(state)}")

