"""``read_portfolio``: the per-client reading at an as-of date ``T``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import polars as pl

from carteira_core.engine import classify, kernels
from carteira_core.engine.inputs import PortfolioInput, client_positions, day_number
from carteira_core.rules import DEFAULT_RULES, PortfolioRules

__all__ = ["CLIENT_COLUMNS", "PortfolioReading", "read_portfolio"]

CLIENT_COLUMNS = (
    "client_id",
    "external_id",
    "name",
    "seller_id",
    "seller_external_id",
    "team_id",
    "segment",
    "region",
    "in_portfolio",
    "status",
    "status_previous",
    "abc",
    "rfm",
    "r_score",
    "f_score",
    "m_score",
    "days_since_last_purchase",
    "last_purchase_date",
    "first_purchase_date",
    "purchases_in_frequency_window",
    "revenue_in_abc_window_cents",
    "margin_in_abc_window_cents",
    "revenue_period_cents",
    "purchases_period",
    "positivated",
    "covered",
    "is_new",
    "is_reactivated",
    "converted",
    "active_threshold_days",
    "inactive_threshold_days",
    "revenue_at_risk_cents",
)


@dataclass(frozen=True, slots=True)
class PortfolioReading:
    """The portfolio read at ``as_of`` with ``rules``; ``clients`` has ``CLIENT_COLUMNS``.

    The period is ``(as_of - period_days, as_of]``: ``period_start`` is its first day.
    ``acquisition_spend_cents`` is the spend dated in the period (None without spend data).
    """

    as_of: date
    period_start: date
    rules: PortfolioRules
    clients: pl.DataFrame
    acquisition_spend_cents: int | None = None


def _order_columns(
    orders: pl.DataFrame, client_ids: np.ndarray, as_of: int
) -> kernels.OrderColumns:
    day = orders["date"].to_physical()
    keep = day <= as_of
    if orders["cancelled"].null_count() or orders["cancelled"].any():
        keep &= ~orders["cancelled"].fill_null(False)
    if orders["amount_cents"].null_count() or day.null_count():
        keep &= orders["amount_cents"].is_not_null() & day.is_not_null()
    if not keep.all():
        orders = orders.filter(keep)
        day = orders["date"].to_physical()
    margin = orders["margin_cents"]
    margin_values = None
    if margin.null_count() < margin.len():
        margin_values = margin.fill_null(0).to_numpy() if margin.null_count() else margin.to_numpy()
    return kernels.OrderColumns(
        pos=client_positions(client_ids, orders["client_id"].to_numpy()),
        day=day.to_numpy(),
        amount=orders["amount_cents"].to_numpy(),
        margin=margin_values,
    )


def _sellers_at(data: PortfolioInput, as_of: date) -> pl.DataFrame:
    """The assignment in force at ``as_of`` per client, with the seller's team.

    A client's first assignment (one without start date, else the earliest) counts from the
    start of its history. If several are in force at ``as_of``, the latest start wins, then
    the highest seller id.
    """
    first = (pl.col("start_date") == pl.col("start_date").min().over("client_id")) & (
        pl.col("start_date").null_count().over("client_id") == 0
    )
    ranked = data.assignments.filter(pl.col("client_id").is_not_null()).with_columns(
        pl.when(first).then(None).otherwise(pl.col("start_date")).alias("start_date")
    )
    in_force = ranked.filter(
        (pl.col("start_date").is_null() | (pl.col("start_date") <= as_of))
        & (pl.col("end_date").is_null() | (pl.col("end_date") > as_of))
    )
    current = in_force.sort(["client_id", "start_date", "seller_id"], nulls_last=False).unique(
        "client_id", keep="last", maintain_order=False
    )
    sellers = data.sellers.select(
        "seller_id", pl.col("external_id").alias("seller_external_id"), "team_id"
    )
    return current.select("client_id", "seller_id").join(sellers, on="seller_id", how="left")


def _statuses(
    facts: kernels.OrderFacts,
    purchases: kernels.OrderColumns,
    n: int,
    t: int,
    t0: int,
    rules: PortfolioRules,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    lc = rules.lifecycle
    if lc.mode == "cycle":
        gap_now = kernels.median_gap_twice(
            purchases.pos, purchases.day, n, t, lc.cycle_lookback_days, lc.cycle_min_purchases
        )
        gap_before = kernels.median_gap_twice(
            purchases.pos, purchases.day, n, t0, lc.cycle_lookback_days, lc.cycle_min_purchases
        )
        active, inactive = classify.cycle_thresholds(gap_now, lc)
        active0, inactive0 = classify.cycle_thresholds(gap_before, lc)
    else:
        active = np.full(n, lc.active_days, dtype=np.int64)
        inactive = np.full(n, lc.inactive_days, dtype=np.int64)
        active0, inactive0 = lc.active_days, lc.inactive_days
    status = classify.lifecycle_status(facts.last_day, facts.frequency, t, active, inactive, lc)
    previous = classify.lifecycle_status(
        facts.last_day_previous, facts.frequency_previous, t0, active0, inactive0, lc
    )
    return status, previous, active, inactive


def _tie_rank(external_ids: pl.Series) -> np.ndarray:
    if external_ids.is_sorted():
        return np.arange(external_ids.len(), dtype=np.int64)
    return external_ids.rank("ordinal").cast(pl.Int64).to_numpy()


def read_portfolio(
    data: PortfolioInput, as_of: date, rules: PortfolioRules = DEFAULT_RULES
) -> PortfolioReading:
    """Read every client at ``as_of`` (and at ``as_of - period_days`` for the events)."""
    lc, abc_rules = rules.lifecycle, rules.abc
    t = day_number(as_of)
    t0 = t - lc.period_days
    clients = data.clients
    n = clients.height
    client_ids = clients["client_id"].to_numpy()

    orders = _order_columns(data.orders, client_ids, t)
    facts = kernels.order_facts(
        orders, n, t, lc.period_days, lc.frequency_window_days, abc_rules.window_days
    )
    purchases = orders
    if lc.mode == "cycle":
        bought = orders.amount > 0
        purchases = kernels.OrderColumns(
            orders.pos[bought], orders.day[bought], orders.amount[bought], None
        )
    status, previous, active_thr, inactive_thr = _statuses(facts, purchases, n, t, t0, rules)

    interactions = data.interactions.filter(pl.col("successful").fill_null(False))
    contacts = kernels.count_in_period(
        client_positions(client_ids, interactions["client_id"].to_numpy()),
        interactions["date"].to_physical().fill_null(t + 1).to_numpy(),
        n,
        t0,
        t,
    )
    positivated = facts.purchases_period > 0
    covered = contacts > 0
    if rules.indicators.purchase_counts_as_contact:
        covered |= positivated

    customer = status != classify.PROSPECT
    basis = facts.revenue_window if abc_rules.basis == "revenue" else facts.margin_window
    abc = classify.abc_classes(basis, customer, _tie_rank(clients["external_id"]), abc_rules)
    d = np.where(customer, t - facts.last_day.astype(np.int64), 0)
    r = classify.quintile_scores(-d, customer)
    f = classify.quintile_scores(facts.frequency, customer)
    m = classify.quintile_scores(facts.revenue_window, customer)

    is_new = customer & (previous == classify.PROSPECT)
    was_lost = (previous == classify.INACTIVATED) | (previous == classify.INACTIVE)
    at_risk = (status == classify.PRE_INACTIVE) | (status == classify.INACTIVATED)
    in_portfolio = customer | rules.indicators.include_prospects

    label = pl.Series(classify.STATUSES)
    abc_label = pl.Series(["A", "B", "C"]).gather(np.maximum(abc, 0))
    facts_frame = pl.DataFrame(
        {
            "in_portfolio": np.broadcast_to(in_portfolio, n),
            "status": label.gather(status),
            "status_previous": label.gather(previous),
            "abc": abc_label,
            "rfm": (
                pl.Series(r).cast(pl.Utf8) + pl.Series(f).cast(pl.Utf8) + pl.Series(m).cast(pl.Utf8)
            ),
            "r_score": r,
            "f_score": f,
            "m_score": m,
            "days_since_last_purchase": d,
            "last_purchase_date": pl.Series(facts.last_day).cast(pl.Date),
            "first_purchase_date": pl.Series(np.where(customer, facts.first_day, 0)).cast(pl.Date),
            "purchases_in_frequency_window": facts.frequency,
            "revenue_in_abc_window_cents": facts.revenue_window,
            "margin_in_abc_window_cents": facts.margin_window,
            "revenue_period_cents": facts.revenue_period,
            "purchases_period": facts.purchases_period,
            "positivated": positivated,
            "covered": covered,
            "is_new": is_new,
            "is_reactivated": positivated & was_lost,
            "converted": is_new,
            "active_threshold_days": active_thr,
            "inactive_threshold_days": inactive_thr,
            "revenue_at_risk_cents": np.where(at_risk, facts.revenue_window, 0),
        }
    )
    customer_only = ["abc", "rfm", "r_score", "f_score", "m_score", "days_since_last_purchase"]
    customer_only += ["last_purchase_date", "first_purchase_date"]
    facts_frame = facts_frame.with_columns(
        pl.when(pl.Series(customer)).then(pl.col(column)).alias(column) for column in customer_only
    )
    frame = pl.concat(
        [clients.select("client_id", "external_id", "name", "segment", "region"), facts_frame],
        how="horizontal",
    )
    frame = frame.join(_sellers_at(data, as_of), on="client_id", how="left", maintain_order="left")
    spend = None
    if data.spend is not None:
        day = pl.col("date").to_physical()
        spend = int(data.spend.filter((day > t0) & (day <= t))["amount_cents"].sum() or 0)
    return PortfolioReading(
        as_of=as_of,
        period_start=as_of - timedelta(days=lc.period_days - 1),
        rules=rules,
        clients=frame.select(CLIENT_COLUMNS),
        acquisition_spend_cents=spend,
    )
