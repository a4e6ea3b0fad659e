"""Deliberately broken variants of the reference system, each one rule wrong.

Each variant swaps a single pure rule of reference_impl (or, where the bug lives in how a system
reads a request, overrides one adapter operation; where it lives in how the service carries a rule out,
one method of one part of the service). test_mutants.py runs the whole conformance suite
against each and checks that exactly the obligations the bug breaks fail.
"""

import dataclasses
from datetime import datetime, time, timedelta, timezone

from caaad.reference_impl.adapter import ReferenceAdapter
from caaad.reference_impl.orders import order_line, signed_at
from caaad.reference_impl.returns import Returns
from caaad.reference_impl.rules import DEFAULT_RULES
from caaad.reference_impl.rules.assessment import assess_request
from caaad.reference_impl.rules.deadlines import falling_due
from caaad.reference_impl.rules.disputes import decision_effect
from caaad.reference_impl.rules.china_time import china_date, start_of_china_day
from caaad.reference_impl.rules.freight import Freight, freight_legs, outbound_freight_deduction
from caaad.reference_impl.rules.eligibility import remedies_offered, shown_return_class
from caaad.reference_impl.rules.intactness import failed_checks, return_refusal
from caaad.reference_impl.rules.live_sessions import comment_handling, page_information, shown_card
from caaad.reference_impl.rules.repeats import line_refund_ceiling, repeated_request
from caaad.reference_impl.rules.windows import window_closes_at
from caaad.reference_impl.system import AfterSalesService


def _variant(name: str, doc: str, **rules):
    def __init__(self):
        ReferenceAdapter.__init__(self, rules=DEFAULT_RULES.replace(**rules))
    return type(name, (ReferenceAdapter,), {"__init__": __init__, "__doc__": doc})


def _window_from_signing_day(signed_at, days):
    return start_of_china_day(china_date(signed_at) + timedelta(days=days))


def _consumer_pays_transit_damage(ground, remedy, free_return_shipping):
    legs = freight_legs(ground, remedy, free_return_shipping)
    if ground != "transit_damage":
        return legs
    return Freight(outbound_leg="consumer", return_leg="consumer" if legs.return_leg != "none" else "none",
                   reshipment_leg=legs.reshipment_leg)


def _consumer_pays_prohibited_return(ground, remedy, free_return_shipping):
    legs = freight_legs(ground, remedy, free_return_shipping)
    return Freight(legs.outbound_leg, "consumer", legs.reshipment_leg) if ground == "prohibited_goods" else legs


def _wrong_item_only_return(ground):
    return frozenset({"return_refund"}) if ground in ("wrong_item", "missing_item") else remedies_offered(ground)


def _completed_requests_held(ground, remedy, lines, held):
    # completed exchanges and repairs count as held, as if their fault could not come back
    return repeated_request(ground, remedy, lines, [dataclasses.replace(h, status="processing")
                                                    if h.status == "completed" else h for h in held])


WindowFromSigningDay = _variant(
    "WindowFromSigningDay", "Counts return windows from the signing day instead of the day after.",
    window_closes_at=_window_from_signing_day)
ExchangeOnlyOnce = _variant(
    "ExchangeOnlyOnce", "Answers a second exchange for a fault that came back with the first, completed exchange.",
    repeated_request=_completed_requests_held)
EarlierRefundsCountedTwice = _variant(
    "EarlierRefundsCountedTwice", "Deducts what earlier requests refunded for a line twice from what a later one may refund.",
    line_refund_ceiling=lambda allocated_fen, line_paid_fen, line_refunded_fen:
        max(0, line_refund_ceiling(allocated_fen, line_paid_fen, line_refunded_fen) - line_refunded_fen))
RefundToBalance = _variant(
    "RefundToBalance", "Refunds everything to the platform balance, not the original payment path.",
    split_refund=lambda amount, payments: [("balance", amount)] if amount else [])
ConsumerPaysTransitDamageFreight = _variant(
    "ConsumerPaysTransitDamageFreight", "Makes the consumer bear freight for goods damaged in transit.",
    freight_legs=_consumer_pays_transit_damage)
ConsumerPaysProhibitedReturnFreight = _variant(
    "ConsumerPaysProhibitedReturnFreight", "Makes the consumer pay the return freight of prohibited goods.",
    freight_legs=_consumer_pays_prohibited_return)
SealConfusedWithPackaging = _variant(
    "SealConfusedWithPackaging", "Treats opening the outer package of food or cosmetics as breaking the one-time seal.",
    failed_checks=lambda category, observations: failed_checks(
        category, [("seal_broken" if o == "package_opened" and category in ("food", "cosmetics") else o) for o in observations]))
ConfirmationIgnored = _variant(
    "ConfirmationIgnored", "Refuses confirmation-required exclusions even when the consumer never confirmed.",
    no_reason_exclusion=lambda return_class, confirmed: None if return_class == "eligible" else return_class)
GiftsAtMarketValue = _variant(
    "GiftsAtMarketValue", "Charges missing gifts at market value even when a price was marked in advance.",
    gift_charge=lambda marked, market, missing: ("market_value", market * missing))
WrongItemOnlyReturn = _variant(
    "WrongItemOnlyReturn", "Offers only return and refund for wrong or missing items.",
    remedies_offered=_wrong_item_only_return)
PlatformSidesWithMerchant = _variant(
    "PlatformSidesWithMerchant", "Decides every dispute for the merchant, ignoring the parties' agreement.",
    platform_decision=lambda remedy, prohibited, agreement, consumer_evidence, merchant_evidence:
        DEFAULT_RULES.platform_decision(remedy, prohibited, None, 0, 1))


class GiftMissingRefused(ReferenceAdapter):
    """Treats a gift that was not sent back as incomplete goods, so the return is refused."""

    def receive_return(self, request):
        if any(g["returned_quantity"] == 0 for g in request.get("gifts", ())):
            request = {**request, "lines": [{**line, "observations": [*line.get("observations", ()), "accessories_missing"]}
                                            for line in request["lines"]]}
        return super().receive_return(request)


