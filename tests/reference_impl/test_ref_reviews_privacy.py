"""Reviews and personal data through the contract (every answer validated against the schemas)."""

import pytest

from caaad.contract import ContractClient
from caaad.contract.errors import CapabilityMissing
from caaad.reference_impl.adapter import ReferenceAdapter

T0 = "2024-03-01T10:00:00+08:00"

THIRD = {"name": "营销公司甲", "kind": "third_party", "contact": "营销公司甲客服"}


@pytest.fixture
def reviewed(shop):
    shop.at(T0)
    product = shop.product()
    order = shop.order(product)
    shop.call("deliver_order", order_id=order["order_id"], outcome="signed")
    review = shop.call("submit_review", order_id=order["order_id"], rating=1, text="用了两天就坏了")["review"]
    return shop, product, review


def test_review_of_a_completed_order_is_listed_as_submitted(reviewed):
    shop, product, review = reviewed
    assert review["status"] == "visible" and review["consumer_id"] == shop.consumer
    assert shop.call("list_reviews", product_id=product["product_id"])["reviews"] == [review]


def test_an_order_not_yet_delivered_cannot_be_reviewed(shop):
    order = shop.order(shop.product())
    with pytest.raises(Exception, match="completed order"):
        shop.call("submit_review", order_id=order["order_id"], rating=5, text="好")


def test_removal_request_refused_for_lawful_review_and_granted_for_unlawful(shop):
    product = shop.product()
    order = shop.order(product)
    shop.call("deliver_order", order_id=order["order_id"], outcome="signed")
    lawful = shop.call("submit_review", order_id=order["order_id"], rating=1, text="质量差")["review"]
    unlawful = shop.call("submit_review", order_id=order["order_id"], rating=1, text="加微信领返现")["review"]
    answer = shop.call("request_review_removal", review_id=lawful["review_id"], merchant_id=shop.merchant,
                       ground="unlawful_content", detail="诽谤")
    assert answer["removal"]["decision"] == "refused" and answer["review"] == lawful
    answer = shop.call("request_review_removal", review_id=unlawful["review_id"], merchant_id=shop.merchant,
                       ground="negative_opinion", detail="差评")
    assert answer["removal"]["decision"] == "hidden" and answer["review"]["status"] == "hidden"
    assert answer["review"]["hidden_reason"] == answer["removal"]["reason"] and answer["review"]["text"] == unlawful["text"]
    assert shop.call("list_reviews", product_id=product["product_id"])["reviews"] == [lawful]


def test_appeal_is_recorded_pending_and_keeps_the_review(reviewed):
    shop, product, review = reviewed
    answer = shop.call("file_review_appeal", review_id=review["review_id"], merchant_id=shop.merchant, reasons="误用")
    assert answer["appeal"]["status"] == "pending" and answer["appeal"]["outcome"] is None
    assert answer["review"] == review
    assert shop.call("list_reviews", product_id=product["product_id"])["reviews"] == [review]


def test_another_merchant_cannot_ask_for_removal(reviewed):
    shop, _, review = reviewed
    other = shop.call("create_party", kind="merchant", display_name="商家乙")["party_id"]
    with pytest.raises(Exception, match="not about goods"):
        shop.call("file_review_appeal", review_id=review["review_id"], merchant_id=other, reasons="x")


def test_disclosure_follows_consent_and_withdrawal(shop):
    def ask(consent_id, **changes):
        request = {"discloser": "platform", "consumer_id": shop.consumer, "recipient": THIRD, "purpose": "推荐",
                   "data_types": ["phone_number"], "consent_id": consent_id, **changes}
        return shop.call("request_data_disclosure", **request)["disclosure"]

    assert ask(None)["decision"] == "refused"
    consent = shop.call("record_consent", consumer_id=shop.consumer, recipient=THIRD, purpose="推荐",
                        data_types=["phone_number"])["consent"]
    allowed = ask(consent["consent_id"])
    assert (allowed["decision"], allowed["legal_basis"]) == ("allowed", "separate_consent")
    assert ask(consent["consent_id"], recipient={**THIRD, "name": "营销公司乙"})["decision"] == "refused"
    assert shop.call("withdraw_consent", consent_id=consent["consent_id"])["consent"]["withdrawn_at"]
    assert ask(consent["consent_id"])["decision"] == "refused"
    courier = ask(None, recipient={"name": "快递公司甲", "kind": "courier", "contact": "快递客服"}, data_types=["delivery_address"])
    assert (courier["decision"], courier["legal_basis"]) == ("allowed", "contract_performance")


def test_incident_starts_remedies_and_notifies(shop):
    now = shop.call("clock_now")["now"]
    incident = shop.call("report_incident", data_types=["phone_number", "delivery_address"], cause="模拟",
                         affected_consumer_ids=[shop.consumer])["incident"]
    assert incident["remedial_measures_started_at"] == incident["reported_at"] == now and incident["remedial_measures"]
    assert {(n["to"], n["consumer_id"]) for n in incident["notifications"]} == {("regulator", None), ("individual", shop.consumer)}


class _WithoutReviewsOrData(ReferenceAdapter):
    def describe(self, request):
        description = super().describe(request)
        return {**description, "capabilities": [c for c in description["capabilities"] if c not in ("reviews", "personal_data")]}


@pytest.mark.parametrize("op", ["submit_review", "list_reviews", "request_review_removal", "file_review_appeal",
                                "record_consent", "withdraw_consent", "request_data_disclosure", "report_incident"])
def test_a_system_without_the_capabilities_is_never_asked(op):
    with pytest.raises(CapabilityMissing):
        ContractClient(_WithoutReviewsOrData()).call(op, {})
