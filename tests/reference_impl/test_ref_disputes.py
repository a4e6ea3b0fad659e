"""Disputes (5.4.4): intervention, negotiation period, agreement first, prohibited goods."""

T0 = "2024-03-01T10:00:00+08:00"


def _rejected(shop, product=None):
    order = shop.signed(product or shop.product())
    after_sales = shop.request(order, ground="quality_problem")
    rejected = shop.call("merchant_decide", after_sales_id=after_sales["after_sales_id"], decision="reject",
                         reason="商品无质量问题")["after_sales"]
    assert rejected["rejection"] == {"by": "merchant", "code": "merchant_decision", "detail": "商品无质量问题",
                                     "at": rejected["rejection"]["at"]}
    return order, rejected


def test_intervention_grants_negotiation_period_and_asks_for_evidence(shop):
    _, rejected = _rejected(shop)
    now = shop.call("clock_now")["now"]
    result = shop.call("request_intervention", after_sales_id=rejected["after_sales_id"])["after_sales"]
    intervention = result["intervention"]
    assert result["status"] == "in_intervention" and intervention["status"] == "negotiating"
    assert intervention["evidence_requested_from"] == ["consumer", "merchant"]
    period = shop.rule("negotiation_period")
    assert period["unit"] == "day" and intervention["negotiation_ends_at"] == f"2024-03-0{1 + int(period['value'])}T10:00:00+08:00"
    assert now == intervention["requested_at"]


def test_no_agreement_platform_decides_when_the_period_ends(shop):
    _, rejected = _rejected(shop)
    ends = shop.call("request_intervention", after_sales_id=rejected["after_sales_id"])["after_sales"]["intervention"]["negotiation_ends_at"]
    shop.call("submit_evidence", after_sales_id=rejected["after_sales_id"], party="consumer", kind="photo", description="开裂照片")
    shop.advance("PT1H")
    assert shop.get(rejected)["intervention"]["decision"] is None
    shop.advance("P10D")
    decided = shop.get(rejected)
    decision = decided["intervention"]["decision"]
    assert decision["decided_at"] == ends and decision["basis"] == "platform_rules"
    assert decision["upheld"] is True and decision["liable_party"] == "merchant"
    assert decided["status"] == "awaiting_return" and decided["return_instructions"]["provided_at"] == ends


def test_platform_rules_can_decide_against_the_consumer(shop):
    _, rejected = _rejected(shop)
    shop.call("request_intervention", after_sales_id=rejected["after_sales_id"])
    shop.call("submit_evidence", after_sales_id=rejected["after_sales_id"], party="merchant", kind="inspection_report", description="检测合格")
    shop.advance("P4D")
    decided = shop.get(rejected)
    assert decided["intervention"]["decision"]["upheld"] is False and decided["status"] == "closed"


def test_supplementary_agreement_settles_the_dispute_at_once(shop):
    order, rejected = _rejected(shop)
    shop.call("request_intervention", after_sales_id=rejected["after_sales_id"])
    shop.advance("P1D")
    result = shop.call("record_agreement", order_id=order["order_id"], after_sales_id=rejected["after_sales_id"],
                       remedy="partial_refund", amount_fen=2500, channel="original_path", note="协商部分退款")
    decision = result["after_sales"]["intervention"]["decision"]
    assert (decision["basis"], decision["remedy"], decision["amount_fen"]) == ("supplementary_agreement", "partial_refund", 2500)
    assert decision["decided_at"] == result["agreement"]["recorded_at"]
    assert result["after_sales"]["settlement"]["total_refund_fen"] == 2500
    assert next(d for d in result["after_sales"]["deadlines"] if d["name"] == "negotiation")["met_at"] == decision["decided_at"]


def test_agreement_made_for_the_transaction_comes_first(shop):
    shop.at(T0)
    order = shop.order(shop.product())
    original = shop.call("record_agreement", order_id=order["order_id"], remedy="exchange", note="质量问题包换")
    assert original["agreement"]["kind"] == "original" and original["after_sales"] is None
    shop.call("deliver_order", order_id=order["order_id"], outcome="signed")
    after_sales = shop.request(order, ground="quality_problem")
    shop.call("merchant_decide", after_sales_id=after_sales["after_sales_id"], decision="reject", reason="不同意")
    shop.call("request_intervention", after_sales_id=after_sales["after_sales_id"])
    shop.call("submit_evidence", after_sales_id=after_sales["after_sales_id"], party="merchant", kind="other", description="不同意")
    shop.advance("P4D")
    decided = shop.get(after_sales)
    assert decided["intervention"]["decision"]["basis"] == "agreement"
    assert decided["intervention"]["decision"]["remedy"] == "exchange" and decided["status"] == "awaiting_return"


def test_prohibited_goods_platform_finds_merchant_liable(shop):
    order, rejected = _rejected(shop, shop.product(legal_status="restricted"))
    result = shop.call("request_intervention", after_sales_id=rejected["after_sales_id"])["after_sales"]
    decision = result["intervention"]["decision"]
    assert (decision["basis"], decision["liable_party"], decision["remedy"]) == ("law", "merchant", "return_refund")
    assert result["freight"] == {"outbound_leg": "merchant", "return_leg": "merchant", "reshipment_leg": "none"}


def test_intervention_on_an_accepted_request_does_not_undo_it(shop):
    after_sales = shop.request(shop.signed(shop.product()))
    shop.call("request_intervention", after_sales_id=after_sales["after_sales_id"])
    shop.advance("P4D")
    later = shop.get(after_sales)
    assert later["intervention"]["decision"]["upheld"] is False and later["status"] == "awaiting_return"


def test_consumer_may_withdraw_by_agreement(shop):
    order, rejected = _rejected(shop)
    result = shop.call("record_agreement", order_id=order["order_id"], after_sales_id=rejected["after_sales_id"], remedy=None)
    assert result["after_sales"]["status"] == "closed"


def test_platform_decision_names_the_rule_it_applies(shop):
    _, rejected = _rejected(shop)
    shop.call("request_intervention", after_sales_id=rejected["after_sales_id"])
    shop.advance("P4D")
    decision = shop.get(rejected)["intervention"]["decision"]
    assert decision["basis"] == "platform_rules" and "平台规则" in decision["rule"]