class RefundLimitBeyondLaw(ReferenceAdapter):
    """Declares a refund time limit of 10 days after receipt, beyond the legal 7 (7D Art 13)."""

    def describe(self, request):
        description = super().describe(request)
        rules = [{**r, "value": 10} if r["name"] == "refund_after_receipt" else r for r in description["platform_rules"]]
        return {**description, "platform_rules": rules}


def _window_in_utc(signed_at, days):
    """The bug: calendar days taken in UTC instead of China time."""
    utc_day = signed_at.astimezone(timezone.utc).date() + timedelta(days=days + 1)
    return datetime.combine(utc_day, time(0), tzinfo=timezone.utc)


WindowInUtc = _variant(
    "WindowInUtc", "Counts the days of return windows in UTC instead of China time.",
    window_closes_at=_window_in_utc)
FreeReturnPromiseIgnored = _variant(
    "FreeReturnPromiseIgnored", "Ignores the merchant's promise of free return shipping.",
    freight_legs=lambda ground, remedy, free_return_shipping: freight_legs(ground, remedy, False))
WholePriceAsCancellationFee = _variant(
    "WholePriceAsCancellationFee", "Keeps the whole price when a service order is cancelled, whatever the schedule shown.",
    cancellation_fee=lambda paid, fees, hours_left=float("inf"): paid)
BareReturnLabel = _variant(
    "BareReturnLabel", "Labels excluded goods without saying why they are excluded.",
    return_label=lambda return_class, reason, days: "支持无理由退货" if return_class == "eligible" else "不支持无理由退货")
# A conforming label in everyday words (7D Art 20 asks that the reason be named, not in the law's words).
_EVERYDAY_REASONS = {
    "made_to_order": "定做商品", "fresh_perishable": "海鲜水产", "digital_downloaded_or_unsealed": "电子书等虚拟商品",
    "periodical_delivered": "已送达的杂志", "unsafe_or_altered_once_unsealed": "开封后影响品质的商品",
    "devalued_once_activated_or_tried": "激活后价值受损的商品", "near_expiry_or_flawed_disclosed": "临期商品",
}
ExclusionsInEverydayWords = _variant(
    "ExclusionsInEverydayWords", "Names the reason of each exclusion from no-reason returns in everyday words.",
    return_label=lambda return_class, reason, days: f"支持{days}天无理由退货" if return_class == "eligible" else (
        f"{_EVERYDAY_REASONS[reason]}不支持七天无理由退货" if return_class == "excluded_by_law"
        else f"{_EVERYDAY_REASONS[reason]}经您确认后不支持七天无理由退货"))
PerishableWindowHalved = _variant(
    "PerishableWindowHalved", "Refuses perishable quality reports made in the second half of the platform's window.",
    report_window_closes_at=lambda signed_at, hours: signed_at + timedelta(hours=hours / 2))
BrokenDiscountNotSettled = _variant(  # not broken: forgoing a deduction the law allows conforms (test_mutants.CONFORMING)
    "BrokenDiscountNotSettled", "Refunds the allocated share even when the return breaks a bundle or threshold discount "
                                "(more than the consumer is owed: the merchant forgoes the settlement 7D Art 17 allows).",
    goods_refund=lambda allocated, net_paid_before, kept_cost_after: allocated)


def _deduction_while_threshold_kept(shipping_fee_fen, shipping_charged_fen, free_threshold_fen, kept_paid_fen,
                                    already_deducted_fen):
    free = free_threshold_fen is not None and shipping_charged_fen == 0
    return shipping_fee_fen if free and kept_paid_fen > 0 and not already_deducted_fen else 0


def _deduction_threshold_exclusive(shipping_fee_fen, shipping_charged_fen, free_threshold_fen, kept_paid_fen,
                                   already_deducted_fen):
    # "满 X 元包邮" read as "more than X": goods kept for exactly X count as no longer qualifying
    return outbound_freight_deduction(shipping_fee_fen, shipping_charged_fen,
                                      None if free_threshold_fen is None else free_threshold_fen + 1,
                                      kept_paid_fen, already_deducted_fen)


OutboundFreightDeductedTwice = _variant(
    "OutboundFreightDeductedTwice", "Deducts the waived outbound freight twice when a free-shipping threshold breaks.",
    outbound_freight_deduction=lambda *args: 2 * outbound_freight_deduction(*args))
OutboundFreightDeductedThresholdKept = _variant(
    "OutboundFreightDeductedThresholdKept", "Deducts the waived outbound freight from every partial return of a "
    "free-shipping order, also when the goods kept still reach the threshold.",
    outbound_freight_deduction=_deduction_while_threshold_kept)
FreeShippingThresholdExclusive = _variant(
    "FreeShippingThresholdExclusive", "Deducts the outbound freight when the goods kept equal the free-shipping "
    "threshold, as if it were to be exceeded.",
    outbound_freight_deduction=_deduction_threshold_exclusive)
ProhibitedGoodsNotOnMerchant = _variant(
    "ProhibitedGoodsNotOnMerchant", "Decides disputes over prohibited goods like any other, not finding the merchant liable.",
    platform_decision=lambda remedy, prohibited, agreement, consumer_evidence, merchant_evidence:
        DEFAULT_RULES.platform_decision(remedy, False, agreement, consumer_evidence, merchant_evidence))
MerchantExclusionTrusted = _variant(
    "MerchantExclusionTrusted", "Shows and applies any statutory exclusion a merchant declares, even one its goods cannot have.",
    shown_return_class=lambda category, declared: declared)
BrokenSealAccepted = _variant(
    "BrokenSealAccepted", "Accepts food and cosmetics with a broken one-time seal as intact.",
    failed_checks=lambda category, observations: [o for o in failed_checks(category, observations) if o != "seal_broken"])


RefundPaidLate = _variant(
    "RefundPaidLate", "Pays every refund one minute after it falls due (past refund_after_receipt for returns).",
    refund_payment_time=lambda due_from, due_by: due_by + timedelta(minutes=1))
