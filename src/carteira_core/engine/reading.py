"""``read_portfolio``: the per-client reading at an as-of date ``T``."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date

import numpy as np
import polars as pl

from carteira_core.engine import blocks, classify, kernels
from carteira_core.engine.inputs import (
    ClientPositions,
    PortfolioInput,
    client_positions,
    day_number,
)
from carteira_core.engine.periods import Period, rolling
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

    ``period`` is the window the period columns cover (``revenue_period_cents``,
    ``positivated``, ``is_new``…; ``status_previous`` is the status on its eve): the rules'
    rolling ``period_days`` unless another was asked for. ``acquisition_spend_cents`` is
    the spend dated in the period (None without spend data).
    """

    as_of: date
    period: Period
    rules: PortfolioRules
    clients: pl.DataFrame
    acquisition_spend_cents: int | None = None

    @property
    def period_start(self) -> date:
        return self.period.start


def _order_blocks(data: PortfolioInput) -> list[blocks.OrderBlock]:
    """The orders as blocks of views (``blocks``); kept on the input, so readings of the
    same data at other dates or with other rules reuse them."""
    cached = data.cache.get("order_blocks")
    if cached is None:
        cached = data.cache["order_blocks"] = blocks.order_blocks(data.orders)
    return cached


def _positions(data: PortfolioInput, client_ids: np.ndarray) -> ClientPositions:
    cached = data.cache.get("positions")
    if cached is None:
        cached = data.cache["positions"] = ClientPositions(client_ids)
    return cached


def _all_order_columns(data: PortfolioInput, client_ids: np.ndarray) -> kernels.OrderColumns:
    """Order columns as whole numpy arrays, whatever the date (for the kernels that sort
    them); rows that never count (cancelled, unknown client, no date or amount) point at
    the overflow slot instead of being filtered out. Kept on the input."""
    cached = data.cache.get("orders")
    if cached is None:
        positions = _positions(data, client_ids)
        cached = data.cache["orders"] = blocks.order_columns(_order_blocks(data), positions)
    return cached


def _order_columns(
    data: PortfolioInput, client_ids: np.ndarray, as_of: int
) -> kernels.OrderColumns:
    """The order columns with rows after ``as_of`` moved to the overflow slot."""
    columns = _all_order_columns(data, client_ids)
    if "last_day" not in data.cache:
        data.cache["last_day"] = int(columns.day.max(initial=kernels.NO_DAY))
    if data.cache["last_day"] <= as_of:
        return columns
    pos = np.where(columns.day > as_of, np.int32(len(client_ids)), columns.pos)
    return kernels.OrderColumns(pos, columns.day, columns.amount, columns.margin)


_NO_SELLER = np.iinfo(np.int64).min


def _seller_ids_at(data: PortfolioInput, client_ids: np.ndarray, as_of: int) -> np.ndarray:
    """Seller id in force at ``as_of`` per client (``_NO_SELLER`` where none).

    A client's first assignment (one without start date, else the earliest) counts from the
    start of its history. If several are in force at ``as_of``, the latest start wins, then
    the highest seller id.
    """
    n = len(client_ids)
    rows = data.assignments.filter(
        pl.col("client_id").is_not_null() & pl.col("seller_id").is_not_null()
    )
    pos = _positions(data, client_ids)(rows["client_id"].to_numpy())
    start = rows["start_date"].to_physical().cast(pl.Int64).fill_null(_NO_SELLER).to_numpy()
    end = rows["end_date"].to_physical().cast(pl.Int64).fill_null(-_NO_SELLER - 1).to_numpy()
    earliest = np.full(n + 1, -_NO_SELLER - 1, dtype=np.int64)
    np.minimum.at(earliest, pos, start)
    start = np.where(start == earliest[pos], _NO_SELLER, start)
    live = (start <= as_of) & (as_of < end) & (pos < n)
    pos, start, seller = pos[live], start[live], rows["seller_id"].to_numpy()[live]
    latest = np.full(n, _NO_SELLER, dtype=np.int64)
    np.maximum.at(latest, pos, start)
    chosen = start == latest[pos]
    result = np.full(n, _NO_SELLER, dtype=np.int64)
    np.maximum.at(result, pos[chosen], seller[chosen])
    return result


