"""After-sales consultations (售后咨询) and complaints (投诉), annex A's flow: receive → acknowledge →
assess → respond (or hand over / escalate to the platform) → close (5.1.1.g, 5.1.4.b/e/g/h, 5.3.3.e,
5.3.4.c/d, 5.2.1.c); serious complaints are coordinated with the parties 5.3.1.b and 5.3.2.f name.

Feedback the system gives at a later time (a consultation's answer, the platform's intervention when
a complaint's handler stays silent) is stamped with the time it falls due and shown as soon as the
clock has reached it: reading a record brings it up to date first.
"""

from datetime import datetime

from .catalogue import Catalogue
from .clock import ManualClock
from .live_sessions import LiveSessions
from .orders import Orders
from .platform_rules import PlatformRule
from .records import ServiceError, iso, parse
from .rules.consultations import HANDOVER_DEPARTMENT
from .store import Store


class Consultations:
    """Consultations and complaints. Each keeps beside it when its feedback falls due (a consultation's
    answer: feedback_at; a silent handler's complaint taken over by the platform: escalate_at)."""

    def __init__(self, store: Store, catalogue: Catalogue, orders: Orders, live_sessions: LiveSessions, rules,
                 platform_rules: dict[str, PlatformRule], clock: ManualClock):
        self.store, self.catalogue, self.orders, self.live_sessions = store, catalogue, orders, live_sessions
        self.rules, self.platform_rules, self.clock = rules, platform_rules, clock

    # --- consultations -------------------------------------------------------------------------
    def consultation_channels(self) -> list[dict]:
        return list(self.rules.consultation_channels())

    def submit_consultation(self, consumer_id: str, channel_id: str, topic: str, text: str,
                            order_id: str | None = None, product_id: str | None = None,
                            live_session_id: str | None = None) -> dict:
        self.catalogue.party(consumer_id, "consumer")
        channel = next((c for c in self.rules.consultation_channels() if c["channel_id"] == channel_id), None)
        if channel is None:
            raise ServiceError(f"no consultation channel '{channel_id}' (describe() lists them)")
        if order_id is not None and self.store.get("order", order_id)["consumer_id"] != consumer_id:
            raise ServiceError(f"order '{order_id}' is not this consumer's")
        if product_id is not None:
            self.catalogue.get_product(product_id)
        if live_session_id is not None:
            self.live_sessions.open_session(live_session_id)
        now = self.clock.now()
        limit = self.platform_rules["after_sales_inquiry_response_limit"].duration
        # The merchant's customer service is staffed for its streams (5.2.3.b); the others answer within the limit.
        feedback_at = (self.rules.merchant_service_reply_at(now, limit) if channel["addressed_to"] == "merchant"
                       else self.rules.consultation_feedback_at(now, limit))
        record = {
            "consultation_id": self.store.new_id("consultation"), "consumer_id": consumer_id, "order_id": order_id,
            "channel_id": channel_id, "channel_kind": channel["kind"], "addressed_to": channel["addressed_to"],
            "topic": topic, "text": self.rules.recorded_text(text), "submitted_at": iso(now),
            "feedback_due_at": iso(now + limit), "status": "awaiting_feedback", "answer": None, "handover": None,
        }
        if product_id is not None or live_session_id is not None:
            record.update(product_id=product_id, live_session_id=live_session_id)
        return self._consultation_now(record, {"feedback_at": iso(feedback_at)})

    def get_consultation(self, consultation_id: str) -> dict:
        return self._consultation_now(*self.store.get_with_kept("consultation", consultation_id))

    def _consultation_now(self, record: dict, kept: dict) -> dict:
        at = parse(kept["feedback_at"])
        if record["status"] == "awaiting_feedback" and self.clock.now() >= at:
            self._give_feedback(record, at)
        self.store.put("consultation", record["consultation_id"], record, parent=record["consumer_id"],
                       status=record["status"], kept=kept)
        return record

    def _give_feedback(self, record: dict, at: datetime) -> None:
        if self.rules.consultation_route(record["topic"]) == "answer":
            record["status"] = "answered"
            if record["topic"] == "logistics":  # the order's actual shipping status (5.3.2.h-1)
                shipment = self.orders.get_order(record["order_id"])["shipment"] if record["order_id"] else None
                text = self.rules.logistics_answer(shipment)
            else:
                text = self.rules.consultation_answer(record["topic"])
            record["answer"] = {"by": record["addressed_to"], "text": text, "at": iso(at)}
        else:  # returns, exchanges, refunds: passed to the platform's after-sales department (5.3.3.e-2, 5.3.4.d-2)
            record["status"] = "handed_over"
            record["handover"] = {"department": HANDOVER_DEPARTMENT, "at": iso(at), "progress": "received", "outcome": None}

    # --- complaints ------------------------------------------------------------------------------
    def submit_complaint(self, consumer_id: str, against: str, text: str, order_id: str | None = None,
                         severity: str = "ordinary", compensation_claim_fen: int | None = None) -> dict:
        self.catalogue.party(consumer_id, "consumer")
        if order_id is not None and self.store.get("order", order_id)["consumer_id"] != consumer_id:
            raise ServiceError(f"order '{order_id}' is not this consumer's")
        now = self.clock.now()
        limit = self.platform_rules["complaint_feedback_time_limit"].duration
        handler = self.rules.complaint_handler(against)
        record = {
            "complaint_id": self.store.new_id("complaint"), "consumer_id": consumer_id, "against": against,
            "order_id": order_id, "text": self.rules.recorded_text(text), "received_at": iso(now), "handled_by": handler,
            "feedback_due_at": iso(now + limit), "status": "acknowledged", "responses": [], "outcome": None,
            "history": [_event("received", now, "platform", "投诉已受理"),
                        _event("acknowledged", now, "platform", f"已转交{_ROLE_ZH[handler]}处理")],
            "severity": "ordinary", "compensation_claim_fen": compensation_claim_fen, "coordination": None,
            "emergency": None,
        }
        if self.rules.complaint_severity(severity, compensation_claim_fen, False) == "serious":
            self._coordinate(record, now)
        return self._complaint_now(record, {"escalate_at": iso(self.rules.complaint_escalation_at(now, limit))})

    def _coordinate(self, record: dict, now: datetime) -> None:
        """A serious complaint (5.3.1.b, 5.3.2.f): the party it is against brings in the others to
        establish the facts and agree the solution, and the emergency mechanism starts when its
        criterion is met."""
        against = record["against"]
        parties = self.rules.coordination_parties(against)
        record["severity"] = "serious"
        record["coordination"] = {"coordinated_by": against, "started_at": iso(now), "parties": list(parties),
                                  "solution_with": self.rules.solution_partner(against), "solution_agreed_at": None}
        record["status"] = "coordinating"
        record["history"].append(_event("coordinating", now, against,
                                        "严重投诉：已协调" + "、".join(_ROLE_ZH[p] for p in parties) + "核实情况、商议解决方案"))
        threshold = self.platform_rules["serious_complaint_emergency_threshold"].value
        if self.rules.emergency_needed(record["compensation_claim_fen"], threshold):
            record["emergency"] = {"activated_at": iso(now),
                                   "reason": f"赔偿请求 {record['compensation_claim_fen']} 分，达到应急处理启动标准 {threshold:g} 分"}

    def get_complaint(self, complaint_id: str) -> dict:
        return self._complaint_now(*self.store.get_with_kept("complaint", complaint_id))

    def respond_complaint(self, complaint_id: str, by: str, text: str, close: bool = False,
                          outcome: str | None = None, cannot_resolve: bool = False) -> dict:
        record, kept = self.store.get_with_kept("complaint", complaint_id)
        self._complaint_now(record, kept)
        if record["status"] == "closed":
            raise ServiceError(f"complaint '{complaint_id}' is closed")
        coordination = record["coordination"]
        allowed = {record["handled_by"], record["against"], "platform", *(coordination["parties"] if coordination else ())}
        if by not in allowed:
            raise ServiceError(f"complaint '{complaint_id}' is handled by the {record['handled_by']}, not the {by}")
        if close and not outcome:
            raise ServiceError("closing a complaint needs its outcome")
        now = self.clock.now()
        responded = {r["by"] for r in record["responses"]} | {by}
        partner = coordination["solution_with"] if coordination else None
        if close and not self.rules.complaint_closable(record["severity"], partner, responded):
            raise ServiceError(f"complaint '{complaint_id}' is serious: it is closed with a solution agreed with the "
                               f"{partner}, who has not responded yet")
        record["responses"].append({"by": by, "text": text, "at": iso(now)})
        record["history"].append(_event("responded", now, by, text))
        record["status"] = "responded"
        if coordination and by == partner and coordination["solution_agreed_at"] is None:
            coordination["solution_agreed_at"] = iso(now)
        if coordination is None and self.rules.complaint_severity(
                record["severity"], record["compensation_claim_fen"], cannot_resolve) == "serious":
            self._coordinate(record, now)
        if close:
            record["status"], record["outcome"] = "closed", outcome
            record["history"].append(_event("closed", now, by, outcome))
        return self._complaint_now(record, kept)

    def _complaint_now(self, record: dict, kept: dict) -> dict:
        at = parse(kept["escalate_at"])
        if not record["responses"] and record["status"] != "closed" and self.clock.now() >= at:
            # complaint_feedback_time_limit, on_expiry escalated_to_platform: the platform intervenes and responds
            note = "处理方未在投诉反馈时限内答复，平台已介入处理"
            record["handled_by"] = "platform"
            record["status"] = "escalated"
            record["history"].append(_event("escalated", at, "platform", note))
            record["responses"].append({"by": "platform", "text": note, "at": iso(at)})
        self.store.put("complaint", record["complaint_id"], record, parent=record["consumer_id"], status=record["status"],
                       kept=kept)
        return record


_ROLE_ZH = {"consumer": "消费者", "merchant": "商家", "live_room_operator": "直播间运营者", "platform": "平台"}


def _event(status: str, at: datetime, by: str, note: str) -> dict:
    return {"status": status, "at": iso(at), "by": by, "note": note}