OpenedPackageNotIntact = _variant(
    "OpenedPackageNotIntact", "Judges goods whose package was opened to inspect them as not intact, whatever the category.",
    failed_checks=lambda category, observations: list(dict.fromkeys(
        [*failed_checks(category, observations), *(o for o in observations if o == "package_opened")])))

# --- clauses 4.2, 5.1.3 and 5.3 ------------------------------------------------------------------------------
# Where the bug lives in how the service carries a rule out rather than in the rule itself, the variant
# overrides a member of the service (AfterSalesService) or of one of its parts, and runs it behind the
# reference adapter.

def _service_variant(name: str, doc: str, **members):
    service = type(f"{name}Service", (AfterSalesService,), members)

    def __init__(self):
        ReferenceAdapter.__init__(self, service=service())
    return type(name, (ReferenceAdapter,), {"__init__": __init__, "__doc__": doc})


def _part_variant(name: str, doc: str, part: type, **methods):
    """A variant whose service has one part (Returns, say) with `methods` overridden."""
    return _service_variant(name, doc, **{part.__name__: type(f"{name}{part.__name__}", (part,), methods)})


def _verdict_changed(change):
    """An assessment that takes the reference verdict and changes it: change(facts, verdict) -> verdict."""
    return lambda rules, facts: change(facts, assess_request(rules, facts))


class PromisesHiddenOnProductPage(ReferenceAdapter):
    """Honours the merchant's promises but does not show them on the product page (7 days, consumer pays)."""

    def get_product(self, request):
        shown = super().get_product(request)["product"]
        return {"product": {**shown, "return_window_days": 7, "free_return_shipping": False}}


def _assess_in_statutory_days(rules, facts):
    if facts.ground == "no_reason":
        rules = rules.replace(window_closes_at=lambda signed_at, days: window_closes_at(signed_at, 7))
    return assess_request(rules, facts)


PromisedWindowIgnored = _variant(
    "PromisedWindowIgnored", "Shows the merchant's longer return period but counts no-reason returns in the statutory 7 days.",
    assess_request=_assess_in_statutory_days)
FreshGoodsAlwaysExcluded = _variant(
    "FreshGoodsAlwaysExcluded", "Excludes fresh goods from no-reason return even when the merchant offers it.",
    shown_return_class=lambda category, declared: {"class": "excluded_by_law", "reason": "fresh_perishable"}
        if category == "fresh" else shown_return_class(category, declared))
LateReturnRefusedOnAnotherGround = _variant(
    "LateReturnRefusedOnAnotherGround", "Refuses a no-reason return made after its period as promotional goods, "
    "a ground outside the law, instead of naming the period.",
    assess_request=_verdict_changed(lambda facts, verdict: ("remedy_not_offered", "活动商品不退不换")
                                    if facts.ground == "no_reason" and isinstance(verdict, tuple)
                                    and verdict[0] == "outside_window" else verdict))
NoAfterSalesForPromotions = _variant(
    "NoAfterSalesForPromotions", "Refuses every after-sales request on an order bought with a promotional discount.",
    assess_request=_verdict_changed(lambda facts, verdict: ("remedy_not_offered", "促销商品不退不换") if facts.discounted
                                    else verdict))
ResponseLimitNeverEnforced = _variant(
    "ResponseLimitNeverEnforced", "Leaves a request the merchant does not answer pending for ever, whatever the declared limit.",
    falling_due=lambda record, pay_at: [e for e in falling_due(record, pay_at) if e[1] != "merchant_silent"])


class ResponseLimitBeyondLaw(ReferenceAdapter):
    """Declares a feedback time limit for after-sales requests of 20 days, beyond the legal 15."""

    def describe(self, request):
        description = super().describe(request)
        rules = [{**r, "value": 480, "unit": "hour"} if r["name"] == "after_sales_request_response_limit" else r
                 for r in description["platform_rules"]]
        return {**description, "platform_rules": rules}


class DirectAnswersAsHandled(ReferenceAdapter):
    """Records a consultation it answers itself as handled (the matter handled, with the answer) instead of answered."""

    def submit_consultation(self, request):
        return {"consultation": self._handled(super().submit_consultation(request)["consultation"])}

    def get_consultation(self, request):
        return {"consultation": self._handled(super().get_consultation(request)["consultation"])}

    @staticmethod
    def _handled(record):
        return {**record, "status": "handled"} if record["status"] == "answered" else record


class WarrantyCountedFromSigningDay(ReferenceAdapter):
    """The merchant refuses a repair asked for on the last day of its warranty: it counts the warranty's days
    from the signing day instead of the day after."""

    def merchant_decide(self, request):
        requests = self.service.requests
        case = requests.load(request["after_sales_id"])
        warranties = [p["warranty_days"] for p in requests.products(case.order, case.record["lines"]) if p["warranty_days"]]
        if request["decision"] == "accept" and case.record["remedy"] == "repair" and warranties:
            ends = _window_from_signing_day(signed_at(case.order), min(warranties))
            if datetime.fromisoformat(case.record["requested_at"]) >= ends:
                request = {**request, "decision": "reject", "reason": "已超过保修期"}
        return super().merchant_decide(request)


class RefusalWithoutReason(ReferenceAdapter):
    """Records a merchant's refusal without the reason the merchant gave."""

    def merchant_decide(self, request):
        return super().merchant_decide({**request, "reason": ""} if request["decision"] == "reject" else request)


WrongItemReturnNeedsIntactGoods = _variant(
    "WrongItemReturnNeedsIntactGoods", "Refuses the refund of wrongly sent or missing goods that do not come back intact.",
    return_refusal=lambda ground, intact_lines: return_refusal(
        "no_reason" if ground in ("wrong_item", "missing_item") else ground, intact_lines))
WrongItemLeftToMerchant = _variant(
    "WrongItemLeftToMerchant", "Lets the merchant accept or refuse a wrong item verified at delivery.",
    assess_request=_verdict_changed(lambda facts, verdict: "merchant"
                                    if facts.ground == "wrong_item" and verdict == "accept" else verdict))
