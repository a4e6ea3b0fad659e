"""The pure rules of reviews (5.5.1, 5.5.2) and personal data (4.3, 5.3.2.a, 5.3.3.a, 5.3.3.b)."""

from datetime import datetime, timedelta, timezone

import pytest

from caaad.reference_impl.rules import privacy, reviews

THIRD = {"name": "营销公司甲", "kind": "third_party", "contact": "营销公司甲客服"}
COURIER = {"name": "快递公司甲", "kind": "courier", "contact": "快递公司甲客服"}


def consent(**changes):
    return {"consent_id": "PC1", "consumer_id": "P2", "recipient": THIRD, "purpose": "新品推荐",
            "data_types": ["phone_number"], "given_at": "2024-03-01T10:00:00+08:00", "withdrawn_at": None, **changes}


@pytest.mark.parametrize("ground", ["negative_opinion", "disputed_facts", "unlawful_content"])
def test_lawful_review_is_never_removed_whatever_the_ground(ground):
    decision, reason = reviews.removal_decision(ground, "用了两天就坏了，差评")
    assert decision == "refused" and reason


def test_unlawful_review_is_hidden_with_the_reason():
    decision, reason = reviews.removal_decision("negative_opinion", "加微信领返现")
    assert decision == "hidden" and "违规广告" in reason


def test_listed_reviews_are_the_visible_ones_unchanged():
    shown = {"review_id": "RV1", "status": "visible", "rating": 1, "text": "差"}
    assert reviews.listed([shown, {**shown, "review_id": "RV2", "status": "hidden"}]) == [shown]


def test_only_completed_orders_are_reviewed_and_appeals_keep_the_review():
    assert reviews.reviewable("delivered") and not reviews.reviewable("placed")
    review = {"review_id": "RV1", "status": "visible"}
    assert reviews.review_during_appeal(review) == review


@pytest.mark.parametrize("recipient, types, given, expected", [
    (THIRD, ["phone_number"], None, ("refused", None)),
    ({**THIRD, "kind": "affiliate"}, ["transaction_record"], None, ("refused", None)),
    (THIRD, ["phone_number"], consent(), ("allowed", "separate_consent")),
    ({**THIRD, "name": "营销公司乙"}, ["phone_number"], consent(), ("refused", None)),
    (THIRD, ["phone_number", "location"], consent(), ("refused", None)),
    (THIRD, ["phone_number"], consent(withdrawn_at="2024-03-02T10:00:00+08:00"), ("refused", None)),
    (THIRD, ["phone_number"], consent(consumer_id="P9"), ("refused", None)),
    (COURIER, ["delivery_address"], None, ("allowed", "contract_performance")),
    (COURIER, ["pickup_address", "phone_number"], None, ("allowed", "contract_performance")),
    (COURIER, ["transaction_record"], None, ("refused", None)),
])
def test_disclosure_needs_separate_consent_naming_the_recipient(recipient, types, given, expected):
    decision, basis, reason = privacy.disclosure_decision("P2", recipient, types, given)
    assert (decision, basis) == expected and reason


def test_incident_response_starts_at_once_and_notices_carry_the_pipl_57_items():
    at = datetime(2024, 3, 1, 10, tzinfo=timezone(timedelta(hours=8)))
    assert privacy.remedial_start(at) == at
    notices = privacy.incident_notifications(["phone_number"], "模拟泄露", ["P2", "P3"])
    assert [(n["to"], n["consumer_id"]) for n in notices] == [("regulator", None), ("individual", "P2"), ("individual", "P3")]
    for notice in notices:
        assert notice["data_types"] == ["phone_number"] and notice["cause"] == "模拟泄露"
        assert all(notice[k] for k in ("possible_harm", "remedies_taken", "what_individuals_can_do", "contact"))
