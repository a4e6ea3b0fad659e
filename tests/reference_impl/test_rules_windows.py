"""Windows counted in China time from the day after signing (7D Art 10), and the perishable window."""

from datetime import datetime, timedelta, timezone

import pytest

from caaad.reference_impl.rules.china_time import CHINA, china_date
from caaad.reference_impl.rules.windows import report_window_closes_at, window_closes_at

UTC = timezone.utc


def cst(*args):
    return datetime(*args, tzinfo=CHINA)


def in_window(at, signed_at, days=7):
    return at < window_closes_at(signed_at, days)


def test_window_closes_at_midnight_after_day_seven():
    assert window_closes_at(cst(2024, 3, 1, 10, 0), 7) == cst(2024, 3, 9, 0, 0)


@pytest.mark.parametrize("at, expected", [
    (cst(2024, 3, 8, 23, 59), True),
    (cst(2024, 3, 8, 23, 59, 59, 999999), True),
    (cst(2024, 3, 9, 0, 0), False),
    (cst(2024, 3, 9, 0, 1), False),
    (datetime(2024, 3, 8, 15, 59, tzinfo=UTC), True),    # 23:59 China time, written in UTC
    (datetime(2024, 3, 8, 16, 0, tzinfo=UTC), False),    # already 00:00 of day 8 in China
])
def test_last_minute_of_day_seven_vs_first_of_day_eight(at, expected):
    assert in_window(at, cst(2024, 3, 1, 10, 0)) is expected


def test_signing_just_after_midnight_china_time_counts_on_the_china_day():
    signed = cst(2024, 3, 1, 0, 30)            # 2024-02-29 16:30 UTC: the previous day in UTC
    assert signed.astimezone(UTC).date().day == 29
    assert window_closes_at(signed, 7) == cst(2024, 3, 9, 0, 0)
    assert in_window(cst(2024, 3, 8, 23, 59), signed)


def test_utc_timestamp_already_next_day_in_china():
    signed = datetime(2024, 3, 1, 17, 0, tzinfo=UTC)   # 2024-03-02 01:00 in China
    assert china_date(signed).day == 2
    assert window_closes_at(signed, 7) == cst(2024, 3, 10, 0, 0)
    assert in_window(datetime(2024, 3, 9, 15, 59, tzinfo=UTC), signed)
    assert not in_window(datetime(2024, 3, 9, 16, 0, tzinfo=UTC), signed)


def test_signing_late_evening_gives_no_extra_day():
    assert window_closes_at(cst(2024, 3, 1, 23, 59), 7) == cst(2024, 3, 9, 0, 0)


def test_longer_promise_replaces_seven_days():
    signed = cst(2024, 3, 1, 10, 0)
    assert not in_window(cst(2024, 3, 12, 12, 0), signed, 7)
    assert in_window(cst(2024, 3, 16, 23, 59), signed, 15)
    assert not in_window(cst(2024, 3, 17, 0, 0), signed, 15)


def test_transit_damage_exchange_fifteen_days():
    assert window_closes_at(cst(2024, 2, 20, 8, 0), 15) == cst(2024, 3, 7, 0, 0)  # leap year February


def test_perishable_window_counts_hours_from_signing():
    signed = cst(2024, 3, 1, 22, 0)
    assert report_window_closes_at(signed, 48) == cst(2024, 3, 3, 22, 0)
    assert report_window_closes_at(signed, 12) - signed == timedelta(hours=12)
