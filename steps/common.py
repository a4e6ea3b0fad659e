"""Shared vocabulary of the scenarios: the scenario state, parties, the test clock, China time and money.

Scenario times are written in China Standard Time, e.g. `"2024-03-08 23:59" (北京时间)`. The system's
test clock only moves forward and starts wherever the system chooses, so each scenario anchors its
first time (背景: 现在是 "…" (北京时间)) on the system's clock: if the system is already past that
moment, every time of the scenario moves by the same whole number of days. Whole days keep every
day boundary in China time (China has no daylight saving time), so the boundaries the scenario tests
stay exactly where the text puts them.

Money in step text is in 元 with two decimals, ASCII digits ("129.00" 元): a business reader's unit.
`fen()` turns it into the contract's integer fen; nothing else in the steps converts money.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

import parse
import pytest
from pytest_bdd import given, parsers, when

from caaad.scenarios import AMOUNT

CHINA = timezone(timedelta(hours=8), "CST")
DAY = timedelta(days=1)

@parse.with_pattern(r'[^"]*')
def _quoted(text: str) -> str:
    return text


def p(fmt: str) -> parsers.parse:
    """A step pattern where every untyped {field} is the text between two ASCII double quotes, and
    {field:yuan} an amount in 元 ("129.00"), given to the step in integer fen.

    Without this, `消费者下单购买 "{title}"` would also match `消费者下单购买 "A" 和 "B"`."""
    return parsers.parse(re.sub(r"\{(\w+)\}", r"{\1:Q}", fmt), extra_types={"Q": _quoted, "yuan": fen})


# Any quoted text, checked by fen(). pytest-bdd would take fen()'s ValueError for "no match" (a step without
# definition), so the scenario index reports a malformed amount first, in one line (caaad.scenarios.AMOUNT).
@parse.with_pattern(r'[^"]*')
def fen(yuan: str) -> int:
    """"129.00" → 12900. Exactly two decimals, so a typo such as "129.0" or "12900" is caught, not guessed."""
    m = AMOUNT.fullmatch(yuan)
    if not m:
        raise ValueError(f"amount {yuan!r}: write 元 with two decimals, e.g. \"129.00\"")
    return int(m.group(1)) * 100 + int(m.group(2))


# How step text names things of the contract. Unknown words are a bug in a feature file.
CATEGORY = {
    "食品": "food", "生鲜": "fresh", "化妆品": "cosmetics", "医疗器械": "medical", "电子产品": "electronics",
    "服装": "clothing", "鞋": "shoes", "箱包": "bags", "玩具": "toys", "家纺": "textiles", "家居": "household",
    "图书": "books", "数字化": "digital", "定制": "made_to_order", "报刊": "periodical", "服务": "service",
    "其他": "other",
}
RETURN_CLASS = {"适用": "eligible", "法定不适用": "excluded_by_law", "需确认不适用": "excluded_with_confirmation"}
EXCLUSION_REASON = {
    "无": None,
    "消费者定作": "made_to_order",
    "鲜活易腐": "fresh_perishable",
    "在线下载或已拆封的数字化商品": "digital_downloaded_or_unsealed",
    "交付的报纸期刊": "periodical_delivered",
    "拆封后易影响人身安全或导致品质改变": "unsafe_or_altered_once_unsealed",
    "激活或试用后价值贬损较大": "devalued_once_activated_or_tried",
    "销售时已明示临近保质期或有瑕疵": "near_expiry_or_flawed_disclosed",
}
# Words a label or a refusal must contain to name a reason (7D Art 20: clearly labelled): the law's words and
# the everyday ones a conforming shop uses for the same reason (定做, 海鲜, 虚拟商品, 杂志, 开封, 临期).
REASON_WORDS = {
    "made_to_order": ("定作", "定做", "定制", "made_to_order", "made to order"),
    "fresh_perishable": ("鲜活", "易腐", "生鲜", "海鲜", "水产", "水果", "蔬菜", "鲜花", "冷鲜", "fresh_perishable",
                         "perishable"),
    "digital_downloaded_or_unsealed": ("数字", "下载", "音像", "软件", "虚拟", "兑换码", "电子书", "digital"),
    "periodical_delivered": ("报纸", "期刊", "报刊", "杂志", "periodical"),
    "unsafe_or_altered_once_unsealed": ("拆封", "开封", "启封", "unsafe_or_altered_once_unsealed", "unsealed"),
    "devalued_once_activated_or_tried": ("激活", "试用", "devalued_once_activated_or_tried", "activated"),
    "near_expiry_or_flawed_disclosed": ("保质期", "临期", "瑕疵", "near_expiry_or_flawed_disclosed", "expiry"),
}


def label_names_terms(label: str, terms: dict) -> bool:
    """Whether a no-reason-return label names what the terms (class, reason) say: an eligible product's mentions
    no-reason returns, an excluded one's names the reason (REASON_WORDS; 7D Art 20)."""
    if terms["class"] == "eligible":
        return "无理由" in label or "no-reason" in label.lower()
    return any(w in label for w in REASON_WORDS[terms["reason"]])


