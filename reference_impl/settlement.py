"""Money owed to the consumer: settlement, the split over payment methods, and paying it when due."""

from datetime import datetime

from .records import iso, parse
from .rules.repeats import shares_within


class SettlementMixin:
    def _settle(self, record: dict, order: dict, now: datetime, due: datetime, *, purpose: str,
                channel: str | None = None, goods_refund_fen: int = 0, outbound_freight_deducted_fen: int = 0,
                outbound_freight_refunded_fen: int = 0, return_freight_refunded_fen: int = 0,
                gift_charges: list[dict] = (), compensation_fen: int = 0, cancellation_fee_fen: int = 0) -> None:
        """Record what is owed to the consumer and schedule its payment, then pay what is due now."""
        total = max(0, goods_refund_fen - outbound_freight_deducted_fen - sum(c["amount_fen"] for c in gift_charges)
                    - cancellation_fee_fen + outbound_freight_refunded_fen + return_freight_refunded_fen + compensation_fen)
        record["settlement"] = {
            "goods_refund_fen": goods_refund_fen, "outbound_freight_deducted_fen": outbound_freight_deducted_fen,
            "outbound_freight_refunded_fen": outbound_freight_refunded_fen,
            "return_freight_refunded_fen": return_freight_refunded_fen, "gift_charges": list(gift_charges),
            "compensation_fen": compensation_fen, "cancellation_fee_fen": cancellation_fee_fen, "total_refund_fen": total}
        channel = channel or record.get("_refund_channel", "original_path")  # an agreement, else the consent
        paid_with = [(p["method"], p["amount_fen"]) for p in order["payments"]]
        parts = self.rules.split_refund(total, paid_with) if channel == "original_path" else ([(channel, total)] if total else [])
        pay_at = self.rules.refund_payment_time(now, due)
        original = {method for method, _ in paid_with}
        record["refunds"] += [{"purpose": purpose, "method": method, "amount_fen": fen, "to_original_path": method in original,
                               "status": "scheduled", "due_by": iso(due), "paid_at": None, "_pay_at": iso(pay_at)}
                              for method, fen in parts]
        record["refund_method_notice"] = self.rules.refund_method_notice(
            [r["method"] for r in record["refunds"] if not r["to_original_path"]])
        name = {"goods": "refund", "freight": "refund", "service": "service_refund", "compensation": "compensation_payment"}[purpose]
        if parts:
            self._deadline(record, name, due)
        record["status"] = "processing"
        self._pay_due(record, now)

    def _pay_due(self, record: dict, now: datetime) -> None:
        for refund in record["refunds"]:
            if refund["status"] == "scheduled" and parse(refund["_pay_at"]) <= now:
                refund.update(status="paid", paid_at=refund["_pay_at"])
        if all(r["status"] == "paid" for r in record["refunds"]):
            for deadline in record["deadlines"]:
                if deadline["name"] in ("refund", "service_refund", "compensation_payment") and deadline["met_at"] is None:
                    deadline["met_at"] = max((r["paid_at"] for r in record["refunds"]), default=iso(now))
            if record["status"] == "processing" and record["settlement"] is not None:
                record["status"] = "completed"

    def _allocated(self, order: dict, requested: dict) -> int:
        line = self._line(order, requested["line_id"])
        return line["paid_fen"] * requested["quantity"] // line["quantity"]

    def _within_line_ceilings(self, order: dict, lines: list[dict], amount_fen: int) -> int:
        """`amount_fen`, cut to what the lines have not had refunded yet, and booked against them: a
        line's refunds, across all its after-sales requests, never exceed what was paid for it."""
        refunded = order["_line_refunded_fen"]
        ceilings = [self.rules.line_refund_ceiling(self._allocated(order, l), self._line(order, l["line_id"])["paid_fen"],
                                                   refunded.get(l["line_id"], 0)) for l in lines]
        amount_fen = min(amount_fen, sum(ceilings))
        for line, share in zip(lines, shares_within(amount_fen, ceilings)):
            refunded[line["line_id"]] = refunded.get(line["line_id"], 0) + share
        return amount_fen

    def _outbound_refund(self, order: dict, record: dict) -> int:
        """The share of the outbound freight the consumer paid that belongs to the goods the merchant is
        at fault for (CPL Art 24, 5.4.4.d), booked on the order so that no share is given back twice."""
        if record["freight"]["outbound_leg"] != "merchant":
            return 0
        at_fault = sum(self._allocated(order, l) for l in record["lines"])
        before = order["_outbound_fault_paid_fen"]
        order["_outbound_fault_paid_fen"] = before + at_fault
        return self.rules.outbound_freight_refund(order["shipping_charged_fen"], sum(l["paid_fen"] for l in order["lines"]),
                                                  before, at_fault)

    def _return_freight_refund(self, record: dict) -> int:
        shipment = record["return_shipment"]
        return shipment["freight_paid_fen"] if shipment and record["freight"]["return_leg"] == "merchant" else 0

