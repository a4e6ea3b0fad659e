"""Parties and products: who takes part, and what is sold on which terms."""

from .records import ServiceError
from .store import Store


class Catalogue:
    def __init__(self, store: Store, rules):
        self.store, self.rules = store, rules

    def create_party(self, kind: str, display_name: str) -> dict:
        party_id = self.store.new_id("party")
        party = {"party_id": party_id, "kind": kind, "display_name": display_name}
        # a label only, kept for the return instructions: no real address in test data
        kept = {"address_label": f"{display_name}退货地址"} if kind == "merchant" else None
        self.store.put("party", party_id, party, status=kind, kept=kept)
        return party

    def party(self, party_id: str, kind: str) -> dict:
        party = self.store.get("party", party_id)
        if party["kind"] != kind:
            raise ServiceError(f"party '{party_id}' is a {party['kind']}, not a {kind}")
        return party

    def return_address_label(self, merchant_id: str) -> str:
        return self.store.get_with_kept("party", merchant_id)[1]["address_label"]

    def create_product(self, merchant_id: str, title: str, category: str, price_fen: int, no_reason_return: dict,
                       promises: dict | None = None, gifts: list[dict] = (), service: dict | None = None,
                       legal_status: str = "permitted", accessories: list[dict] = (), after_sales_plan: dict | None = None,
                       warranty_days: int | None = None) -> dict:
        self.party(merchant_id, "merchant")
        if (category == "service") != (service is not None):
            raise ServiceError("service terms are required for category service and only for it")
        if after_sales_plan is not None:
            self.party(after_sales_plan["agreed_with"], "live_room_operator")
            problem = self.rules.plan_problem(after_sales_plan)
            if problem:
                raise ServiceError(f"after-sales plan refused: {problem}")
        promises = promises or {}
        window_days = promises.get("return_window_days", 7)
        no_reason_return = self.rules.shown_return_class(category, no_reason_return)
        product_id = self.store.new_id("product")
        product = {
            "product_id": product_id, "merchant_id": merchant_id, "title": title, "category": category,
            "price_fen": price_fen, "no_reason_return": no_reason_return,
            "return_label": self.rules.return_label(no_reason_return["class"], no_reason_return["reason"], window_days),
            "requires_confirmation": no_reason_return["class"] == "excluded_with_confirmation",
            "return_window_days": window_days,
            "free_return_shipping": promises.get("free_return_shipping", False),
            "gifts": [{"gift_id": f"{product_id}-g{n}", "quantity": 1, **gift} for n, gift in enumerate(gifts, 1)],
            "service": service, "legal_status": legal_status, "accessories": list(accessories),
            "after_sales_plan": after_sales_plan, "warranty_days": warranty_days}
        self.store.put("product", product_id, product, parent=merchant_id)
        return product

    def get_product(self, product_id: str) -> dict:
        return self.store.get("product", product_id)
