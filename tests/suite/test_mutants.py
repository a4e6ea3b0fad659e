"""The suite has teeth and aims true.

Each broken variant of the reference system (mutants.py) is pinned to the obligation its bug breaks
(`target`): it fails that obligation, and any other it fails is listed with the reason the same
bug breaks it too (`extras`: e.g. one rule stated by two clauses). A failure that is neither is a
cascade, and fails the test. Each better-than-law variant (CONFORMING) fails nothing: its only
not_tested obligations are those whose precondition it legitimately never reaches, each with a
reason starting "precondition not reachable".
All variants go through the suite in one pytest session per worker (batch.py), each scenario with a fresh
system. The reference system runs first, traced, and each variant then runs only the scenarios in which
the reference calls a method the variant replaces, or a rule it swaps for one that answers one of that
scenario's calls otherwise (reach.py): the others cannot differ, and take the reference's outcome. Tests below hold the selected runs of one variant of each kind of change to a full run;
bench/check_identical.py shows the outcomes of every variant equal those of one `caaad run` process each
(cascade.py prints the same as a table)."""

from __future__ import annotations

import fcntl
import os
from dataclasses import dataclass, field

import pytest

import mutants
from cascade import REFERENCE_NAME, adapter_of, essence, failing, read_runs, run_all, run_suite


@dataclass(frozen=True)
class Pinned:
    """A broken variant's target obligation and, for each other obligation it fails, why."""

    target: str
    extras: dict[str, str] = field(default_factory=dict)
    errors: str = ""  # why the contract leaves this bug no answer but a failed call (empty: a wrong rule is a failure)

    @property
    def failing(self) -> set[str]:
        return {self.target, *self.extras}


SAME_WINDOW_RULE = "the same window rule (7D Art 7: counted in China time from the day after signing)"
WINDOW_EXTRAS = {"5.4.2.b-1": f"transit-damage returns use {SAME_WINDOW_RULE}",
                 "5.4.2.b-2": f"transit-damage exchanges use {SAME_WINDOW_RULE}",
                 "5.3.2.c-1": "the merchant's duty to follow the 7D measures, of which the window is part"}
FEEDBACK_LIMIT = {"5.3.2.e-1": "5.3.1.c-1 (live-room operator) and 5.3.2.e-1 (merchant) state the same feedback time limit"}
PERSONAL_DATA = {"5.3.2.a-2": "4.3-1, 5.3.2.a-2 (merchant) and 5.3.3.a-2 (platform) state one consent rule",
                 "5.3.3.a-2": "4.3-1, 5.3.2.a-2 (merchant) and 5.3.3.a-2 (platform) state one consent rule"}

# 5.1.4.e-2 states the platform's feedback limits, their legal ceiling and the timeout rule applied when one passes.
PLATFORM_RULE_APPLIED = {"5.1.4.e-2": "the platform's declared timeout rule is not applied when the limit passes "
                                      "(5.1.4.e-2 states the rule as the platform's)"}
PLATFORM_RULE_CEILING = {"5.1.4.e-2": "5.1.4.e-2 checks the same declared limit against the same legal ceiling"}
MERCHANT_CONSULTATIONS = ("5.3.2.g-1", "5.3.2.h-1")