LostParcelRefundedMinusFreight = _variant(
    "LostParcelRefundedMinusFreight", "Refunds a parcel lost in transit without the outbound freight the consumer paid.",
    freight_legs=lambda ground, remedy, free_return_shipping: Freight("consumer", "none", "none")
        if ground == "not_delivered" else freight_legs(ground, remedy, free_return_shipping))


def _decision_on_paper(decision, status_before, remedy):
    effect = decision_effect(decision, status_before, remedy)
    return None if effect == "carry_out" and decision.basis == "platform_rules" else effect  # recorded, never carried out


PlatformDecisionNotCarriedOut = _variant(
    "PlatformDecisionNotCarriedOut", "Records the platform's own decision for the consumer but never carries it out.",
    decision_effect=_decision_on_paper)


# --- better than the law: conforming variants (test_mutants.CONFORMING) ------------------------------------------
# Each is more favourable to the consumer than the law or the merchant asks (5.1.3.c-2, 7D Art 6): the kit must
# pass them, or report not_tested where a scenario's set-up is out of the system's legitimate reach.

from caaad.reference_impl.platform_rules import PlatformRule, load_platform_rules  # noqa: E402

# A request outside the declared period, report window or exclusions left to the merchant's decision instead of refused.
LateRequestsLeftToMerchant = _variant(
    "LateRequestsLeftToMerchant", "Leaves a no-reason return or a perishable quality report made after its period, and "
    "a no-reason return of excluded goods, to the merchant's decision (who may grant it as a favour) instead of refusing it.",
    assess_request=_verdict_changed(lambda facts, verdict: "merchant" if isinstance(verdict, tuple) and verdict[0] in (
        "outside_window", "excluded_by_law", "excluded_with_confirmation") else verdict))
# The period ends at 24:00 of its last day (民法典 Art 203); a request stamped that very instant taken as in time.
WindowEndInclusive = _variant(
    "WindowEndInclusive", "Takes a request made at the instant a return period ends (24:00 of its last day) as in time.",
    window_closes_at=lambda signed_at, days: window_closes_at(signed_at, days) + timedelta(microseconds=1))


class ThirtyDayWindowEverywhere(ReferenceAdapter):
    """Promises (shows and honours) a no-reason return period of at least 30 days on every product."""

    def create_product(self, request):
        promises = {"return_window_days": 7, "free_return_shipping": False, **request.get("promises", {})}
        promises["return_window_days"] = max(30, promises["return_window_days"])
        return super().create_product({**request, "promises": promises})


class FreeReturnFreightEverywhere(ReferenceAdapter):
    """Takes the return freight of every no-reason return on the merchant (shown on every product page)."""

    def create_product(self, request):
        promises = {"return_window_days": 7, **request.get("promises", {}), "free_return_shipping": True}
        return super().create_product({**request, "promises": promises})


class RefundWithinAnHour(ReferenceAdapter):
    """Declares refund_after_receipt of 1 hour (and, like the reference, refunds intact returns at once)."""

    def __init__(self):
        rules = load_platform_rules()
        ReferenceAdapter.__init__(self, platform_rules={
            **rules, "refund_after_receipt": PlatformRule("refund_after_receipt", 1, "hour", "refund_issued",
                                                          "收到完好退货后1小时内退款")})


InstantApproval = _variant(
    "InstantApproval", "The merchant approves every quality-problem request at once; none waits for a decision.",
    assess_request=_verdict_changed(lambda facts, verdict: "accept"
                                    if verdict == "merchant" and facts.ground == "quality_problem" else verdict))

MerchantReviewsNoReasonReturns = _variant(
    "MerchantReviewsNoReasonReturns", "Every no-reason return it would grant waits for the merchant's decision within "
    "the platform's response limit (silence is consent), as published platform practice has it; the kit takes the "
    "merchant's part and grants it.",
    assess_request=_verdict_changed(lambda facts, verdict: "merchant"
                                    if facts.ground == "no_reason" and verdict == "accept" else verdict))


# --- consultations and complaints (5.1.1.g, 5.1.4, 5.2.1.c, 5.3.3.e, 5.3.4, 4.2-4) -----------------------------

def _one_minute_late(at, limit):
    return at + limit + timedelta(minutes=1)


ConsultationAnsweredLate = _variant(
    "ConsultationAnsweredLate", "Gives consultation feedback one minute after after_sales_inquiry_response_limit.",
    consultation_feedback_at=_one_minute_late)
ConsultationsAllReferred = _variant(
    "ConsultationsAllReferred", "Passes every consultation on, even one that can be answered directly.",
    consultation_route=lambda topic: "hand_over")
ConsultationsNeverPassedOn = _variant(
    "ConsultationsNeverPassedOn", "Answers a return, exchange or refund consultation with a stock reply and passes nothing on.",
    consultation_route=lambda topic: "answer")
ComplaintEscalatedLate = _variant(
    "ComplaintEscalatedLate", "The platform steps in one minute after complaint_feedback_time_limit when the handler is silent.",
    complaint_escalation_at=_one_minute_late)
ComplaintsKeptByPlatform = _variant(
    "ComplaintsKeptByPlatform", "Keeps every complaint at the platform instead of passing it to the party complained against.",
    complaint_handler=lambda against: "platform")
FeedbackSummarised = _variant(
    "FeedbackSummarised", "Records the first 40 characters of the consumer's words instead of what was submitted.",
    recorded_text=lambda text: text if len(text) <= 40 else text[:40] + "…")


class ComplaintNeverClosed(ReferenceAdapter):
    """Records the answer to a complaint but never closes it or states its outcome."""

    def respond_complaint(self, request):
        return super().respond_complaint({k: v for k, v in request.items() if k not in ("close", "outcome")})



# --- reviews and personal data (5.5.1, 5.5.2, 4.3, 5.3.2.a, 5.3.3.a, 5.3.3.b) ---------------------------------

from caaad.reference_impl.rules import privacy as _privacy  # noqa: E402


def _ignore_recipient(consumer_id, recipient, data_types, consent):
    if consent is not None:
        consent = {**consent, "recipient": recipient}
    return _privacy.disclosure_decision(consumer_id, recipient, data_types, consent)


