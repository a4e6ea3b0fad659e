"""Systems that answer the contract 1.5 live-session rules differently from the reference system, and conform.

The kit must pass them: a product that sells out is sold on as pre-sale with its shipping date shown on the card
(instead of refusing the order), after-sales questions from the comments handed over only as the stream ends (the
latest moment the standard allows), and a system of contract 1.4 that knows nothing of contract 1.5 (its new
scenarios are not_tested, nothing fails).
"""

from datetime import timedelta

from caaad.reference_impl.adapter import ReferenceAdapter
from caaad.reference_impl.live_sessions import LiveSessions
from caaad.reference_impl.records import iso
from caaad.reference_impl.rules.china_time import china_date
from caaad.reference_impl.system import AfterSalesService

PRESALE_LEAD = timedelta(days=15)  # how long the variant takes to restock a product that sold out


class _PresaleWhenSoldOutSessions(LiveSessions):
    def save_session(self, session, kept):
        # A product whose stock reaches zero is put on pre-sale at once, its shipping date on the card; restocked,
        # it is sold from stock again.
        until_restocked = kept.setdefault("presale_until_restocked", [])
        for product_id, offer in kept["offers"].items():
            if offer["stock_quantity"] == 0 and not offer.get("presale_ship_date"):
                offer["presale_ship_date"] = china_date(self.clock.now() + PRESALE_LEAD).isoformat()
                until_restocked.append(product_id)
            elif offer["stock_quantity"] > 0 and product_id in until_restocked:
                until_restocked.remove(product_id)
                offer.pop("presale_ship_date")
        return super().save_session(session, kept)


class _PresaleWhenSoldOutService(AfterSalesService):
    LiveSessions = _PresaleWhenSoldOutSessions


class PresaleWhenSoldOut(ReferenceAdapter):
    """Sells a sold-out product on as pre-sale with the shipping date on the card (the contract's other answer)."""

    def __init__(self):
        super().__init__(service=_PresaleWhenSoldOutService())


class _HandOverAtStreamEndSessions(LiveSessions):
    def post_live_comment(self, live_session_id, consumer_id, text):
        shown = super().post_live_comment(live_session_id, consumer_id, text)
        session, kept = self.store.get_with_kept("live_session", live_session_id)
        if shown["handover"] is not None:  # held back until the stream ends
            session["comments"][-1]["handover"] = None
            kept.setdefault("held", {})[shown["comment_id"]] = kept["pending"][shown["comment_id"]].pop("handover")
            self.save_session(session, kept)
        return {**shown, "handover": None}

    def close_live_session(self, live_session_id):
        session, kept = self.store.get_with_kept("live_session", live_session_id)
        for comment_id, handover in kept.pop("held", {}).items():
            kept["pending"][comment_id]["handover"] = {**handover, "handed_over_at": iso(self.clock.now())}
        self.save_session(session, kept)
        return super().close_live_session(live_session_id)


class _HandOverAtStreamEndService(AfterSalesService):
    LiveSessions = _HandOverAtStreamEndSessions


class HandOverAtStreamEnd(ReferenceAdapter):
    """Hands the after-sales questions of the comments to the after-sales staff as the stream ends, not at once."""

    def __init__(self):
        super().__init__(service=_HandOverAtStreamEndService())


# What contract 1.5 added: live sessions, and before and after the stream.
CAPABILITIES_1_5 = ("live_sessions", "after_sales_plans", "published_rules", "assisted_requests", "repairs",
                    "merchant_consultations")


class Contract14System(ReferenceAdapter):
    """Declares contract 1.4.0: none of the capabilities of 1.5, so no channel of the merchant's customer service."""

    def describe(self, request):
        description = super().describe(request)
        return {**description, "contract_version": "1.4.0",
                "capabilities": [c for c in description["capabilities"] if c not in CAPABILITIES_1_5],
                "consultation_channels": [c for c in description["consultation_channels"] if c["addressed_to"] != "merchant"]}
