"""Goal and review periods: a month (``2026-11``) or a quarter (``2026-Q4``)."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

_MONTH = re.compile(r"(\d{4})-(\d{1,2})")
_QUARTER = re.compile(r"(\d{4})-[Qq]([1-4])")


@dataclass(frozen=True, order=True)
class Period:
    start: dt.date
    end: dt.date

    @property
    def is_quarter(self) -> bool:
        return self.start.month != self.end.month

    @property
    def key(self) -> str:
        if self.is_quarter:
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        return f"{self.start.year}-{self.start.month:02d}"

    @property
    def label(self) -> str:
        if self.is_quarter:
            return _("Q%(quarter)d %(year)d") % {
                "quarter": (self.start.month - 1) // 3 + 1,
                "year": self.start.year,
            }
        from django.utils.dates import MONTHS

        return f"{MONTHS[self.start.month]} {self.start.year}"

    def previous(self) -> Period:
        months = 3 if self.is_quarter else 1
        return _shifted(self.start, -months, months)

    def next(self) -> Period:
        months = 3 if self.is_quarter else 1
        return _shifted(self.start, months, months)

    def __str__(self) -> str:
        return self.key


def _shifted(start: dt.date, by_months: int, length: int) -> Period:
    index = start.year * 12 + start.month - 1 + by_months
    first = dt.date(index // 12, index % 12 + 1, 1)
    return span(first, length)


def span(first: dt.date, months: int) -> Period:
    index = first.year * 12 + first.month - 1 + months - 1
    year, month = index // 12, index % 12 + 1
    return Period(first, dt.date(year, month, calendar.monthrange(year, month)[1]))


def month_of(day: dt.date) -> Period:
    return span(day.replace(day=1), 1)


def quarter_of(day: dt.date) -> Period:
    return span(dt.date(day.year, (day.month - 1) // 3 * 3 + 1, 1), 3)


def parse_period(text: str | None) -> Period | None:
    """``2026-11`` → November 2026; ``2026-Q4`` → October–December 2026; else None."""
    text = (text or "").strip()
    if match := _QUARTER.fullmatch(text):
        return span(dt.date(int(match[1]), (int(match[2]) - 1) * 3 + 1, 1), 3)
    if (match := _MONTH.fullmatch(text)) and 1 <= int(match[2]) <= 12:
        return span(dt.date(int(match[1]), int(match[2]), 1), 1)
    return None
