"""Products a merchant lists, what the consumer is shown, orders and their delivery (签收).

A product is written down as a draft first (商家上架商品 …) so that later steps can add promises,
gifts or a legal status; it is created in the system the first time the scenario needs it.
"""

from __future__ import annotations

from datetime import datetime

from pytest_bdd import given, then, when

from .common import (CATEGORY, EXCLUSION_REASON, REASON_WORDS, RETURN_CLASS, Scenario, ScenarioError, advance_to,
                     label_names_terms, p, parse_payments, rfc3339, scenario_time)

# --- products -----------------------------------------------------------------------------------------------


def draft_product(ctx: Scenario, title: str, category: str, price: int, return_class: str = "适用",
                  reason: str = "无") -> dict:
    if not (title not in ctx.product_drafts):
        raise ScenarioError(f"the scenario lists product {title!r} twice")
    draft = {
        "merchant_id": ctx.merchant_id,
        "title": title,
        "category": CATEGORY[category],
        "price_fen": price,
        "no_reason_return": {"class": RETURN_CLASS[return_class], "reason": EXCLUSION_REASON[reason]},
    }
    ctx.product_drafts[title] = draft
    return draft


def editable_draft(ctx: Scenario, title: str) -> dict:
    if not (title not in ctx.products):
        raise ScenarioError(f"product {title!r} is already listed; describe it before it is used")
    return ctx.product_drafts[title]


def product(sut, ctx: Scenario, title: str) -> dict:
    """The product as the system shows it, created from its draft on first use."""
    if title not in ctx.products:
        ctx.products[title] = sut.call("create_product", ctx.product_drafts[title])["product"]
    return ctx.products[title]


def shown_product(sut, ctx: Scenario, title: str) -> dict:
    """The product page as the system shows it now (get_product): the terms the system itself declares."""
    return sut.call("get_product", {"product_id": product(sut, ctx, title)["product_id"]})["product"]


@given(p('商家上架商品 "{title}"，品类为 "{category}"，售价 "{price:yuan}" 元'))
def list_product(ctx: Scenario, title: str, category: str, price: int):
    draft_product(ctx, title, category, price)


@given(p('商家上架商品 "{title}"，品类为 "{category}"，售价 "{price:yuan}" 元，'
                     '无理由退货类别为 "{return_class}"，原因为 "{reason}"'))
def list_product_with_class(ctx: Scenario, title: str, category: str, price: int, return_class: str, reason: str):
    draft_product(ctx, title, category, price, return_class, reason)


def _promises(draft: dict) -> dict:
    return draft.setdefault("promises", {"return_window_days": 7, "free_return_shipping": False})


@given(p('商家为 "{title}" 承诺 "{days:d}" 天无理由退货'))
def promise_longer_window(ctx: Scenario, title: str, days: int):
    _promises(editable_draft(ctx, title))["return_window_days"] = days


@given(p('商家为 "{title}" 承诺退货包运费'))
def promise_free_return_shipping(ctx: Scenario, title: str):
    _promises(editable_draft(ctx, title))["free_return_shipping"] = True


@given(p('"{title}" 附带配件 "{accessory}"'))
def accessory(ctx: Scenario, title: str, accessory: str):
    editable_draft(ctx, title).setdefault("accessories", []).append({"title": accessory, "quantity": 1})


@given(p('"{title}" 附赠赠品 "{gift}"，标价 "{marked:yuan}" 元'))
def gift_with_marked_price(ctx: Scenario, title: str, gift: str, marked: int):
    # The market value of a gift with a marked price is not what 5.4.2.d charges; keep it different
    # from the marked price so that a system charging it is seen.
    editable_draft(ctx, title).setdefault("gifts", []).append(
        {"title": gift, "quantity": 1, "marked_price_fen": marked, "market_value_fen": marked * 2})


@given(p('"{title}" 附赠赠品 "{gift}"，未标价，市场公允价格 "{value:yuan}" 元'))
def gift_without_marked_price(ctx: Scenario, title: str, gift: str, value: int):
    editable_draft(ctx, title).setdefault("gifts", []).append(
        {"title": gift, "quantity": 1, "marked_price_fen": None, "market_value_fen": value})


LEGAL_STATUS = {"禁止": "prohibited", "限制": "restricted"}


@given(p('电子商务平台认定商品 "{title}" 属于{status}出售的商品'))
def prohibited_goods(ctx: Scenario, title: str, status: str):
    editable_draft(ctx, title)["legal_status"] = LEGAL_STATUS[status]


