"""Money owed to the consumer: settlement, the split over payment methods, and paying it when due."""

from datetime import datetime

from .orders import allocated_fen, order_line
from .records import Case, OrderBooks, add_deadline, iso, parse
from .rules.repeats import shares_within

REFUND_DEADLINES = {"goods": "refund", "freight": "refund", "service": "service_refund", "compensation": "compensation_payment"}


class Settlement:
    def __init__(self, rules):
        self.rules = rules

    def settle(self, case: Case, now: datetime, due: datetime, *, purpose: str, channel: str | None = None,
               goods_refund_fen: int = 0, outbound_freight_deducted_fen: int = 0, outbound_freight_refunded_fen: int = 0,
               return_freight_refunded_fen: int = 0, gift_charges: list[dict] = (), compensation_fen: int = 0,
               cancellation_fee_fen: int = 0) -> None:
        """Record what is owed to the consumer and schedule its payment, then pay what is due now."""
        record, order = case.record, case.order
        total = max(0, goods_refund_fen - outbound_freight_deducted_fen - sum(c["amount_fen"] for c in gift_charges)
                    - cancellation_fee_fen + outbound_freight_refunded_fen + return_freight_refunded_fen + compensation_fen)
        record["settlement"] = {
            "goods_refund_fen": goods_refund_fen, "outbound_freight_deducted_fen": outbound_freight_deducted_fen,
            "outbound_freight_refunded_fen": outbound_freight_refunded_fen,
            "return_freight_refunded_fen": return_freight_refunded_fen, "gift_charges": list(gift_charges),
            "compensation_fen": compensation_fen, "cancellation_fee_fen": cancellation_fee_fen, "total_refund_fen": total}
        channel = channel or case.books["refund_channel"]  # an agreement, else the consumer's consent
        paid_with = [(p["method"], p["amount_fen"]) for p in order["payments"]]
        parts = self.rules.split_refund(total, paid_with) if channel == "original_path" else ([(channel, total)] if total else [])
        pay_at = iso(self.rules.refund_payment_time(now, due))
        original = {method for method, _ in paid_with}
        record["refunds"] += [{"purpose": purpose, "method": method, "amount_fen": fen, "to_original_path": method in original,
                               "status": "scheduled", "due_by": iso(due), "paid_at": None} for method, fen in parts]
        case.books["refund_pay_at"] += [pay_at] * len(parts)
        record["refund_method_notice"] = self.rules.refund_method_notice(
            [r["method"] for r in record["refunds"] if not r["to_original_path"]])
        if parts:
            add_deadline(record, REFUND_DEADLINES[purpose], due)
        record["status"] = "processing"
        self.pay_due(case, now)

    def pay_due(self, case: Case, now: datetime) -> None:
        record = case.record
        for refund, pay_at in zip(record["refunds"], case.books["refund_pay_at"]):
            if refund["status"] == "scheduled" and parse(pay_at) <= now:
                refund.update(status="paid", paid_at=pay_at)
        if all(r["status"] == "paid" for r in record["refunds"]):
            for deadline in record["deadlines"]:
                if deadline["name"] in REFUND_DEADLINES.values() and deadline["met_at"] is None:
                    deadline["met_at"] = max((r["paid_at"] for r in record["refunds"]), default=iso(now))
            if record["status"] == "processing" and record["settlement"] is not None:
                record["status"] = "completed"

    def within_line_ceilings(self, order: dict, books: OrderBooks, lines: list[dict], amount_fen: int) -> int:
        """`amount_fen`, cut to what the lines have not had refunded yet, and booked against them: a
        line's refunds, across all its after-sales requests, never exceed what was paid for it."""
        refunded = books["line_refunded_fen"]
        ceilings = [self.rules.line_refund_ceiling(allocated_fen(order, l), order_line(order, l["line_id"])["paid_fen"],
                                                   refunded.get(l["line_id"], 0)) for l in lines]
        amount_fen = min(amount_fen, sum(ceilings))
        for line, share in zip(lines, shares_within(amount_fen, ceilings)):
            refunded[line["line_id"]] = refunded.get(line["line_id"], 0) + share
        return amount_fen

    def outbound_refund(self, case: Case) -> int:
        """The share of the outbound freight the consumer paid that belongs to the goods the merchant is
        at fault for (CPL Art 24, 5.4.4.d), booked on the order so that no share is given back twice."""
        record, order = case.record, case.order
        if record["freight"]["outbound_leg"] != "merchant":
            return 0
        at_fault = sum(allocated_fen(order, l) for l in record["lines"])
        before = case.order_books["outbound_fault_paid_fen"]
        case.order_books["outbound_fault_paid_fen"] = before + at_fault
        return self.rules.outbound_freight_refund(order["shipping_charged_fen"], sum(l["paid_fen"] for l in order["lines"]),
                                                  before, at_fault)


def return_freight_refund(record: dict) -> int:
    shipment = record["return_shipment"]
    return shipment["freight_paid_fen"] if shipment and record["freight"]["return_leg"] == "merchant" else 0
