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

from carteira_core.credit.aging import BUCKETS, _provision, aging, open_instalments
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


NOW = tuple(f"now_{name}" for name in BUCKETS)
BEFORE = tuple(f"before_{name}" for name in BUCKETS)


def client_ledger(
    frame: pl.DataFrame, as_of: date, before: date, rules: CreditRules
) -> pl.DataFrame:
    """Per client, what ``credit_figures`` sums (integer cents): the six buckets of its
    open balance at ``as_of`` (``now_*``) and at ``before`` (``before_*``), ``issued``
    in the DSO window and ``late`` (an instalment more than ``collection_after_days``
    past due at ``as_of``). The clients with nothing open at either date and nothing
    issued in the window are left out. Summed per group by ``ledger_figures``: a
    company's ledger is computed once per change of its receivables and grouped for
    each reader's scope."""
    start = as_of - timedelta(days=rules.dso_days)

    def buckets(day: date, names: tuple[str, ...], *extra: pl.Expr) -> pl.DataFrame:
        rows = open_instalments(frame, day, rules)
        return rows.group_by("client_id").agg(
            *(pl.col("open").filter(pl.col("bucket") == i).sum().alias(name)
              for i, name in enumerate(names)),
            *extra,
        )  # fmt: skip

    late = (pl.col("days_past_due").max() > rules.collection_after_days).alias("late")
    window = (pl.col("issue_date") > start) & (pl.col("issue_date") <= as_of)
    issued = frame.filter(window).group_by("client_id").agg(pl.col("amount").sum().alias("issued"))
    ledger = (
        buckets(as_of, NOW, late)
        .join(buckets(before, BEFORE), on="client_id", how="full", coalesce=True)
        .join(issued, on="client_id", how="full", coalesce=True)
    )
    return ledger.select(
        pl.col("client_id"),
        pl.col(*NOW, *BEFORE, "issued").cast(pl.Int64).fill_null(0),
        pl.col("late").fill_null(False),
    )


def ledger_figures(
    ledger: pl.DataFrame, rules: CreditRules, by: str | list[str] | None = None
) -> pl.DataFrame:
    """``credit_figures`` at the ledger's ``as_of`` and the provision at its ``before``
    (``provision_before``), per group of ``by`` (columns joined to the ledger), from a
    ``client_ledger``: the same figures as ``credit_figures`` on the instalments. The
    groups with an open balance or an issue in the window come first (by ``open``
    descending, then the keys), then those with only a provision at ``before``."""
    keys = [] if by is None else [by] if isinstance(by, str) else list(by)
    open_now = sum((pl.col(name) for name in NOW), pl.lit(0, dtype=pl.Int64))
    sums = [
        *(pl.col(name).sum() for name in (*NOW, *BEFORE, "issued")),
        (open_now > 0).sum().alias("clients"),
        (pl.col("late") & (open_now > 0)).sum().alias("in_collection"),
    ]
    table = _grouped(ledger, keys, *sums).with_columns(
        pl.col(*NOW, *BEFORE, "issued", "clients", "in_collection").cast(pl.Int64).fill_null(0)
    )
    now = table.select(pl.col(*NOW)).rename(dict(zip(NOW, BUCKETS, strict=True)))
    before = table.select(pl.col(*BEFORE)).rename(dict(zip(BEFORE, BUCKETS, strict=True)))
    table = table.with_columns(
        open=sum((pl.col(name) for name in NOW), pl.lit(0, dtype=pl.Int64)),
        overdue=sum((pl.col(name) for name in NOW[1:]), pl.lit(0, dtype=pl.Int64)),
        before_open=sum((pl.col(name) for name in BEFORE), pl.lit(0, dtype=pl.Int64)),
        provision=_provision(now.with_columns(open=pl.sum_horizontal(BUCKETS)), rules),
        provision_before=_provision(before.with_columns(open=pl.sum_horizontal(BUCKETS)), rules),
    )
    if not keys:
        return table.select(*FIGURES, "provision_before")
    shown = (pl.col("open") > 0) | (pl.col("issued") > 0)
    first = table.filter(shown).sort(
        [pl.col("open"), *keys], descending=[True, *([False] * len(keys))], nulls_last=False
    )
    rest = table.filter(~shown & (pl.col("provision_before") > 0)).sort(
        [pl.col("before_open"), *keys], descending=[True, *([False] * len(keys))]
    )
    return pl.concat([first, rest]).select(*keys, *FIGURES, "provision_before")


def _grouped(frame: pl.DataFrame, keys: list[str], *measures: pl.Expr) -> pl.DataFrame:
    return frame.group_by(keys).agg(*measures) if keys else frame.select(*measures)


def dso(open_cents: int, issued_cents: int, days: int) -> Fraction | None:
    """Days sales outstanding, exact (None without sales in the window)."""
    return None if issued_cents <= 0 else Fraction(open_cents * days, issued_cents)


def previous_month_end(as_of: date) -> date:
    """The last day of the month before ``as_of``'s: the provision's change is read
    against it."""
    return as_of.replace(day=1) - timedelta(days=1)