def _seller_columns(data: PortfolioInput, seller: np.ndarray) -> list[pl.Series]:
    assigned = seller != _NO_SELLER
    table = data.sellers.filter(pl.col("seller_id").is_not_null())
    at = client_positions(table["seller_id"].to_numpy(), np.where(assigned, seller, 0))
    known = assigned & (at < table.height)
    index = pl.Series(np.where(known, at, 0).astype(np.uint32))
    empty = ~pl.Series(known)
    external = table["external_id"].gather(index) if table.height else None
    team = table["team_id"].gather(index) if table.height else None

    def masked(
        name: str, values: pl.Series | None, dtype: pl.DataType | type[pl.DataType]
    ) -> pl.Series:
        if values is None:
            return pl.Series(name, [None] * len(seller), dtype=dtype)
        return values.scatter(empty.arg_true(), None).alias(name)

    ids = pl.Series("seller_id", seller)
    return [
        ids.scatter((~pl.Series(assigned)).arg_true(), None),
        masked("seller_external_id", external, pl.Utf8),
        masked("team_id", team, pl.Int64),
    ]


def _statuses(
    facts: kernels.OrderFacts,
    orders: Callable[[], kernels.OrderColumns],
    n: int,
    t: int,
    t0: int,
    rules: PortfolioRules,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    lc = rules.lifecycle
    active0: np.ndarray | int  # per client in cycle mode, one number of days otherwise
    inactive0: np.ndarray | int
    if lc.mode == "cycle":
        gap_now, gap_before = kernels.median_gaps_twice(
            orders(), n, [t, t0], lc.cycle_lookback_days, lc.cycle_min_purchases
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


def _external_id_order(data: PortfolioInput) -> Callable[[np.ndarray], np.ndarray] | None:
    """Tie-break order of clients (external_id ascending, then row), None when the rows
    already follow it; the full ranking is computed once per input and kept."""
    external_ids = data.clients["external_id"]
    if external_ids.is_sorted(nulls_last=True):
        return None

    def rank(positions: np.ndarray) -> np.ndarray:
        if "external_rank" not in data.cache:
            ranks = external_ids.rank("ordinal").cast(pl.Int64).to_numpy()
            data.cache["external_rank"] = ranks
        return data.cache["external_rank"][positions]

    return rank


_RFM_LABELS = pl.Series(
    [f"{r}{f}{m}" for r in range(1, 6) for f in range(1, 6) for m in range(1, 6)]
)
# columns that stay null for prospects
_CUSTOMER_ONLY = (
    "abc",
    "rfm",
    "r_score",
    "f_score",
    "m_score",
    "days_since_last_purchase",
    "last_purchase_date",
    "first_purchase_date",
)


def _contacted(
    data: PortfolioInput, client_ids: np.ndarray, t0: int, t: int, *, verified_visits_only: bool
) -> np.ndarray:
    """Whether each client had a successful interaction in ``(t0, t]`` — a visit, when
    ``verified_visits_only``, only with a verified check-in."""
    counted = pl.col("successful").fill_null(False)
    if verified_visits_only:
        counted = counted & ~pl.col("unverified_visit")
    interactions = data.interactions.filter(
        counted & pl.col("client_id").is_not_null() & pl.col("date").is_not_null()
    )
    positions = _positions(data, client_ids)(interactions["client_id"].to_numpy())
    days = interactions["date"].to_physical().to_numpy()
    return kernels.count_in_period(positions, days, len(client_ids), t0, t) > 0


def _spend_in_period(data: PortfolioInput, t0: int, t: int) -> int | None:
    if data.spend is None:
        return None
    day = pl.col("date").to_physical()
    return int(data.spend.filter((day > t0) & (day <= t))["amount_cents"].sum() or 0)


def _client_facts(
    facts: kernels.OrderFacts,
    status: np.ndarray,
    previous: np.ndarray,
    thresholds: tuple[np.ndarray, np.ndarray],
    covered: np.ndarray,
    abc: np.ndarray,
    t: int,
    rules: PortfolioRules,
) -> pl.DataFrame:
    """Every computed column of the reading, from the per-client arrays."""
    n = len(status)
    customer = status != classify.PROSPECT
    d = np.where(customer, t - facts.last_day.astype(np.int64), 0)
    r = classify.quintile_scores(-d, customer)
    f = classify.quintile_scores(facts.frequency, customer)
    m = classify.quintile_scores(facts.revenue_window, customer)
    positivated = facts.purchases_period > 0
    if rules.indicators.purchase_counts_as_contact:
        covered = covered | positivated
    is_new = customer & (previous == classify.PROSPECT)
    was_lost = (previous == classify.INACTIVATED) | (previous == classify.INACTIVE)
    at_risk = (status == classify.PRE_INACTIVE) | (status == classify.INACTIVATED)
    label = pl.Series(classify.STATUSES)
    frame = pl.DataFrame(
        {
            "in_portfolio": np.broadcast_to(customer | rules.indicators.include_prospects, n),
            "status": label.gather(status),
            "status_previous": label.gather(previous),
            "abc": pl.Series(classify.ABC_CLASSES).gather(np.maximum(abc, 0)),
            "rfm": _RFM_LABELS.gather(np.maximum(r.astype(np.int32) * 25 + f * 5 + m - 31, 0)),
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
            "active_threshold_days": thresholds[0],
            "inactive_threshold_days": thresholds[1],
            "revenue_at_risk_cents": np.where(at_risk, facts.revenue_window, 0),
        }
    )
    is_customer = pl.Series(customer)
    return frame.with_columns(
        pl.when(is_customer).then(pl.col(column)).alias(column) for column in _CUSTOMER_ONLY
    )


def read_portfolio(
    data: PortfolioInput,
    as_of: date,
    rules: PortfolioRules = DEFAULT_RULES,
    period: Period | None = None,
) -> PortfolioReading:
    """Read every client at ``as_of``, and at the eve of ``period`` for its events.

    ``period`` (ending at ``as_of``) defaults to the rules' rolling ``period_days``; it
    changes only what is counted over the window and the eve's status, never the status at
    ``as_of``, ABC or RFM."""
    lc, abc_rules = rules.lifecycle, rules.abc
    period = period or rolling(as_of, lc.period_days)
    if period.end != as_of:
        raise ValueError(f"the period ends on {period.end}, not on the as-of date {as_of}")
    t = day_number(as_of)
    t0 = t - period.days
    clients = data.clients
    n = clients.height
    client_ids = clients["client_id"].to_numpy()

    _positions(data, client_ids)  # built once, before the threads share it
    # sellers and contacts do not depend on the orders: read them alongside
    with ThreadPoolExecutor(1) as pool:
        sellers = pool.submit(lambda: _seller_columns(data, _seller_ids_at(data, client_ids, t)))
        contacted = pool.submit(
            _contacted, data, client_ids, t0, t,
            verified_visits_only=rules.indicators.verified_visits_only,
        )  # fmt: skip
        # the kernels leave out rows after T themselves: no copy of the columns per date
        facts = kernels.order_facts(
            _order_blocks(data),
            _positions(data, client_ids),
            t,
            period.days,
            lc.frequency_window_days,
            abc_rules.window_days,
        )
        status, previous, active_thr, inactive_thr = _statuses(
            facts, lambda: _all_order_columns(data, client_ids), n, t, t0, rules
        )
        basis = facts.revenue_window if abc_rules.basis == "revenue" else facts.margin_window
        customer = status != classify.PROSPECT
        abc = classify.abc_classes(basis, customer, _external_id_order(data), abc_rules)
        computed = _client_facts(
            facts,
            status,
            previous,
            (active_thr, inactive_thr),
            contacted.result(),
            abc,
            t,
            rules,
        )
        seller_columns = sellers.result()
    frame = pl.concat(
        [clients.select("client_id", "external_id", "name", "segment", "region"), computed],
        how="horizontal",
    ).with_columns(seller_columns)
    return PortfolioReading(
        as_of=as_of,
        period=period,
        rules=rules,
        clients=frame.select(CLIENT_COLUMNS),
        acquisition_spend_cents=_spend_in_period(data, t0, t),
    )
