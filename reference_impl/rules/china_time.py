"""China Standard Time: day-based rules of the standard are counted on the calendar of UTC+08:00."""

from datetime import date, datetime, time, timedelta, timezone

CHINA = timezone(timedelta(hours=8), "CST")


def china_date(at: datetime) -> date:
    return at.astimezone(CHINA).date()


def start_of_china_day(day: date) -> datetime:
    return datetime.combine(day, time(0), CHINA)
