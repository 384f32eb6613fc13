"""What is open at an as-of date, how late, in which bucket, and what to provision.

At an as-of date ``T`` an instalment issued by ``T`` has been paid, by then, its paid
amount (the whole amount when the ERP sends a payment date without an amount) if its
payment date is at most ``T``, else nothing. Its open balance is the amount less that,
and it is open while that balance is above zero: paid after ``T`` means open at ``T``.
Days past due ``d = T − due date``; buckets current (d ≤ 0), 1–30, 31–60, 61–90, 91–180
and over 180 with the rules' bounds. The provision of a group is the sum of its open
balance in each bucket times the bucket's rate, rounded half up to the cent.

The bucket bounds are read as due dates (``due_cutoffs``: d > b ⇔ due date < T − b), so
the database can bucket an instalment with plain date comparisons
(``carteira.credit.open_sql`` builds its SQL from these functions; a test holds it equal
to ``open_instalments``).

Input frame columns: ``issue_date``, ``due_date``, ``paid_date`` (dates, the last may be
null), ``amount`` and ``paid`` (integer cents, ``paid`` may be null) and any key columns.
"""

from __future__ import annotations

import itertools
import math
from datetime import date, timedelta
from fractions import Fraction

import polars as pl

from carteira_core.rules import CreditRules

BUCKETS = ("current", "d1_30", "d31_60", "d61_90", "d91_180", "over_180")


def bucket_labels(rules: CreditRules) -> tuple[str, ...]:
    """The six buckets in words for the rules' bounds: ``1–30`` … ``over 180``."""
    bounds = (0, *rules.bucket_days)
    middle = tuple(f"{low + 1}–{high}" for low, high in itertools.pairwise(bounds))
    return ("current", *middle, f"over {bounds[-1]}")


def due_cutoffs(as_of: date, rules: CreditRules) -> tuple[date, ...]:
    """The buckets' bounds at ``as_of`` as due dates, one per bound (0 and the rules'
    four): an open instalment is in bucket k (0 current … 5 over the last bound) when its
    due date is before exactly the first k of them (d > b ⇔ due date < as_of − b)."""
    return tuple(as_of - timedelta(days=bound) for bound in (0, *rules.bucket_days))


def bucket_of_due(due: pl.Expr, as_of: date, rules: CreditRules) -> pl.Expr:
    """The bucket (0 current … 5 over the last bound) of a due date at ``as_of``."""
    return pl.sum_horizontal(due < cutoff for cutoff in due_cutoffs(as_of, rules)).cast(pl.Int8)


def open_instalments(frame: pl.DataFrame, as_of: date, rules: CreditRules) -> pl.DataFrame:
    """The instalments open at ``as_of`` with ``open`` (cents), ``days_past_due`` and
    ``bucket`` (0 current … 5 over the last bound) added."""
    paid_by_then = (
        pl.when(pl.col("paid_date").is_not_null() & (pl.col("paid_date") <= as_of))
        .then(pl.coalesce(pl.col("paid"), pl.col("amount")))
        .otherwise(0)
    )
    days = (pl.lit(as_of) - pl.col("due_date")).dt.total_days()
    return (
        frame.filter(pl.col("issue_date") <= as_of)
        .with_columns(open=(pl.col("amount") - paid_by_then).cast(pl.Int64))
        .filter(pl.col("open") > 0)
        .with_columns(
            days_past_due=days.cast(pl.Int64),
            bucket=bucket_of_due(pl.col("due_date"), as_of, rules),
        )
    )


def aging(
    frame: pl.DataFrame, as_of: date, rules: CreditRules, by: str | list[str] | None = None
) -> pl.DataFrame:
    """Per group of ``by`` (the whole portfolio when None): ``open``, the six buckets of
    ``BUCKETS`` and ``provision``, all integer cents, sorted by ``open`` descending."""
    keys = _keys(by)
    return _provisioned(bucket_sums(open_instalments(frame, as_of, rules), keys), rules, keys)


def bucket_sums(rows: pl.DataFrame, by: str | list[str] | None = None) -> pl.DataFrame:
    """Per group of ``by`` (one row when None), of open instalments (``open`` cents and
    ``bucket``, as ``open_instalments`` gives them): ``open`` and the six buckets' sums.
    Rows whose ``open`` is not above zero are not open and count nowhere."""
    keys = _keys(by)
    lazy = rows.lazy().filter(pl.col("open") > 0)
    sums = [
        pl.when(pl.col("bucket") == index).then(pl.col("open")).otherwise(0).sum().alias(name)
        for index, name in enumerate(BUCKETS)
    ]  # when/then in a lazy query: 0.2 s for 2.5M rows by client, 0.35 s with filter()
    table = (
        lazy.group_by(keys).agg(pl.col("open").sum(), *sums)
        if keys
        else lazy.select(pl.col("open").sum(), *sums)
    )
    return table.with_columns(pl.col(["open", *BUCKETS]).cast(pl.Int64).fill_null(0)).collect()


def aged_sums(
    sums: pl.DataFrame, rules: CreditRules, by: str | list[str] | None = None
) -> pl.DataFrame:
    """``aging`` from bucket sums (``bucket_sums``) of finer groups: summed again per
    group of ``by`` (one row when None), the provision computed on each group's own
    bucket sums, sorted by ``open`` descending then the keys."""
    keys = _keys(by)
    columns = ["open", *BUCKETS]
    table = (
        sums.group_by(keys).agg(pl.col(columns).sum())
        if keys
        else sums.select(pl.col(columns).sum())
    )
    return _provisioned(
        table.with_columns(pl.col(columns).cast(pl.Int64).fill_null(0)), rules, keys
    )


def _provisioned(table: pl.DataFrame, rules: CreditRules, keys: list[str]) -> pl.DataFrame:
    table = table.with_columns(provision=_provision(table, rules))
    return table.sort([pl.col("open"), *keys], descending=[True, *([False] * len(keys))])


def _keys(by: str | list[str] | None) -> list[str]:
    return [] if by is None else [by] if isinstance(by, str) else list(by)


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
