"""The same after-sales request sent again, retried calls (idempotency keys), and the refunds of one order
line summed over all its after-sales requests.

A repeated request (a double tap, an app resending after a timeout) must not open a second claim to the same
money: the system refuses it (any rejection code; the contract has duplicate_request) or answers with the
request it already holds. A call retried with the same idempotency_key (contract 1.4, capability
idempotency) gets the first answer, and nothing is done again; a key reused for another request must not
make that request disappear behind the first one's answer. Whatever the requests, the goods refunds of a
line (settlement.goods_refund_fen, "price actually paid for what is refunded") add up to no more than what
was paid for it.

Obligation ids come from the scenario's tags (the report prints them); messages say what the rule is.
"""

from __future__ import annotations

import uuid

from pytest_bdd import then, when

from caaad.contract.errors import AdapterFailure

from .common import ACCEPTED_STATUSES, Scenario, advance_to, owed_total, p, scenario_time, summary
from .orders import line_of, problem_line
from .returns import PROBLEM, after_sales_request, merchant_grants, whole_lines


def _filed(ctx: Scenario) -> dict[str, dict]:
    """Every after-sales request the scenario has seen, by id (the latest state of each)."""
    filed = ctx.notes.setdefault("filed", {})
    if ctx.after_sales is not None:
        filed.setdefault(ctx.after_sales["after_sales_id"], ctx.after_sales)
    return filed


def _same_request(after_sales: dict) -> dict:
    """The request that filed `after_sales`, as the consumer's app would send it again."""
    request = {"order_id": after_sales["order_id"], "ground": after_sales["ground"], "remedy": after_sales["remedy"],
               "lines": whole_lines(after_sales["lines"])}
    if after_sales.get("amount_requested_fen") is not None:
        request["amount_fen"] = after_sales["amount_requested_fen"]
    return request


def _file(sut, ctx: Scenario, request: dict) -> dict:
    answer = sut.call("request_after_sales", request)["after_sales"]
    _filed(ctx)[answer["after_sales_id"]] = answer
    return answer


def _new_key() -> str:
    # Unique per call: a system under test may keep keys across sessions and scenarios.
    return f"caaad-{uuid.uuid4()}"


# --- the same request again, without a key ---------------------------------------------------------------------

@when('消费者再次提交与该售后申请相同的申请')
def repeat_once(sut, ctx: Scenario):
    repeat(sut, ctx, 1)


@when(p('消费者再次提交与该售后申请相同的申请 "{times:d}" 次'))
def repeat(sut, ctx: Scenario, times: int):
    assert ctx.after_sales is not None, "the scenario has not filed an after-sales request yet"
    original = ctx.after_sales
    _filed(ctx)
    ctx.notes["repeats"] = [(original, _file(sut, ctx, _same_request(original))) for _ in range(times)]


@then('重复的申请未被再次受理：被拒绝，或答复为原售后申请')
def repeats_not_taken_again(ctx: Scenario):
    for original, answer in ctx.notes["repeats"]:
        same = answer["after_sales_id"] == original["after_sales_id"]
        assert same or answer["status"] == "rejected", (
            f"a request repeating {original['after_sales_id']} ({original['ground']}/{original['remedy']}, lines "
            f"{_lines(original)}, {original['status']}) for the same lines and quantities must be refused or answered "
            f"with that request: it would be a second claim to the same price; the system opened "
            f"{answer['after_sales_id']} with {summary(answer)}")


@then('再次申请作为新的售后申请被受理，未被当作重复申请')
def fault_again_taken_as_new(obligations, sut, ctx: Scenario):
    """A fault that comes back after its remedy was carried out (the exchanged goods fail too) is a new claim:
    the earlier request gave what it promised, so answering the new one with it, or refusing it as a repeat,
    refuses service the merchant owes (CPL Art 24)."""
    state = merchant_grants(sut, ctx)
    earlier = {after_sales_id: sut.call("get_after_sales", {"after_sales_id": after_sales_id})["after_sales"]
               for after_sales_id in _filed(ctx) if after_sales_id != state["after_sales_id"]}
    assert earlier and state["status"] in ACCEPTED_STATUSES, (
        f"{obligations}: a fault that came back once the earlier request's remedy was carried out "
        f"({', '.join(f'{i}: {summary(r)}' for i, r in earlier.items()) or 'no earlier request kept'}) is a new claim, to be "
        f"accepted as a request of its own; the system answered {state['after_sales_id']} with {summary(state)}")


