"""Reviews and review appeals (5.5.1, 5.5.2): the consumer of a completed order reviews what was bought;
the review stays in the list other consumers see, unchanged, whatever the merchant asks; the platform
hides a review only for unlawful content, recording why; a merchant's appeal is recorded with its status
and leaves the review in place."""

from __future__ import annotations

from pytest_bdd import then, when

from .common import DAY, Scenario, advance_to, now, p, scenario_time
from .orders import product

# The ground a merchant states (contract $defs/review_removal_grounds).
REMOVAL_GROUND = {"差评": "negative_opinion", "对事实有异议": "disputed_facts", "内容违法": "unlawful_content"}


def review_shown(sut, ctx: Scenario) -> dict | None:
    review = ctx.notes["review"]
    listed = sut.call("list_reviews", {"product_id": review["product_id"]})["reviews"]
    return next((r for r in listed if r["review_id"] == review["review_id"]), None)


@when(p('消费者于 "{moment}" (北京时间) 对 "{title}" 作出 "{rating:d}" 星评价 "{text}"'))
def submit_review(sut, ctx: Scenario, moment: str, title: str, rating: int, text: str):
    advance_to(sut, scenario_time(ctx, moment))
    ctx.notes["review"] = sut.call("submit_review", {"order_id": ctx.order["order_id"],
                                                     "product_id": product(sut, ctx, title)["product_id"],
                                                     "rating": rating, "text": text})["review"]


@then('其他消费者看到的评价列表中有该评价，星级和内容与提交时一致')
@then('该评价仍在其他消费者看到的评价列表中，星级和内容与提交时一致')
def review_listed_unchanged(obligations, sut, ctx: Scenario):
    submitted, req = ctx.notes["review"], obligations
    shown = review_shown(sut, ctx)
    why = ("a consumer's review of goods bought stays in the review list other consumers see, with its content: "
           "not deleted without a justified reason (ECL Art 39), nor while the merchant's appeal against it is pending")
    assert shown is not None, (
        f"{req}: {why}; at {now(sut).isoformat()} list_reviews for product {submitted['product_id']} does not "
        f"show review {submitted['review_id']} (\"{submitted['text']}\")")
    assert (shown["rating"], shown["text"]) == (submitted["rating"], submitted["text"]), (
        f"{req}: {why}, with its content as submitted ({submitted['rating']} stars, \"{submitted['text']}\"); "
        f"the list shows {shown['rating']} stars, \"{shown['text']}\"")


@when(p('商家以 "{ground}" 为由申请删除该评价，说明 "{detail}"'))
def request_removal(sut, ctx: Scenario, ground: str, detail: str):
    answer = sut.call("request_review_removal", {"review_id": ctx.notes["review"]["review_id"],
                                                 "merchant_id": ctx.merchant_id,
                                                 "ground": REMOVAL_GROUND[ground], "detail": detail})
    ctx.notes["removal"], ctx.notes["review_after"] = answer["removal"], answer["review"]


@then('平台不删除也不隐藏该评价，并记录拒绝的理由')
def removal_refused(obligations, ctx: Scenario):
    removal, review = ctx.notes["removal"], ctx.notes["review_after"]
    submitted = ctx.notes["review"]
    assert removal["decision"] == "refused" and review["status"] == "visible", (
        f"{obligations}: the platform hides or deletes a review only where its content is unlawful (ECL Art 39, NTM Art 15, "
        f"CPLR Art 9); the merchant asked on the ground {removal['ground']} for the review \"{submitted['text']}\", "
        f"which has none, and the system answered {removal['decision']}, review status {review['status']} "
        f"(reason: {removal['reason']!r})")
    assert review["text"] == submitted["text"] and review["rating"] == submitted["rating"], (
        f"{obligations}: a review the platform keeps keeps its content; submitted {submitted['rating']} stars "
        f"\"{submitted['text']}\", now {review['rating']} stars \"{review['text']}\"")
    assert removal["reason"].strip(), f"{obligations}: the platform records the reason for its decision on a removal request; none given"


@when(p('"{days:d}" 天后'))
def days_later(sut, ctx: Scenario, days: int):
    advance_to(sut, now(sut) + days * DAY)


@when(p('商家以 "{reasons}" 为由对该评价提出申诉'))
def file_appeal(sut, ctx: Scenario, reasons: str):
    answer = sut.call("file_review_appeal", {"review_id": ctx.notes["review"]["review_id"],
                                             "merchant_id": ctx.merchant_id, "reasons": reasons})
    ctx.notes["appeal"], ctx.notes["review_after"] = answer["appeal"], answer["review"]
    ctx.notes["appeal_reasons"] = reasons


@then('平台创建申诉记录，向商家返回申诉的状态和处理结果')
def appeal_recorded(obligations, ctx: Scenario):
    appeal, review = ctx.notes["appeal"], ctx.notes["review_after"]
    assert appeal["appeal_id"] and appeal["review_id"] == ctx.notes["review"]["review_id"], (
        f"{obligations}: the platform records the merchant's appeal against review {ctx.notes['review']['review_id']}; "
        f"the system answered {appeal}")
    assert appeal["reasons"] == ctx.notes["appeal_reasons"], (
        f"{obligations}: the appeal record keeps the merchant's reasons ({ctx.notes['appeal_reasons']!r}); it holds {appeal['reasons']!r}")
    decided = appeal["status"] != "pending"
    assert decided == (appeal["outcome"] is not None) == (appeal["decided_at"] is not None), (
        f"{obligations}: the merchant is told the appeal's status and, once decided, its outcome; the system answered "
        f"status {appeal['status']}, outcome {appeal['outcome']!r}, decided_at {appeal['decided_at']}")
    if not decided:
        assert review["status"] == "visible", (
            f"{obligations}: the consumer's review is not deleted while the appeal is pending; review status is {review['status']} "
            f"({review['hidden_reason']!r})")
