"""Systems that answer the contract 1.4 rules differently from the reference system, and conform.

The kit must pass them: a repeat answered with the existing request instead of a refusal, an emergency
mechanism started for every serious complaint, a system of contract 1.3 that knows nothing of
idempotency keys or serious complaints, and one of contract 1.4 that knows nothing of 1.5 (their new scenarios
are not_tested, nothing fails).
"""

from caaad.reference_impl.adapter import ReferenceAdapter
from caaad.reference_impl.after_sales_requests import Requests
from caaad.reference_impl.records import line_set
from caaad.reference_impl.rules import DEFAULT_RULES
from caaad.reference_impl.system import AfterSalesService
from conforming_1_5 import Contract14System


class _AnsweredWithExisting(Requests):
    def request_after_sales(self, order_id, ground, remedy, lines, **rest):
        repeated = self.rules.repeated_request(ground, remedy, line_set(lines), self.held(order_id))
        if repeated:
            return self.get_after_sales(repeated)
        return super().request_after_sales(order_id, ground, remedy, lines, **rest)


class _ExistingRequestService(AfterSalesService):
    Requests = _AnsweredWithExisting


class RepeatAnsweredWithExisting(ReferenceAdapter):
    """Answers a repeated after-sales request with the request it repeats (the contract's other answer)."""

    def __init__(self):
        super().__init__(service=_ExistingRequestService())


class EmergencyForEverySeriousComplaint(ReferenceAdapter):
    """Starts the emergency mechanism for every serious complaint, whatever the claim (more than required)."""

    def __init__(self):
        super().__init__(rules=DEFAULT_RULES.replace(emergency_needed=lambda claim, threshold: True))


class Contract13System(Contract14System):
    """Declares contract 1.3.0: no idempotency, no serious_complaints, no emergency threshold (and nothing of 1.5)."""

    def describe(self, request):
        description = super().describe(request)
        return {**description, "contract_version": "1.3.0",
                "capabilities": [c for c in description["capabilities"] if c not in ("idempotency", "serious_complaints")],
                "platform_rules": [r for r in description["platform_rules"]
                                   if r["name"] != "serious_complaint_emergency_threshold"]}