# --- retried calls: idempotency keys -----------------------------------------------------------------------------

@when(p('消费者于 "{moment}" (北京时间) 以商品未送达为由申请退款，请求带幂等键'))
def not_delivered_refund_with_key(sut, ctx: Scenario, moment: str):
    advance_to(sut, scenario_time(ctx, moment))
    request = {**after_sales_request(ctx, "not_delivered", "refund"), "idempotency_key": _new_key()}
    ctx.notes["keyed_request"] = request
    ctx.after_sales = _file(sut, ctx, request)
    ctx.notes["first_answer"] = ctx.after_sales


@when('消费者的应用未收到答复，以同一幂等键重发同一请求')
def retry_with_same_key(sut, ctx: Scenario):
    ctx.notes["retry_answer"] = sut.call("request_after_sales", ctx.notes["keyed_request"])


@then('重发的请求得到首次的答复，且未再次办理')
def retry_gets_first_answer(sut, ctx: Scenario):
    first, response = ctx.notes["first_answer"], ctx.notes["retry_answer"]
    retried = response["after_sales"]
    key = ctx.notes["keyed_request"]["idempotency_key"]
    assert retried["after_sales_id"] == first["after_sales_id"], (
        f"a call retried with the same idempotency_key returns the first answer (request {first['after_sales_id']}, "
        f"{summary(first)}), so the consumer learns the status and outcome of the request filed; the retry was "
        f"answered with {retried['after_sales_id']}, {summary(retried)}")
    assert response.get("idempotency_key", key) == key, (
        f"the answer echoes the idempotency_key it answers ({key}); got {response.get('idempotency_key')}")
    now_state = sut.call("get_after_sales", {"after_sales_id": first["after_sales_id"]})["after_sales"]
    assert len(now_state["refunds"]) == len(first["refunds"]) and owed_total(now_state) == owed_total(first), (
        f"a retried call is not carried out again: the refunds of {first['after_sales_id']} were "
        f"{_amounts(first)} after the first call and are {_amounts(now_state)} after the retry")


@when(p('消费者于 "{moment}" (北京时间) 申请无理由退回 "{title}"，请求带幂等键'))
def no_reason_return_with_key(sut, ctx: Scenario, moment: str, title: str):
    advance_to(sut, scenario_time(ctx, moment))
    line = line_of(ctx, title)
    request = {**after_sales_request(ctx, "no_reason", "return_refund", whole_lines([line])), "idempotency_key": _new_key()}
    ctx.notes["keyed_request"] = request
    ctx.after_sales = _file(sut, ctx, request)
    ctx.notes["first_answer"] = ctx.after_sales


@when(p('消费者的应用误用同一幂等键申请无理由退回 "{title}"'))
def reuse_key_for_another_request(sut, ctx: Scenario, title: str):
    line = line_of(ctx, title)
    request = {**ctx.notes["keyed_request"], "lines": whole_lines([line])}
    try:
        ctx.notes["reuse_answer"] = sut.call("request_after_sales", request)["after_sales"]
    except AdapterFailure as refusal:  # what the contract asks for: the system reports the reused key
        ctx.notes["reuse_answer"] = None
        ctx.notes["reuse_refusal"] = refusal.message