# A contributor appending a variant as a plain set of obligations converts it to Pinned(target, {extra: why});
# test_every_variant_is_pinned says which are left.
EXPECTED: dict[str, Pinned] = {
    "WindowFromSigningDay": Pinned("5.4.1.a-3", WINDOW_EXTRAS),
    "RefundToBalance": Pinned("5.4.1.b-3", {"5.3.2.c-1": "7D Art 14 (original payment path) is part of the 7D measures"}),
    "ConsumerPaysTransitDamageFreight": Pinned("5.4.2.b-3"),
    "ConsumerPaysProhibitedReturnFreight": Pinned("5.4.4.d-3"),
    "SealConfusedWithPackaging": Pinned("5.4.1.b-1"),
    "ConfirmationIgnored": Pinned("5.4.1.a-2"),
    "GiftsAtMarketValue": Pinned("5.4.2.d-2"),
    "GiftMissingRefused": Pinned("5.4.2.d-2"),
    "WrongItemOnlyReturn": Pinned("5.4.2.c-1", {"5.3.2.d-1": "refusing the exchange of a wrong item refuses service "
                                                             "for a problem the merchant caused"}),
    "PlatformSidesWithMerchant": Pinned("5.4.4.c-1"),
    "RefundLimitBeyondLaw": Pinned("5.4.1.b-2"),
    "WindowInUtc": Pinned("5.4.1.a-3", WINDOW_EXTRAS),
    "FreeReturnPromiseIgnored": Pinned("5.4.1.a-5", {
        "4.2-3": "an after-sales promise not honoured (4.2-3 states it for every participant)",
        "5.1.3.c-2": "the merchant's more favourable policy (its promise) not applied"}),
    "WholePriceAsCancellationFee": Pinned("5.4.3.a-1"),
    "BareReturnLabel": Pinned("5.4.1.a-1", {"5.4.1.a-2": "a refusal must state the ground the product was labelled with; "
                                                         "the label names none"}),
    "PerishableWindowHalved": Pinned("5.4.2.a-1"),
    "OutboundFreightDeductedTwice": Pinned("5.4.1.a-4"),
    "OutboundFreightDeductedThresholdKept": Pinned("5.4.1.a-4"),
    "FreeShippingThresholdExclusive": Pinned("5.4.1.a-4"),
    "OutboundFreightDeductedOnFault": Pinned("5.4.1.a-4"),
    "GiftChargedThoughReturned": Pinned("5.4.2.d-2"),
    "ProhibitedGoodsNotOnMerchant": Pinned("5.4.4.d-4"),
    "BrokenSealAccepted": Pinned("5.4.1.b-1"),
    "MerchantExclusionTrusted": Pinned("5.4.1.a-2"),
    "RefundPaidLate": Pinned("5.4.1.b-2", {
        "5.3.2.c-1": "its scenario checks the same refund time limit after receipt (7D Art 13)",
        "5.3.3.c-1": "the refund the platform decided is paid after refund_after_receipt, the same late payment",
        "5.4.3.b-2": "the variant pays every refund late: compensation after the time agreed breaks 'paid as agreed'",
        "5.4.3.c-1": "the variant pays every refund late: service refunds after service_refund_after_agreement"}),
    "OpenedPackageNotIntact": Pinned("5.4.1.b-1"),
    "PromisesHiddenOnProductPage": Pinned("4.2-1", {
        "5.4.1.a-3": "its page states 7 days for a 15-day promise: a period shorter than promised, and a boundary "
                     "the system does not keep (it honours 15)"}),
    "PromisedWindowIgnored": Pinned("5.1.3.c-2", {
        "5.4.1.a-3": "5.4.1.a-3 states that a promised longer period replaces the 7 days",
        "4.2-3": "an after-sales promise not honoured (4.2-3 states it for every participant)"}),
    "FreshGoodsAlwaysExcluded": Pinned("5.1.3.c-2"),
    "LateReturnRefusedOnAnotherGround": Pinned("5.1.3.c-1", {
        "5.4.1.a-3": "its window scenarios refuse the same late request and check that the refusal names the period"}),
    "NoAfterSalesForPromotions": Pinned("5.1.3.c-1"),
    "ResponseLimitNeverEnforced": Pinned("5.3.1.c-1", {**FEEDBACK_LIMIT, **PLATFORM_RULE_APPLIED}),
    "ResponseLimitBeyondLaw": Pinned("5.3.1.c-1", {**FEEDBACK_LIMIT, **PLATFORM_RULE_CEILING}),
    "RefusalWithoutReason": Pinned("5.3.1.c-1", {**FEEDBACK_LIMIT, "5.3.2.b-1": "a refusal without its reason is no "
                                                 "handling outcome, whoever filed the request (5.3.2.b-1 checks it)"}),
    "WrongItemReturnNeedsIntactGoods": Pinned("5.3.2.d-1"),
    # Leaving a wrong item to the merchant's review conforms (the kit grants it as the merchant); the bug is that
    # a refusal on an unlawful ground then stands.
    "WrongItemLeftToMerchant": Pinned("5.3.2.d-1"),
    "LostParcelRefundedMinusFreight": Pinned("5.3.2.j-2", {"4.2-4": "4.2-4 also files a refund for a lost parcel"}),
    "PlatformDecisionNotCarriedOut": Pinned("5.3.3.c-1"),
    "ConsultationAnsweredLate": Pinned("5.1.4.h-1", {
        # The merchant's customer service replies by its own rule (merchant_service_reply_at, 5.2.3.b): not late here.
        "5.3.3.e-1": "the same inquiry feedback limit, for the platform", "5.3.4.c-3": "the same limit, for the operator's staff"}),
    "ConsultationsAllReferred": Pinned("5.3.3.e-1", {"5.3.4.c-3": "a referral is no answer", "5.3.4.d-1": "a referral is no answer",
                                                     **dict.fromkeys(MERCHANT_CONSULTATIONS, "a referral is no answer from the merchant"),
                                                     "5.2.3.b-1": "the merchant's customer service refers a question asked "
                                                                  "during the stream instead of answering it"}),
    "ConsultationsNeverPassedOn": Pinned("5.3.3.e-2", {"5.3.4.d-2": "the same hand-over, for the operator's staff"}),
    "ComplaintEscalatedLate": Pinned("5.1.1.g-2", PLATFORM_RULE_APPLIED),
    "ComplaintsKeptByPlatform": Pinned("5.1.4.e-1", {"5.1.1.g-3": "the complaint never reaches the merchant",
                                                     "4.2-4": "the complaint never reaches the merchant"}),
    "FeedbackSummarised": Pinned("5.2.1.c-1"),
    "ComplaintNeverClosed": Pinned("5.1.1.g-3", {
        "4.2-4": "a complaint without an outcome has no complete record",
        "5.3.1.b-1": "a serious complaint is never driven to resolution either (the operator's duty)",
        "5.3.2.f-1": "a serious complaint is never driven to resolution either (the merchant's duty)"}),
    "DisclosesWithoutConsent": Pinned("4.3-1", PERSONAL_DATA),
    "ConsentForAnyRecipient": Pinned("4.3-1"),
    "WithdrawalIgnored": Pinned("4.3-1"),
    "CourierNeedsConsent": Pinned("5.3.2.a-2", {"5.3.3.a-2": PERSONAL_DATA["5.3.3.a-2"]}),
    "LeakNoticeWithoutAdvice": Pinned("5.3.3.b-2"),
    "RemediesNotStarted": Pinned("5.3.3.b-2"),
    "ReviewsRemovedOnRequest": Pinned("5.5.1-2"),
    "NegativeReviewsNotListed": Pinned("5.5.1-1", {"5.5.1-2": "every review scenario reads the list",
                                                   "5.5.2-1": "every review scenario reads the list"}),
    "AppealHidesReview": Pinned("5.5.2-1"),
    # contract 1.4: repeated requests and retried calls, bundle and threshold returns, serious complaints
    "DoubleRefund": Pinned("5.4.1.b-2", {
        "5.3.2.j-2": "a lost parcel's refund requested again is paid again: the same repeat rule",
        "5.4.2.c-1": "a partial refund for a wrong item, then a return of the same line: refunds beyond what was paid"}),
    "IdempotencyKeyIgnored": Pinned("4.2-4"),  # the retry is answered with a refused duplicate, not the request filed
    "ReusedKeyAnsweredWithFirst": Pinned("4.2-4"),  # another request answered with the first: it has no record
    "BundleRefundKept": Pinned("5.4.1.b-2"),
    "BundleListPriceRefund": Pinned("5.4.1.b-2"),  # more than was paid for the goods returned
    "ThresholdMetExactlyLost": Pinned("5.4.1.b-2"),
    "SeriousComplaintIgnored": Pinned("5.3.1.b-1", {
        "5.3.1.b-2": "the emergency mechanism is started only for a complaint recognised as serious",
        "5.3.2.f-1": "the merchant's coordination of the same serious complaint (5.3.1.b names the operator, 5.3.2.f the merchant)"}),
    # spec review (issue 13): the outbound freight of goods at fault, free return shipping per product
    "OutboundFreightOnlyForWholeOrder": Pinned("5.4.4.d-3", {
        "5.4.2.c-1": "a missing line of a two-line order gives back its share of the outbound freight: the same rule "
                     "(CPL Art 24 para 2), for the merchant's delivery error"}),
    "OutboundFreightShareRoundedDown": Pinned("5.4.4.d-3"),
    "FreeReturnPromiseNeedsEveryProduct": Pinned("5.4.1.a-5"),
    "ReturnShipmentOffRecord": Pinned("4.2-4"),  # the record's status no longer follows the return
    "UnverifiedDamageRefusedAsLate": Pinned("5.4.2.b-1"),
    "CancellationTierEdgeExclusive": Pinned("5.4.3.a-1"),
    "WarrantyCountedFromSigningDay": Pinned("5.3.2.b-2"),
    "ExchangeOnlyOnce": Pinned("5.3.2.d-1"),
    "EarlierRefundsCountedTwice": Pinned("5.4.2.c-1"),
    # contract 1.5: the live stream itself (live_sessions)
    "SoldOutStillInStock": Pinned("5.2.3.a-1"),
    "CardShowsListPrice": Pinned("5.2.3.a-2"),
    "CardPromisesLongerReturns": Pinned("5.2.3.a-2"),
    "MerchantServiceAnswersAfterStream": Pinned("5.2.3.b-1"),
    "PageWithoutDisputeInfo": Pinned("5.2.4-1"),
    "NoReportChannel": Pinned("5.2.4-2"),
    "CommentsHandedOverNextDay": Pinned("5.2.1.a-2"),
    "LiveBenefitsLate": Pinned("5.3.1.a-1"),
    # contract 1.5: before and after the stream
    "PlanBeyondCeilingRegistered": Pinned("5.1.3.e-2"),
    "RulesNotYetInForce": Pinned("5.1.4.a-2"),
    "TimeoutRuleNotDeclared": Pinned("5.1.4.e-2"),
    "AssistedRequestsRefused": Pinned("5.3.2.b-1"),
    "RepairNotOffered": Pinned("5.3.2.b-2"),
    "BenefitQuestionsPassedOn": Pinned("5.3.2.g-1"),
    "LogisticsStockReply": Pinned("5.3.2.h-1"),
    "ShipsAfterPromise": Pinned("5.3.2.j-1"),
    # issue 10: a broken variant for every rule with a scenario
    "PlatformListsNoChannel": Pinned("5.1.4.g-1", dict.fromkeys(
        ("5.1.4.b-2", "5.1.4.h-1", "5.3.3.e-1", "5.3.3.e-2"), "its scenario consults on the platform's own channel: none is listed")),
    "OperatorListsNoChannel": Pinned("5.3.4.c-1", dict.fromkeys(
        ("5.2.1.c-1", "5.3.4.c-3", "5.3.4.d-1", "5.3.4.d-2"), "its scenario consults on the live-room operator's channel: none is listed")),
    "ConsultationsNeverAnswered": Pinned("5.1.4.b-2", dict.fromkeys(
        ("5.1.4.h-1", "5.3.3.e-1", "5.3.3.e-2", "5.3.4.c-3", "5.3.4.d-1", "5.3.4.d-2"),
        "no feedback at all is no answer or hand-over within the limit either")),
    "RefundMethodNotShown": Pinned("5.4.1.b-4"),
    "ReturnInstructionsWithoutGifts": Pinned("5.4.2.d-1"),
    "FixedServiceCompensation": Pinned("5.4.3.b-1"),
    "RejectionEndsDispute": Pinned("5.4.4.b-1", dict.fromkeys(
        ("5.3.3.c-1", "5.4.4.b-2", "5.4.4.b-3", "5.4.4.c-1", "5.4.4.c-2", "5.4.4.c-3", "5.4.4.d-4"),
        "its scenario asks for the intervention after a merchant's rejection: no case opens"),
        errors="request_intervention has no refusal in the contract: a system that will not open a case fails the call"),
    "NegotiationBeyondDeclared": Pinned("5.4.4.b-2"),
    "NegotiationLeftOpen": Pinned("5.4.4.b-3", dict.fromkeys(
        ("5.3.3.c-1", "5.4.4.c-1", "5.4.4.c-3"), "its scenario waits for the decision due as the negotiation period ends")),
    "DecisionWithoutRule": Pinned("5.4.4.c-3"),
    "SupplementaryAmountIgnored": Pinned("5.4.4.c-2"),
    "RestrictedGoodsSoldAsPermitted": Pinned("5.4.4.d-1"),
    "ProhibitedGoodsRefundDeducted": Pinned("5.4.4.d-2"),
}

