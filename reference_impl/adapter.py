"""ReferenceAdapter: the contract's operations over the in-process reference system.

Each method does one translation: request dict → service call (timestamps and durations parsed) →
response dict. Retried calls are recognised here, once for every state-changing operation: a request
with an idempotency_key goes through `AfterSalesService.once` (see STATE_CHANGING below). `ReferenceAdapter(rules=DEFAULT_RULES.replace(...))` builds a deliberately broken
system for mutation tests.
"""

import functools
import re
from datetime import datetime, timedelta

from .platform_rules import PlatformRule
from .records import iso, parse
from .rules import DEFAULT_RULES, Rules
from .system import AfterSalesService

_ISO_DURATION = re.compile(r"P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?")


def parse_duration(value: int | str) -> timedelta:
    """Whole seconds, or an ISO 8601 duration in days, hours, minutes and seconds (contract $defs/duration)."""
    if isinstance(value, int):
        return timedelta(seconds=value)
    days, hours, minutes, seconds = (int(part or 0) for part in _ISO_DURATION.fullmatch(value).groups())
    return timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)


# The operations that change the system's state (contract 1.4: they accept an idempotency_key). The
# read-only ones and the test clock (advancing "to" a time is naturally repeatable) do not.
STATE_CHANGING = (
    "create_party", "create_product", "place_order", "deliver_order", "request_after_sales", "merchant_decide",
    "ship_return", "receive_return", "inspect_return", "request_intervention", "submit_evidence", "record_agreement",
    "cancel_service_order", "submit_review", "request_review_removal", "file_review_appeal", "record_consent",
    "withdraw_consent", "request_data_disclosure", "report_incident", "submit_consultation", "submit_complaint",
    "respond_complaint", "open_live_session", "close_live_session", "update_live_stock", "post_live_comment",
    "submit_violation_report")


def _recognising_retries(op: str, method):
    @functools.wraps(method)
    def call(self, request: dict) -> dict:
        key = request.pop("idempotency_key", None)
        if key is None:
            return method(self, request)
        return self.service.once(key, op, request, lambda: method(self, request))
    return call


def _recognise_retries(cls: type) -> None:
    """Wrap the state-changing operations `cls` defines itself (a subclass overriding one keeps the rule)."""
    for op in STATE_CHANGING:
        if callable(vars(cls).get(op)):  # a subclass may also remove an operation (None)
            setattr(cls, op, _recognising_retries(op, vars(cls)[op]))


def _time(request: dict, key: str) -> datetime | None:
    return parse(request[key]) if request.get(key) else None


