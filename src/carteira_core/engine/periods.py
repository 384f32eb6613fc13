"""The window of days a reading's indicators cover (ADR 12).

A ``Period`` is a closed range of days ``[start, end]`` read at ``end``: the period's events
(purchases, contacts, new, reactivated, churned) happen inside it, and the day before
``start`` — the *eve* — is the "period earlier" whose status decides churn, reactivation
and conversion. Three kinds name the same idea:

- ``days``: the last N days up to the as-of date; with N = the rules' ``period_days`` it is
  the spec's rolling window, the default everywhere;
- ``month``: from the first of the as-of date's month to the as-of date (the whole month
  when the as-of date is its last day);
- ``quarter``: the same from the first day of the as-of date's quarter.

Statuses themselves do not depend on the period (``inactivated`` still means "became
inactive within ``period_days``"): only what is counted over the window does.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

__all__ = [
    "KINDS",
    "Period",
    "month_to_date",
    "parse_period",
    "quarter_to_date",
    "rolling",
    "whole_month",
    "whole_quarter",
]

KINDS = ("days", "month", "quarter")
_DAYS = re.compile(r"days:(\d{1,4})")


@dataclass(frozen=True, slots=True)
class Period:
    """Days ``start`` to ``end`` (both included), read at ``end``."""

    kind: str
    start: date
    end: date

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown period kind {self.kind!r}; use one of {', '.join(KINDS)}")
        if self.start > self.end:
            raise ValueError(f"a period cannot start ({self.start}) after it ends ({self.end})")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def eve(self) -> date:
        """The day before the period: the "period earlier" of churn and reactivation."""
        return self.start - timedelta(days=1)

    @property
    def key(self) -> str:
        """What ``--period`` / ``?period=`` takes to ask for this kind again."""
        return f"days:{self.days}" if self.kind == "days" else self.kind

    def previous(self) -> Period:
        """The same kind of period just before: the N days before, or the previous month
        (quarter) up to the same day — its whole length when this one is whole."""
        if self.kind == "days":
            return rolling(self.eve, self.days)
        months = 1 if self.kind == "month" else 3
        first = _shift_month(self.start, -months)
        end = _shift_month(self.end, -months)
        if self.end.day == _last_day(self.end.year, self.end.month):
            end = end.replace(day=_last_day(end.year, end.month))
        return Period(self.kind, first, end)

    def same_window(self, other: Period) -> bool:
        """Whether both cover the same days (the kind is only how they were asked for)."""
        return (self.start, self.end) == (other.start, other.end)


def _last_day(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def _shift_month(day: date, months: int) -> date:
    """``day`` moved by whole months, clipped to the target month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = index // 12, index % 12 + 1
    return date(year, month, min(day.day, _last_day(year, month)))


def rolling(as_of: date, days: int) -> Period:
    """The last ``days`` days up to ``as_of``: ``(as_of - days, as_of]``."""
    if days < 1:
        raise ValueError(f"a period has at least one day, got {days}")
    return Period("days", as_of - timedelta(days=days - 1), as_of)


def month_to_date(as_of: date) -> Period:
    return Period("month", as_of.replace(day=1), as_of)


def quarter_to_date(as_of: date) -> Period:
    first = date(as_of.year, (as_of.month - 1) // 3 * 3 + 1, 1)
    return Period("quarter", first, as_of)


def whole_month(year: int, month: int) -> Period:
    """The calendar month read at its last day."""
    return month_to_date(date(year, month, _last_day(year, month)))


def whole_quarter(year: int, quarter: int) -> Period:
    """The calendar quarter (1–4) read at its last day."""
    last_month = quarter * 3
    return quarter_to_date(date(year, last_month, _last_day(year, last_month)))


def parse_period(text: str | None, as_of: date, period_days: int) -> Period:
    """``month``, ``quarter`` or ``days:N`` ending at ``as_of``; empty: the rolling window
    of ``period_days``. Raises ValueError for anything else."""
    text = (text or "").strip().lower()
    if not text:
        return rolling(as_of, period_days)
    if text == "month":
        return month_to_date(as_of)
    if text == "quarter":
        return quarter_to_date(as_of)
    if (match := _DAYS.fullmatch(text)) and int(match[1]) >= 1:
        return rolling(as_of, int(match[1]))
    raise ValueError(f"unknown period {text!r}; use month, quarter or days:N")
