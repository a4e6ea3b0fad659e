"""Reviews and review appeals (5.5.1, 5.5.2): the consumer of a completed order reviews what was bought;
the platform keeps every review, hides one only for unlawful content (recording the reason), and
records merchants' appeals without deleting the review."""

from .catalogue import Catalogue
from .clock import ManualClock
from .records import ServiceError, iso
from .store import Store


class Reviews:
    """Reviews, each with the merchants' removal requests and their decisions kept beside it."""

    def __init__(self, store: Store, catalogue: Catalogue, rules, clock: ManualClock):
        self.store, self.catalogue, self.rules, self.clock = store, catalogue, rules, clock

    def submit_review(self, order_id: str, rating: int, text: str, product_id: str | None = None) -> dict:
        order = self.store.get("order", order_id)
        if not self.rules.reviewable(order["status"]):
            raise ServiceError(f"order '{order_id}' is {order['status']}; only a completed order can be reviewed")
        products = [line["product_id"] for line in order["lines"]]
        product_id = product_id or products[0]
        if product_id not in products:
            raise ServiceError(f"product '{product_id}' is not in order '{order_id}'")
        review_id = self.store.new_id("review")
        review = {"review_id": review_id, "order_id": order_id, "product_id": product_id,
                  "consumer_id": order["consumer_id"], "merchant_id": order["merchant_id"], "rating": rating,
                  "text": text, "submitted_at": iso(self.clock.now()), "status": "visible",
                  "hidden_reason": None, "hidden_at": None}
        self._save_review(review, {"removal_requests": []})
        return review

    def list_reviews(self, product_id: str) -> list[dict]:
        self.catalogue.get_product(product_id)
        return self.rules.listed_reviews(self.store.find("review", parent=product_id))

    def request_review_removal(self, review_id: str, merchant_id: str, ground: str, detail: str) -> tuple[dict, dict]:
        review, kept = self._merchant_review(review_id, merchant_id)
        now = iso(self.clock.now())
        decision, reason = self.rules.review_removal_decision(ground, review["text"])
        if decision == "hidden" and review["status"] == "visible":
            review.update(status="hidden", hidden_reason=reason, hidden_at=now)
        removal = {"review_id": review_id, "ground": ground, "detail": detail, "requested_at": now,
                   "decision": decision, "reason": reason, "decided_at": now}
        kept["removal_requests"].append(removal)
        self._save_review(review, kept)
        return removal, review

    def file_review_appeal(self, review_id: str, merchant_id: str, reasons: str) -> tuple[dict, dict]:
        review, kept = self._merchant_review(review_id, merchant_id)
        appeal_id = self.store.new_id("review_appeal")
        appeal = {"appeal_id": appeal_id, "review_id": review_id, "merchant_id": merchant_id, "reasons": reasons,
                  "filed_at": iso(self.clock.now()), "status": "pending", "outcome": None, "decided_at": None}
        self.store.put("review_appeal", appeal_id, appeal, parent=review_id, status="pending")
        review = self.rules.review_during_appeal(review)
        self._save_review(review, kept)
        return appeal, review

    def _merchant_review(self, review_id: str, merchant_id: str) -> tuple[dict, dict]:
        review, kept = self.store.get_with_kept("review", review_id)
        if review["merchant_id"] != merchant_id:
            raise ServiceError(f"review '{review_id}' is not about goods of merchant '{merchant_id}'")
        return review, kept

    def _save_review(self, review: dict, kept: dict) -> None:
        self.store.put("review", review["review_id"], review, parent=review["product_id"], status=review["status"], kept=kept)