def _ignore_withdrawal(consumer_id, recipient, data_types, consent):
    if consent is not None:
        consent = {**consent, "withdrawn_at": None}
    return _privacy.disclosure_decision(consumer_id, recipient, data_types, consent)


def _courier_needs_consent(consumer_id, recipient, data_types, consent):
    if recipient["kind"] == "courier" and consent is None:
        return "refused", None, "未取得消费者同意"
    return _privacy.disclosure_decision(consumer_id, recipient, data_types, consent)


def _notice_without_advice(data_types, cause, consumer_ids):
    return [{**notice, "what_individuals_can_do": ""} for notice in _privacy.incident_notifications(data_types, cause, consumer_ids)]


DisclosesWithoutConsent = _variant(
    "DisclosesWithoutConsent", "Gives any consumer data to whoever asks, consent or not.",
    disclosure_decision=lambda consumer_id, recipient, data_types, consent: ("allowed", "separate_consent", "已提供"))
ConsentForAnyRecipient = _variant(
    "ConsentForAnyRecipient", "Accepts a consent naming one recipient for a request to give the data to another.",
    disclosure_decision=_ignore_recipient)
WithdrawalIgnored = _variant(
    "WithdrawalIgnored", "Keeps giving data on the basis of a consent the consumer withdrew.",
    disclosure_decision=_ignore_withdrawal)
CourierNeedsConsent = _variant(
    "CourierNeedsConsent", "Refuses the courier the delivery or pickup address without the consumer's consent.",
    disclosure_decision=_courier_needs_consent)
LeakNoticeWithoutAdvice = _variant(
    "LeakNoticeWithoutAdvice", "Leak notifications leave out what individuals can do to reduce harm (PIPL Art 57).",
    incident_notifications=_notice_without_advice)
RemediesNotStarted = _variant(
    "RemediesNotStarted", "Registers a leak without starting (or recording the start of) remedial measures.",
    remedial_start=lambda reported_at: None)
ReviewsRemovedOnRequest = _variant(
    "ReviewsRemovedOnRequest", "Hides any review a merchant asks to remove.",
    review_removal_decision=lambda ground, text: ("hidden", f"商家申请删除：{ground}"))
NegativeReviewsNotListed = _variant(
    "NegativeReviewsNotListed", "Shows other consumers only reviews of 3 stars or more.",
    listed_reviews=lambda reviews: [r for r in reviews if r["status"] == "visible" and r["rating"] >= 3])
AppealHidesReview = _variant(
    "AppealHidesReview", "Hides the review while the merchant's appeal against it is pending.",
    review_during_appeal=lambda review: {**review, "status": "hidden", "hidden_reason": "商家申诉处理中"})


# --- repeated requests, retried calls, bundle and threshold returns, serious complaints (contract 1.4) ---------

from caaad.reference_impl.rules.money import kept_cost as _kept_cost  # noqa: E402


def _answer_first_whatever_asked(self, key, op, request, run):
    """The retry rule without its check that the request is the same one."""
    try:
        return self.store.get("call", key)["response"]
    except LookupError:
        response = {**run(), "idempotency_key": key}
        self.store.put("call", key, {"call": op, "response": response}, status=op)
        return response


def _bundle_kept_whole(lines, discounts, kept):
    # While anything of a bundle order is kept, the kept goods are deemed to cost the whole bundle price.
    ordered = {line.product_id: line.quantity for line in lines}
    if any(d.kind == "bundle" for d in discounts) and any(kept.values()):
        return _kept_cost(lines, discounts, ordered)
    return _kept_cost(lines, discounts, kept)


def _threshold_met_only_above(lines, discounts, kept):
    # After a return, the threshold is re-checked with > instead of >=: kept goods exactly at it lose the discount.
    ordered = {line.product_id: line.quantity for line in lines}
    prices = {line.product_id: line.unit_price_fen for line in lines}
    if kept != ordered:
        discounts = [d for d in discounts if d.kind != "threshold"
                     or sum(prices[p] * kept.get(p, 0) for p in d.product_ids) > (d.threshold_fen or 0)]
    return _kept_cost(lines, discounts, kept)


DoubleRefund = _variant(
    "DoubleRefund", "Takes every repeated after-sales request as a new one and refunds a line again on each.",
    repeated_request=lambda ground, remedy, lines, held: None,
    line_refund_ceiling=lambda allocated_fen, line_paid_fen, line_refunded_fen: allocated_fen)
IdempotencyKeyIgnored = _service_variant(
    "IdempotencyKeyIgnored", "Declares the capability idempotency but carries out a retried call as a new call.",
    once=lambda self, key, op, request, run: {**run(), "idempotency_key": key})
ReusedKeyAnsweredWithFirst = _service_variant(
    "ReusedKeyAnsweredWithFirst", "Answers any call with a known idempotency key with the first answer, even another request.",
    once=_answer_first_whatever_asked)
BundleRefundKept = _variant(
    "BundleRefundKept", "Keeps the whole refund of a bundle item returned alone (the bundle price stays charged).",
    kept_cost=_bundle_kept_whole)
ThresholdMetExactlyLost = _variant(
    "ThresholdMetExactlyLost", "After a return, withdraws a threshold discount the kept goods meet exactly.",
    kept_cost=_threshold_met_only_above)
SeriousComplaintIgnored = _variant(
    "SeriousComplaintIgnored", "Handles a complaint demanding compensation, or one that cannot be resolved, like any other.",
    complaint_severity=lambda declared, compensation_claim_fen, cannot_resolve: "ordinary")


def _settled_again(returns, case, now, due, **settlement) -> None:
    """The goods' settlement the reference made replaced by another (its refunds and refund deadline undone)."""
    case.record["refunds"], case.books["refund_pay_at"] = [], []
    case.record["deadlines"] = [d for d in case.record["deadlines"] if d["name"] != "refund"]
    returns.settlement.settle(case, now, due, purpose="goods", **settlement)


