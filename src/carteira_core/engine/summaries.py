"""Summaries of a reading: KPIs per group, the ABC × status matrix, status transitions.

Group membership is the client's value at ``T`` (seller, team, segment, region, ABC
class, status). Rates are floats computed from exact integer counts (``indicator_counts``
gives those counts for callers that need exact fractions); a rate is null where its
denominator is zero. Money is in cents.

Every indicator is counted over the reading's period (``reading.period``: the rules'
rolling ``period_days`` or a calendar month/quarter to date, ADR 12); its *eve* (the day
before it starts) is the "period earlier". Definitions beyond the letter of the spec:

- *revenue*, *purchases* and *average ticket* cover the portfolio's clients (prospects only
  when ``include_prospects``): net revenue of the period, returns included, and its
  purchase count.
- *new clients*, *reactivated*, *churn* and *conversion* cover every client of the group at
  ``T`` (their status on the eve decides the denominators).

- *churn rate* = customers of the eve (active or pre-inactive) lost at ``T`` / customers
  of the eve. "Lost" is the spec's ``inactivated`` at ``T`` for a window no longer than the
  rules' ``period_days`` (the rolling window: the spec's letter, in fixed and cycle mode);
  a longer window (a 31-day month, a quarter) also counts those lost early in it, who are
  ``inactive`` by its end (``churned_statuses``).
- *LTV* (historical) = average yearly basis per portfolio client × average lifetime in
  years, with yearly basis = ABC-window basis (revenue or margin, per the ABC rules) ×
  365 / ``abc.window_days`` and lifetime = 1 / yearly churn, yearly churn = churn rate ×
  365 / the period's days. So LTV = basis × period days × churn base /
  (portfolio × window_days × churned); null without churn.
- *CAC* = acquisition spend dated in the period / new clients in the period; only for the
  whole workspace (spend is not attributed to sellers or segments), null in groups.
"""

from __future__ import annotations

from fractions import Fraction

import polars as pl

from carteira_core.engine.classify import ABC_CLASSES, STATUSES
from carteira_core.engine.reading import PortfolioReading

__all__ = [
    "COUNT_COLUMNS",
    "CUSTOMER",
    "GROUPS",
    "KPI_COLUMNS",
    "LOST",
    "RATE_TERMS",
    "churned_statuses",
    "indicator_counts",
    "indicators",
    "matrix",
    "transitions",
]

GROUPS = {
    "seller": "seller_id",
    "team": "team_id",
    "segment": "segment",
    "region": "region",
    "abc": "abc",
    "status": "status",
}
KPI_COLUMNS = (
    "portfolio",
    "positivation",
    "coverage",
    "average_ticket",
    "churn_rate",
    "reactivated",
    "reactivation_rate",
    "new_clients",
    "conversion_rate",
    "revenue",
    "purchases",
    "ltv",
    "cac",
)
# every rate as (numerator, denominator) of ``indicator_counts``: the one definition the
# web layer's sums (``carteira.portfolio.kpis``) read too
RATE_TERMS = {
    "positivation": ("positivated", "portfolio"),
    "coverage": ("covered", "portfolio"),
    "average_ticket": ("revenue", "purchases"),
    "churn_rate": ("churned", "churn_base"),
    "reactivation_rate": ("reactivated", "reactivation_base"),
    "conversion_rate": ("converted", "conversion_base"),
}
# statuses of a customer that still buys, and of one lost (the eve's and T's)
CUSTOMER = ("active", "pre_inactive")
LOST = ("inactivated", "inactive")


def churned_statuses(window_days: int, period_days: int) -> tuple[str, ...]:
    """The statuses at ``T`` that count a customer of the eve as churned over a window of
    ``window_days``: ``inactivated`` (the spec) when the window is no longer than the rules'
    ``period_days``; also ``inactive`` when it is, since a customer lost early in a long
    window has finished its ``inactivated`` period by ``T``."""
    return LOST if window_days > period_days else ("inactivated",)


COUNT_COLUMNS = (
    "portfolio",
    "positivated",
    "covered",
    "revenue",
    "purchases",
    "churned",
    "churn_base",
    "reactivated",
    "reactivation_base",
    "new_clients",
    "converted",
    "conversion_base",
    "ltv_basis",
)


def _group_columns(by: str | list[str] | None) -> list[str]:
    if by is None:
        return []
    names = [by] if isinstance(by, str) else list(by)
    columns = []
    for name in names:
        if name in GROUPS:
            columns.append(GROUPS[name])
        elif name in GROUPS.values():
            columns.append(name)
        else:
            raise ValueError(f"cannot group by {name!r}; use one of {', '.join(GROUPS)}")
    return columns


def _count(condition: pl.Expr) -> pl.Expr:
    return condition.cast(pl.Int64).sum()


def indicator_counts(reading: PortfolioReading, by: str | list[str] | None = None) -> pl.DataFrame:
    """Integer numerators and denominators of every KPI, one row per group."""
    keys = _group_columns(by)
    in_portfolio = pl.col("in_portfolio")
    previous = pl.col("status_previous")
    was_customer = previous.is_in(CUSTOMER)
    churned = churned_statuses(reading.period.days, reading.rules.lifecycle.period_days)
    basis = f"{reading.rules.abc.basis}_in_abc_window_cents"
    # per-client terms first, then plain sums: the fastest group-by Polars has
    terms = [
        in_portfolio.cast(pl.Int64).alias("portfolio"),
        (in_portfolio & pl.col("positivated")).cast(pl.Int64).alias("positivated"),
        (in_portfolio & pl.col("covered")).cast(pl.Int64).alias("covered"),
        pl.when(in_portfolio).then(pl.col("revenue_period_cents")).otherwise(0).alias("revenue"),
        pl.when(in_portfolio).then(pl.col("purchases_period")).otherwise(0).alias("purchases"),
        (pl.col("status").is_in(churned) & was_customer).cast(pl.Int64).alias("churned"),
        was_customer.cast(pl.Int64).alias("churn_base"),
        pl.col("is_reactivated").cast(pl.Int64).alias("reactivated"),
        previous.is_in(LOST).cast(pl.Int64).alias("reactivation_base"),
        pl.col("is_new").cast(pl.Int64).alias("new_clients"),
        pl.col("converted").cast(pl.Int64).alias("converted"),
        (previous == "prospect").cast(pl.Int64).alias("conversion_base"),
        pl.when(in_portfolio).then(pl.col(basis)).otherwise(0).alias("ltv_basis"),
    ]
    frame = reading.clients.lazy().select(*keys, *terms)
    if not keys:
        return frame.select(pl.all().sum()).collect()
    return frame.group_by(keys).agg(pl.all().sum()).sort(keys, nulls_last=True).collect()


