"""Assessing an after-sales request (售后申请) on its facts: granted at once, left to the merchant's judgement,
or refused with a reason (5.4.1.a, 5.4.2.a–c, 5.4.4.d).

The facts are gathered by the service (the order, its delivery, the products); the decision is made here,
from the other rules in `rules`, so a broken variant can change either the whole assessment or one rule it
uses (a window, the perishable check).
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Mapping

from .obligations import implements

Verdict = str | tuple[str, str]  # "accept", "merchant", or (rejection code, detail)


@dataclass(frozen=True)
class RequestedLine:
    """One line of the request, with what the order and the product say about it."""
    line_id: str
    quantity: int
    category: str
    legal_status: str
    return_class: str
    return_label: str
    return_window_days: int
    exclusion_confirmed: bool
    issues: Mapping[str, int] = field(default_factory=dict)  # kind of issue recorded at delivery -> quantity


@dataclass(frozen=True)
class RequestFacts:
    ground: str
    remedy: str
    lines: tuple[RequestedLine, ...]
    delivery_outcome: str | None        # None before delivery, "signed" or "lost"
    signed_at: datetime | None
    now: datetime
    discounted: bool                    # bought with a promotional discount
    perishable_report_window: timedelta
    perishable_report_window_text: str  # as declared, e.g. "48 hours"


@implements("5.4.1.a-2", "5.4.1.a-3", "5.4.2.a-1", "5.4.2.b-1", "5.4.2.b-2", "5.4.2.c-1", "5.4.4.d-1")
def assess_request(rules, facts: RequestFacts) -> Verdict:
    """The request's verdict under the rules: no-reason returns within the promised window and not excluded,
    transit damage, wrong or missing items as recorded at delivery (within 7/15 days for damage), perishables
    reported within the declared window, prohibited goods, a lost parcel; a quality problem or a service below
    its description needs the merchant's judgement."""
    ground, remedy, lines = facts.ground, facts.remedy, facts.lines
    if remedy not in rules.remedies_offered(ground):
        return "remedy_not_offered", f"{remedy} is not a remedy for {ground}"
    is_service = [line.category == "service" for line in lines]
    if (ground == "service_below_description") != all(is_service) or any(is_service) != all(is_service):
        return "remedy_not_offered", "service grounds are for service goods only, goods grounds for goods only"
    if ground == "not_delivered":
        return "accept" if facts.delivery_outcome == "lost" else ("not_verified", "the delivery is not recorded as lost")
    if facts.signed_at is None:
        return "not_delivered_yet", "the consumer has not signed for the order"
    if ground == "service_below_description":
        return "merchant"
    if ground == "no_reason":
        for line in lines:
            code = rules.no_reason_exclusion(line.return_class, line.exclusion_confirmed)
            if code:
                return code, line.return_label
            if facts.now >= rules.window_closes_at(facts.signed_at, line.return_window_days):
                return "outside_window", f"no-reason return period of {line.return_window_days} days after signing has passed"
        return "accept"
    if ground in ("transit_damage", "wrong_item", "missing_item"):
        for line in lines:
            if line.issues.get(ground, 0) < line.quantity:
                return "not_verified", f"{ground} is not recorded for {line.quantity} of line {line.line_id}"
        days = rules.transit_damage_days(remedy)
        if ground == "transit_damage" and facts.now >= rules.window_closes_at(facts.signed_at, days):
            return "outside_window", f"transit damage {remedy} is available for {days} days after signing"
        return "accept"
    if ground == "quality_problem":
        hours = facts.perishable_report_window.total_seconds() / 3600
        if any(rules.perishable(line.category) for line in lines) and \
                facts.now >= rules.report_window_closes_at(facts.signed_at, hours):
            return "outside_window", f"perishable quality problems are reported within {facts.perishable_report_window_text} of signing"
        return "merchant"
    if ground == "prohibited_goods":
        if all(rules.prohibited(line.legal_status) for line in lines):
            return "accept"
        return "not_verified", "the platform has not found the goods prohibited or restricted"
    raise ValueError(f"unknown ground {ground}")
