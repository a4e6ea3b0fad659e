"""How the platform decides a dispute (5.4.4.b–d)."""

from dataclasses import dataclass

LAW_RULE = "T/CAAAD 001—2023 5.4.4.d：禁止或限制出售的商品，判定商家责任，退货退款"
EVIDENCE_RULE = "参考平台规则：协商期满未协商一致的，消费者举证而商家未举证时支持消费者的请求"


@dataclass(frozen=True)
class Decision:
    basis: str  # agreement | supplementary_agreement | platform_rules | law
    upheld: bool
    remedy: str | None
    amount_fen: int | None
    liable_party: str  # merchant | consumer | none
    rule: str | None = None  # the platform rule or legal provision applied; None when an agreement decides


def agreed_decision(basis: str, remedy: str | None, amount_fen: int | None) -> Decision:
    """What the parties agreed decides (5.4.4.c); no remedy means the consumer withdrew."""
    return Decision(basis, remedy is not None, remedy, amount_fen, "merchant" if remedy else "none")


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
