"""Goods coming back: shipment, receipt, the merchant's inspection, and the refund it leads to (5.4.1.b, 5.4.2.d)."""

from datetime import datetime

from .after_sales_requests import Requests
from .clock import ManualClock
from .orders import allocated_fen, order_gift, order_line, priced
from .platform_rules import PlatformRule
from .records import Case, ServiceError, add_deadline, check_lines, iso, meet_deadline, parse
from .settlement import Settlement, return_freight_refund


class Returns:
    def __init__(self, requests: Requests, settlement: Settlement, rules, platform_rules: dict[str, PlatformRule],
                 clock: ManualClock):
        self.requests, self.settlement = requests, settlement
        self.rules, self.platform_rules, self.clock = rules, platform_rules, clock

    def ship_return(self, after_sales_id: str, freight_paid_fen: int) -> dict:
        case = self.requests.load(after_sales_id)
        record = case.record
        if record["status"] != "awaiting_return":
            raise ServiceError(f"after-sales request '{after_sales_id}' is {record['status']}, not awaiting a return")
        record["return_shipment"] = {"shipped_at": iso(self.clock.now()), "freight_paid_fen": freight_paid_fen}
        record["status"] = "return_shipped"
        self.requests.save(case)
        return record

    def receive_return(self, after_sales_id: str, lines: list[dict], gifts: list[dict] = (), inspected: bool = True) -> dict:
        case = self.requests.load(after_sales_id)
        record = case.record
        if record["status"] not in ("awaiting_return", "return_shipped"):
            raise ServiceError(f"after-sales request '{after_sales_id}' is {record['status']}, no return is expected")
        check_lines(record["lines"], lines, "received goods that are not part of the return")
        now = self.clock.now()
        record["inspection"] = {"received_at": iso(now), "inspected_at": None, "lines": [], "gifts": [], "deemed": False}
        case.books["received"] = [{"line_id": l["line_id"], "quantity": l["quantity"]} for l in lines]
        add_deadline(record, "return_inspection", now + self.platform_rules["return_inspection_time_limit"].duration)
        if inspected:
            self._inspect(case, lines, gifts, now)
        else:
            record["status"] = "return_received"
        self.requests.save(case)
        return record

    def inspect_return(self, after_sales_id: str, lines: list[dict], gifts: list[dict] = ()) -> dict:
        case = self.requests.load(after_sales_id)
        if case.record["status"] != "return_received":
            raise ServiceError(f"after-sales request '{after_sales_id}' is {case.record['status']}, "
                               "no received return awaits inspection")
        check_lines(case.books["received"], lines, "inspected goods that were not received")
        self._inspect(case, lines, gifts, self.clock.now())
        self.requests.save(case)
        return case.record

    def on_inspection_overdue(self, case: Case, at: datetime) -> None:
        # return_inspection_time_limit, on_expiry deemed_received_intact: as received, intact, gifts included
        self._inspect(case, case.books["received"], (), at, deemed=True)

    def _inspect(self, case: Case, lines: list[dict], gifts, now: datetime, deemed: bool = False) -> None:
        """The merchant's inspection (5.4.1.b): intactness per category, gifts, then the settlement."""
        record, order = case.record, case.order
        meet_deadline(record, "return_inspection", now)
        inspected = [{"line_id": l["line_id"], "quantity": l["quantity"],
                      "failed_checks": self.rules.failed_checks(order_line(order, l["line_id"])["category"], l.get("observations", []))}
                     for l in lines]
        for line in inspected:
            line["intact"] = not line["failed_checks"]
        received_gifts = {g["gift_id"]: g["returned_quantity"] for g in gifts}
        gift_checks = [{"gift_id": item["gift_id"], "expected_quantity": item["quantity"],
                        "returned_quantity": min(item["quantity"], received_gifts.get(item["gift_id"], item["quantity"]))}
                       for item in record["return_instructions"]["items"] if item["kind"] == "gift"]
        record["inspection"].update(inspected_at=iso(now), lines=inspected, gifts=gift_checks, deemed=deemed)
        # The refund is due from the receipt of the goods (7D Art 13), whenever the inspection happened.
        due = parse(record["inspection"]["received_at"]) + self.platform_rules["refund_after_receipt"].duration
        return_freight = return_freight_refund(record)
        remedy = case.books["remedy"]
        if remedy in ("exchange", "repair"):  # the same goods repaired, or new ones, go back to the consumer
            record["replacement"] = {"kind": remedy, "shipped_at": iso(now)}
            self.settlement.settle(case, now, due, purpose="freight", return_freight_refunded_fen=return_freight)
        elif self.rules.return_refusal(record["ground"], sum(l["intact"] for l in inspected)):
            record["status"] = "closed"
        else:
            self.settle_return(case, inspected, gift_checks, return_freight, now, due)

    def settle_return(self, case: Case, inspected: list[dict], gift_checks: list[dict], return_freight: int,
                      now: datetime, due: datetime) -> None:
        """Refund for received goods: intact ones for no-reason returns, all for the merchant's fault."""
        record, order, books = case.record, case.order, case.order_books
        no_reason = record["ground"] == "no_reason"
        refunded = [l for l in inspected if l["intact"] or not no_reason]
        allocated = sum(allocated_fen(order, l) for l in refunded)
        returned = dict(books["returned"])
        for line in refunded:
            product_id = order_line(order, line["line_id"])["product_id"]
            returned[product_id] = returned.get(product_id, 0) + line["quantity"]
        lines, discounts = priced(order)
        kept_after = {l.product_id: l.quantity - returned.get(l.product_id, 0) for l in lines}
        kept_cost = self.rules.kept_cost(lines, discounts, kept_after)
        goods_paid = order["goods_total_fen"] - order["discount_total_fen"]
        if no_reason:  # discounts broken by the return are settled at purchase prices (7D Art 17)
            goods = self.rules.goods_refund(allocated, goods_paid - books["goods_refunded_fen"], kept_cost)
            deducted = self.rules.outbound_freight_deduction(
                order["shipping_fee_fen"], order["shipping_charged_fen"], order["free_shipping_threshold_fen"],
                kept_cost, books["outbound_deducted_fen"])
        else:
            goods, deducted = allocated, 0
        goods = self.settlement.within_line_ceilings(order, books, refunded, goods)
        charges = []
        for check in gift_checks if self.rules.deductions_allowed(record["ground"]) else ():
            missing = check["expected_quantity"] - check["returned_quantity"]
            if missing:
                gift = order_gift(order, check["gift_id"])
                basis, amount = self.rules.gift_charge(gift["marked_price_fen"], gift["market_value_fen"], missing)
                charges.append({"gift_id": check["gift_id"], "quantity": missing, "basis": basis, "amount_fen": amount})
        books["returned"] = returned
        books["goods_refunded_fen"] += goods
        books["outbound_deducted_fen"] += deducted
        self.settlement.settle(case, now, due, purpose="goods", goods_refund_fen=goods, outbound_freight_deducted_fen=deducted,
                               gift_charges=charges, return_freight_refunded_fen=return_freight,
                               outbound_freight_refunded_fen=self.settlement.outbound_refund(case))
