"""A shop built through the contract: every call goes through ContractClient, so every response the
reference system gives in these tests is validated against the contract's schemas."""

import pytest

from caaad.contract import ContractClient
from caaad.reference_impl.adapter import ReferenceAdapter

T0 = "2024-03-01T10:00:00+08:00"


class Shop:
    def __init__(self, adapter=None):
        self.client = ContractClient(adapter or ReferenceAdapter())
        self.called = set()
        self.merchant = self.call("create_party", kind="merchant", display_name="商家甲")["party_id"]
        self.consumer = self.call("create_party", kind="consumer", display_name="消费者甲")["party_id"]

    def call(self, op, **request):
        self.called.add(op)
        return self.client.call(op, request)

    def rule(self, name):
        return next(r for r in self.client.describe()["platform_rules"] if r["name"] == name)

    def at(self, when):
        return self.call("clock_advance", to=when)["now"]

    def advance(self, by):
        return self.call("clock_advance", by=by)["now"]

    def product(self, category="electronics", price_fen=10000, return_class="eligible", reason=None, **extra):
        return self.call("create_product", merchant_id=self.merchant, title=f"{category}商品", category=category,
                         price_fen=price_fen, no_reason_return={"class": return_class, "reason": reason}, **extra)["product"]

    def order(self, *items, payments=None, discounts=(), shipping=None, confirmed=False):
        """items: (product, quantity) pairs or products; payments default: all by card."""
        items = [item if isinstance(item, tuple) else (item, 1) for item in items]
        goods = sum(p["price_fen"] * q for p, q in items) - sum(d["amount_fen"] for d in discounts)
        freight = 0
        if shipping and not (shipping.get("free_threshold_fen") is not None and goods >= shipping["free_threshold_fen"]):
            freight = shipping["fee_fen"]
        request = {"consumer_id": self.consumer,
                   "items": [{"product_id": p["product_id"], "quantity": q, "exclusion_confirmed": confirmed} for p, q in items],
                   "discounts": list(discounts), "payments": payments or [{"method": "card", "amount_fen": goods + freight}]}
        if shipping:
            request["shipping"] = shipping
        return self.call("place_order", **request)["order"]

    def signed(self, *items, at=T0, issues=(), **kw):
        self.at(at)
        order = self.order(*items, **kw)
        return self.call("deliver_order", order_id=order["order_id"], outcome="signed", issues=list(issues))["order"]

    def request(self, order, ground="no_reason", remedy="return_refund", line=0, quantity=1, **kw):
        lines = [{"line_id": order["lines"][line]["line_id"], "quantity": quantity}]
        return self.call("request_after_sales", order_id=order["order_id"], ground=ground, remedy=remedy, lines=lines, **kw)["after_sales"]

    def receive(self, after_sales, observations=(), gifts=(), freight_paid_fen=None):
        if freight_paid_fen is not None:
            self.call("ship_return", after_sales_id=after_sales["after_sales_id"], freight_paid_fen=freight_paid_fen)
        lines = [{**line, "observations": list(observations)} for line in after_sales["lines"]]
        return self.call("receive_return", after_sales_id=after_sales["after_sales_id"], lines=lines, gifts=list(gifts))["after_sales"]

    def get(self, after_sales):
        return self.call("get_after_sales", after_sales_id=after_sales["after_sales_id"])["after_sales"]


@pytest.fixture
def shop():
    return Shop()


@pytest.fixture
def shop_factory():
    """Shops over a given adapter, e.g. a mutant: shop_factory(ReferenceAdapter(rules=...))."""
    return Shop
