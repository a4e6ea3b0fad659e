"""Which remedies are offered, which exclusions bind, and what the product page says."""

import pytest

from caaad.reference_impl.rules.eligibility import no_reason_exclusion, remedies_offered, return_label


@pytest.mark.parametrize("ground", ["wrong_item", "missing_item"])
def test_wrong_or_missing_items_get_all_four_remedies(ground):
    assert remedies_offered(ground) == {"exchange", "reship", "partial_refund", "return_refund"}


@pytest.mark.parametrize("ground, remedy, offered", [
    ("no_reason", "return_refund", True), ("no_reason", "exchange", False),
    ("transit_damage", "return_refund", True), ("transit_damage", "exchange", True), ("transit_damage", "reship", False),
    ("prohibited_goods", "return_refund", True), ("not_delivered", "refund", True),
    ("service_below_description", "compensation", True), ("service_below_description", "return_refund", False),
    ("made_up_ground", "return_refund", False)])
def test_remedies_by_ground(ground, remedy, offered):
    assert (remedy in remedies_offered(ground)) is offered


@pytest.mark.parametrize("return_class, confirmed, code", [
    ("eligible", False, None), ("eligible", True, None),
    ("excluded_by_law", False, "excluded_by_law"), ("excluded_by_law", True, "excluded_by_law"),
    ("excluded_with_confirmation", False, None),   # 7D Art 20: no confirmation, no refusal
    ("excluded_with_confirmation", True, "excluded_with_confirmation")])
def test_exclusions(return_class, confirmed, code):
    assert no_reason_exclusion(return_class, confirmed) == code


@pytest.mark.parametrize("reason, words", [
    ("fresh_perishable", "鲜活易腐"), ("made_to_order", "定作"), ("periodical_delivered", "报纸、期刊"),
    ("digital_downloaded_or_unsealed", "数字化商品")])
def test_statutory_exclusion_label_names_its_reason(reason, words):
    label = return_label("excluded_by_law", reason, 7)
    assert label.startswith("不支持七天无理由退货") and words in label


def test_confirmation_label_names_reason_and_the_unconfirmed_case():
    label = return_label("excluded_with_confirmation", "devalued_once_activated_or_tried", 7)
    assert "激活" in label and "确认" in label and "支持7天无理由退货" in label


def test_eligible_label_shows_the_period_that_applies():
    assert return_label("eligible", None, 15) == "支持15天无理由退货"


def test_a_statutory_exclusion_the_category_cannot_have_is_shown_as_eligible():
    from caaad.reference_impl.rules.eligibility import shown_return_class
    assert shown_return_class("clothing", {"class": "excluded_by_law", "reason": "fresh_perishable"}) == \
        {"class": "eligible", "reason": None}
    assert shown_return_class("books", {"class": "excluded_by_law", "reason": "periodical_delivered"})["class"] == "eligible"
    for category, reason in (("fresh", "fresh_perishable"), ("digital", "digital_downloaded_or_unsealed"),
                             ("periodical", "periodical_delivered"), ("clothing", "made_to_order")):
        declared = {"class": "excluded_by_law", "reason": reason}
        assert shown_return_class(category, declared) == declared
    confirmable = {"class": "excluded_with_confirmation", "reason": "devalued_once_activated_or_tried"}
    assert shown_return_class("electronics", confirmable) == confirmable
