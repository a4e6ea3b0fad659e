"""Platform intervention and agreements between merchant and consumer (5.4.3.b–c, 5.4.4.b–d)."""

from datetime import datetime

from .records import ServiceError, iso, public
from .rules.disputes import EVIDENCE_FROM, FINAL, Decision


class DisputesMixin:
    def request_intervention(self, after_sales_id: str, note: str = "") -> dict:
        record, order = self._load(after_sales_id)
        if not self.rules.intervention_open(record["status"], record["intervention"] is not None):
            raise ServiceError(f"after-sales request '{after_sales_id}' is {record['status']}; the platform cannot intervene now")
        now = self.clock.now()
        record["_status_before_intervention"] = record["status"]
        record["intervention"] = {"requested_at": iso(now), "status": "negotiating", "negotiation_ends_at": None,
                                  "evidence_requested_from": [], "evidence": [], "decision": None}
        period = self.rules.negotiation_period(self._prohibited(order, record),
                                               self.platform_rules["negotiation_period"].duration)
        if period is None:
            self._decide(record, order, self._platform_decision(record, order), now)
        else:  # 5.4.4.b: a negotiation period, with evidence from both sides
            ends = now + period
            record["intervention"].update(negotiation_ends_at=iso(ends), evidence_requested_from=list(EVIDENCE_FROM))
            record["status"] = "in_intervention"
            self._deadline(record, "negotiation", ends)
        self._save(record, order)
        return public(record)

    def submit_evidence(self, after_sales_id: str, party: str, kind: str, description: str) -> dict:
        record, order = self._load(after_sales_id)
        if not record["intervention"] or record["intervention"]["status"] != "negotiating":
            raise ServiceError(f"after-sales request '{after_sales_id}' has no intervention collecting evidence")
        record["intervention"]["evidence"].append({"party": party, "kind": kind, "description": description,
                                                   "submitted_at": iso(self.clock.now())})
        self._save(record, order)
        return public(record)

    def record_agreement(self, order_id: str, remedy: str | None, after_sales_id: str | None = None,
                         amount_fen: int | None = None, channel: str = "original_path", pay_by: datetime | None = None,
                         note: str = "", confirmed_by: list[str] = ("merchant", "consumer")) -> tuple[dict, dict | None]:
        order = self.store.get("order", order_id)
        now = self.clock.now()
        agreement_id = self.store.new_id("agreement")
        agreement = {"agreement_id": agreement_id, "order_id": order_id, "after_sales_id": after_sales_id,
                     "kind": "supplementary" if after_sales_id else "original", "remedy": remedy,
                     "amount_fen": amount_fen, "channel": channel, "pay_by": iso(pay_by) if pay_by else None,
                     "recorded_at": iso(now), "note": note, "confirmed_by": list(confirmed_by)}
        binding = set(confirmed_by) == {"merchant", "consumer"}  # a one-sided proposal binds nobody
        self.store.put("agreement", agreement_id, agreement, parent=order_id, status=agreement["kind"] if binding else "proposal")
        if after_sales_id is None:
            return agreement, None
        record, order = self._load(after_sales_id)
        if record["order_id"] != order_id:
            raise ServiceError(f"after-sales request '{after_sales_id}' is not about order '{order_id}'")
        record["agreements"].append(agreement)
        if remedy == "compensation":
            amount_fen = self.rules.compensation_amount(amount_fen, record["amount_requested_fen"])
        intervention = record["intervention"]
        negotiating = intervention is not None and intervention["status"] == "negotiating"
        if binding and negotiating:  # agreement settles the dispute (5.4.4.c)
            self._decide(record, order, self.rules.agreed_decision("supplementary_agreement", remedy, amount_fen), now,
                         channel, pay_by)
        elif binding and record["status"] not in FINAL:
            self._carry_out(record, order, remedy, amount_fen, channel, pay_by, now)
        self._save(record, order)
        return agreement, public(record)

    def _platform_decision(self, record: dict, order: dict) -> Decision:
        originals = self.store.find("agreement", parent=order["order_id"], statuses=("original",))
        evidence = record["intervention"]["evidence"]
        return self.rules.platform_decision(
            record["remedy"], self._prohibited(order, record),
            (originals[-1]["remedy"], originals[-1]["amount_fen"]) if originals else None,
            sum(e["party"] == "consumer" for e in evidence), sum(e["party"] == "merchant" for e in evidence))

    def _on_negotiation_over(self, record: dict, order: dict, at: datetime) -> None:
        self._decide(record, order, self._platform_decision(record, order), at)  # 5.4.4.b: the platform decides

    def _decide(self, record: dict, order: dict, decision: Decision, at: datetime, channel: str | None = None,
                pay_by: datetime | None = None) -> None:
        intervention = record["intervention"]
        intervention["status"] = "decided"
        intervention["decision"] = {"decided_at": iso(at), "basis": decision.basis, "upheld": decision.upheld,
                                    "remedy": decision.remedy, "amount_fen": decision.amount_fen,
                                    "liable_party": decision.liable_party, "rule": decision.rule}
        self._meet(record, "negotiation", at)
        record["status"] = record.pop("_status_before_intervention")
        contested = record["status"] in ("pending_merchant", "rejected")
        if decision.upheld and (contested or decision.remedy != record.get("_remedy") or decision.amount_fen is not None):
            self._carry_out(record, order, decision.remedy, decision.amount_fen, channel, pay_by, at)
        elif not decision.upheld and contested:
            record["status"] = "closed"
        # otherwise the request is already being carried out as decided

    def _carry_out(self, record, order, remedy, amount_fen, channel, pay_by, at) -> None:
        if remedy is None:
            record["status"] = "closed"  # the consumer withdrew
        else:
            self._accept(record, order, remedy, at, amount_fen, channel, pay_by)

    def _prohibited(self, order: dict, record: dict) -> bool:
        return any(self.rules.prohibited(self.get_product(self._line(order, l["line_id"])["product_id"])["legal_status"])
                   for l in record["lines"])