# Better-than-law variants: obligation → why its set-up is out of the variant's legitimate reach (empty: all pass).
NO_REQUEST_LEFT_PENDING = "each scenario needs a quality-problem request the merchant rejects; all are approved at once"
CONFORMING: dict[str, dict[str, str]] = {
    "ThirtyDayWindowEverywhere": {},
    "FreeReturnFreightEverywhere": {},
    "RefundWithinAnHour": {},
    # Refunding the allocated share of a broken discount gives the consumer more than 7D Art 17 requires:
    # the merchant forgoes a deduction it may make, which is more favourable and conforms.
    "BrokenDiscountNotSettled": {},
    "InstantApproval": dict.fromkeys(("5.4.4.b-1", "5.4.4.b-2", "5.4.4.b-3", "5.4.4.c-1", "5.4.4.c-2", "5.4.4.c-3",
                                      "5.4.4.d-4", "5.3.3.c-1"), NO_REQUEST_LEFT_PENDING),
    # The mirror of InstantApproval: the merchant reviews no-reason returns within the response limit.
    "MerchantReviewsNoReasonReturns": {},
    # The whole outbound freight for one faulty line of several: more than CPL Art 24 asks, never more than was paid.
    "WholeOutboundFreightGivenBack": {},
    # Granting transit damage nobody verified gives the consumer more than 5.4.2.b asks.
    "TransitDamageTakenOnTrust": {},
    # contract 1.5: shipping at the last moment promised; a plan beyond the ceiling registered within it
    "ShipsAtTheLastMoment": {},
    "PlanCappedAtCeiling": {},
    # The platform deciding a silent merchant's request (on_expiry platform_decides) and granting it at the limit.
    "PlatformDecidesSilentRequests": {},
    # The shipping status in the merchant's own words, without the tracking number (5.3.2.h-1).
    "LogisticsReplyInOwnWords": {},
    # Exclusions from no-reason returns labelled and refused in everyday words (7D Art 20).
    "ExclusionsInEverydayWords": {},
    # The live-room card states the product's no-reason return terms in words of its own (5.2.3.a-2).
    "CardLabelInOwnWords": {},
    # A refund method named as a payment app names it (5.4.1.b-4).
    "RefundNoticeInAppWords": {},
    # A consultation answered directly and recorded as handled, the contract's status with the answer (5.3.3, 5.3.4).
    "DirectAnswersAsHandled": {},
    # A request at the very instant a return period ends (24:00 of its last day, 民法典 Art 203) taken as in time.
    "WindowEndInclusive": {},
    # Requests after their period left to the merchant, who may grant them as a favour, instead of refused.
    "LateRequestsLeftToMerchant": {},
}


