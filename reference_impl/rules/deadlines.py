"""When money is paid relative to when it falls due, and when the merchant must answer a request."""

from datetime import datetime, timedelta

from .obligations import implements


@implements("5.4.1.b-2", "5.4.3.b-2", "5.4.3.c-1")
def refund_payment_time(due_from: datetime, due_by: datetime) -> datetime:
    """When the reference system pays a refund that became due at `due_from` (receipt of an intact
    return, acceptance, agreement): at once, well within `due_by` (refund_after_receipt ≤ 7 days,
    service_refund_after_agreement, or the agreed date)."""
    return due_from


@implements("5.3.1.c-1", "5.3.2.e-1", "5.1.4.e-2")
def merchant_response_due(requested_at: datetime, limit: timedelta) -> datetime:
    """When a request left to the merchant is answered at the latest: as the declared
    after_sales_request_response_limit passes, the system's acceptance answering for a silent merchant."""
    return requested_at + limit

