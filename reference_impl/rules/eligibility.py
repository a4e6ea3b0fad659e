"""Which after-sales requests the rules grant, refuse, or leave to the merchant's judgement."""

from .obligations import implements

# 5.4.2.c: wrong or missing items get all four remedies; the others get what the clause names.
_REMEDIES = {
    "no_reason": {"return_refund"},
    "quality_problem": {"return_refund", "exchange", "repair"},
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


@implements("5.4.2.b-1", "5.4.2.b-2", "5.4.2.c-1", "5.4.4.d-1", "5.3.2.d-1", "5.3.2.j-2", "5.1.3.c-1", "5.3.2.b-2")
def remedies_offered(ground: str) -> frozenset[str]:
    return frozenset(_REMEDIES.get(ground, ()))


@implements("5.3.2.b-1")
def assisted_verdict(filed_by: str, verdict):
    """The verdict on a request the platform files on the consumer's behalf: the one the consumer's own request
    gets (5.3.2.b-1), whoever filed it."""
    return verdict


@implements("5.4.2.b-1", "5.4.2.b-2")
def transit_damage_days(remedy: str) -> int:
    """Days after signing within which goods damaged in transit may be returned (7) or exchanged (15) (5.4.2.b)."""
    return 7 if remedy == "return_refund" else 15


@implements("5.4.2.a-1")
def perishable(category: str) -> bool:
    """Goods whose quality problems are reported within the platform's hour-based window (5.4.2.a)."""
    return category == "fresh"


@implements("5.4.4.d-1", "5.4.4.d-2")
def prohibited(legal_status: str) -> bool:
    """Goods the platform found prohibited or restricted: the consumer may return them whatever the period or
    their state (5.4.4.d), and a dispute over them is decided by law, not negotiated."""
    return legal_status != "permitted"


# Statutory exclusions tied to the kind of goods (CPL Art 25); 消费者定作 can apply to goods of any category.
_CATEGORIES_OF_REASON = {
    "fresh_perishable": {"fresh"},
    "digital_downloaded_or_unsealed": {"digital"},
    "periodical_delivered": {"periodical"},
}


@implements("5.4.1.a-1", "5.4.1.a-2", "5.1.3.c-2")
def shown_return_class(category: str, declared: dict) -> dict:
    """The no-reason return class the platform shows for a listing (5.4.1.a): a statutory exclusion
    the goods' category cannot have (a T-shirt 'fresh and perishable') does not conform to CPL
    Art 25, so the goods are shown, and treated, as eligible."""
    allowed = _CATEGORIES_OF_REASON.get(declared.get("reason"))
    if declared["class"] == "excluded_by_law" and allowed is not None and category not in allowed:
        return {"class": "eligible", "reason": None}
    return declared


@implements("5.4.1.a-2")
def no_reason_exclusion(return_class: str, exclusion_confirmed: bool) -> str | None:
    """Rejection code when a no-reason return may be refused, else None. A confirmable exclusion
    binds only when this purchase carried the consumer's confirmation (7D Art 20)."""
    if return_class == "excluded_by_law":
        return "excluded_by_law"
    if return_class == "excluded_with_confirmation" and exclusion_confirmed:
        return "excluded_with_confirmation"
    return None


@implements("5.4.1.a-1", "4.2-1")
def return_label(return_class: str, reason: str | None, window_days: int) -> str:
    """What the product page says about no-reason returns; exclusions name their reason (7D Art 20)."""
    if return_class == "excluded_by_law":
        return f"不支持七天无理由退货（{STATUTORY_REASONS_ZH[reason]}）"
    if return_class == "excluded_with_confirmation":
        return f"购买时经您确认后不支持七天无理由退货（{CONFIRMABLE_REASONS_ZH[reason]}）；未确认的支持{window_days}天无理由退货"
    return f"支持{window_days}天无理由退货"
