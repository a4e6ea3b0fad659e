"""Orders: placing them (with the live room's terms when placed in a stream), delivery, and the order as it
stands now (a promised shipment made, promised live benefits delivered once their time has come)."""

from datetime import datetime

from .catalogue import Catalogue
from .clock import ManualClock
from .live_sessions import LiveSessions
from .records import OrderBooks, ServiceError, iso, new_order_books, parse
from .rules.money import Discount, PricedLine
from .store import Store


class Orders:
    def __init__(self, store: Store, catalogue: Catalogue, live_sessions: LiveSessions, rules, clock: ManualClock):
        self.store, self.catalogue, self.live_sessions, self.rules, self.clock = store, catalogue, live_sessions, rules, clock

    def place_order(self, consumer_id: str, items: list[dict], payments: list[dict], discounts: list[dict] = (),
                    shipping: dict | None = None, live_session_id: str | None = None) -> dict:
        self.catalogue.party(consumer_id, "consumer")
        products = [self.catalogue.get_product(item["product_id"]) for item in items]
        if len({p["merchant_id"] for p in products}) != 1 or len({p["product_id"] for p in products}) != len(products):
            raise ServiceError("an order holds products of one merchant, each product once")
        # In a live stream each item gets the terms of its card (price, gifts, pre-sale date, promised benefits).
        terms = [self.live_sessions.line_terms(live_session_id, p, item["quantity"]) if live_session_id else
                 {"unit_price_fen": p["price_fen"], "gifts": p["gifts"], "presale_ship_date": None, "benefits": []}
                 for p, item in zip(products, items)]
        priced = [PricedLine(p["product_id"], t["unit_price_fen"], item["quantity"]) for p, item, t in zip(products, items, terms)]
        discount_rules = [discount(d) for d in discounts]
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
            **({"live_session_id": live_session_id, "live_benefits": [{**b, "delivered_at": None}
                                                                      for t in terms for b in t["benefits"]]}
               if live_session_id else {}),
            "shipment": None if promise is None else {
                "logistics_method": promise[0], "ship_by": iso(promise[1]), "shipped_at": None, "shipped_by_method": None,
                "tracking_number": None}}
        books = new_order_books(iso(self.rules.ship_time(placed_at, promise[1])) if promise else None)
        if live_session_id:
            self.live_sessions.record_order(live_session_id, items)
        self._bring_up_to_date(order, books)
        self.save(order, books)
        return order

    def get_order(self, order_id: str) -> dict:
        return self.load(order_id)[0]

    def deliver_order(self, order_id: str, outcome: str, signed_at: datetime | None = None, issues: list[dict] = ()) -> dict:
        order, books = self.load(order_id)
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
        self.save(order, books)
        return order

    def load(self, order_id: str) -> tuple[dict, OrderBooks]:
        """The order as it stands now, with its books: a promised shipment made, and promised live benefits
        delivered, once the clock has reached their time."""
        order, books = self.store.get_with_kept("order", order_id)
        self._bring_up_to_date(order, books)
        return order, books

    def _bring_up_to_date(self, order: dict, books: OrderBooks) -> None:
        now = self.clock.now()
        shipment = order["shipment"]
        if shipment and shipment["shipped_at"] is None and now >= parse(books["ship_at"]):
            shipment.update(shipped_at=books["ship_at"], shipped_by_method=shipment["logistics_method"],
                            tracking_number=f"CA{order['order_id']}")  # a test tracking number, not a real carrier's
        waiting = [b for b in order.get("live_benefits", ()) if b["delivered_at"] is None]
        closed_at = self.live_sessions.closed_at(order["live_session_id"]) if waiting else None
        for benefit in waiting if closed_at else ():  # delivered by the rule's time after the stream ends
            at = self.rules.benefit_delivery_at(closed_at, parse(benefit["deliver_by"]))
            if now >= at:
                benefit["delivered_at"] = iso(at)

    def save(self, order: dict, books: OrderBooks) -> None:
        self.store.put("order", order["order_id"], order, parent=order["consumer_id"], status=order["status"], kept=books)


def order_line(order: dict, line_id: str) -> dict:
    for line in order["lines"]:
        if line["line_id"] == line_id:
            return line
    raise ServiceError(f"order '{order['order_id']}' has no line '{line_id}'")


def order_gift(order: dict, gift_id: str) -> dict:
    return next(g for line in order["lines"] for g in line["gifts"] if g["gift_id"] == gift_id)


def allocated_fen(order: dict, requested: dict) -> int:
    """What was paid for the requested quantity of a line."""
    line = order_line(order, requested["line_id"])
    return line["paid_fen"] * requested["quantity"] // line["quantity"]


def signed_at(order: dict) -> datetime | None:
    delivery = order["delivery"]
    return parse(delivery["signed_at"]) if delivery and delivery["signed_at"] else None


def priced(order: dict) -> tuple[list[PricedLine], list[Discount]]:
    return ([PricedLine(line["product_id"], line["unit_price_fen"], line["quantity"]) for line in order["lines"]],
            [discount(d) for d in order["discounts"]])


def discount(d: dict) -> Discount:
    return Discount(d["kind"], tuple(d["product_ids"]), d["amount_fen"], d.get("threshold_fen"))
