"""The portfolio's credit figures read beside its commercial ones (the dashboard, the
review): overdue balance and share, days sales outstanding, provision, clients in
collection, per group.

``DSO`` (days sales outstanding, the balance method) = open balance at T ÷ the amount
of the instalments issued in ``T − dso_days < issue date ≤ T`` × ``dso_days``: how many
days of recent credit sales are still unpaid. None when nothing was issued in the window.
"""

from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction

import polars as pl

from carteira_core.credit.aging import aging, open_instalments
from carteira_core.rules import CreditRules

FIGURES = ("open", "overdue", "provision", "issued", "clients", "in_collection")


def credit_figures(
    frame: pl.DataFrame, as_of: date, rules: CreditRules, by: str | list[str] | None = None
) -> pl.DataFrame:
    """Per group of ``by`` (one row for the whole frame when None), integer cents:
    ``open``, ``overdue`` (open balance with d > 0), ``provision`` (as ``aging``),
    ``issued`` (amount issued in the DSO window); counts: ``clients`` with an open
    balance and ``in_collection`` (clients with an instalment more than
    ``collection_after_days`` past due). Groups with neither an open balance nor an
    issue in the window are left out. The frame needs ``client_id``."""
    keys = [] if by is None else [by] if isinstance(by, str) else list(by)
    start = as_of - timedelta(days=rules.dso_days)
    rows = open_instalments(frame, as_of, rules)
    per_client = rows.group_by([*keys, "client_id"]).agg(
        pl.col("open").filter(pl.col("days_past_due") > 0).sum().alias("overdue"),
        (pl.col("days_past_due").max() > rules.collection_after_days).alias("late"),
    )
    counted = _grouped(
        per_client,
        keys,
        pl.col("overdue").sum(),
        pl.len().alias("clients"),
        pl.col("late").sum().alias("in_collection"),
    )
    window = (pl.col("issue_date") > start) & (pl.col("issue_date") <= as_of)
    issued = _grouped(frame.filter(window), keys, pl.col("amount").sum().alias("issued"))
    aged = aging(frame, as_of, rules, by=keys or None).select(*keys, "open", "provision")
    if keys:
        table = aged.join(counted, on=keys, how="full", coalesce=True, nulls_equal=True).join(
            issued, on=keys, how="full", coalesce=True, nulls_equal=True
        )
    else:
        table = pl.concat([aged, counted, issued], how="horizontal")
    table = table.with_columns(pl.col(list(FIGURES)).cast(pl.Int64).fill_null(0))
    table = table.filter((pl.col("open") > 0) | (pl.col("issued") > 0) | pl.lit(not keys))
    return table.select(*keys, *FIGURES).sort(
        [pl.col("open"), *keys], descending=[True, *([False] * len(keys))]
    )


def _grouped(frame: pl.DataFrame, keys: list[str], *measures: pl.Expr) -> pl.DataFrame:
    return frame.group_by(keys).agg(*measures) if keys else frame.select(*measures)


def dso(open_cents: int, issued_cents: int, days: int) -> Fraction | None:
    """Days sales outstanding, exact (None without sales in the window)."""
    return None if issued_cents <= 0 else Fraction(open_cents * days, issued_cents)


def previous_month_end(as_of: date) -> date:
    """The last day of the month before ``as_of``'s: the provision's change is read
    against it."""
    return as_of.replace(day=1) - timedelta(days=1)
