"""Platform intervention and agreements between merchant and consumer (5.4.3.b–c, 5.4.4.b–d)."""

from datetime import datetime

from .after_sales_requests import Requests
from .clock import ManualClock
from .platform_rules import PlatformRule
from .records import Case, ServiceError, add_deadline, iso, meet_deadline
from .rules.disputes import EVIDENCE_FROM, FINAL, Decision
from .store import Store


class Disputes:
    def __init__(self, store: Store, requests: Requests, rules, platform_rules: dict[str, PlatformRule],
                 clock: ManualClock):
        self.store, self.requests = store, requests
        self.rules, self.platform_rules, self.clock = rules, platform_rules, clock

    def request_intervention(self, after_sales_id: str, note: str = "") -> dict:
        case = self.requests.load(after_sales_id)
        record = case.record
        if not self.rules.intervention_open(record["status"], record["intervention"] is not None):
            raise ServiceError(f"after-sales request '{after_sales_id}' is {record['status']}; the platform cannot intervene now")
        now = self.clock.now()
        case.books["status_before_intervention"] = record["status"]
        record["intervention"] = {"requested_at": iso(now), "status": "negotiating", "negotiation_ends_at": None,
                                  "evidence_requested_from": [], "evidence": [], "decision": None}
        period = self.rules.negotiation_period(self._prohibited(case), self.platform_rules["negotiation_period"].duration)
        if period is None:
            self._decide(case, self._platform_decision(case), now)
        else:  # 5.4.4.b: a negotiation period, with evidence from both sides
            ends = now + period
            record["intervention"].update(negotiation_ends_at=iso(ends), evidence_requested_from=list(EVIDENCE_FROM))
            record["status"] = "in_intervention"
            add_deadline(record, "negotiation", ends)
        self.requests.save(case)
        return record

    def submit_evidence(self, after_sales_id: str, party: str, kind: str, description: str) -> dict:
        case = self.requests.load(after_sales_id)
        intervention = case.record["intervention"]
        if not intervention or intervention["status"] != "negotiating":
            raise ServiceError(f"after-sales request '{after_sales_id}' has no intervention collecting evidence")
        intervention["evidence"].append({"party": party, "kind": kind, "description": description,
                                         "submitted_at": iso(self.clock.now())})
        self.requests.save(case)
        return case.record

    def record_agreement(self, order_id: str, remedy: str | None, after_sales_id: str | None = None,
                         amount_fen: int | None = None, channel: str = "original_path", pay_by: datetime | None = None,
                         note: str = "", confirmed_by: list[str] = ("merchant", "consumer")) -> tuple[dict, dict | None]:
        self.store.get("order", order_id)
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
        case = self.requests.load(after_sales_id)
        record = case.record
        if record["order_id"] != order_id:
            raise ServiceError(f"after-sales request '{after_sales_id}' is not about order '{order_id}'")
        record["agreements"].append(agreement)
        if remedy == "compensation":
            amount_fen = self.rules.compensation_amount(amount_fen, record["amount_requested_fen"])
        intervention = record["intervention"]
        negotiating = intervention is not None and intervention["status"] == "negotiating"
        if binding and negotiating:  # agreement settles the dispute (5.4.4.c)
            self._decide(case, self.rules.agreed_decision("supplementary_agreement", remedy, amount_fen), now, channel, pay_by)
        elif binding and record["status"] not in FINAL:
            self._carry_out(case, remedy, amount_fen, channel, pay_by, now)
        self.requests.save(case)
        return agreement, record

    def on_negotiation_over(self, case: Case, at: datetime) -> None:
        self._decide(case, self._platform_decision(case), at)  # 5.4.4.b: the platform decides

    def _platform_decision(self, case: Case) -> Decision:
        originals = self.store.find("agreement", parent=case.order["order_id"], statuses=("original",))
        evidence = case.record["intervention"]["evidence"]
        return self.rules.platform_decision(
            case.record["remedy"], self._prohibited(case),
            (originals[-1]["remedy"], originals[-1]["amount_fen"]) if originals else None,
            sum(e["party"] == "consumer" for e in evidence), sum(e["party"] == "merchant" for e in evidence))

    def _decide(self, case: Case, decision: Decision, at: datetime, channel: str | None = None,
                pay_by: datetime | None = None) -> None:
        record = case.record
        intervention = record["intervention"]
        intervention["status"] = "decided"
        intervention["decision"] = {"decided_at": iso(at), "basis": decision.basis, "upheld": decision.upheld,
                                    "remedy": decision.remedy, "amount_fen": decision.amount_fen,
                                    "liable_party": decision.liable_party, "rule": decision.rule}
        meet_deadline(record, "negotiation", at)
        record["status"] = case.books["status_before_intervention"]
        effect = self.rules.decision_effect(decision, record["status"], case.books["remedy"])
        if effect == "carry_out":
            self._carry_out(case, decision.remedy, decision.amount_fen, channel, pay_by, at)
        elif effect == "close":
            record["status"] = "closed"

    def _carry_out(self, case: Case, remedy: str | None, amount_fen: int | None, channel: str | None,
                   pay_by: datetime | None, at: datetime) -> None:
        if remedy is None:
            case.record["status"] = "closed"  # the consumer withdrew
        else:
            self.requests.accept(case, remedy, at, amount_fen, channel, pay_by)

    def _prohibited(self, case: Case) -> bool:
        return any(self.rules.prohibited(p["legal_status"]) for p in self.requests.products(case.order, case.record["lines"]))
