"""The suite has teeth: each broken variant of the reference system (mutants.py) fails exactly the
obligations its bug breaks, and no others. Runs `caaad run` as a vendor would, once per variant."""

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import mutants

EXPECTED = {
    # one window rule serves all four (5.3.2.c-1: the 7D measures count from the day after signing)
    "WindowFromSigningDay": {"5.4.1.a-3", "5.4.2.b-1", "5.4.2.b-2", "5.3.2.c-1"},
    "RefundToBalance": {"5.4.1.b-3", "5.3.2.c-1"},  # 7D Art 14, also in the 7-day end-to-end
    "ConsumerPaysTransitDamageFreight": {"5.4.2.b-3"},
    "ConsumerPaysProhibitedReturnFreight": {"5.4.4.d-3"},
    "SealConfusedWithPackaging": {"5.4.1.b-1"},
    "ConfirmationIgnored": {"5.4.1.a-2"},
    "GiftsAtMarketValue": {"5.4.2.d-2"},
    "GiftMissingRefused": {"5.4.2.d-2"},
    "WrongItemOnlyReturn": {"5.4.2.c-1", "5.3.2.d-1"},  # refusing the exchange of a wrong item refuses service
    "PlatformSidesWithMerchant": {"5.4.4.c-1"},
    "RefundLimitBeyondLaw": {"5.4.1.b-2"},
    "WindowInUtc": {"5.4.1.a-3", "5.4.2.b-1", "5.4.2.b-2", "5.3.2.c-1"},
    "FreeReturnPromiseIgnored": {"5.4.1.a-5", "4.2-3", "5.1.3.c-2"},  # a promise not honoured, in all three clauses
    "WholePriceAsCancellationFee": {"5.4.3.a-1", "5.4.3.c-1"},  # the fee shown, and the refund it leaves
    "BareReturnLabel": {"5.4.1.a-1", "5.4.1.a-2"},  # no reason shown, so none to refuse on
    "PerishableWindowNeverCloses": {"5.4.2.a-1"},
    "BrokenDiscountNotSettled": {"5.4.1.b-2"},
    "OutboundFreightDeductedTwice": {"5.4.1.a-4"},
    "ProhibitedGoodsNotOnMerchant": {"5.4.4.d-4"},
    "BrokenSealAccepted": {"5.4.1.b-1"},
    "MerchantExclusionTrusted": {"5.4.1.a-2"},
    "PromisesHiddenOnProductPage": {"4.2-1"},
    "PromisedWindowIgnored": {"5.4.1.a-3", "4.2-3", "5.1.3.c-2"},  # the promised period replaces 7 days
    "FreshGoodsAlwaysExcluded": {"5.1.3.c-2"},
    "NoAfterSalesForPromotions": {"5.1.3.c-1", "5.4.1.b-2"},  # 5.4.1.b-2's partial return is of a discounted order
    # 5.3.1.c-1 (live room operator) and 5.3.2.e-1 (merchant) state the same feedback time limit
    "ResponseLimitNeverEnforced": {"5.3.1.c-1", "5.3.2.e-1"},
    "ResponseLimitBeyondLaw": {"5.3.1.c-1", "5.3.2.e-1"},
    "RefusalWithoutReason": {"5.3.1.c-1", "5.3.2.e-1"},
    "WrongItemReturnNeedsIntactGoods": {"5.3.2.d-1"},
    "WrongItemLeftToMerchant": {"5.3.2.d-1", "5.4.2.c-1"},  # wrong items are accepted at once (5.4.2.c)
    "LostParcelRefundedMinusFreight": {"5.3.2.j-2", "4.2-4"},  # 4.2-4 also files a refund for a lost parcel
    "PlatformDecisionNotCarriedOut": {"5.3.3.c-1"},
    "ConsultationAnsweredLate": {"5.1.4.h-1", "5.3.3.e-1", "5.3.4.c-3"},  # checked one minute past the limit
    "ConsultationsAllReferred": {"5.3.3.e-1", "5.3.4.c-3", "5.3.4.d-1"},  # a referral is no answer
    "ConsultationsNeverPassedOn": {"5.3.3.e-2", "5.3.4.d-2"},
    "ComplaintEscalatedLate": {"5.1.1.g-2"},
    "ComplaintsKeptByPlatform": {"5.1.4.e-1", "5.1.1.g-3", "4.2-4"},  # never reaches the merchant
    "FeedbackSummarised": {"5.2.1.c-1"},
    "ComplaintNeverClosed": {"5.1.1.g-3", "4.2-4", "5.3.1.b-1", "5.3.2.f-1"},  # a serious complaint is never resolved either
    # personal data: 4.3-1 (all parties), 5.3.2.a-2 (merchant) and 5.3.3.a-2 (platform) state one rule
    "DisclosesWithoutConsent": {"4.3-1", "5.3.2.a-2", "5.3.3.a-2"},
    "ConsentForAnyRecipient": {"4.3-1"},  # only 4.3-1 asks for a recipient the consent does not name
    "WithdrawalIgnored": {"4.3-1"},
    "CourierNeedsConsent": {"5.3.2.a-2", "5.3.3.a-2"},  # the "otherwise provided by law" exception
    "LeakNoticeWithoutAdvice": {"5.3.3.b-2"},
    "RemediesNotStarted": {"5.3.3.b-2"},
    "ReviewsRemovedOnRequest": {"5.5.1-2"},
    "NegativeReviewsNotListed": {"5.5.1-1", "5.5.1-2", "5.5.2-1"},  # every review scenario reads the list
    "AppealHidesReview": {"5.5.2-1"},
    # contract 1.4: repeated requests and retried calls, bundle and threshold returns, serious complaints
    "DoubleRefund": {"5.4.1.b-2", "5.3.2.j-2", "5.4.2.c-1"},  # the repeats in a no-reason return, a lost parcel, a partial refund
    "IdempotencyKeyIgnored": {"4.2-4"},  # the retry is answered with a refused duplicate, not the request filed
    "ReusedKeyAnsweredWithFirst": {"4.2-4"},  # another request answered with the first: it has no record
    "BundleRefundKept": {"5.4.1.b-2"},
    "BundleListPriceRefund": {"5.4.1.b-2"},  # more than was paid for the goods returned
    "ThresholdMetExactlyLost": {"5.4.1.b-2"},
    "SeriousComplaintIgnored": {"5.3.1.b-1", "5.3.1.b-2", "5.3.2.f-1"},
}
HERE = Path(__file__).resolve().parent


