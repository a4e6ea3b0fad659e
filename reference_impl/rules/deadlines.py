"""When money is paid relative to when it falls due."""

from datetime import datetime


def refund_payment_time(due_from: datetime, due_by: datetime) -> datetime:
    """When the reference system pays a refund that became due at `due_from` (receipt of an intact
    return, acceptance, agreement): at once, well within `due_by` (refund_after_receipt ≤ 7 days,
    service_refund_after_agreement, or the agreed date)."""
    return due_from
