"""The pure rules of the reference system: no I/O, no clock, no storage.

`Rules` bundles every rule function the service calls; each declares with `@implements` the obligations of
the standard it decides (obligations.py), so `grep -r <obligation id> reference_impl/rules` finds its rule. A deliberately broken system for a mutation
test swaps one of them: `dataclasses.replace(DEFAULT_RULES, window_closes_at=counted_from_signing_day)`.
"""

from dataclasses import dataclass, fields, replace
from typing import Callable

from . import assessment, consultations
from . import deadlines, disputes, eligibility, freight, intactness, money, windows
from . import complaints, privacy, repeats, return_items, reviews
from . import live_sessions
from . import plans, publication
from .obligations import obligations_of


@dataclass(frozen=True)
class Rules:
    assess_request: Callable = assessment.assess_request  # given the Rules it uses, so a swap of one reaches it
    window_closes_at: Callable = windows.window_closes_at
    report_window_closes_at: Callable = windows.report_window_closes_at
    remedies_offered: Callable = eligibility.remedies_offered
    transit_damage_days: Callable = eligibility.transit_damage_days
    perishable: Callable = eligibility.perishable
    prohibited: Callable = eligibility.prohibited
    returned_with_goods: Callable = return_items.returned_with_goods
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
    compensation_amount: Callable = money.compensation_amount
    amount_without_return: Callable = money.amount_without_return
    refund_method_notice: Callable = money.refund_method_notice
    refund_payment_time: Callable = deadlines.refund_payment_time
    merchant_response_due: Callable = deadlines.merchant_response_due
    falling_due: Callable = deadlines.falling_due
    refund_due_without_return: Callable = deadlines.refund_due_without_return
    intervention_open: Callable = disputes.intervention_open
    negotiation_period: Callable = disputes.negotiation_period
    agreed_decision: Callable = disputes.agreed_decision
    platform_decision: Callable = disputes.platform_decision
    decision_effect: Callable = disputes.decision_effect
    review_removal_decision: Callable = reviews.removal_decision
    listed_reviews: Callable = reviews.listed
    review_during_appeal: Callable = reviews.review_during_appeal
    reviewable: Callable = reviews.reviewable
    disclosure_decision: Callable = privacy.disclosure_decision
    remedial_start: Callable = privacy.remedial_start
    incident_notifications: Callable = privacy.incident_notifications
    consultation_channels: Callable = consultations.consultation_channels
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
    return_freight_promised: Callable = freight.return_freight_promised
    # contract 1.5: live sessions
    stock_status: Callable = live_sessions.stock_status
    sellable: Callable = live_sessions.sellable
    live_terms: Callable = live_sessions.live_terms
    shown_card: Callable = live_sessions.shown_card
    page_information: Callable = live_sessions.page_information
    report_channel: Callable = live_sessions.report_channel
    comment_handling: Callable = live_sessions.comment_handling
    merchant_service_reply_at: Callable = live_sessions.merchant_service_reply_at
    benefit_delivery_at: Callable = live_sessions.benefit_delivery_at
    # contract 1.5: before and after the stream (5.1.3.e, 5.1.4.a, 5.3.2.b, 5.3.2.g, 5.3.2.h, 5.3.2.j)
    plan_problem: Callable = plans.plan_problem
    promised_shipment: Callable = plans.promised_shipment
    ship_time: Callable = plans.ship_time
    published_rules: Callable = publication.published_rules
    assisted_verdict: Callable = eligibility.assisted_verdict
    logistics_answer: Callable = consultations.logistics_answer

    def replace(self, **changes) -> "Rules":
        return replace(self, **changes)


DEFAULT_RULES = Rules()


def rule_name(rule: Callable) -> str:
    """module:function of a rule, from the repository's point of view (reference_impl.rules.windows:window_closes_at)."""
    return f"{rule.__module__.removeprefix('caaad.')}:{rule.__name__}"


def rule_index(rules: Rules = DEFAULT_RULES) -> dict[str, tuple[str, ...]]:
    """obligation id -> the rules (module:function) that declare they implement it, in the order of `Rules`."""
    index: dict[str, list[str]] = {}
    for f in fields(rules):
        rule = getattr(rules, f.name)
        for oid in obligations_of(rule):
            names = index.setdefault(oid, [])
            if rule_name(rule) not in names:
                names.append(rule_name(rule))
    return {oid: tuple(names) for oid, names in index.items()}

