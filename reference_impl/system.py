"""The reference after-sales system: rules + store + an injectable clock.

AfterSalesService is assembled from parts, each one area of the standard, each given the parts it works
with: catalogue (parties, products), live sessions (5.2, 5.3.1.a), orders (placing, delivery), settlement
(money owed and paid), after-sales requests (5.4.1–5.4.3, service goods), returns and inspection (5.4.1.b,
5.4.2.d), disputes (5.4.4: intervention, agreements), consultations and complaints, reviews, personal data.
Every decision the standard makes comes from `rules`, so a test can build a deliberately broken system by
replacing one rule; a part class named on AfterSalesService can be swapped by a subclass the same way.
"""

import json
from datetime import datetime
from typing import Callable

from .after_sales_requests import Requests
from .catalogue import Catalogue
from .clock import ManualClock
from .consultations import Consultations
from .disputes import Disputes
from .live_sessions import LiveSessions
from .orders import Orders
from .personal_data import PersonalData
from .platform_rules import PlatformRule, load_platform_rules
from .records import ServiceError, iso
from .returns import Returns
from .reviews import Reviews
from .rules import DEFAULT_RULES, Rules
from .settlement import Settlement
from .store import NotFound, Store

SYSTEM_NAME = "caaad reference system"
SYSTEM_VERSION = "0.1.0"
CONTRACT_VERSION = "1.5.0"
ROLES = ("platform", "merchant")
CAPABILITIES = ("core", "returns", "disputes", "agreements", "service_goods", "consultations", "complaints", "reviews",
                "personal_data", "idempotency", "serious_complaints", "live_sessions", "after_sales_plans",
                "published_rules", "assisted_requests", "repairs", "merchant_consultations")


class AfterSalesService:
    # The parts, by class: a variant of the system swaps one in a subclass (Returns = MyReturns).
    Catalogue, LiveSessions, Orders, Settlement, Requests = Catalogue, LiveSessions, Orders, Settlement, Requests
    Returns, Disputes, Consultations, Reviews, PersonalData = Returns, Disputes, Consultations, Reviews, PersonalData

    def __init__(self, store: Store | None = None, clock: ManualClock | None = None, rules: Rules = DEFAULT_RULES,
                 platform_rules: dict[str, PlatformRule] | None = None):
        self.store = store = store or Store()
        self.clock = clock = clock or ManualClock()
        self.rules = rules
        self.platform_rules = platform_rules = platform_rules or load_platform_rules()
        self.catalogue = self.Catalogue(store, rules)
        self.live_sessions = self.LiveSessions(store, self.catalogue, rules, clock)
        self.orders = self.Orders(store, self.catalogue, self.live_sessions, rules, clock)
        self.settlement = self.Settlement(rules)
        self.requests = self.Requests(store, self.catalogue, self.orders, self.settlement, rules, platform_rules, clock)
        self.returns = self.Returns(self.requests, self.settlement, rules, platform_rules, clock)
        self.disputes = self.Disputes(store, self.requests, rules, platform_rules, clock)
        self.consultations = self.Consultations(store, self.catalogue, self.orders, self.live_sessions, rules,
                                                platform_rules, clock)
        self.reviews = self.Reviews(store, self.catalogue, rules, clock)
        self.personal_data = self.PersonalData(store, self.catalogue, rules, clock)
        # What runs when something falls due on an after-sales request (rules.falling_due names it).
        self.due_handlers = {"merchant_silent": self.requests.on_merchant_silent,
                             "inspection_overdue": self.returns.on_inspection_overdue,
                             "negotiation_over": self.disputes.on_negotiation_over,
                             "refund_due": self.settlement.pay_due}

    def describe(self) -> dict:
        return {"name": SYSTEM_NAME, "version": SYSTEM_VERSION, "contract_version": CONTRACT_VERSION,
                "roles": list(ROLES), "capabilities": list(CAPABILITIES),
                "platform_rules": [{"name": r.name, "value": r.value, "unit": r.unit, "on_expiry": r.on_expiry,
                                    "description": r.description} for r in self.platform_rules.values()],
                "consultation_channels": self.consultations.consultation_channels()}

    def after_sales_rules(self) -> dict:
        """The after-sales rules in force now, in full, as anyone may read them (5.1.4.a-2)."""
        rules = self.rules.published_rules(self.describe()["platform_rules"], self.now())
        return {**rules, "effective_from": iso(rules["effective_from"])}

    def once(self, key: str, op: str, request: dict, run: Callable[[], dict]) -> dict:
        """The answer to a call named by an idempotency key: the first answer again when the same call
        is retried; a refusal, changing nothing, when the key was used for another call; otherwise the
        call is made and its answer kept. A call that fails keeps nothing, so its retry runs again."""
        call = json.dumps({"op": op, "request": request}, sort_keys=True, ensure_ascii=False)
        try:
            kept = self.store.get("call", key)
        except NotFound:
            response = {**run(), "idempotency_key": key}
            self.store.put("call", key, {"call": call, "response": response}, status=op)
            return response
        if kept["call"] != call:
            raise ServiceError(f"idempotency key {key!r} was used for another call ({op} with a different request)")
        return kept["response"]

    def now(self) -> datetime:
        return self.clock.now()

    def advance_to(self, target: datetime) -> datetime:
        """Move the clock to `target`, running everything that falls due on the way at the time it
        falls due (merchant silence, an inspection not made in time, end of a negotiation period,
        scheduled refunds)."""
        self.clock.set(target)  # refuses to go backwards before anything runs
        while True:
            due = sorted((at, record["after_sales_id"], what) for record, books in self.requests.open_requests()
                         for at, what in self.rules.falling_due(record, books["refund_pay_at"]) if at <= target)
            if not due:
                return target
            at, after_sales_id, what = due[0]
            case = self.requests.load(after_sales_id)
            self.due_handlers[what](case, at)
            self.requests.save(case)
