"""The platform's decision (5.4.4.b–d)."""

from caaad.reference_impl.rules.disputes import EVIDENCE_RULE, LAW_RULE, Decision, agreed_decision, platform_decision


def test_prohibited_goods_merchant_liable_full_refund():
    assert platform_decision("exchange", True, ("partial_refund", 100), 0, 5) == Decision(
        "law", True, "return_refund", None, "merchant", LAW_RULE)
    assert "5.4.4.d" in LAW_RULE


def test_agreement_for_the_transaction_comes_first():
    decision = platform_decision("return_refund", False, ("partial_refund", 3000), 1, 0)
    assert (decision.basis, decision.remedy, decision.amount_fen, decision.rule) == ("agreement", "partial_refund", 3000, None)


def test_without_agreement_platform_rules_weigh_the_evidence():
    assert platform_decision("return_refund", False, None, 1, 0) == Decision(
        "platform_rules", True, "return_refund", None, "merchant", EVIDENCE_RULE)
    assert platform_decision("return_refund", False, None, 1, 1).upheld is False
    assert platform_decision("return_refund", False, None, 0, 0) == Decision(
        "platform_rules", False, None, None, "none", EVIDENCE_RULE)


def test_withdrawal_by_agreement_is_not_upheld():
    assert agreed_decision("supplementary_agreement", None, None) == Decision("supplementary_agreement", False, None, None, "none")
    assert agreed_decision("supplementary_agreement", "partial_refund", 5000).liable_party == "merchant"