def _bundle_items_at_list_price(self, case, inspected, gift_checks, return_freight, now, due):
    """The settlement as usual, then, for a no-reason return from a bundle order, the goods refunded again at
    their list price instead (the bundle discount ignored)."""
    Returns.settle_return(self, case, inspected, gift_checks, return_freight, now, due)
    record, order = case.record, case.order
    if record["ground"] == "no_reason" and any(d["kind"] == "bundle" for d in order["discounts"]):
        list_price = sum(order_line(order, l["line_id"])["unit_price_fen"] * l["quantity"] for l in inspected if l["intact"])
        _settled_again(self, case, now, due, goods_refund_fen=list_price, return_freight_refunded_fen=return_freight)


def _outbound_freight_deducted_on_fault(self, case, inspected, gift_checks, return_freight, now, due):
    """The settlement as usual, then, for goods sent back for the merchant's fault from an order that shipped free,
    settled again with the waived outbound freight deducted, as a no-reason return breaking the threshold may be."""
    Returns.settle_return(self, case, inspected, gift_checks, return_freight, now, due)
    record, order = case.record, case.order
    if record["ground"] != "no_reason" and order["free_shipping_threshold_fen"] and not order["shipping_charged_fen"]:
        settled = record["settlement"]
        _settled_again(self, case, now, due, goods_refund_fen=settled["goods_refund_fen"],
                       outbound_freight_deducted_fen=order["shipping_fee_fen"], gift_charges=settled["gift_charges"],
                       return_freight_refunded_fen=settled["return_freight_refunded_fen"])


def _gifts_charged_though_returned(self, case, inspected, gift_checks, return_freight, now, due):
    Returns.settle_return(self, case, inspected, [{**check, "returned_quantity": 0} for check in gift_checks],
                          return_freight, now, due)


BundleListPriceRefund = _part_variant(
    "BundleListPriceRefund", "Refunds a bundle item returned at its list price, more than was paid for it.",
    Returns, settle_return=_bundle_items_at_list_price)
OutboundFreightDeductedOnFault = _part_variant(
    "OutboundFreightDeductedOnFault", "Deducts the waived outbound freight from the refund of goods returned for a "
    "quality problem that takes the order below its free-shipping threshold, as from a no-reason return.",
    Returns, settle_return=_outbound_freight_deducted_on_fault)
GiftChargedThoughReturned = _part_variant(
    "GiftChargedThoughReturned", "Charges for the gifts of a return whether or not they came back.",
    Returns, settle_return=_gifts_charged_though_returned)


# --- spec review (issue 13): freight of goods at fault, promises per product ---------------------------------------
# The merchant bears the outbound freight of the goods it is at fault for (CPL Art 24 para 2; 5.4.4.d "相关发货及退货运费");
# a promise of free return shipping travels with its product (7D Art 18).

OutboundFreightOnlyForWholeOrder = _variant(
    "OutboundFreightOnlyForWholeOrder", "Gives back the outbound freight only when every line of the order is at fault; "
    "nothing for one faulty line of several.",
    outbound_freight_refund=lambda charged, paid, before, now: charged if not before and now >= paid else 0)
