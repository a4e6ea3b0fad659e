"""How the platform decides a dispute (5.4.4.b–d)."""

from dataclasses import dataclass
from datetime import timedelta

from .obligations import implements

LAW_RULE = "T/CAAAD 001—2023 5.4.4.d：禁止或限制出售的商品，判定商家责任，退货退款"
EVIDENCE_RULE = "参考平台规则：协商期满未协商一致的，消费者举证而商家未举证时支持消费者的请求"


FINAL = frozenset({"completed", "closed"})
EVIDENCE_FROM = ("consumer", "merchant")  # 5.4.4.b: evidence from both parties


@dataclass(frozen=True)
class Decision:
    basis: str  # agreement | supplementary_agreement | platform_rules | law
    upheld: bool
    remedy: str | None
    amount_fen: int | None
    liable_party: str  # merchant | consumer | none
    rule: str | None = None  # the platform rule or legal provision applied; None when an agreement decides


@implements("5.4.4.c-2", "5.4.3.b-2")
def agreed_decision(basis: str, remedy: str | None, amount_fen: int | None) -> Decision:
    """What the parties agreed decides (5.4.4.c); no remedy means the consumer withdrew."""
    return Decision(basis, remedy is not None, remedy, amount_fen, "merchant" if remedy else "none")


@implements("5.4.4.b-3", "5.4.4.c-1", "5.4.4.c-3", "5.4.4.d-4", "5.3.3.c-1")
def platform_decision(requested_remedy: str, prohibited: bool, original_agreement: tuple[str | None, int | None] | None,
                      consumer_evidence: int, merchant_evidence: int) -> Decision:
    """The platform's decision when the parties did not agree during the negotiation period.
    Prohibited or restricted goods: merchant liable, full return and refund (5.4.4.d). Otherwise the
    agreement made for the transaction comes first (5.4.4.c); without one, the reference platform's
    rule: the request is upheld when the consumer gave evidence and the merchant gave none."""
    if prohibited:
        return Decision("law", True, "return_refund", None, "merchant", LAW_RULE)
    if original_agreement is not None:
        return agreed_decision("agreement", *original_agreement)
    upheld = consumer_evidence > 0 and merchant_evidence == 0
    return Decision("platform_rules", upheld, requested_remedy if upheld else None, None,
                    "merchant" if upheld else "none", EVIDENCE_RULE)


@implements("5.4.4.b-1")
def intervention_open(status: str, intervened: bool) -> bool:
    """Whether the consumer may apply for the platform's intervention: on any request not yet completed or
    closed, a merchant's rejection included (5.4.4.b), once."""
    return status not in FINAL and not intervened


@implements("5.4.4.b-2", "5.4.4.d-4")
def negotiation_period(prohibited: bool, declared: timedelta) -> timedelta | None:
    """The negotiation period the platform gives the parties (5.4.4.b): the declared negotiation_period;
    none for prohibited or restricted goods, which the law decides at once (5.4.4.d), or when none is declared."""
    return None if prohibited or not declared else declared



@implements("5.4.4.b-3", "5.4.4.c-1", "5.4.4.c-2", "5.4.4.d-4")
def decision_effect(decision: Decision, status_before: str, remedy_in_progress: str | None) -> str | None:
    """What a decision on a dispute does to the request (its status before the intervention given back):
    "carry_out" its remedy (on a request the merchant left pending or rejected, or when it changes the remedy
    or sets an amount), "close" a contested request the decision does not uphold, or None when the request is
    already being carried out as decided."""
    contested = status_before in ("pending_merchant", "rejected")
    if decision.upheld and (contested or decision.remedy != remedy_in_progress or decision.amount_fen is not None):
        return "carry_out"
    if not decision.upheld and contested:
        return "close"
    return None
