"""Provision rates learned from the company's own payment history: roll rates over the
last 12 months, the IFRS 9 simplified approach's provision matrix.

Observation dates ``t_k = T − 30·(12 − k)``, k = 0 … 12 (thirty-day steps, so an unpaid
instalment moves exactly one age class from one date to the next). At each date an open
instalment (``aging.open_instalments``) is in an **age class**: 0 when not yet due
(d ≤ 0), ``c = ⌈d / 30⌉`` for 1 ≤ d ≤ L, and **default** when d > L, where L is the last
bucket bound (``bucket_days[-1]``, 180) and K = ⌈L / 30⌉ the last class before default.

* **Roll rate** of class c (0 … K) = Σ over the 12 steps of the open balance at
  ``t_{k+1}`` of the instalments that were in class c at ``t_k`` and are in a later class
  at ``t_{k+1}`` (still unpaid and further behind; for c = 0, past due), divided by
  Σ over the same steps of the open balance in class c at ``t_k``. None when nothing
  was in class c at any ``t_k``.
* **Loss rate** of class c = the product of the roll rates from c to K: the share of a
  balance in class c expected to reach default. The default class loses 100 %.
* **Learned rate** of each aging bucket = the loss rates of the classes that fall in it
  (class c sits in the bucket holding d = 30·c; class 0 in "current"), weighted by the
  balance observed in each class on ``t_0 … t_11``; the bucket over the last bound is
  100 %. None when a class of the bucket has no loss rate or the bucket saw no balance.

Everything is exact (``Fraction``); money in integer cents as in ``aging``.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

import polars as pl

from carteira_core.credit.aging import BUCKETS, open_instalments
from carteira_core.rules import CreditRules

STEP_DAYS = 30
STEPS = 12


@dataclass(frozen=True, slots=True)
class RollRates:
    dates: tuple[date, ...]  # t_0 … t_12
    roll: tuple[Fraction | None, ...]  # per class 0 … K
    loss: tuple[Fraction | None, ...]  # per class 0 … K
    balance: tuple[int, ...]  # per class 0 … K: cents observed on t_0 … t_11
    bucket_rates: tuple[Fraction | None, ...]  # per bucket of BUCKETS


def observation_dates(as_of: date) -> tuple[date, ...]:
    return tuple(as_of - timedelta(days=STEP_DAYS * (STEPS - k)) for k in range(STEPS + 1))


def _classes(frame: pl.DataFrame, day: date, rules: CreditRules, last: int) -> pl.DataFrame:
    """id, open and age class (``last + 1`` = default) of what is open on ``day``."""
    rows = open_instalments(frame, day, rules)
    d = pl.col("days_past_due")
    age = (
        pl.when(d <= 0)
        .then(0)
        .when(d > rules.bucket_days[-1])
        .then(last + 1)
        .otherwise((d + STEP_DAYS - 1) // STEP_DAYS)
    )
    return rows.select("id", "open", age.cast(pl.Int64).alias("age"))


def roll_rates(frame: pl.DataFrame, as_of: date, rules: CreditRules) -> RollRates:
    """The roll rates, loss rates and learned bucket rates of ``frame`` (columns as in
    ``aging``) over the 12 thirty-day steps up to ``as_of``."""
    last = math.ceil(rules.bucket_days[-1] / STEP_DAYS)  # K
    dates = observation_dates(as_of)
    frame = frame.with_row_index("id")
    seen = [_classes(frame, day, rules, last) for day in dates]
    moved = [0] * (last + 1)
    start = [0] * (last + 1)
    for before, after in itertools.pairwise(seen):
        for age, cents in before.group_by("age").agg(pl.col("open").sum()).iter_rows():
            if age <= last:
                start[age] += cents
        pairs = before.join(after, on="id", suffix="_next").filter(
            (pl.col("age") <= last) & (pl.col("age_next") > pl.col("age"))
        )
        for age, cents in pairs.group_by("age").agg(pl.col("open_next").sum()).iter_rows():
            moved[age] += cents
    roll = tuple(Fraction(m, s) if s else None for m, s in zip(moved, start, strict=True))
    loss = tuple(_product(roll[c:]) for c in range(last + 1))
    return RollRates(dates, roll, loss, tuple(start), _bucket_rates(loss, start, rules))


def _product(rates: tuple[Fraction | None, ...]) -> Fraction | None:
    result = Fraction(1)
    for rate in rates:
        if rate is None:
            return None
        result *= rate
    return result


def _bucket_of(age: int, rules: CreditRules) -> int:
    """The aging bucket (0 … 4) holding d = 30·age."""
    if age == 0:
        return 0
    day = STEP_DAYS * age
    return 1 + sum(1 for bound in rules.bucket_days[:-1] if day > bound)


def _bucket_rates(
    loss: tuple[Fraction | None, ...], balance: list[int], rules: CreditRules
) -> tuple[Fraction | None, ...]:
    rates: list[Fraction | None] = []
    for bucket in range(len(BUCKETS) - 1):
        ages = [age for age in range(len(loss)) if _bucket_of(age, rules) == bucket]
        weight = sum(balance[age] for age in ages)
        if not weight or any(loss[age] is None and balance[age] for age in ages):
            rates.append(None)
            continue
        total = Fraction(0)
        for age in ages:
            rate = loss[age]
            if rate is not None and balance[age]:
                total += rate * balance[age]
        rates.append(total / weight)
    return (*rates, Fraction(1))
