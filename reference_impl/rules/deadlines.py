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



@implements("5.1.4.e-2", "5.4.1.b-1", "5.4.4.b-1", "5.4.1.b-2")
def falling_due(record: dict, refund_pay_at: list[str]) -> list[tuple[datetime, str]]:
    """(when, what) for everything that falls due on an open after-sales request as time passes: the
    merchant's silence at the response limit (the system accepts), an inspection not made in time (the return
    is deemed received intact), the end of a negotiation period (the platform decides), scheduled refunds."""
    events = []
    for deadline in record["deadlines"]:
        if deadline["name"] == "merchant_response" and record["status"] == "pending_merchant":
            events.append((datetime.fromisoformat(deadline["due_at"]), "merchant_silent"))
        if deadline["name"] == "return_inspection" and record["status"] == "return_received":
            events.append((datetime.fromisoformat(deadline["due_at"]), "inspection_overdue"))
    intervention = record["intervention"]
    if intervention and intervention["status"] == "negotiating":
        events.append((datetime.fromisoformat(intervention["negotiation_ends_at"]), "negotiation_over"))
    events += [(datetime.fromisoformat(pay_at), "refund_due")
               for refund, pay_at in zip(record["refunds"], refund_pay_at) if refund["status"] == "scheduled"]
    return events


@implements("5.4.3.b-2", "5.4.3.c-1", "5.4.1.b-2")
def refund_due_without_return(service: bool, compensation: bool, now: datetime, agreed_pay_by: datetime | None,
                              refund_after_receipt: timedelta, service_refund_after_agreement: timedelta) -> datetime:
    """When money owed without goods coming back falls due. Service goods: within the declared
    service_refund_after_agreement (5.4.3.c), an agreed date only bringing it earlier, except compensation, paid
    when the parties agreed (5.4.3.b). Goods: the agreed date, else refund_after_receipt from now."""
    if service:
        limit = now + service_refund_after_agreement
        return min(limit, agreed_pay_by) if agreed_pay_by and not compensation else (agreed_pay_by or limit)
    return agreed_pay_by or now + refund_after_receipt