def run_suite(adapter: str, out: Path) -> tuple[int, dict]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(HERE), os.environ.get("PYTHONPATH")]))}
    done = subprocess.run([sys.executable, "-m", "caaad", "run", "--adapter", adapter, "--out", str(out)],
                          capture_output=True, text=True, env=env, timeout=300)
    results = out / "results.json"
    assert results.is_file(), f"{adapter}: no results.json; stderr: {done.stderr[-500:]}"
    return done.returncode, json.loads(results.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    names = ["ReferenceAdapter", *EXPECTED]
    base = tmp_path_factory.mktemp("mutants")

    def one(name):
        adapter = "caaad.reference_impl.adapter:ReferenceAdapter" if name == "ReferenceAdapter" else f"mutants:{name}"
        return name, run_suite(adapter, base / name)

    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(pool.map(one, names))


def broken(results: dict) -> set[str]:
    return {o["id"] for o in results["obligations"] if o["outcome"] in ("failed", "error")}


def test_every_mutant_is_a_real_class():
    assert set(EXPECTED) <= set(vars(mutants))


def test_reference_system_passes_everything(runs):
    code, results = runs["ReferenceAdapter"]
    assert code == 0 and broken(results) == set()
    assert results["summary"]["scenarios"] == {"passed": len(results["scenarios"])}


@pytest.mark.parametrize("mutant", sorted(EXPECTED))
def test_mutant_fails_exactly_what_it_breaks(runs, mutant):
    code, results = runs[mutant]
    assert code == 1, f"{mutant}: caaad run must exit 1 when obligations fail"
    assert broken(results) == EXPECTED[mutant]
    failing = [s for s in results["scenarios"] if s["outcome"] == "failed"]
    assert failing and all(s["message"] for s in failing), "each failure says what the standard requires"
    assert not [s for s in results["scenarios"] if s["outcome"] == "error"], "a wrong rule is a failure, not an error"
