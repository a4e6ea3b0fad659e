"""Bilingual display labels for the controlled values of the requirement model and of results.

Used wherever a person reads them: the traceability matrix (`caaad trace`) and the website.
"""

STRENGTH = {
    "shall": ("应", "shall"),
    "shall_not": ("不得", "shall not"),
    "should": ("宜", "should"),
    "should_not": ("不宜", "should not"),
    "may": ("可", "may"),
    "informative": ("资料性", "informative"),
}

ACTOR = {
    "platform": ("电子商务平台", "e-commerce platform"),
    "merchant": ("商家", "merchant"),
    "live_room_operator": ("直播间运营者", "live-streaming operator"),
    "anchor_marketing_staff": ("主播及直播营销人员", "anchor and marketing staff"),
    "operator_after_sales_staff": ("直播间运营者售后服务人员", "operator's after-sales staff"),
    "service_organisation": ("直播营销人员服务机构", "service organisation"),
    "consumer": ("消费者", "consumer"),
    "all_parties": ("各方", "all parties"),
}

PHASE = {
    "pre_live": ("直播前", "before the live stream"),
    "in_live": ("直播中", "during the live stream"),
    "post_live": ("直播后", "after the live stream"),
    "returns": ("退换货", "returns and exchanges"),
    "cross_phase": ("全过程", "all phases"),
}

MODE = {
    "automated": ("自动", "automated"),
    "documentary": ("文件审核", "documentary"),
    "hybrid": ("混合", "hybrid"),
    "none": ("不验证", "not verified (informative)"),
}

OUTCOME = {
    "passed": ("通过", "passed"),
    "failed": ("未通过", "failed"),
    "error": ("错误", "error"),
    "not_tested": ("未测试", "not tested"),
    "not_applicable": ("不适用", "not applicable"),
    None: ("未运行", "not run"),
}


def label(table: dict, value) -> str:
    """'应 shall' for ('shall'); the raw value when the table does not know it."""
    zh, en = table.get(value, (None, None))
    return f"{zh} {en}" if zh else str(value)


def outcome_label(outcome: str | None) -> str:
    """'通过 / passed'; '未运行 / not run' when there is no result."""
    zh, en = OUTCOME.get(outcome, (None, None))
    return f"{zh} / {en}" if zh else str(outcome)
