"""What is open at an as-of date, how late, in which bucket, and what to provision.

At an as-of date ``T`` an instalment issued by ``T`` has been paid, by then, its paid
amount (the whole amount when the ERP sends a payment date without an amount) if its
payment date is at most ``T``, else nothing. Its open balance is the amount less that,
and it is open while that balance is above zero: paid after ``T`` means open at ``T``.
Days past due ``d = T − due date``; buckets current (d ≤ 0), 1–30, 31–60, 61–90, 91–180
and over 180 with the rules' bounds. The provision of a group is the sum of its open
balance in each bucket times the bucket's rate, rounded half up to the cent.

Input frame columns: ``issue_date``, ``due_date``, ``paid_date`` (dates, the last may be
null), ``amount`` and ``paid`` (integer cents, ``paid`` may be null) and any key columns.
"""

from __future__ import annotations

import itertools
import math
from datetime import date
from fractions import Fraction

import polars as pl

from carteira_core.rules import CreditRules

BUCKETS = ("current", "d1_30", "d31_60", "d61_90", "d91_180", "over_180")


def bucket_labels(rules: CreditRules) -> tuple[str, ...]:
    """The six buckets in words for the rules' bounds: ``1–30`` … ``over 180``."""
    bounds = (0, *rules.bucket_days)
    middle = tuple(f"{low + 1}–{high}" for low, high in itertools.pairwise(bounds))
    return ("current", *middle, f"over {bounds[-1]}")


def open_instalments(frame: pl.DataFrame, as_of: date, rules: CreditRules) -> pl.DataFrame:
    """The instalments open at ``as_of`` with ``open`` (cents), ``days_past_due`` and
    ``bucket`` (0 current … 5 over the last bound) added."""
    paid_by_then = (
        pl.when(pl.col("paid_date").is_not_null() & (pl.col("paid_date") <= as_of))
        .then(pl.coalesce(pl.col("paid"), pl.col("amount")))
        .otherwise(0)
    )
    days = (pl.lit(as_of) - pl.col("due_date")).dt.total_days()
    bucket = pl.lit(0)
    for index, bound in enumerate(rules.bucket_days):
        bucket = pl.when(pl.col("days_past_due") > bound).then(index + 2).otherwise(bucket)
    bucket = pl.when(pl.col("days_past_due") > 0).then(bucket.clip(1, 5)).otherwise(0)
    return (
        frame.filter(pl.col("issue_date") <= as_of)
        .with_columns(open=(pl.col("amount") - paid_by_then).cast(pl.Int64))
        .filter(pl.col("open") > 0)
        .with_columns(days_past_due=days.cast(pl.Int64))
        .with_columns(bucket=bucket.cast(pl.Int8))
    )


def aging(
    frame: pl.DataFrame, as_of: date, rules: CreditRules, by: str | list[str] | None = None
) -> pl.DataFrame:
    """Per group of ``by`` (the whole portfolio when None): ``open``, the six buckets of
    ``BUCKETS`` and ``provision``, all integer cents, sorted by ``open`` descending."""
    keys = [] if by is None else [by] if isinstance(by, str) else list(by)
    rows = open_instalments(frame, as_of, rules)
    sums = [
        pl.col("open").filter(pl.col("bucket") == index).sum().alias(name)
        for index, name in enumerate(BUCKETS)
    ]
    if keys:
        table = rows.group_by(keys).agg(pl.col("open").sum(), *sums)
    else:
        table = rows.select(pl.col("open").sum(), *sums)
    table = table.with_columns(pl.col(["open", *BUCKETS]).cast(pl.Int64).fill_null(0))
    table = table.with_columns(provision=_provision(table, rules))
    return table.sort([pl.col("open"), *keys], descending=[True, *([False] * len(keys))])


def _scaled_rates(rules: CreditRules) -> tuple[list[int], int]:
    """The rates as integers over one common denominator: (numerators, denominator)."""
    rates = [Fraction(rate) for rate in rules.provision_rates]
    denominator = math.lcm(*(rate.denominator for rate in rates))
    return [r.numerator * (denominator // r.denominator) for r in rates], denominator


def _provision(table: pl.DataFrame, rules: CreditRules) -> pl.Series:
    """``provision_cents`` of every row: vectorised in Int64 while no sum can overflow
    (always, for real money and rates), else row by row in Python integers."""
    numerators, denominator = _scaled_rates(rules)
    largest = int(table["open"].abs().max() or 0) if table.height else 0  # type: ignore[arg-type]
    if largest * max(max(numerators), denominator) * 4 < 2**62:
        weighted = sum(
            (pl.col(name) * n for name, n in zip(BUCKETS, numerators, strict=True)),
            pl.lit(0, dtype=pl.Int64),
        )
        return table.select(
            ((2 * weighted + denominator) // (2 * denominator)).cast(pl.Int64).alias("provision")
        ).to_series()
    rows = zip(*(table[name].to_list() for name in BUCKETS), strict=True)
    return pl.Series("provision", [provision_cents(row, rules) for row in rows], dtype=pl.Int64)


def provision_cents(buckets: tuple[int, ...] | list[int], rules: CreditRules) -> int:
    """Σ bucket × rate, exact, rounded half up to the cent (Python integers: no overflow)."""
    numerators, denominator = _scaled_rates(rules)
    numerator = sum(cents * n for cents, n in zip(buckets, numerators, strict=True))
    return (2 * numerator + denominator) // (2 * denominator)