@when(p('消费者查看商品 "{title}"'))
def view_product(sut, ctx: Scenario, title: str):
    ctx.notes["shown"] = shown_product(sut, ctx, title)


@then(p('商品页标明的无理由退货期限不少于 "{days:d}" 天'))
def window_at_least(obligations, ctx: Scenario, days: int):
    # The law (7D Art 6) and the merchant's promise set a minimum; a longer period the system offers is
    # more favourable (5.1.3.c) and is then the period the boundary scenarios check.
    shown = ctx.notes["shown"]["return_window_days"]
    assert shown >= days, (
        f"{obligations}: the no-reason return period is at least {days} days (the statutory 7 or the merchant's "
        f"longer promise); the product page states return_window_days {shown}")


@then(p('商品页标明无理由退货类别为 "{return_class}"，原因为 "{reason}"'))
def product_page_shows_class(obligations, ctx: Scenario, return_class: str, reason: str):
    shown = ctx.notes["shown"]
    expected = {"class": RETURN_CLASS[return_class], "reason": EXCLUSION_REASON[reason]}
    assert shown["no_reason_return"] == expected, (
        f"5.4.1.a: the product page must show the no-reason return class {expected}, the class the listing has "
        f"under CPL Art 25 and 7D Art 6-7; "
        f"the system shows {shown['no_reason_return']}")
    label = shown["return_label"]
    assert label_names_terms(label, expected), (
        f"{obligations}: an eligible product must be labelled as supporting no-reason return; label is {label!r}"
        if expected["class"] == "eligible" else
        f"{obligations} (7D Art 20): the label must name the reason of the exclusion ({reason}, one of "
        f"{REASON_WORDS[expected['reason']]}); label is {label!r}")
    wants_confirmation = expected["class"] == "excluded_with_confirmation"
    assert shown["requires_confirmation"] is wants_confirmation, (
        f"{obligations} (7D Art 7, 20): checkout must {'ask' if wants_confirmation else 'not ask'} the consumer to "
        f"confirm the exclusion for class {expected['class']}; requires_confirmation is {shown['requires_confirmation']}")


# --- orders ----------------------------------------------------------------------------------------------------

@given(p('订单运费 "{fee:yuan}" 元，满 "{threshold:yuan}" 元包邮'))
def shipping_terms(ctx: Scenario, fee: int, threshold: int):
    ctx.shipping = {"fee_fen": fee, "free_threshold_fen": threshold}


@given(p('订单享受满 "{threshold:yuan}" 元减 "{amount:yuan}" 元的满减优惠'))
def threshold_discount(ctx: Scenario, threshold: int, amount: int):
    ctx.discounts.append({"kind": "threshold", "threshold_fen": threshold, "amount_fen": amount})


def amount_due(ctx: Scenario, items: list[tuple[dict, int]], discounts: list[dict]) -> int:
    """What checkout charges: goods − discounts reached + outbound freight unless free shipping applies.

    Only to make the payments add up (place_order refuses an order whose payments do not)."""
    prices = {listed["product_id"]: listed["price_fen"] * q for listed, q in items}
    goods = sum(prices.values())
    off = sum(d["amount_fen"] for d in discounts
              if d["threshold_fen"] is None or sum(prices[i] for i in d["product_ids"]) >= d["threshold_fen"])
    freight = 0
    if ctx.shipping and (ctx.shipping["free_threshold_fen"] is None or goods - off < ctx.shipping["free_threshold_fen"]):
        freight = ctx.shipping["fee_fen"]
    return goods - off + freight


def place_order(sut, ctx: Scenario, lines: list[tuple[str, int]], payments: list[dict] | None = None,
                confirmed: bool = False) -> dict:
    items = [(product(sut, ctx, title), quantity) for title, quantity in lines]
    product_ids = [listed["product_id"] for listed, _ in items]
    discounts = [{**d, "product_ids": product_ids} for d in ctx.discounts]
    request = {
        "consumer_id": ctx.consumer_id,
        "items": [{"product_id": listed["product_id"], "quantity": q, "exclusion_confirmed": confirmed}
                  for listed, q in items],
        "payments": payments or [{"method": "card", "amount_fen": amount_due(ctx, items, discounts)}],
    }
    if discounts:
        request["discounts"] = discounts
    if ctx.shipping:
        request["shipping"] = ctx.shipping
    ctx.order = sut.call("place_order", request)["order"]
    return ctx.order


