"""Parties, products, orders and delivery: the facts the after-sales rules work on."""

from datetime import datetime

from .records import ServiceError, iso, parse, public
from .rules.money import Discount, PricedLine


class CatalogueMixin:
    def create_party(self, kind: str, display_name: str) -> dict:
        party_id = self.store.new_id("party")
        party = {"party_id": party_id, "kind": kind, "display_name": display_name}
        if kind == "merchant":
            party["_address_label"] = f"{display_name}退货地址"  # a label only: no real address in test data
        self.store.put("party", party_id, party, status=kind)
        return public(party)

    def _party(self, party_id: str, kind: str) -> dict:
        party = self.store.get("party", party_id)
        if party["kind"] != kind:
            raise ServiceError(f"party '{party_id}' is a {party['kind']}, not a {kind}")
        return party

    def create_product(self, merchant_id: str, title: str, category: str, price_fen: int, no_reason_return: dict,
                       promises: dict | None = None, gifts: list[dict] = (), service: dict | None = None,
                       legal_status: str = "permitted", accessories: list[dict] = (), after_sales_plan: dict | None = None,
                       warranty_days: int | None = None) -> dict:
        self._party(merchant_id, "merchant")
        if (category == "service") != (service is not None):
            raise ServiceError("service terms are required for category service and only for it")
        if after_sales_plan is not None:
            self._party(after_sales_plan["agreed_with"], "live_room_operator")
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

    def place_order(self, consumer_id: str, items: list[dict], payments: list[dict], discounts: list[dict] = (),
                    shipping: dict | None = None, live_session_id: str | None = None) -> dict:
        self._party(consumer_id, "consumer")
        products = [self.get_product(item["product_id"]) for item in items]
        if len({p["merchant_id"] for p in products}) != 1 or len({p["product_id"] for p in products}) != len(products):
            raise ServiceError("an order holds products of one merchant, each product once")
        # In a live stream each item gets the terms of its card (price, gifts, pre-sale date, promised benefits).
        terms = [self._live_line_terms(live_session_id, p, item["quantity"]) if live_session_id else
                 {"unit_price_fen": p["price_fen"], "gifts": p["gifts"], "presale_ship_date": None, "benefits": []}
                 for p, item in zip(products, items)]
        priced = [PricedLine(p["product_id"], t["unit_price_fen"], item["quantity"]) for p, item, t in zip(products, items, terms)]
        discount_rules = [_discount(d) for d in discounts]
        ordered = {line.product_id: line.quantity for line in priced}
        if any(set(d.product_ids) - set(ordered) for d in discount_rules):
            raise ServiceError("a discount names a product that is not in the order")
        goods_total = sum(line.unit_price_fen * line.quantity for line in priced)
        goods_paid = self.rules.kept_cost(priced, discount_rules, ordered)
        if goods_paid != goods_total - sum(d.amount_fen for d in discount_rules):
            raise ServiceError("a discount does not apply to the order as placed")
        shipping = {"fee_fen": 0, "free_threshold_fen": None, **(shipping or {})}
        threshold = shipping["free_threshold_fen"]
        shipping_charged = 0 if threshold is not None and goods_paid >= threshold else shipping["fee_fen"]
        total = goods_paid + shipping_charged
        if sum(p["amount_fen"] for p in payments) != total:
            raise ServiceError(f"payments add up to {sum(p['amount_fen'] for p in payments)} fen, the order costs {total} fen")
        order_id = self.store.new_id("order")
        paid = self.rules.allocate_paid(priced, discount_rules)
        placed_at = self.clock.now()
        promise = self.rules.promised_shipment(placed_at, [p["after_sales_plan"] for p in products if p["after_sales_plan"]])
        order = {
            "order_id": order_id, "consumer_id": consumer_id, "merchant_id": products[0]["merchant_id"],
            "placed_at": iso(placed_at),
            "lines": [{"line_id": f"{order_id}-{n}", "product_id": p["product_id"], "title": p["title"],
                       "category": p["category"], "quantity": item["quantity"], "unit_price_fen": t["unit_price_fen"],
                       "paid_fen": line_paid, "exclusion_confirmed": item.get("exclusion_confirmed", False),
                       "gifts": [{**g, "quantity": g["quantity"] * item["quantity"]} for g in t["gifts"]],
                       **({"presale_ship_date": t["presale_ship_date"]} if live_session_id else {})}
                      for n, (p, item, line_paid, t) in enumerate(zip(products, items, paid, terms), 1)],
            "discounts": [{"threshold_fen": None, **d} for d in discounts],
            "goods_total_fen": goods_total, "discount_total_fen": goods_total - goods_paid,
            "shipping_charged_fen": shipping_charged, "shipping_fee_fen": shipping["fee_fen"],
            "free_shipping_threshold_fen": threshold, "total_paid_fen": total, "payments": payments,
            "status": "placed", "delivery": None,
            **({"live_session_id": live_session_id, "live_benefits": [b for t in terms for b in t["benefits"]]}
               if live_session_id else {}),
            "shipment": None if promise is None else {
                "logistics_method": promise[0], "ship_by": iso(promise[1]), "shipped_at": None, "shipped_by_method": None,
                "tracking_number": None, "_ship_at": iso(self.rules.ship_time(placed_at, promise[1]))},
            # What later returns have taken back, for settling the next one (7D Art 17, 18), and the
            # goods refunds booked against each line over all its after-sales requests.
            "_returned": {}, "_goods_refunded_fen": 0, "_outbound_deducted_fen": 0, "_outbound_fault_paid_fen": 0,
            "_line_refunded_fen": {}}
        placed = self._order_now(order)
        if live_session_id:
            self._record_live_order(live_session_id, order_id, items)
        return placed

    def get_order(self, order_id: str) -> dict:
        return self._order_now(self.store.get("order", order_id))

    def _order_now(self, order: dict) -> dict:
        """The order as it stands now: a promised shipment made (and, in _save_order, promised live benefits
        delivered) once the clock has reached its time."""
        shipment = order["shipment"]
        if shipment and shipment["shipped_at"] is None and self.clock.now() >= parse(shipment["_ship_at"]):
            shipment.update(shipped_at=shipment["_ship_at"], shipped_by_method=shipment["logistics_method"],
                            tracking_number=f"CA{order['order_id']}")  # a test tracking number, not a real carrier's
        self._save_order(order)
        return public(order)

    def deliver_order(self, order_id: str, outcome: str, signed_at: datetime | None = None, issues: list[dict] = ()) -> dict:
        order = self.store.get("order", order_id)
        if order["status"] != "placed":
            raise ServiceError(f"order '{order_id}' is {order['status']}, not awaiting delivery")
        signed_at = signed_at or self.clock.now()
        if signed_at > self.clock.now():
            raise ServiceError("signed_at is in the future of the system's clock")
        lines = {line["line_id"]: line for line in order["lines"]}
        for issue in issues:
            if issue["line_id"] not in lines or issue["quantity"] > lines[issue["line_id"]]["quantity"]:
                raise ServiceError(f"delivery issue for unknown line or quantity: {issue['line_id']}")
        order["status"] = "delivered" if outcome == "signed" else "lost"
        order["delivery"] = {"outcome": outcome, "signed_at": iso(signed_at) if outcome == "signed" else None,
                             "issues": [{"damage": None, **issue} for issue in issues]}
        return self._order_now(order)

    def _save_order(self, order: dict) -> None:
        self._benefits_now(order, self.clock.now())
        self.store.put("order", order["order_id"], order, parent=order["consumer_id"], status=order["status"])

    def _signed_at(self, order: dict) -> datetime | None:
        delivery = order["delivery"]
        return parse(delivery["signed_at"]) if delivery and delivery["signed_at"] else None

    @staticmethod
    def _priced(order: dict) -> tuple[list[PricedLine], list[Discount]]:
        return ([PricedLine(line["product_id"], line["unit_price_fen"], line["quantity"]) for line in order["lines"]],
                [_discount(d) for d in order["discounts"]])


def _discount(d: dict) -> Discount:
    return Discount(d["kind"], tuple(d["product_ids"]), d["amount_fen"], d.get("threshold_fen"))