def test_every_variant_is_a_real_class():
    assert set(EXPECTED) | set(CONFORMING) <= set(vars(mutants))


def test_every_variant_is_pinned():
    plain = sorted(name for name, pinned in EXPECTED.items() if not isinstance(pinned, Pinned))
    assert not plain, f"give these variants a target and a reason for each extra: Pinned(target, {{extra: why}}): {plain}"
    unexplained = {name: [e for e, why in p.extras.items() if not why.strip()] for name, p in EXPECTED.items()}
    assert not any(unexplained.values()), unexplained


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    names = [REFERENCE_NAME, *EXPECTED, *CONFORMING]
    if "PYTEST_XDIST_WORKER" not in os.environ:
        return run_all(names, tmp_path_factory.mktemp("mutants"))
    # Under pytest-xdist this module's tests are spread over the workers: the first to get here runs the
    # variants into the folder the workers share, the others wait for it and read the same results.
    shared = tmp_path_factory.getbasetemp().parent
    with open(shared / "mutants.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (shared / "mutants.done").is_file():
            run_all(names, shared / "mutants")
            (shared / "mutants.done").touch()
    return read_runs(names, shared / "mutants")


def test_the_shared_session_gives_what_caaad_run_gives(runs, tmp_path):
    # One variant with failures run as a vendor runs it, a fresh `caaad run` process: the same exit code,
    # scenario outcomes and messages, obligation outcomes as the variants' shared session (batch.py).
    # bench/check_identical.py compares every variant so.
    name = "RefundToBalance"
    assert essence(*run_suite(adapter_of(name), tmp_path / name)) == essence(*runs[name])


def test_reference_system_passes_everything(runs):
    code, results = runs["ReferenceAdapter"]
    assert code == 0 and failing(results) == set()
    assert results["summary"]["scenarios"] == {"passed": len(results["scenarios"])}


# One variant of each other kind of change reach.py places: an adapter operation, a part's method, a service
# method (RefundToBalance, a rule, is run whole by the test above), and a rule whose answers leave it one scenario
# of the 184 that call it (reach.Answers).
EVERY_SCENARIO = ["GiftMissingRefused", "BundleListPriceRefund", "IdempotencyKeyIgnored", "MerchantExclusionTrusted"]


def test_the_scenarios_a_variant_runs_give_what_every_scenario_gives(runs, tmp_path):
    full = run_all(EVERY_SCENARIO, tmp_path, workers=1, select=False)
    assert {n: essence(*full[n]) for n in EVERY_SCENARIO} == {n: essence(*runs[n]) for n in EVERY_SCENARIO}


@pytest.mark.parametrize("mutant", sorted(EXPECTED))
def test_mutant_fails_its_target_and_only_justified_extras(runs, mutant):
    code, results = runs[mutant]
    pinned = EXPECTED[mutant]
    if not isinstance(pinned, Pinned):
        pytest.fail(f"{mutant}: give it a target and a reason for each extra, Pinned(target, {{extra: why}}); "
                    f"it fails {sorted(failing(results))}")
    assert code == 1, f"{mutant}: caaad run must exit 1 when obligations fail"
    failed = failing(results)
    assert pinned.target in failed, f"{mutant}: its target {pinned.target} must fail; failed: {sorted(failed)}"
    assert failed - pinned.failing == set(), f"{mutant}: cascade into {sorted(failed - pinned.failing)}"
    assert pinned.failing - failed == set(), f"{mutant}: justified extras that no longer fail: {sorted(pinned.failing - failed)}"
    failing_scenarios = [s for s in results["scenarios"] if s["outcome"] in ("failed", "error")]
    assert failing_scenarios and all(s["message"] for s in failing_scenarios), "each failure says what the standard requires"
    errors = [s for s in results["scenarios"] if s["outcome"] == "error"]
    assert bool(errors) == bool(pinned.errors), (
        f"{mutant}: a wrong rule is a failure, not an error" if errors else f"{mutant}: pinned with errors but none occurred")


@pytest.mark.parametrize("variant", sorted(CONFORMING))
def test_better_than_law_variant_conforms(runs, variant):
    code, results = runs[variant]
    assert failing(results) == set(), f"{variant}: a system more favourable than the law fails {sorted(failing(results))}"
    assert code == 0, f"{variant}: caaad run must exit 0 when nothing fails"
    ran = {o["id"] for o in results["obligations"] if o["scenarios"]}
    untested = {o["id"] for o in results["obligations"] if o["id"] in ran and o["outcome"] == "not_tested"}
    assert untested == set(CONFORMING[variant]), f"{variant}: not_tested {sorted(untested)}"
    for scenario in results["scenarios"]:
        if scenario["outcome"] == "not_tested":
            assert scenario["message"].startswith("precondition not reachable"), scenario
            assert set(scenario["obligations"]) <= untested, scenario
