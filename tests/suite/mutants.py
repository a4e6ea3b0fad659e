"""Deliberately broken variants of the reference system, each one rule wrong.

Each variant swaps a single pure rule of reference_impl (or, where the bug lives in how a system
reads a request, overrides one adapter operation). test_mutants.py runs the whole conformance suite
against each and checks that exactly the obligations the bug breaks fail.
"""

from datetime import timedelta

from caaad.reference_impl.adapter import ReferenceAdapter
from caaad.reference_impl.rules import DEFAULT_RULES
from caaad.reference_impl.rules.china_time import china_date, start_of_china_day
from caaad.reference_impl.rules.freight import Freight, freight_legs
from caaad.reference_impl.rules.eligibility import remedies_offered
from caaad.reference_impl.rules.intactness import failed_checks


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


WindowFromSigningDay = _variant(
    "WindowFromSigningDay", "Counts return windows from the signing day instead of the day after.",
    window_closes_at=_window_from_signing_day)
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