PAYMENT_METHOD = {
    "银行卡": "card", "钱包": "wallet", "余额": "balance", "银行转账": "bank_transfer", "积分": "points",
    "优惠券": "coupon", "代金券": "voucher",
}
PAYMENT_METHOD_ZH = {v: k for k, v in PAYMENT_METHOD.items()}
PARTY = {"消费者": "consumer", "商家": "merchant", "无": "none"}
PARTY_ZH = {v: k for k, v in PARTY.items()}
REJECTION = {
    "超过退货期限": "outside_window",
    "超过鲜活易腐商品报告时限": "outside_window",
}
ACCEPTED_STATUSES = ("awaiting_return", "return_shipped", "processing", "completed")


class ScenarioError(Exception):
    """A feature file asks for something its steps cannot do: a bug in the suite (outcome error), never a failure."""


@dataclass
class Scenario:
    """Everything one scenario knows about what it created in the system under test.

    A new one per scenario (function-scoped fixture `ctx`): scenarios share nothing.
    """

    shift: timedelta | None = None          # added to every time written in the scenario
    merchant_id: str | None = None
    consumer_id: str | None = None
    product_drafts: dict[str, dict] = field(default_factory=dict)   # title -> create_product request
    products: dict[str, dict] = field(default_factory=dict)         # title -> product as shown
    shipping: dict | None = None            # shipping terms of the next order
    discounts: list[dict] = field(default_factory=list)             # discounts of the next order (titles)
    order: dict | None = None
    after_sales: dict | None = None         # the request the scenario is about (latest state)
    received_at: datetime | None = None     # when the merchant received the return
    agreement: dict | None = None
    notes: dict[str, Any] = field(default_factory=dict)             # small facts a later step checks


@pytest.fixture
def ctx() -> Scenario:
    return Scenario()


@pytest.fixture
def obligations(request) -> str:
    """The obligation ids the running scenario is tagged with (its @req tags), to start a message.

    A step serves every scenario that uses it, so it never names an obligation itself: the same check
    reports the id of whichever scenario runs it."""
    ids = dict.fromkeys(m.args[0] for m in request.node.iter_markers("req"))
    return "/".join(ids) or "(untagged scenario)"


# --- time -------------------------------------------------------------------------------------------

def parse_china_time(text: str) -> datetime:
    """"2024-03-08 23:59" (or with seconds) in China Standard Time → aware datetime at +08:00."""
    for fmt in ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.strptime(text.strip(), fmt).replace(tzinfo=CHINA)
        except ValueError:
            continue
    raise ValueError(f"not a China time 'YYYY-MM-DD HH:MM': {text!r}")


def parse_timestamp(value: str) -> datetime:
    """An RFC 3339 timestamp from the system (offset required by the contract)."""
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def rfc3339(moment: datetime) -> str:
    return moment.astimezone(CHINA).isoformat(timespec="seconds")


def china(moment: datetime | str | None) -> str:
    """For messages: a moment in China time, minutes precision."""
    if moment is None:
        return "never"
    if isinstance(moment, str):
        moment = parse_timestamp(moment)
    return moment.astimezone(CHINA).strftime("%Y-%m-%d %H:%M:%S") + " (北京时间)"


def now(sut) -> datetime:
    return parse_timestamp(sut.call("clock_now", {})["now"])


def advance_to(sut, moment: datetime) -> datetime:
    current = now(sut)
    if moment < current:
        raise RuntimeError(f"scenario goes back in time: {china(moment)} is before the system's now {china(current)}")
    if moment > current:
        return parse_timestamp(sut.call("clock_advance", {"to": rfc3339(moment)})["now"])
    return current


