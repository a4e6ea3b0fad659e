"""The injectable clock of the reference system: a test clock that only moves forward."""

from datetime import datetime

from .rules.china_time import CHINA

DEFAULT_START = datetime(2024, 1, 1, 0, 0, tzinfo=CHINA)


class ManualClock:
    def __init__(self, start: datetime = DEFAULT_START):
        self._now = start

    def now(self) -> datetime:
        return self._now

    def set(self, at: datetime) -> None:
        if at < self._now:
            raise ValueError(f"the clock only moves forward: now is {self._now.isoformat()}, asked for {at.isoformat()}")
        self._now = at
