"""Attainment and pace of a goal: plain arithmetic on the engine's indicators over the goal's
period so far (ADR 12), so the rules read (and are tested) as arithmetic:

- **sums** (revenue, new clients, reactivations) grow through the period; the pace is the
  linear projection of what was done so far over the elapsed days of the period;
- **rates** (positivation, coverage, churn, average ticket, tasks on time) are already a
  reading of the whole period; the pace is the current value;
- a **ceiling** (churn) is met from below: attainment is target / actual.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from carteira_core.engine.periods import Period

SUMS = frozenset({"revenue", "new_clients", "reactivated"})
RATES = frozenset({"positivation", "coverage", "churn_rate", "tasks_on_time"})
CEILINGS = frozenset({"churn_rate"})
MONEY = frozenset({"revenue", "average_ticket"})

Number = Decimal | Fraction | int


def elapsed_days(start: dt.date, end: dt.date, as_of: dt.date) -> int:
    """Days of ``[start, end]`` up to and including ``as_of`` (0 before, all after)."""
    last = min(as_of, end)
    return max(0, (last - start).days + 1)


def period_days(start: dt.date, end: dt.date) -> int:
    return Period("days", start, end).days


def pace(indicator: str, actual: Number | None, *, start: dt.date, end: dt.date,
         as_of: dt.date) -> Fraction | None:  # fmt: skip
    """The projected result at the end of the period."""
    if actual is None:
        return None
    actual = Fraction(actual)
    if indicator not in SUMS:
        return actual
    done = elapsed_days(start, end, as_of)
    if done == 0:
        return None
    return actual * period_days(start, end) / done


def attainment(indicator: str, value: Number | None, target: Number) -> Fraction | None:
    """``value`` against ``target`` as a fraction (1 = goal met exactly)."""
    if value is None:
        return None
    value, target = Fraction(value), Fraction(target)
    if indicator in CEILINGS:
        if value == 0:
            return Fraction(1) if target >= 0 else None
        return target / value
    if target == 0:
        return None
    return value / target


def met(indicator: str, value: Number | None, target: Number) -> bool | None:
    if value is None:
        return None
    if indicator in CEILINGS:
        return Fraction(value) <= Fraction(target)
    return Fraction(value) >= Fraction(target)


def as_decimal(value: Number | None, places: int = 4) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    exponent = Decimal(1).scaleb(-places)
    return Decimal(value).quantize(exponent, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Progress:
    """One goal read at one day."""

    indicator: str
    target: Decimal
    actual: Fraction | None
    pace: Fraction | None
    attainment: Fraction | None
    pace_attainment: Fraction | None
    met: bool | None
    on_pace: bool | None


def progress(indicator: str, target: Decimal | int, actual: Number | None, *, start: dt.date,
             end: dt.date, as_of: dt.date) -> Progress:  # fmt: skip
    projected = pace(indicator, actual, start=start, end=end, as_of=as_of)
    return Progress(
        indicator=indicator,
        target=Decimal(target),
        actual=None if actual is None else Fraction(actual),
        pace=projected,
        attainment=attainment(indicator, actual, target),
        pace_attainment=attainment(indicator, projected, target),
        met=met(indicator, actual, target),
        on_pace=met(indicator, projected, target),
    )