class ReferenceAdapter:
    def __init__(self, rules: Rules = DEFAULT_RULES, platform_rules: dict[str, PlatformRule] | None = None,
                 service: AfterSalesService | None = None):
        self.service = service or AfterSalesService(rules=rules, platform_rules=platform_rules)

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        _recognise_retries(cls)

    def describe(self, request: dict) -> dict:
        return self.service.describe()

    def clock_now(self, request: dict) -> dict:
        return {"now": iso(self.service.now())}

    def clock_advance(self, request: dict) -> dict:
        target = parse(request["to"]) if "to" in request else self.service.now() + parse_duration(request["by"])
        return {"now": iso(self.service.advance_to(target))}

    def create_party(self, request: dict) -> dict:
        return self.service.catalogue.create_party(request["kind"], request["display_name"])

    def create_product(self, request: dict) -> dict:
        return {"product": self.service.catalogue.create_product(**request)}

    def get_product(self, request: dict) -> dict:
        return {"product": self.service.catalogue.get_product(request["product_id"])}

    def place_order(self, request: dict) -> dict:
        return {"order": self.service.orders.place_order(**request)}

    def get_order(self, request: dict) -> dict:
        return {"order": self.service.orders.get_order(request["order_id"])}

    def deliver_order(self, request: dict) -> dict:
        return {"order": self.service.orders.deliver_order(request["order_id"], request["outcome"], _time(request, "signed_at"),
                                                    request.get("issues", []))}

    def request_after_sales(self, request: dict) -> dict:
        return {"after_sales": self.service.requests.request_after_sales(**request)}

    def merchant_decide(self, request: dict) -> dict:
        return {"after_sales": self.service.requests.merchant_decide(**request)}

    def ship_return(self, request: dict) -> dict:
        return {"after_sales": self.service.returns.ship_return(**request)}

    def receive_return(self, request: dict) -> dict:
        return {"after_sales": self.service.returns.receive_return(**request)}

    def inspect_return(self, request: dict) -> dict:
        return {"after_sales": self.service.returns.inspect_return(**request)}

    def get_after_sales(self, request: dict) -> dict:
        return {"after_sales": self.service.requests.get_after_sales(request["after_sales_id"])}

    def request_intervention(self, request: dict) -> dict:
        return {"after_sales": self.service.disputes.request_intervention(**request)}

    def submit_evidence(self, request: dict) -> dict:
        return {"after_sales": self.service.disputes.submit_evidence(**request)}

    def record_agreement(self, request: dict) -> dict:
        agreement, after_sales = self.service.disputes.record_agreement(**{**request, "pay_by": _time(request, "pay_by")})
        return {"agreement": agreement, "after_sales": after_sales}

    def cancel_service_order(self, request: dict) -> dict:
        return {"after_sales": self.service.requests.cancel_service_order(**request)}

    def submit_review(self, request: dict) -> dict:
        return {"review": self.service.reviews.submit_review(**request)}

    def list_reviews(self, request: dict) -> dict:
        return {"reviews": self.service.reviews.list_reviews(request["product_id"])}

    def request_review_removal(self, request: dict) -> dict:
        removal, review = self.service.reviews.request_review_removal(**request)
        return {"removal": removal, "review": review}

    def file_review_appeal(self, request: dict) -> dict:
        appeal, review = self.service.reviews.file_review_appeal(**request)
        return {"appeal": appeal, "review": review}

    def record_consent(self, request: dict) -> dict:
        return {"consent": self.service.personal_data.record_consent(**request)}

    def withdraw_consent(self, request: dict) -> dict:
        return {"consent": self.service.personal_data.withdraw_consent(request["consent_id"])}

    def request_data_disclosure(self, request: dict) -> dict:
        return {"disclosure": self.service.personal_data.request_data_disclosure(**request)}

    def report_incident(self, request: dict) -> dict:
        return {"incident": self.service.personal_data.report_incident(**{**request, "detected_at": _time(request, "detected_at")})}

    def submit_consultation(self, request: dict) -> dict:
        return {"consultation": self.service.consultations.submit_consultation(**request)}

    def get_consultation(self, request: dict) -> dict:
        return {"consultation": self.service.consultations.get_consultation(request["consultation_id"])}

    def submit_complaint(self, request: dict) -> dict:
        return {"complaint": self.service.consultations.submit_complaint(**request)}

    def respond_complaint(self, request: dict) -> dict:
        return {"complaint": self.service.consultations.respond_complaint(**request)}

    def get_complaint(self, request: dict) -> dict:
        return {"complaint": self.service.consultations.get_complaint(request["complaint_id"])}

    def open_live_session(self, request: dict) -> dict:
        return {"live_session": self.service.live_sessions.open_live_session(**request)}

    def close_live_session(self, request: dict) -> dict:
        return {"live_session": self.service.live_sessions.close_live_session(request["live_session_id"])}

    def get_live_session(self, request: dict) -> dict:
        return {"live_session": self.service.live_sessions.get_live_session(request["live_session_id"])}

    def get_live_product(self, request: dict) -> dict:
        card, page = self.service.live_sessions.get_live_product(request["live_session_id"], request["product_id"])
        return {"card": card, "page": page}

    def update_live_stock(self, request: dict) -> dict:
        return {"card": self.service.live_sessions.update_live_stock(**request)}

    def post_live_comment(self, request: dict) -> dict:
        return {"comment": self.service.live_sessions.post_live_comment(**request)}

    def submit_violation_report(self, request: dict) -> dict:
        return {"report": self.service.live_sessions.submit_violation_report(**request)}

    def get_violation_report(self, request: dict) -> dict:
        return {"report": self.service.live_sessions.get_violation_report(request["report_id"])}

    def get_after_sales_rules(self, request: dict) -> dict:
        return {"rules": self.service.after_sales_rules()}


_recognise_retries(ReferenceAdapter)