@then(p('另一请求未被当作首次请求答复，"{title}" 的退货申请另有其记录'))
def reused_key_does_not_swallow(sut, ctx: Scenario, title: str):
    first, reused = ctx.notes["first_answer"], ctx.notes["reuse_answer"]
    line = line_of(ctx, title)
    if reused is not None:
        assert reused["after_sales_id"] != first["after_sales_id"], (
            f"an idempotency_key reused with a different request (the return of {title}) is an error the system "
            f"reports; answering it with the first request ({first['after_sales_id']}, lines {_lines(first)}) leaves "
            f"the consumer's return of {title} without any record")
        _filed(ctx)[reused["after_sales_id"]] = reused
    again = _file(sut, ctx, after_sales_request(ctx, "no_reason", "return_refund", whole_lines([line])))
    own = [a for a in _filed(ctx).values() if a["after_sales_id"] != first["after_sales_id"]
           and [l["line_id"] for l in a["lines"]] == [line["line_id"]] and a["status"] != "rejected"]
    assert own, (
        f"the consumer's return of {title} must have a record of its own, with its status: after the reused key "
        f"({'refused: ' + ctx.notes['reuse_refusal'] if reused is None else 'answered with ' + reused['after_sales_id']})"
        f", filing it again without a key gave {again['after_sales_id']}, {summary(again)}")


# --- a line's refunds over all its requests ----------------------------------------------------------------------

@when(p('消费者于 "{moment}" (北京时间) 就{problem}商品申请部分退款 "{amount:yuan}" 元'))
def partial_refund_of(sut, ctx: Scenario, moment: str, problem: str, amount: int):
    advance_to(sut, scenario_time(ctx, moment))
    line = problem_line(ctx)
    ctx.after_sales = _file(sut, ctx, after_sales_request(ctx, PROBLEM[problem], "partial_refund",
                                                          [{"line_id": line["line_id"], "quantity": 1}], amount))


def _line_refunds(sut, ctx: Scenario, title: str) -> tuple[int, int, str]:
    """(paid for the line, refunded for it over all the scenario's after-sales requests, the parts as text)."""
    line = line_of(ctx, title)
    order = sut.call("get_order", {"order_id": ctx.order["order_id"]})["order"]
    paid_fen = next(l["paid_fen"] for l in order["lines"] if l["line_id"] == line["line_id"])
    parts = []
    for after_sales_id in _filed(ctx):
        state = sut.call("get_after_sales", {"after_sales_id": after_sales_id})["after_sales"]
        if any(l["line_id"] == line["line_id"] for l in state["lines"]):
            parts.append((after_sales_id, _goods_refund(state), state["status"]))
    return paid_fen, sum(fen for _, fen, _ in parts), "; ".join(f"{i} ({status}) {fen} fen" for i, fen, status in parts)


@then(p('"{title}" 在该订单所有售后申请中退还的货款合计不超过为其实际支付的价款'))
def line_refunds_within_paid(sut, ctx: Scenario, title: str):
    paid_fen, total, parts = _line_refunds(sut, ctx, title)
    assert total <= paid_fen, (
        f"the refunds of one order line, summed over all its after-sales requests, never exceed what was paid for it "
        f"({title}: {paid_fen} fen); the system refunds {total} fen: {parts}")


@then(p('"{title}" 在该订单所有售后申请中退还的货款合计为其实际支付的全部价款'))
def line_refunds_make_up_paid(obligations, sut, ctx: Scenario, title: str):
    """Goods the merchant is at fault for come back for what was paid for them (CPL Art 24): what an earlier
    request refunded for the line is deducted once, and the rest is refunded."""
    paid_fen, total, parts = _line_refunds(sut, ctx, title)
    assert total == paid_fen, (
        f"{obligations}: the goods returned for the merchant's fault after an earlier partial refund bring the "
        f"line's refunds up to what was paid for it ({title}: {paid_fen} fen); the system refunds {total} fen: {parts}")


def _goods_refund(state: dict) -> int:
    """The price refunded by a request: its settlement's goods refund, or what it paid when it shows no settlement."""
    settlement = state.get("settlement")
    return settlement["goods_refund_fen"] if settlement else owed_total(state)


def _lines(after_sales: dict) -> str:
    return ", ".join(f"{l['line_id']}×{l['quantity']}" for l in after_sales["lines"])


def _amounts(state: dict) -> str:
    return ", ".join(f"{r['amount_fen']} fen {r['status']}" for r in state["refunds"]) or "none"