def _rate(numerator: str, denominator: str) -> pl.Expr:
    return (
        pl.when(pl.col(denominator) > 0)
        .then(pl.col(numerator) / pl.col(denominator))
        .otherwise(None)
        .cast(pl.Float64)
    )


def _ltv(row: dict, reading: PortfolioReading) -> float | None:
    if not row["portfolio"] or not row["churned"] or not row["churn_base"]:
        return None
    value = Fraction(
        row["ltv_basis"] * reading.period.days * row["churn_base"],
        row["portfolio"] * reading.rules.abc.window_days * row["churned"],
    )
    return float(value)


def indicators(reading: PortfolioReading, by: str | list[str] | None = None) -> pl.DataFrame:
    """The KPIs of ``report kpis`` (plus reactivation_rate, ltv, cac), one row per group.

    ``by``: None for the whole workspace, or any of seller, team, segment, region, abc,
    status (several for a cross grouping). Key columns come first (seller_id, team_id, …).
    """
    keys = _group_columns(by)
    counts = indicator_counts(reading, by)
    ltv = [_ltv(row, reading) for row in counts.iter_rows(named=True)]
    cac: list[float | None] = [None] * counts.height
    if not keys and reading.acquisition_spend_cents is not None:
        new = counts["new_clients"][0]
        cac = [reading.acquisition_spend_cents / new if new else None]
    return counts.select(
        *keys,
        "portfolio",
        _rate(*RATE_TERMS["positivation"]).alias("positivation"),
        _rate(*RATE_TERMS["coverage"]).alias("coverage"),
        _rate(*RATE_TERMS["average_ticket"]).alias("average_ticket"),
        _rate(*RATE_TERMS["churn_rate"]).alias("churn_rate"),
        "reactivated",
        _rate(*RATE_TERMS["reactivation_rate"]).alias("reactivation_rate"),
        "new_clients",
        _rate(*RATE_TERMS["conversion_rate"]).alias("conversion_rate"),
        "revenue",
        "purchases",
        pl.Series("ltv", ltv, dtype=pl.Float64),
        pl.Series("cac", cac, dtype=pl.Float64),
    )


def matrix(reading: PortfolioReading, by: str | None = None) -> pl.DataFrame:
    """Cells ABC class × status (× group) present in the reading: clients, ABC-window
    revenue and revenue at risk (cents). Prospects form the cells with a null class."""
    groups = _group_columns(by)
    if {"abc", "status"} & set(groups):
        raise ValueError("the matrix is already by ABC class and status; group it by "
                         "seller, team, segment or region")  # fmt: skip
    width = len(STATUSES)
    abc = pl.col("abc").cast(pl.Enum(ABC_CLASSES)).to_physical().cast(pl.Int32)
    status = pl.col("status").cast(pl.Enum(STATUSES)).to_physical().cast(pl.Int32)
    # one small-integer key per cell, ordered as (class, nulls last; status), instead of
    # two text keys: a group-by on fewer, narrower keys
    cell = (abc.fill_null(len(ABC_CLASSES)) * width + status).alias("cell")
    abc_labels = dict(enumerate(ABC_CLASSES))
    return (
        reading.clients.lazy()
        .select(cell, *groups, "revenue_in_abc_window_cents", "revenue_at_risk_cents")
        .group_by("cell", *groups)
        .agg(
            pl.len().cast(pl.Int64).alias("clients"),
            pl.col("revenue_in_abc_window_cents").sum().alias("revenue"),
            pl.col("revenue_at_risk_cents").sum().alias("revenue_at_risk"),
        )
        .sort(["cell", *groups], nulls_last=True)
        .select(
            (pl.col("cell") // width)
            .replace_strict(abc_labels, default=None, return_dtype=pl.Utf8)
            .alias("abc"),
            (pl.col("cell") % width)
            .replace_strict(dict(enumerate(STATUSES)), return_dtype=pl.Utf8)
            .alias("status"),
            *groups,
            "clients",
            "revenue",
            "revenue_at_risk",
        )
        .collect()
    )


def transitions(
    previous: PortfolioReading | pl.DataFrame,
    current: PortfolioReading | pl.DataFrame,
    *,
    changed_only: bool = True,
) -> pl.DataFrame:
    """client_id, from_status, to_status between two readings (null: absent from one)."""
    before = previous.clients if isinstance(previous, PortfolioReading) else previous
    after = current.clients if isinstance(current, PortfolioReading) else current
    rows = before.select("client_id", pl.col("status").alias("from_status")).join(
        after.select("client_id", pl.col("status").alias("to_status")),
        on="client_id",
        how="full",
        coalesce=True,
    )
    if changed_only:
        rows = rows.filter(pl.col("from_status").ne_missing(pl.col("to_status")))
    return rows.sort("client_id")
