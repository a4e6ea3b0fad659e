"""Consumers' personal data (4.3, 5.3.2.a, 5.3.3.a, 5.3.3.b): separate consents, requests to give data to
others (decided and recorded), and personal information incidents with the PIPL Art 57 notifications.
Data types are category names; the reference system holds no personal data values at all."""

from datetime import datetime

from .catalogue import Catalogue
from .clock import ManualClock
from .records import ServiceError, iso
from .rules.privacy import REMEDIAL_MEASURES
from .store import Store


class PersonalData:
    def __init__(self, store: Store, catalogue: Catalogue, rules, clock: ManualClock):
        self.store, self.catalogue, self.rules, self.clock = store, catalogue, rules, clock

    def record_consent(self, consumer_id: str, recipient: dict, purpose: str, data_types: list[str]) -> dict:
        self.catalogue.party(consumer_id, "consumer")
        consent_id = self.store.new_id("consent")
        consent = {"consent_id": consent_id, "consumer_id": consumer_id, "recipient": dict(recipient), "purpose": purpose,
                   "data_types": list(data_types), "given_at": iso(self.clock.now()), "withdrawn_at": None}
        self.store.put("consent", consent_id, consent, parent=consumer_id, status="given")
        return consent

    def withdraw_consent(self, consent_id: str) -> dict:
        consent = self.store.get("consent", consent_id)
        if consent["withdrawn_at"] is None:
            consent["withdrawn_at"] = iso(self.clock.now())
            self.store.put("consent", consent_id, consent, parent=consent["consumer_id"], status="withdrawn")
        return consent

    def request_data_disclosure(self, discloser: str, consumer_id: str, recipient: dict, purpose: str,
                                data_types: list[str], consent_id: str | None, order_id: str | None = None) -> dict:
        self.catalogue.party(consumer_id, "consumer")
        if order_id is not None and self.store.get("order", order_id)["consumer_id"] != consumer_id:
            raise ServiceError(f"order '{order_id}' is not the consumer's")
        consent = self.store.get("consent", consent_id) if consent_id else None
        decision, basis, reason = self.rules.disclosure_decision(consumer_id, recipient, data_types, consent)
        disclosure_id = self.store.new_id("disclosure")
        disclosure = {"disclosure_id": disclosure_id, "discloser": discloser, "consumer_id": consumer_id,
                      "recipient": dict(recipient), "purpose": purpose, "data_types": list(data_types),
                      "consent_id": consent_id, "decision": decision, "legal_basis": basis, "reason": reason,
                      "decided_at": iso(self.clock.now())}
        self.store.put("disclosure", disclosure_id, disclosure, parent=consumer_id, status=decision)
        return disclosure

    def report_incident(self, data_types: list[str], cause: str, affected_consumer_ids: list[str],
                        detected_at: datetime | None = None) -> dict:
        now = self.clock.now()
        detected_at = detected_at or now
        if detected_at > now:
            raise ServiceError("detected_at is in the future of the system's clock")
        for consumer_id in affected_consumer_ids:
            self.catalogue.party(consumer_id, "consumer")
        started = self.rules.remedial_start(now)
        incident_id = self.store.new_id("incident")
        incident = {"incident_id": incident_id, "data_types": list(data_types), "cause": cause,
                    "affected_consumer_ids": list(affected_consumer_ids), "detected_at": iso(detected_at),
                    "reported_at": iso(now), "remedial_measures_started_at": iso(started) if started else None,
                    "remedial_measures": list(REMEDIAL_MEASURES) if started else [],
                    "notifications": self.rules.incident_notifications(data_types, cause, affected_consumer_ids)}
        self.store.put("incident", incident_id, incident, status="open")
        return incident
