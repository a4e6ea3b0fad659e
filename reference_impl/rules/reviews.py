"""Reviews and review appeals (5.5.1, 5.5.2; ECL Art 39, NTM Art 15, CPLR Art 9).

The platform keeps every review a consumer submits; it hides one only where the content is unlawful,
and records why. Neither a merchant's removal request nor an appeal deletes a review."""

from .obligations import implements

# The reference platform's content rules: words that mark content a platform must not publish
# (insults, defamation, obscenity, gambling, another person's personal information, advertising).
UNLAWFUL_MARKERS = {
    "侮辱": "侮辱他人", "辱骂": "侮辱他人", "诽谤": "诽谤他人", "色情": "淫秽色情信息", "赌博": "赌博信息",
    "身份证号": "泄露他人个人信息", "加微信": "违规广告引流",
}
REVIEW_RULE = "参考平台规则：评价仅在含有违法内容时隐藏并记录理由（ECL Art 39，NTM Art 15，CPLR Art 9）；不因商家申请或差评删除评价"


@implements("5.5.1-1")
def reviewable(order_status: str) -> bool:
    """Only the consumer of a completed (delivered) order reviews it."""
    return order_status == "delivered"


def unlawful_content(text: str) -> str | None:
    """Why the review's content is unlawful under the reference platform's rules, or None."""
    found = [reason for marker, reason in UNLAWFUL_MARKERS.items() if marker in text]
    return "；".join(dict.fromkeys(found)) or None


@implements("5.5.1-2")
def removal_decision(ground: str, text: str) -> tuple[str, str]:
    """The platform's answer to a merchant's removal request: hidden only for unlawful content,
    whatever ground the merchant states; otherwise refused, with the reason."""
    unlawful = unlawful_content(text)
    if unlawful:
        return "hidden", f"评价含违法内容（{unlawful}），平台依法隐藏；{REVIEW_RULE}"
    return "refused", f"评价不含违法内容，平台不予删除或隐藏（商家理由：{ground}）；{REVIEW_RULE}"


@implements("5.5.1-1")
def listed(reviews: list[dict]) -> list[dict]:
    """What other consumers see: every review the platform has not hidden, as submitted."""
    return [review for review in reviews if review["status"] == "visible"]


@implements("5.5.2-1")
def review_during_appeal(review: dict) -> dict:
    """A pending appeal leaves the review as it is (5.5.2: the review is not deleted)."""
    return review
