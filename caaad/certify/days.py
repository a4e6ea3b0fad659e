"""Days as certification counts them: calendar dates in China Standard Time (UTC+8, no daylight saving since
1991, so a fixed offset needs no time-zone database on the auditor's machine)."""

from datetime import date, datetime, timedelta, timezone

CHINA = timezone(timedelta(hours=8), "Asia/Shanghai")


def china_today() -> date:
    return datetime.now(CHINA).date()


def parse_day(text: str) -> date | None:
    """A YYYY-MM-DD date, or None when the text is not a real calendar date."""
    try:
        return date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        return None


def china_day_of(instant: str) -> date:
    """The China date of an ISO 8601 instant with its offset (results.json times are UTC)."""
    return datetime.fromisoformat(instant).astimezone(CHINA).date()
