"""The pure rules of the reference system: no I/O, no clock, no storage.

`Rules` bundles every rule function the service calls. A deliberately broken system for a mutation
test swaps one of them: `dataclasses.replace(DEFAULT_RULES, window_closes_at=counted_from_signing_day)`.
"""

from dataclasses import dataclass, replace
from typing import Callable

from . import consultations
from . import deadlines, disputes, eligibility, freight, intactness, money, windows
from . import complaints, privacy, repeats, reviews


@dataclass(frozen=True)
class Rules:
    window_closes_at: Callable = windows.window_closes_at
    report_window_closes_at: Callable = windows.report_window_closes_at
    remedies_offered: Callable = eligibility.remedies_offered
    shown_return_class: Callable = eligibility.shown_return_class
    no_reason_exclusion: Callable = eligibility.no_reason_exclusion
    return_label: Callable = eligibility.return_label
    failed_checks: Callable = intactness.failed_checks
    return_refusal: Callable = intactness.return_refusal
    freight_legs: Callable = freight.freight_legs
    outbound_freight_deduction: Callable = freight.outbound_freight_deduction
    outbound_freight_refund: Callable = freight.outbound_freight_refund
    allocate_paid: Callable = money.allocate_paid
    kept_cost: Callable = money.kept_cost
    goods_refund: Callable = money.goods_refund
    split_refund: Callable = money.split_refund
    deductions_allowed: Callable = money.deductions_allowed
    gift_charge: Callable = money.gift_charge
    cancellation_fee: Callable = money.cancellation_fee
    refund_payment_time: Callable = deadlines.refund_payment_time
    agreed_decision: Callable = disputes.agreed_decision
    platform_decision: Callable = disputes.platform_decision
    review_removal_decision: Callable = reviews.removal_decision
    listed_reviews: Callable = reviews.listed
    review_during_appeal: Callable = reviews.review_during_appeal
    reviewable: Callable = reviews.reviewable
    disclosure_decision: Callable = privacy.disclosure_decision
    remedial_start: Callable = privacy.remedial_start
    incident_notifications: Callable = privacy.incident_notifications
    consultation_route: Callable = consultations.consultation_route
    consultation_answer: Callable = consultations.consultation_answer
    consultation_feedback_at: Callable = consultations.consultation_feedback_at
    complaint_handler: Callable = consultations.complaint_handler
    complaint_escalation_at: Callable = consultations.complaint_escalation_at
    recorded_text: Callable = consultations.recorded_text
    repeated_request: Callable = repeats.repeated_request
    line_refund_ceiling: Callable = repeats.line_refund_ceiling
    complaint_severity: Callable = complaints.complaint_severity
    coordination_parties: Callable = complaints.coordination_parties
    solution_partner: Callable = complaints.solution_partner
    complaint_closable: Callable = complaints.closable
    emergency_needed: Callable = complaints.emergency_needed

    def replace(self, **changes) -> "Rules":
        return replace(self, **changes)


DEFAULT_RULES = Rules()
