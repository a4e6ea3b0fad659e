"""Which after-sales requests the rules grant, refuse, or leave to the merchant's judgement."""

# 5.4.2.c: wrong or missing items get all four remedies; the others get what the clause names.
_REMEDIES = {
    "no_reason": {"return_refund"},
    "quality_problem": {"return_refund", "exchange"},
    "transit_damage": {"return_refund", "exchange"},
    "wrong_item": {"exchange", "reship", "partial_refund", "return_refund"},
    "missing_item": {"exchange", "reship", "partial_refund", "return_refund"},
    "not_delivered": {"refund"},
    "prohibited_goods": {"return_refund"},
    "service_below_description": {"compensation", "refund"},
}

STATUTORY_REASONS_ZH = {
    "made_to_order": "消费者定作的商品",
    "fresh_perishable": "鲜活易腐商品",
    "digital_downloaded_or_unsealed": "在线下载或者消费者拆封的数字化商品",
    "periodical_delivered": "交付的报纸、期刊",
}
CONFIRMABLE_REASONS_ZH = {
    "unsafe_or_altered_once_unsealed": "拆封后易影响人身安全、生命健康或商品品质的商品",
    "devalued_once_activated_or_tried": "一经激活或者试用后价值贬损较大的商品",
    "near_expiry_or_flawed_disclosed": "销售时已明示的临近保质期或有瑕疵的商品",
}


def remedies_offered(ground: str) -> frozenset[str]:
    return frozenset(_REMEDIES.get(ground, ()))


# Statutory exclusions tied to the kind of goods (CPL Art 25); 消费者定作 can apply to goods of any category.
_CATEGORIES_OF_REASON = {
    "fresh_perishable": {"fresh"},
    "digital_downloaded_or_unsealed": {"digital"},
    "periodical_delivered": {"periodical"},
}


def shown_return_class(category: str, declared: dict) -> dict:
    """The no-reason return class the platform shows for a listing (5.4.1.a): a statutory exclusion
    the goods' category cannot have (a T-shirt 'fresh and perishable') does not conform to CPL
    Art 25, so the goods are shown, and treated, as eligible."""
    allowed = _CATEGORIES_OF_REASON.get(declared.get("reason"))
    if declared["class"] == "excluded_by_law" and allowed is not None and category not in allowed:
        return {"class": "eligible", "reason": None}
    return declared


def no_reason_exclusion(return_class: str, exclusion_confirmed: bool) -> str | None:
    """Rejection code when a no-reason return may be refused, else None. A confirmable exclusion
    binds only when this purchase carried the consumer's confirmation (7D Art 20)."""
    if return_class == "excluded_by_law":
        return "excluded_by_law"
    if return_class == "excluded_with_confirmation" and exclusion_confirmed:
        return "excluded_with_confirmation"
    return None


def return_label(return_class: str, reason: str | None, window_days: int) -> str:
    """What the product page says about no-reason returns; exclusions name their reason (7D Art 20)."""
    if return_class == "excluded_by_law":
        return f"不支持七天无理由退货（{STATUTORY_REASONS_ZH[reason]}）"
    if return_class == "excluded_with_confirmation":
        return f"购买时经您确认后不支持七天无理由退货（{CONFIRMABLE_REASONS_ZH[reason]}）；未确认的支持{window_days}天无理由退货"
    return f"支持{window_days}天无理由退货"
