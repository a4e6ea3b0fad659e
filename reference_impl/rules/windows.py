"""Periods the consumer has to act in."""

from datetime import datetime, timedelta

from .obligations import implements

from .china_time import china_date, start_of_china_day


@implements("5.4.1.a-3", "5.4.2.b-1", "5.4.2.b-2", "5.1.3.c-2", "4.2-3", "5.3.2.c-1")
def window_closes_at(signed_at: datetime, days: int) -> datetime:
    """First instant after a period of `days` days counted from the day after signing (7D Art 10, ECL
    Art 51): signed on China day D, a notice up to 23:59:59.999… of D+days is in time. Used for the
    no-reason window (7 or the merchant's promise) and the transit-damage 7/15 days (5.4.2.b)."""
    return start_of_china_day(china_date(signed_at) + timedelta(days=days + 1))


@implements("5.4.2.a-1")
def report_window_closes_at(signed_at: datetime, hours: float) -> datetime:
    """End of the platform's window for reporting a quality problem with perishables (5.4.2.a): an
    hour-based platform rule, counted from the signing time itself."""
    return signed_at + timedelta(hours=hours)
