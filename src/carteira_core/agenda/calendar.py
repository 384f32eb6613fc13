"""Working days: the seller's weekdays minus Brazil's holidays, the company's days off and
the seller's time off."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

MONDAY_TO_FRIDAY = frozenset(range(5))


@functools.cache
def brazil_states() -> frozenset[str]:
    """The UFs the ``holidays`` package knows (imported here: it takes a command about
    0.2 s to start, and most commands never plan a week)."""
    import holidays

    return frozenset(holidays.country_holidays("BR").subdivisions)


def brazil_holidays(years: Iterable[int], state: str = "") -> dict[dt.date, str]:
    """National holidays, plus the state's when ``state`` is a Brazilian UF ("SP")."""
    import holidays

    subdiv = state.upper() if state and state.upper() in brazil_states() else None
    return dict(holidays.country_holidays("BR", subdiv=subdiv, years=list(years)))


@dataclass(frozen=True)
class WorkCalendar:
    """Which days a seller works. ``days_off`` maps a date to why it is off."""

    weekdays: frozenset[int] = MONDAY_TO_FRIDAY
    days_off: dict[dt.date, str] = field(default_factory=dict)

    def is_working(self, day: dt.date) -> bool:
        return day.weekday() in self.weekdays and day not in self.days_off

    def why_off(self, day: dt.date) -> str | None:
        """The reason a day is not worked (holiday name, time off…), or None for a weekday
        the seller does not work / a working day."""
        return self.days_off.get(day)

    def working_days(self, start: dt.date, end: dt.date) -> Iterator[dt.date]:
        """Working days from ``start`` to ``end``, both included."""
        day = start
        while day <= end:
            if self.is_working(day):
                yield day
            day += dt.timedelta(days=1)

    def next_working_day(self, day: dt.date, *, limit_days: int = 366) -> dt.date | None:
        """``day`` itself when worked, else the next worked day (None when a whole year
        has none: a seller with no working weekday)."""
        for offset in range(limit_days):
            candidate = day + dt.timedelta(days=offset)
            if self.is_working(candidate):
                return candidate
        return None


def seller_calendar(
    *,
    years: Iterable[int],
    state: str = "",
    weekdays: Iterable[int] = MONDAY_TO_FRIDAY,
    company_days_off: dict[dt.date, str] | None = None,
    time_off: Iterable[tuple[dt.date, dt.date, str]] = (),
) -> WorkCalendar:
    """A seller's calendar: holidays of Brazil and of the state, the company's days off,
    then the seller's time off (start, end included, reason)."""
    days_off = brazil_holidays(years, state)
    days_off.update(company_days_off or {})
    for start, end, reason in time_off:
        day = start
        while day <= end:
            days_off[day] = reason
            day += dt.timedelta(days=1)
    return WorkCalendar(weekdays=frozenset(weekdays), days_off=days_off)