@given(p('消费者下单购买 "{title}"'))
@when(p('消费者下单购买 "{title}"'))
def buy(sut, ctx: Scenario, title: str):
    place_order(sut, ctx, [(title, 1)])


@given(p('消费者下单购买 "{first}" 和 "{second}"'))
def buy_two(sut, ctx: Scenario, first: str, second: str):
    place_order(sut, ctx, [(first, 1), (second, 1)])


@given(p('消费者下单购买 "{title}"，下单时确认该商品不适用无理由退货'))
def buy_with_confirmation(sut, ctx: Scenario, title: str):
    place_order(sut, ctx, [(title, 1)], confirmed=True)


@given(p('消费者下单购买 "{title}"，支付方式为 "{payments}"'))
def buy_with_payments(sut, ctx: Scenario, title: str, payments: str):
    place_order(sut, ctx, [(title, 1)], parse_payments(payments))


@given(p('消费者下单购买 "{quantity:d}" 件 "{title}"，支付方式为 "{payments}"'))
def buy_quantity_with_payments(sut, ctx: Scenario, quantity: int, title: str, payments: str):
    place_order(sut, ctx, [(title, quantity)], parse_payments(payments))


def line_of(ctx: Scenario, title: str) -> dict:
    if not (ctx.order is not None):
        raise ScenarioError("the scenario has not placed an order")
    for line in ctx.order["lines"]:
        if line["title"] == title:
            return line
    raise ScenarioError(f"order {ctx.order['order_id']} has no line for {title!r}")


# --- delivery ----------------------------------------------------------------------------------------------------

def sign_for(sut, ctx: Scenario, moment: datetime, issues: list[dict] | None = None) -> dict:
    """The consumer signs for the order at `moment` (the clock is moved there first)."""
    advance_to(sut, moment)
    request = {"order_id": ctx.order["order_id"], "outcome": "signed", "signed_at": rfc3339(moment)}
    if issues:
        request["issues"] = issues
    ctx.order = sut.call("deliver_order", request)["order"]
    ctx.notes["signed_at"] = moment
    return ctx.order


@given(p('订单于 "{moment}" (北京时间) 签收'))
def signed(sut, ctx: Scenario, moment: str):
    sign_for(sut, ctx, scenario_time(ctx, moment))


@given(p('服务于 "{moment}" (北京时间) 履行完毕'))
def service_provided(sut, ctx: Scenario, moment: str):
    # For service goods the contract records the provision of the service as the delivery.
    sign_for(sut, ctx, scenario_time(ctx, moment))


@given(p('订单于 "{moment}" (北京时间) 签收，商品在运输中损坏'))
def signed_damaged(sut, ctx: Scenario, moment: str):
    # deliver_order issues are what the merchant's after-sales staff verified (经售后人员核查情况属实).
    issues = [{"line_id": line["line_id"], "kind": "transit_damage", "quantity": line["quantity"], "damage": "broken"}
              for line in ctx.order["lines"]]
    sign_for(sut, ctx, scenario_time(ctx, moment), issues)


DELIVERY_PROBLEM = {"错发": "wrong_item", "漏发": "missing_item"}


@given(p('订单于 "{moment}" (北京时间) 签收，商家{problem:w}了商品'))
def signed_with_delivery_problem(sut, ctx: Scenario, moment: str, problem: str):
    sign_with_problem(sut, ctx, moment, problem, ctx.order["lines"][0])


@given(p('订单于 "{moment}" (北京时间) 签收，商家{problem:w}了 "{title}"'))
def signed_with_problem_of(sut, ctx: Scenario, moment: str, problem: str, title: str):
    sign_with_problem(sut, ctx, moment, problem, line_of(ctx, title))


def sign_with_problem(sut, ctx: Scenario, moment: str, problem: str, line: dict) -> None:
    kind = DELIVERY_PROBLEM[problem]
    sign_for(sut, ctx, scenario_time(ctx, moment), [{"line_id": line["line_id"], "kind": kind, "quantity": 1}])
    ctx.notes["delivery_problem"] = kind
    ctx.notes["problem_line"] = line


def problem_line(ctx: Scenario) -> dict:
    """The order line the merchant sent wrongly or left out (noted when the consumer signed)."""
    if "problem_line" not in ctx.notes:
        raise ScenarioError("the scenario has not signed for an order with a wrong or missing item")
    return ctx.notes["problem_line"]