def scenario_time(ctx: Scenario, text: str) -> datetime:
    """A time written in the scenario, moved onto the system's clock (see module docstring)."""
    if ctx.shift is None:
        raise RuntimeError("the scenario has no anchor: start it with 假如 现在是 \"…\" (北京时间)")
    return parse_china_time(text) + ctx.shift


def platform_rule(description: dict, name: str) -> dict:
    for rule in description["platform_rules"]:
        if rule["name"] == name:
            return rule
    raise AssertionError(f"describe() declares no platform rule '{name}' (contract 1.0 requires it)")


_UNITS = {"minute": timedelta(minutes=1), "hour": timedelta(hours=1), "day": DAY}


def rule_span(description: dict, name: str) -> timedelta:
    """A declared time limit as a span of time."""
    rule = platform_rule(description, name)
    if rule["unit"] not in _UNITS:
        raise AssertionError(f"platform rule {name} is declared in {rule['unit']}, expected a time unit")
    return rule["value"] * _UNITS[rule["unit"]]


def span_within_law(description: dict, name: str, ceiling: timedelta) -> tuple[timedelta, timedelta]:
    """(the declared time limit, the time the system has: that limit, but never beyond the legal ceiling)."""
    limit = rule_span(description, name)
    return limit, min(limit, ceiling)


def describe_span(span: timedelta) -> str:
    hours = span.total_seconds() / 3600
    return f"{hours / 24:g} days" if hours >= 24 and hours % 24 == 0 else f"{hours:g} hours"


# --- money ------------------------------------------------------------------------------------------

def parse_payments(text: str) -> list[dict]:
    """"银行卡:80.00,积分:20.00" → [{"method": "card", "amount_fen": 8000}, …] (amounts in 元, given in fen)."""
    payments = []
    for part in text.split(","):
        name, _, amount = part.strip().partition(":")
        payments.append({"method": PAYMENT_METHOD[name.strip()], "amount_fen": fen(amount.strip())})
    return payments


def format_payments(amounts: dict[str, int]) -> str:
    return ",".join(f"{PAYMENT_METHOD_ZH.get(m, m)}:{a}" for m, a in amounts.items()) or "nothing"


# --- after-sales state --------------------------------------------------------------------------------

def refresh(sut, ctx: Scenario) -> dict:
    """The latest state of the scenario's after-sales request."""
    if not (ctx.after_sales is not None):
        raise ScenarioError("the scenario has not filed an after-sales request yet")
    ctx.after_sales = sut.call("get_after_sales", {"after_sales_id": ctx.after_sales["after_sales_id"]})["after_sales"]
    return ctx.after_sales


def summary(after_sales: dict) -> str:
    """One line about a request's state, for assertion messages."""
    rejection = after_sales.get("rejection")
    why = f" ({rejection['code']}: {rejection['detail']})" if rejection else ""
    return f"status {after_sales['status']}{why}"


def paid_refunds(after_sales: dict) -> list[dict]:
    return [r for r in after_sales["refunds"] if r["status"] == "paid"]


def owed_refunds(after_sales: dict) -> list[dict]:
    """Every refund the system records as owed to the consumer, scheduled or paid.

    Checks of amounts, freight and payment paths count these, so a refund paid late fails only the
    checks of when it is paid (each against the limit that applies), not every scenario that refunds."""
    return [r for r in after_sales["refunds"] if r["status"] in ("scheduled", "paid")]


def owed_total(after_sales: dict) -> int:
    return sum(r["amount_fen"] for r in owed_refunds(after_sales))


# --- steps ---------------------------------------------------------------------------------------------

@given(p('现在是 "{moment}" (北京时间)'))
def anchor(sut, ctx: Scenario, moment: str):
    written = parse_china_time(moment)
    current = now(sut)
    days = 0 if written >= current else math.ceil((current - written) / DAY)
    ctx.shift = days * DAY
    advance_to(sut, written + ctx.shift)


@given(p('电子商务平台上有商家 "{merchant}" 和消费者 "{consumer}"'))
def parties(sut, ctx: Scenario, merchant: str, consumer: str):
    ctx.merchant_id = sut.call("create_party", {"kind": "merchant", "display_name": merchant})["party_id"]
    ctx.consumer_id = sut.call("create_party", {"kind": "consumer", "display_name": consumer})["party_id"]


@given(p('时间到达 "{moment}" (北京时间)'))
@when(p('时间到达 "{moment}" (北京时间)'))
def time_reaches(sut, ctx: Scenario, moment: str):
    advance_to(sut, scenario_time(ctx, moment))
