"""After-sales requests (售后申请): filing them, gathering their facts for the assessment rule, the merchant's
decision, carrying out remedies, service cancellations, and a silent merchant (5.4.1–5.4.3). Returns and money
live in returns.py and settlement.py."""

from datetime import datetime, timedelta

from .catalogue import Catalogue
from .clock import ManualClock
from .orders import Orders, allocated_fen, order_line, signed_at
from .platform_rules import PlatformRule
from .records import (Case, RequestBooks, ServiceError, add_deadline, check_lines, iso, line_set, meet_deadline,
                      new_request_books, parse)
from .rules.assessment import RequestedLine, RequestFacts
from .rules.repeats import HeldRequest
from .settlement import Settlement
from .store import Store

GOODS_RETURNED = ("return_refund", "exchange", "repair")
OPEN = ("pending_merchant", "awaiting_return", "return_shipped", "return_received", "processing", "in_intervention")


class Requests:
    def __init__(self, store: Store, catalogue: Catalogue, orders: Orders, settlement: Settlement, rules,
                 platform_rules: dict[str, PlatformRule], clock: ManualClock):
        self.store, self.catalogue, self.orders, self.settlement = store, catalogue, orders, settlement
        self.rules, self.platform_rules, self.clock = rules, platform_rules, clock

    # --- filing and deciding -------------------------------------------------------------------
    def request_after_sales(self, order_id: str, ground: str, remedy: str, lines: list[dict],
                            amount_fen: int | None = None, note: str = "", refund_channel: str = "original_path",
                            filed_by: str = "consumer") -> dict:
        order, order_books = self.orders.load(order_id)
        check_lines(order["lines"], lines, "the request names a line that is not in the order, or more than was bought")
        now = self.clock.now()
        case = Case(self.new_record(order, ground, remedy, lines, now), new_request_books(note, refund_channel),
                    order, order_books)
        case.record["amount_requested_fen"] = amount_fen
        case.record["filed_by"] = filed_by
        verdict = self.rules.assisted_verdict(filed_by, self.rules.assess_request(self.rules, self.facts(order, ground, remedy, lines, now)))
        # A request the rules would grant is refused when it repeats one under way or refunded; one they
        # refuse anyway is refused for its own reason.
        repeated = verdict in ("accept", "merchant") and self.rules.repeated_request(
            ground, remedy, line_set(lines), self.held(order_id))
        if repeated:
            verdict = "duplicate_request", f"与售后申请 {repeated} 重复：同一商品、同一数量的申请正在处理或已退款"
        if verdict == "merchant":
            case.record["status"] = "pending_merchant"
            add_deadline(case.record, "merchant_response", self.rules.merchant_response_due(
                now, self.platform_rules["after_sales_request_response_limit"].duration))
        elif verdict == "accept":
            self.accept(case, remedy, now)
        else:
            reject(case.record, "system", *verdict, now)
        self.save(case)
        return case.record

    def facts(self, order: dict, ground: str, remedy: str, lines: list[dict], now: datetime) -> RequestFacts:
        """What the assessment rule decides on, read from the order, its delivery and its products."""
        issues = order["delivery"]["issues"] if order["delivery"] else []
        requested = []
        for requested_line in lines:
            line = order_line(order, requested_line["line_id"])
            product = self.catalogue.get_product(line["product_id"])
            recorded: dict[str, int] = {}
            for issue in issues:
                if issue["line_id"] == line["line_id"]:
                    recorded[issue["kind"]] = recorded.get(issue["kind"], 0) + issue["quantity"]
            requested.append(RequestedLine(
                line["line_id"], requested_line["quantity"], product["category"], product["legal_status"],
                product["no_reason_return"]["class"], product["return_label"], product["return_window_days"],
                line["exclusion_confirmed"], recorded))
        window = self.platform_rules["perishable_report_window"]
        return RequestFacts(ground, remedy, tuple(requested), order["delivery"] and order["delivery"]["outcome"],
                            signed_at(order), now, bool(order["discounts"]), window.duration,
                            f"{window.value} {window.unit}s")

    def held(self, order_id: str) -> list[HeldRequest]:
        return [HeldRequest(r["after_sales_id"], r["ground"], r["remedy"], line_set(r["lines"]), r["status"])
                for r in self.store.find("after_sales", parent=order_id)]

    def new_record(self, order: dict, ground: str, remedy: str, lines: list[dict], now: datetime) -> dict:
        return {
            "after_sales_id": self.store.new_id("after_sales"), "order_id": order["order_id"], "ground": ground,
            "remedy": remedy, "lines": lines, "requested_at": iso(now), "amount_requested_fen": None,
            "status": "processing", "rejection": None,
            "return_instructions": None, "return_shipment": None, "inspection": None, "settlement": None,
            "freight": {"outbound_leg": "none", "return_leg": "none", "reshipment_leg": "none"},
            "refunds": [], "refund_method_notice": None, "replacement": None, "deadlines": [],
            "intervention": None, "agreements": []}

    def merchant_decide(self, after_sales_id: str, decision: str, reason: str = "") -> dict:
        case = self.load(after_sales_id)
        if case.record["status"] != "pending_merchant":
            raise ServiceError(f"after-sales request '{after_sales_id}' is {case.record['status']}, not pending the merchant")
        now = self.clock.now()
        meet_deadline(case.record, "merchant_response", now)
        if decision == "accept":
            self.accept(case, case.record["remedy"], now)
        else:
            reject(case.record, "merchant", "merchant_decision", reason, now)
        self.save(case)
        return case.record

    def on_merchant_silent(self, case: Case, at: datetime) -> None:
        # after_sales_request_response_limit, on_expiry request_accepted: the system's acceptance is the response
        meet_deadline(case.record, "merchant_response", at)
        self.accept(case, case.record["remedy"], at)

    # --- carrying out a remedy -------------------------------------------------------------------
    def accept(self, case: Case, remedy: str, now: datetime, amount_fen: int | None = None,
               channel: str | None = None, pay_by: datetime | None = None) -> None:
        """Carry out `remedy` from `now` on (granted by the rules, the merchant, an agreement or the platform)."""
        record, order = case.record, case.order
        case.books["remedy"] = remedy
        products = self.products(order, record["lines"])
        promised = self.rules.return_freight_promised(tuple(p["free_return_shipping"] for p in products))
        freight = self.rules.freight_legs(record["ground"], remedy, promised)
        record["freight"] = {"outbound_leg": freight.outbound_leg, "return_leg": freight.return_leg,
                             "reshipment_leg": freight.reshipment_leg}
        if remedy in GOODS_RETURNED:
            record["status"] = "awaiting_return"
            record["return_instructions"] = {
                "address_label": self.catalogue.return_address_label(order["merchant_id"]),
                "provided_at": iso(now), "items": self._items_to_return(order, record["lines"], remedy),
                "freight_bearer": freight.return_leg}
            add_deadline(record, "return_address", now + self.platform_rules["return_address_limit"].duration, met_at=now)
        elif remedy == "reship":
            record["replacement"] = {"kind": "reship", "shipped_at": iso(now)}
            record["status"] = "completed"
        elif amount_fen is None and (remedy == "compensation" or record["ground"] == "service_below_description"):
            record["status"] = "processing"  # the amount is for the parties to agree (5.4.3.b, 5.4.3.c)
        else:
            self._settle_without_return(case, remedy, amount_fen, channel, pay_by, now)

    def _items_to_return(self, order: dict, lines: list[dict], remedy: str) -> list[dict]:
        kinds = self.rules.returned_with_goods(remedy)
        items = []
        for requested in lines:
            line = order_line(order, requested["line_id"])
            if "goods" in kinds:
                items.append({"kind": "goods", "line_id": line["line_id"], "gift_id": None, "title": line["title"],
                              "quantity": requested["quantity"]})
            if "accessory" in kinds:
                items += [{"kind": "accessory", "line_id": line["line_id"], "gift_id": None, "title": a["title"],
                           "quantity": a["quantity"] * requested["quantity"]}
                          for a in self.catalogue.get_product(line["product_id"]).get("accessories", [])]
            if "gift" in kinds:
                per_unit = {g["gift_id"]: g["quantity"] // line["quantity"] for g in line["gifts"]}
                items += [{"kind": "gift", "line_id": line["line_id"], "gift_id": g["gift_id"], "title": g["title"],
                           "quantity": per_unit[g["gift_id"]] * requested["quantity"]} for g in line["gifts"]]
        return items

    def _settle_without_return(self, case: Case, remedy: str, amount_fen: int | None, channel: str | None,
                               pay_by: datetime | None, now: datetime) -> None:
        record, order = case.record, case.order
        is_service = record["ground"].startswith("service_")
        amount_fen = self.rules.amount_without_return(remedy, amount_fen, record["amount_requested_fen"],
                                                      sum(allocated_fen(order, l) for l in record["lines"]))
        if remedy != "compensation":  # a refund, unlike compensation for a loss, is the price paid coming back
            amount_fen = self.settlement.within_line_ceilings(order, case.order_books, record["lines"], amount_fen)
        outbound = self.settlement.outbound_refund(case)
        due = self.rules.refund_due_without_return(
            is_service, remedy == "compensation", now, pay_by, self.platform_rules["refund_after_receipt"].duration,
            self.platform_rules["service_refund_after_agreement"].duration)
        self.settlement.settle(case, now, due, channel=channel,
                               purpose="compensation" if remedy == "compensation" else ("service" if is_service else "goods"),
                               compensation_fen=amount_fen if remedy == "compensation" else 0,
                               goods_refund_fen=0 if remedy == "compensation" else amount_fen,
                               outbound_freight_refunded_fen=outbound)

    # --- service goods ---------------------------------------------------------------------------
    def cancel_service_order(self, order_id: str, note: str = "") -> dict:
        order, order_books = self.orders.load(order_id)
        products = [self.catalogue.get_product(line["product_id"]) for line in order["lines"]]
        if any(p["category"] != "service" for p in products) or order["status"] != "placed":
            raise ServiceError(f"order '{order_id}' is not an open order for service goods")
        now = self.clock.now()
        lines = [{"line_id": line["line_id"], "quantity": line["quantity"]} for line in order["lines"]]
        case = Case(self.new_record(order, "service_cancellation", "refund", lines, now), new_request_books(note),
                    order, order_books)
        fees = []
        for line, product in zip(order["lines"], products):
            terms = product["service"]
            hours_left = (parse(terms["starts_at"]) - now) / timedelta(hours=1) if terms["starts_at"] else float("inf")
            tiers = [(f["min_hours_before_start"], f["fee_percent"]) for f in terms["cancellation_fees"]]
            fees.append(self.rules.cancellation_fee(line["paid_fen"], tiers, hours_left))
        if None in fees:
            reject(case.record, "system", "cancellation_not_allowed", products[0]["service"]["cancellation_rules"], now)
        else:
            order["status"] = "cancelled"
            # Cancelling under the published rules is the refund agreement (5.4.3.c).
            self.settlement.settle(case, now, now + self.platform_rules["service_refund_after_agreement"].duration,
                                   purpose="service", goods_refund_fen=order["total_paid_fen"], cancellation_fee_fen=sum(fees))
        self.save(case)
        return case.record

    # --- loading and saving ----------------------------------------------------------------------
    def get_after_sales(self, after_sales_id: str) -> dict:
        return self.store.get("after_sales", after_sales_id)

    def products(self, order: dict, lines: list[dict]) -> list[dict]:
        return [self.catalogue.get_product(order_line(order, l["line_id"])["product_id"]) for l in lines]

    def load(self, after_sales_id: str) -> Case:
        record, books = self.store.get_with_kept("after_sales", after_sales_id)
        return Case(record, books, *self.orders.load(record["order_id"]))

    def save(self, case: Case) -> None:
        record = case.record
        self.store.put("after_sales", record["after_sales_id"], record, parent=record["order_id"], status=record["status"],
                       kept=case.books)
        self.orders.save(case.order, case.order_books)

    def open_requests(self) -> list[tuple[dict, RequestBooks]]:
        return self.store.find_with_kept("after_sales", statuses=OPEN)


def reject(record: dict, by: str, code: str, detail: str, now: datetime) -> None:
    record["status"] = "rejected"
    record["rejection"] = {"by": by, "code": code, "detail": detail, "at": iso(now)}