OutboundFreightShareRoundedDown = _variant(
    "OutboundFreightShareRoundedDown", "Rounds each request's share of the outbound freight down on its own, so an "
    "order returned over several requests gets back less than the freight paid.",
    outbound_freight_refund=lambda charged, paid, before, now: charged * now // paid if paid > 0 else 0)
FreeReturnPromiseNeedsEveryProduct = _variant(
    "FreeReturnPromiseNeedsEveryProduct", "Keeps a free-return-shipping promise only when every product in the parcel "
    "carries it: a promised product returned beside another loses it.",
    return_freight_promised=all)
# Conforming (test_mutants.CONFORMING): more than the law asks for one faulty line, never more than was paid.
WholeOutboundFreightGivenBack = _variant(
    "WholeOutboundFreightGivenBack", "Gives back the whole outbound freight with the first request for goods the "
    "merchant is at fault for, even when only one line of several is.",
    outbound_freight_refund=lambda charged, paid, before, now: charged if now and not before else 0)


def _shipment_off_record(self, after_sales_id, freight_paid_fen):
    """Takes the shipment, then leaves the request's status where it was: the record no longer follows the process."""
    answer = Returns.ship_return(self, after_sales_id, freight_paid_fen)
    case = self.requests.load(after_sales_id)
    case.record["status"] = "awaiting_return"
    self.requests.save(case)
    return {**answer, "status": "awaiting_return"}


ReturnShipmentOffRecord = _part_variant(
    "ReturnShipmentOffRecord", "Records the consumer's return shipment but leaves the request's status at awaiting_return.",
    Returns, ship_return=_shipment_off_record)


def _unverified_damage_as_late(facts, verdict):
    if facts.ground == "transit_damage" and isinstance(verdict, tuple) and verdict[0] == "not_verified":
        return "outside_window", "transit damage is to be reported within the return period"
    return verdict


def _transit_damage_on_trust(rules, facts):
    if facts.ground == "transit_damage":  # the consumer's claim counted as if recorded at delivery
        facts = dataclasses.replace(facts, lines=tuple(
            dataclasses.replace(line, issues={**line.issues, "transit_damage": line.issues.get("transit_damage", 0) + line.quantity})
            for line in facts.lines))
    return assess_request(rules, facts)


UnverifiedDamageRefusedAsLate = _variant(
    "UnverifiedDamageRefusedAsLate", "Refuses transit damage the after-sales staff have not verified as if it were "
    "reported too late.",
    assess_request=_verdict_changed(_unverified_damage_as_late))
CancellationTierEdgeExclusive = _variant(
    "CancellationTierEdgeExclusive", "Applies a cancellation fee tier only beyond its minimum hours: cancelling exactly "
    "24 hours before the service is charged the next tier's fee.",
    cancellation_fee=lambda paid_fen, fees, hours_left=float("inf"): DEFAULT_RULES.cancellation_fee(
        paid_fen, [(hours, percent) for hours, percent in fees if hours < hours_left], hours_left))
# Conforming (test_mutants.CONFORMING): grants a transit-damage claim on the consumer's word, more than 5.4.2.b asks.
TransitDamageTakenOnTrust = _variant(
    "TransitDamageTakenOnTrust", "Grants transit-damage returns and exchanges on the consumer's word, without the "
    "after-sales staff's verification.",
    assess_request=_transit_damage_on_trust)
# --- contract 1.5: the live stream itself (live_sessions) -------------------------------------------------------------


def _handed_over_next_day(text, posted_at):
    handling = comment_handling(text, posted_at)
    return handling and (handling[0], handling[1], posted_at + timedelta(days=1))


SoldOutStillInStock = _variant(
    "SoldOutStillInStock", "Keeps showing and selling a product as in stock after its stock reaches zero.",
    stock_status=lambda stock_quantity, presale_ship_date: "presale" if presale_ship_date else "in_stock",
    sellable=lambda status, stock_quantity, quantity: True)
CardShowsListPrice = _variant(
    "CardShowsListPrice", "Shows the product's list price on the live-room card while orders are charged the live-room price.",
    shown_card=lambda product, offer, price_fen, gifts, status: shown_card(product, offer, product["price_fen"], gifts, status))
# The card's after-sales label in words of its own: conforming when it states the product's terms (5.2.3.a-2), not
# when it promises more than the product gives.
CardLabelInOwnWords = _variant(
    "CardLabelInOwnWords", "Shows the product's no-reason return terms on the live-room card in words of its own.",
    shown_card=lambda product, offer, price_fen, gifts, status: {
        **shown_card(product, offer, price_fen, gifts, status),
        "return_label": f"{product['return_window_days']}天无理由退货" if product["no_reason_return"]["class"] == "eligible"
        else f"{_EVERYDAY_REASONS[product['no_reason_return']['reason']]}不支持七天无理由退货"})
CardPromisesLongerReturns = _variant(
    "CardPromisesLongerReturns", "Shows a 30-day no-reason return on the live-room card whatever the product's terms.",
    shown_card=lambda product, offer, price_fen, gifts, status: {
        **shown_card(product, offer, price_fen, gifts, status), "return_label": "支持30天无理由退货"})
MerchantServiceAnswersAfterStream = _variant(
    "MerchantServiceAnswersAfterStream", "The merchant's customer service replies only at the end of the inquiry limit, after the stream.",
    merchant_service_reply_at=lambda submitted_at, limit: submitted_at + limit)
PageWithoutDisputeInfo = _variant(
    "PageWithoutDisputeInfo", "Shows no dispute or complaint handling information (nor a link) on live product pages.",
    page_information=lambda product: (page_information(product)[0], None))
NoReportChannel = _variant(
    "NoReportChannel", "Offers no channel to report violations of laws and regulations on live product pages.",
    report_channel=lambda: None)
CommentsHandedOverNextDay = _variant(
    "CommentsHandedOverNextDay", "Hands after-sales questions from the comments to the after-sales staff a day later, after the stream.",
    comment_handling=_handed_over_next_day)
LiveBenefitsLate = _variant(
    "LiveBenefitsLate", "Delivers the benefits promised in the live room a day after the promised time.",
    benefit_delivery_at=lambda closed_at, deliver_by: deliver_by + timedelta(days=1))
# --- contract 1.5, before and after the stream (5.1.3.e, 5.1.4.a, 5.1.4.e, 5.3.2.b, g, h, j) ---------------------

from caaad.reference_impl.rules import consultations as _consultations  # noqa: E402
from caaad.reference_impl.rules import publication as _publication  # noqa: E402
from caaad.reference_impl.rules.eligibility import remedies_offered as _remedies_offered  # noqa: E402

_BENEFIT_TOPICS = ("promotion", "service_commitment", "benefit_claim")

PlanBeyondCeilingRegistered = _variant(
    "PlanBeyondCeilingRegistered", "Registers an after-sales plan with any return handling period, beyond the legal 15 days.",
    plan_problem=lambda plan: None)
RulesNotYetInForce = _variant(
    "RulesNotYetInForce", "Publishes as its after-sales rules a version that takes effect only in 30 days.",
    published_rules=lambda platform_rules, now: {**_publication.published_rules(platform_rules, now),
                                                 "effective_from": now + timedelta(days=30)})


class _DeclaresResponseLimitExpiry(ReferenceAdapter):
    """Accepts a request the merchant leaves unanswered at the limit, declaring that consequence as ON_EXPIRY."""
    ON_EXPIRY = "request_accepted"

    def describe(self, request):
        description = super().describe(request)
        rules = [{**r, "on_expiry": self.ON_EXPIRY} if r["name"] == "after_sales_request_response_limit" else r
                 for r in description["platform_rules"]]
        return {**description, "platform_rules": rules}


class TimeoutRuleNotDeclared(_DeclaresResponseLimitExpiry):
    """Accepts a request the merchant leaves unanswered, but declares no consequence (on_expiry none) for the limit."""
    ON_EXPIRY = "none"


# Conforming (test_mutants.CONFORMING): the platform takes a silent merchant's request over and decides it: here it
# grants the request, which shows as an accepted request rather than as an intervention.
class PlatformDecidesSilentRequests(_DeclaresResponseLimitExpiry):
    """Declares that the platform decides a request the merchant leaves unanswered, and grants it at the limit."""
    ON_EXPIRY = "platform_decides"


AssistedRequestsRefused = _variant(
    "AssistedRequestsRefused", "Refuses every after-sales request the platform files on a consumer's behalf.",
    assisted_verdict=lambda filed_by, verdict: ("not_verified", "须由消费者本人提交售后申请") if filed_by == "platform"
        else verdict)
RepairNotOffered = _variant(
    "RepairNotOffered", "Offers no repair for goods with a quality problem (only return or exchange).",
    remedies_offered=lambda ground: _remedies_offered(ground) - {"repair"})
BenefitQuestionsPassedOn = _variant(
    "BenefitQuestionsPassedOn", "Passes questions about promotions, service commitments and claiming benefits to the "
                                "platform instead of the merchant answering them.",
    consultation_route=lambda topic: "hand_over" if topic in _BENEFIT_TOPICS else _consultations.consultation_route(topic))
LogisticsStockReply = _variant(
    "LogisticsStockReply", "Answers a logistics question with a stock reply, without the order's shipping status or tracking number.",
    logistics_answer=lambda shipment: "请在订单详情中查看相关信息，感谢您的耐心等待。")
ShipsAfterPromise = _variant(
    "ShipsAfterPromise", "Ships an order one minute after the delivery time its after-sales plan promises.",
    ship_time=lambda placed_at, ship_by: ship_by + timedelta(minutes=1))

# Conforming answers the contract 1.5 scenarios must pass (test_mutants.CONFORMING): shipping at the very end of
# the promised time, and registering a plan beyond the ceiling with the ceiling instead of refusing it.
# A conforming reply to a logistics question in words of its own and without the tracking number (5.3.2.h-1
# asks for the actual status or the number): "已于 … 发出" / "还没有发货".
LogisticsReplyInOwnWords = _variant(
    "LogisticsReplyInOwnWords", "Answers a logistics question with the order's status in its own words, without the tracking number.",
    logistics_answer=lambda shipment: "亲，还没有发货哦，请耐心等待。" if shipment is None or shipment["shipped_at"] is None
    else f"亲，您的订单已于{shipment['shipped_at'][:10]}发出，请留意物流信息。")
ShipsAtTheLastMoment = _variant(
    "ShipsAtTheLastMoment", "Ships every order with a delivery promise exactly when the promised time runs out.",
    ship_time=lambda placed_at, ship_by: ship_by)


class PlanCappedAtCeiling(ReferenceAdapter):
    """Registers an after-sales plan whose handling period exceeds 15 days with 15 days instead of refusing it."""

    def create_product(self, request):
        plan = request.get("after_sales_plan")
        if plan:
            request = {**request, "after_sales_plan": {**plan, "return_handling_days": min(15, plan["return_handling_days"])}}
        return super().create_product(request)
# --- issue 10: a broken variant for every rule with a scenario (consultations, 5.4.1.b-4, 5.4.2.d-1, 5.4.3.b-1, 5.4.4) ---

from caaad.reference_impl.rules import disputes as _disputes  # noqa: E402
from caaad.reference_impl.rules.consultations import CONSULTATION_CHANNELS as _CHANNELS  # noqa: E402


def _channels_without(whose):
    return lambda: tuple(dict(c) for c in _CHANNELS if c["addressed_to"] != whose)


def _decision_without_rule(*args):
    decision = _disputes.platform_decision(*args)
    return dataclasses.replace(decision, rule=None) if decision.basis == "platform_rules" else decision


PlatformListsNoChannel = _variant(
    "PlatformListsNoChannel", "Publishes only the live-room operator's consultation channels, none of the platform's own.",
    consultation_channels=_channels_without("platform"))
OperatorListsNoChannel = _variant(
    "OperatorListsNoChannel", "Publishes only the platform's consultation channels, none for the live-room operator's staff.",
    consultation_channels=_channels_without("live_room_operator"))
ConsultationsNeverAnswered = _variant(
    "ConsultationsNeverAnswered", "Records every consultation but gives no feedback on it (it waits for staff who never come).",
    consultation_feedback_at=lambda submitted_at, limit: submitted_at + timedelta(days=3650))
RefundMethodNotShown = _variant(
    "RefundMethodNotShown", "Refunds to another method the consumer agreed to without showing where the money goes.",
    refund_method_notice=lambda other_methods: None)
# A conforming notice that names the method the way a payment app does (WeChat's 零钱 for a balance).
RefundNoticeInAppWords = _variant(
    "RefundNoticeInAppWords", "Tells the consumer a refund went to their balance in a payment app's words (零钱).",
    refund_method_notice=lambda other_methods: "经您同意，退款已退至微信零钱" if other_methods else None)
ReturnInstructionsWithoutGifts = _variant(
    "ReturnInstructionsWithoutGifts", "Leaves the gifts out of the return instructions of a return for a refund.",
    returned_with_goods=lambda remedy: frozenset({"goods", "accessory"}))
FixedServiceCompensation = _variant(
    "FixedServiceCompensation", "Compensates a service below its description with a fixed 50.00 元 unless an amount was agreed.",
    compensation_amount=lambda agreed_fen, claimed_loss_fen: agreed_fen if agreed_fen is not None else 5000)
RejectionEndsDispute = _variant(
    "RejectionEndsDispute", "Treats a merchant's rejection as final: the consumer cannot apply for the platform's intervention.",
    intervention_open=lambda status, intervened: status not in (*_disputes.FINAL, "rejected") and not intervened)
NegotiationBeyondDeclared = _variant(
    "NegotiationBeyondDeclared", "Grants a negotiation period twice as long as the declared negotiation_period.",
    negotiation_period=lambda prohibited, declared: None if prohibited or not declared else 2 * declared)
NegotiationLeftOpen = _variant(
    "NegotiationLeftOpen", "Lets the negotiation period run out without the platform taking over the case.",
    falling_due=lambda record, pay_at: [e for e in falling_due(record, pay_at) if e[1] != "negotiation_over"])
DecisionWithoutRule = _variant(
    "DecisionWithoutRule", "Decides a dispute under its platform rules without naming the rule it applies.",
    platform_decision=_decision_without_rule)
SupplementaryAmountIgnored = _variant(
    "SupplementaryAmountIgnored", "Follows a supplementary agreement's remedy but not its amount (refunds what was paid).",
    agreed_decision=lambda basis, remedy, amount_fen: _disputes.agreed_decision(basis, remedy, None))
RestrictedGoodsSoldAsPermitted = _variant(
    "RestrictedGoodsSoldAsPermitted", "Recognises goods whose sale is prohibited but not those whose sale is restricted.",
    prohibited=lambda legal_status: legal_status == "prohibited")
ProhibitedGoodsRefundDeducted = _variant(
    "ProhibitedGoodsRefundDeducted", "Charges missing gifts against the refund of prohibited or restricted goods.",
    deductions_allowed=lambda ground: True)
