"""After-sales requests (售后申请): filing, assessing and deciding them, carrying out remedies, service
cancellations, and what happens as time passes (5.4.1–5.4.3). Returns and money live in returns.py and
settlement.py."""

from datetime import datetime, timedelta

from .records import ServiceError, iso, parse, public
from .rules.repeats import HeldRequest

_GOODS_RETURNED = ("return_refund", "exchange", "repair")
_OPEN = ("pending_merchant", "awaiting_return", "return_shipped", "return_received", "processing", "in_intervention")


class AfterSalesMixin:
    # --- filing and deciding -------------------------------------------------------------------
    def request_after_sales(self, order_id: str, ground: str, remedy: str, lines: list[dict],
                            amount_fen: int | None = None, note: str = "", refund_channel: str = "original_path",
                            filed_by: str = "consumer") -> dict:
        order = self.store.get("order", order_id)
        self._check_lines(order["lines"], lines, "the request names a line that is not in the order, or more than was bought")
        now = self.clock.now()
        record = self._new_record(order, ground, remedy, lines, now)
        record["_note"] = note
        record["amount_requested_fen"] = amount_fen
        record["_refund_channel"] = refund_channel  # the consumer's explicit consent (7D Art 14)
        record["filed_by"] = filed_by
        verdict = self.rules.assisted_verdict(filed_by, self._assess(order, ground, remedy, lines, now))
        # A request the rules would grant is refused when it repeats one under way or refunded; one they
        # refuse anyway is refused for its own reason.
        repeated = verdict in ("accept", "merchant") and self.rules.repeated_request(
            ground, remedy, _line_set(lines), self._held(order_id))
        if repeated:
            verdict = "duplicate_request", f"与售后申请 {repeated} 重复：同一商品、同一数量的申请正在处理或已退款"
        if verdict == "merchant":
            record["status"] = "pending_merchant"
            self._deadline(record, "merchant_response", self.rules.merchant_response_due(
                now, self.platform_rules["after_sales_request_response_limit"].duration))
        elif verdict == "accept":
            self._accept(record, order, remedy, now)
        else:
            self._reject(record, "system", *verdict, now)
        self._save(record, order)
        return public(record)

    def _held(self, order_id: str) -> list[HeldRequest]:
        return [HeldRequest(r["after_sales_id"], r["ground"], r["remedy"], _line_set(r["lines"]), r["status"])
                for r in self.store.find("after_sales", parent=order_id)]

    def _new_record(self, order: dict, ground: str, remedy: str, lines: list[dict], now: datetime) -> dict:
        return {
            "after_sales_id": self.store.new_id("after_sales"), "order_id": order["order_id"], "ground": ground,
            "remedy": remedy, "lines": lines, "requested_at": iso(now), "amount_requested_fen": None,
            "status": "processing", "rejection": None,
            "return_instructions": None, "return_shipment": None, "inspection": None, "settlement": None,
            "freight": {"outbound_leg": "none", "return_leg": "none", "reshipment_leg": "none"},
            "refunds": [], "refund_method_notice": None, "replacement": None, "deadlines": [],
            "intervention": None, "agreements": []}

    def _assess(self, order: dict, ground: str, remedy: str, lines: list[dict], now: datetime):
        """"accept", "merchant" (the facts need the merchant's judgement) or (rejection code, detail)."""
        if remedy not in self.rules.remedies_offered(ground):
            return "remedy_not_offered", f"{remedy} is not a remedy for {ground}"
        products = [self.get_product(self._line(order, l["line_id"])["product_id"]) for l in lines]
        is_service = [p["category"] == "service" for p in products]
        if (ground == "service_below_description") != all(is_service) or any(is_service) != all(is_service):
            return "remedy_not_offered", "service grounds are for service goods only, goods grounds for goods only"
        if ground == "not_delivered":
            lost = order["delivery"] is not None and order["delivery"]["outcome"] == "lost"
            return "accept" if lost else ("not_verified", "the delivery is not recorded as lost")
        signed_at = self._signed_at(order)
        if signed_at is None:
            return "not_delivered_yet", "the consumer has not signed for the order"
        if ground == "service_below_description":
            return "merchant"
        if ground == "no_reason":
            for line, product in zip(lines, products):
                code = self.rules.no_reason_exclusion(product["no_reason_return"]["class"],
                                                      self._line(order, line["line_id"])["exclusion_confirmed"])
                if code:
                    return code, product["return_label"]
                if now >= self.rules.window_closes_at(signed_at, product["return_window_days"]):
                    return "outside_window", f"no-reason return period of {product['return_window_days']} days after signing has passed"
            return "accept"
        if ground in ("transit_damage", "wrong_item", "missing_item"):
            issues = order["delivery"]["issues"]
            for line in lines:
                recorded = sum(i["quantity"] for i in issues if i["line_id"] == line["line_id"] and i["kind"] == ground)
                if recorded < line["quantity"]:
                    return "not_verified", f"{ground} is not recorded for {line['quantity']} of line {line['line_id']}"
            days = self.rules.transit_damage_days(remedy)
            if ground == "transit_damage" and now >= self.rules.window_closes_at(signed_at, days):
                return "outside_window", f"transit damage {remedy} is available for {days} days after signing"
            return "accept"
        if ground == "quality_problem":
            window = self.platform_rules["perishable_report_window"]
            hours = window.duration.total_seconds() / 3600
            if any(self.rules.perishable(p["category"]) for p in products) and now >= self.rules.report_window_closes_at(signed_at, hours):
                return "outside_window", f"perishable quality problems are reported within {window.value} {window.unit}s of signing"
            return "merchant"
        if ground == "prohibited_goods":
            if all(self.rules.prohibited(p["legal_status"]) for p in products):
                return "accept"
            return "not_verified", "the platform has not found the goods prohibited or restricted"
        raise ServiceError(f"unknown ground {ground}")

    def merchant_decide(self, after_sales_id: str, decision: str, reason: str = "") -> dict:
        record, order = self._load(after_sales_id)
        if record["status"] != "pending_merchant":
            raise ServiceError(f"after-sales request '{after_sales_id}' is {record['status']}, not pending the merchant")
        now = self.clock.now()
        self._meet(record, "merchant_response", now)
        if decision == "accept":
            self._accept(record, order, record["remedy"], now)
        else:
            self._reject(record, "merchant", "merchant_decision", reason, now)
        self._save(record, order)
        return public(record)

    def _reject(self, record: dict, by: str, code: str, detail: str, now: datetime) -> None:
        record["status"] = "rejected"
        record["rejection"] = {"by": by, "code": code, "detail": detail, "at": iso(now)}

    def _accept(self, record: dict, order: dict, remedy: str, now: datetime, amount_fen: int | None = None,
                channel: str | None = None, pay_by: datetime | None = None) -> None:
        """Carry out `remedy` from `now` on (granted by the rules, the merchant, an agreement or the platform)."""
        record["_remedy"] = remedy
        products = [self.get_product(self._line(order, l["line_id"])["product_id"]) for l in record["lines"]]
        promised = self.rules.return_freight_promised(p["free_return_shipping"] for p in products)
        freight = self.rules.freight_legs(record["ground"], remedy, promised)
        record["freight"] = {"outbound_leg": freight.outbound_leg, "return_leg": freight.return_leg,
                             "reshipment_leg": freight.reshipment_leg}
        if remedy in _GOODS_RETURNED:
            record["status"] = "awaiting_return"
            record["return_instructions"] = {
                "address_label": self.store.get("party", order["merchant_id"])["_address_label"],
                "provided_at": iso(now), "items": self._items_to_return(order, record["lines"], remedy),
                "freight_bearer": freight.return_leg}
            self._deadline(record, "return_address", now + self.platform_rules["return_address_limit"].duration, met_at=now)
        elif remedy == "reship":
            record["replacement"] = {"kind": "reship", "shipped_at": iso(now)}
            record["status"] = "completed"
        elif amount_fen is None and (remedy == "compensation" or record["ground"] == "service_below_description"):
            record["status"] = "processing"  # the amount is for the parties to agree (5.4.3.b, 5.4.3.c)
        else:
            self._settle_without_return(record, order, remedy, amount_fen, channel, pay_by, now)

    def _items_to_return(self, order: dict, lines: list[dict], remedy: str) -> list[dict]:
        kinds = self.rules.returned_with_goods(remedy)
        items = []
        for requested in lines:
            line = self._line(order, requested["line_id"])
            if "goods" in kinds:
                items.append({"kind": "goods", "line_id": line["line_id"], "gift_id": None, "title": line["title"],
                              "quantity": requested["quantity"]})
            if "accessory" in kinds:
                items += [{"kind": "accessory", "line_id": line["line_id"], "gift_id": None, "title": a["title"],
                           "quantity": a["quantity"] * requested["quantity"]}
                          for a in self.get_product(line["product_id"]).get("accessories", [])]
            if "gift" in kinds:
                per_unit = {g["gift_id"]: g["quantity"] // line["quantity"] for g in line["gifts"]}
                items += [{"kind": "gift", "line_id": line["line_id"], "gift_id": g["gift_id"], "title": g["title"],
                           "quantity": per_unit[g["gift_id"]] * requested["quantity"]} for g in line["gifts"]]
        return items

    def _settle_without_return(self, record, order, remedy, amount_fen, channel, pay_by, now) -> None:
        allocated = sum(self._allocated(order, l) for l in record["lines"])
        is_service = record["ground"].startswith("service_")
        if amount_fen is None:
            asked = record["amount_requested_fen"]
            amount_fen = min(asked, allocated) if remedy == "partial_refund" and asked is not None else allocated
        if remedy != "compensation":  # a refund, unlike compensation for a loss, is the price paid coming back
            amount_fen = self._within_line_ceilings(order, record["lines"], amount_fen)
        outbound = self._outbound_refund(order, record)
        if is_service:
            limit = now + self.platform_rules["service_refund_after_agreement"].duration
            due = min(limit, pay_by) if pay_by and remedy != "compensation" else (pay_by or limit)
        else:
            due = pay_by or now + self.platform_rules["refund_after_receipt"].duration
        self._settle(record, order, now, due, channel=channel,
                     purpose="compensation" if remedy == "compensation" else ("service" if is_service else "goods"),
                     compensation_fen=amount_fen if remedy == "compensation" else 0,
                     goods_refund_fen=0 if remedy == "compensation" else amount_fen,
                     outbound_freight_refunded_fen=outbound)

    # --- service goods ---------------------------------------------------------------------------
    def cancel_service_order(self, order_id: str, note: str = "") -> dict:
        order = self.store.get("order", order_id)
        products = [self.get_product(line["product_id"]) for line in order["lines"]]
        if any(p["category"] != "service" for p in products) or order["status"] != "placed":
            raise ServiceError(f"order '{order_id}' is not an open order for service goods")
        now = self.clock.now()
        lines = [{"line_id": line["line_id"], "quantity": line["quantity"]} for line in order["lines"]]
        record = self._new_record(order, "service_cancellation", "refund", lines, now)
        fees = []
        for line, product in zip(order["lines"], products):
            terms = product["service"]
            hours_left = (parse(terms["starts_at"]) - now) / timedelta(hours=1) if terms["starts_at"] else float("inf")
            tiers = [(f["min_hours_before_start"], f["fee_percent"]) for f in terms["cancellation_fees"]]
            fees.append(self.rules.cancellation_fee(line["paid_fen"], tiers, hours_left))
        if None in fees:
            self._reject(record, "system", "cancellation_not_allowed", products[0]["service"]["cancellation_rules"], now)
        else:
            order["status"] = "cancelled"
            # Cancelling under the published rules is the refund agreement (5.4.3.c).
            self._settle(record, order, now, now + self.platform_rules["service_refund_after_agreement"].duration,
                         purpose="service", goods_refund_fen=order["total_paid_fen"], cancellation_fee_fen=sum(fees))
        self._save(record, order)
        return public(record)

    # --- time ------------------------------------------------------------------------------------
    def _due_events(self) -> list[tuple[datetime, str, str]]:
        """(when, after_sales_id, what) for everything that falls due on open requests."""
        events = []
        for record in self.store.find("after_sales", statuses=_OPEN):
            for deadline in record["deadlines"]:
                if deadline["name"] == "merchant_response" and record["status"] == "pending_merchant":
                    events.append((parse(deadline["due_at"]), record["after_sales_id"], "merchant_silent"))
                if deadline["name"] == "return_inspection" and record["status"] == "return_received":
                    events.append((parse(deadline["due_at"]), record["after_sales_id"], "inspection_overdue"))
            intervention = record["intervention"]
            if intervention and intervention["status"] == "negotiating":
                events.append((parse(intervention["negotiation_ends_at"]), record["after_sales_id"], "negotiation_over"))
            events += [(parse(r["_pay_at"]), record["after_sales_id"], "refund_due")
                       for r in record["refunds"] if r["status"] == "scheduled"]
        return sorted(events)

    def _on_merchant_silent(self, record: dict, order: dict, at: datetime) -> None:
        # after_sales_request_response_limit, on_expiry request_accepted: the system's acceptance is the response
        self._meet(record, "merchant_response", at)
        self._accept(record, order, record["remedy"], at)

    def _on_refund_due(self, record: dict, order: dict, at: datetime) -> None:
        self._pay_due(record, at)

    # --- bookkeeping -----------------------------------------------------------------------------
    def get_after_sales(self, after_sales_id: str) -> dict:
        return public(self.store.get("after_sales", after_sales_id))

    def _load(self, after_sales_id: str) -> tuple[dict, dict]:
        record = self.store.get("after_sales", after_sales_id)
        return record, self.store.get("order", record["order_id"])

    def _save(self, record: dict, order: dict) -> None:
        self.store.put("after_sales", record["after_sales_id"], record, parent=record["order_id"], status=record["status"])
        self._save_order(order)

    @staticmethod
    def _check_lines(allowed: list[dict], lines: list[dict], message: str) -> None:
        limits = {l["line_id"]: l["quantity"] for l in allowed}
        if any(l["line_id"] not in limits or l["quantity"] > limits[l["line_id"]] for l in lines):
            raise ServiceError(message)

    @staticmethod
    def _line(order: dict, line_id: str) -> dict:
        for line in order["lines"]:
            if line["line_id"] == line_id:
                return line
        raise ServiceError(f"order '{order['order_id']}' has no line '{line_id}'")

    def _gift(self, order: dict, gift_id: str) -> dict:
        return next(g for line in order["lines"] for g in line["gifts"] if g["gift_id"] == gift_id)

    @staticmethod
    def _deadline(record: dict, name: str, due: datetime, met_at: datetime | None = None) -> None:
        record["deadlines"].append({"name": name, "due_at": iso(due), "met_at": iso(met_at) if met_at else None})

    @staticmethod
    def _meet(record: dict, name: str, at: datetime) -> None:
        for deadline in record["deadlines"]:
            if deadline["name"] == name and deadline["met_at"] is None:
                deadline["met_at"] = iso(at)


def _line_set(lines: list[dict]) -> frozenset[tuple[str, int]]:
    return frozenset((l["line_id"], l["quantity"]) for l in lines)
