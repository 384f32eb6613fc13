"""Time the portfolio engine on synthetic data (a script, not a test).

    python bench/engine_bench.py --orders 1000000 --clients 100000

Generates a deterministic portfolio with numpy, then times: the engine (read_portfolio +
KPIs by seller + matrix), a plain Polars group-by reading of the same facts, and a
straightforward pandas one (skipped when pandas is not installed). Prints a Markdown
table with the best of ``--repeat`` runs and the peak resident memory of the process.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import resource
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from carteira_core.engine import (
    PortfolioInput,
    indicators,
    matrix,
    read_portfolio,
)
from carteira_core.engine.inputs import day_number
from carteira_core.rules import DEFAULT_RULES, LifecycleRules, PortfolioRules

AS_OF = date(2025, 6, 30)
UFS = [
    "AC",
    "AL",
    "AP",
    "AM",
    "BA",
    "CE",
    "DF",
    "ES",
    "GO",
    "MA",
    "MT",
    "MS",
    "MG",
    "PA",
    "PB",
    "PR",
    "PE",
    "PI",
    "RJ",
    "RN",
    "RS",
    "RO",
    "RR",
    "SC",
    "SP",
    "SE",
    "TO",
]


def synthetic(n_orders: int, n_clients: int, seed: int = 7) -> PortfolioInput:
    rng = np.random.default_rng(seed)
    ids = np.arange(1, n_clients + 1, dtype=np.int64)
    n_sellers = max(1, n_clients // 200)
    clients = pl.DataFrame(
        {
            "client_id": ids,
            "external_id": pl.Series(ids).cast(pl.Utf8).str.zfill(8),
            "name": pl.Series(ids).cast(pl.Utf8),
            "segment": pl.Series(rng.choice(["retail", "industry", "services", "agro"], n_clients)),
            "region": pl.Series(rng.choice(UFS, n_clients)),
            "created_date": pl.Series([None] * n_clients, dtype=pl.Date),
        }
    )
    seller_ids = np.arange(1, n_sellers + 1, dtype=np.int64)
    sellers = pl.DataFrame(
        {
            "seller_id": seller_ids,
            "external_id": pl.Series(seller_ids).cast(pl.Utf8),
            "name": pl.Series(seller_ids).cast(pl.Utf8),
            "team_id": seller_ids % 10,
            "team": pl.Series(seller_ids % 10).cast(pl.Utf8),
        }
    )
    moved = rng.random(n_clients) < 0.1
    start = day_number(AS_OF) - rng.integers(0, 700, n_clients)
    assignments = pl.concat(
        [
            pl.DataFrame(
                {
                    "client_id": ids,
                    "seller_id": rng.integers(1, n_sellers + 1, n_clients),
                    "start_date": pl.Series([None] * n_clients, dtype=pl.Date),
                    "end_date": pl.Series(np.where(moved, start, 0)).cast(pl.Date),
                }
            ).with_columns(pl.when(pl.Series(moved)).then(pl.col("end_date")).alias("end_date")),
            pl.DataFrame(
                {
                    "client_id": ids[moved],
                    "seller_id": rng.integers(1, n_sellers + 1, int(moved.sum())),
                    "start_date": pl.Series(start[moved]).cast(pl.Date),
                    "end_date": pl.Series([None] * int(moved.sum()), dtype=pl.Date),
                }
            ),
        ]
    )
    # skewed buyers: a few clients place most orders; 20 % of the clients never buy
    weight = rng.pareto(1.5, n_clients) + 0.05
    weight[rng.random(n_clients) < 0.2] = 0
    client_of = rng.choice(ids, n_orders, p=weight / weight.sum())
    amount = (rng.lognormal(10, 1.2, n_orders)).astype(np.int64)
    amount[rng.random(n_orders) < 0.03] *= -1
    days = day_number(AS_OF) - rng.integers(-10, 3 * 365, n_orders)
    orders = pl.DataFrame(
        {
            "client_id": client_of,
            "date": pl.Series(days.astype(np.int32)).cast(pl.Date),
            "amount_cents": amount,
            "margin_cents": amount * 3 // 10,
            "cancelled": rng.random(n_orders) < 0.02,
        }
    )
    n_contacts = n_orders // 5
    interactions = pl.DataFrame(
        {
            "client_id": rng.choice(ids, n_contacts),
            "date": pl.Series(
                (day_number(AS_OF) - rng.integers(0, 365, n_contacts)).astype(np.int32)
            ).cast(pl.Date),
            "successful": rng.random(n_contacts) < 0.6,
        }
    )
    return PortfolioInput(clients, assignments, sellers, orders, interactions)


def run_engine(data: PortfolioInput, rules: PortfolioRules) -> int:
    data = dataclasses.replace(data)  # a fresh input: no columns cached by an earlier run
    reading = read_portfolio(data, AS_OF, rules)
    indicators(reading)
    indicators(reading, "seller")
    matrix(reading, "seller")
    return reading.clients.height


def run_read(data: PortfolioInput) -> int:
    return read_portfolio(dataclasses.replace(data), AS_OF, DEFAULT_RULES).clients.height


def run_engine_months(data: PortfolioInput) -> int:
    data = dataclasses.replace(data)
    for month in range(12):
        read_portfolio(data, AS_OF - timedelta(days=30 * month), DEFAULT_RULES)
    return 12


def run_polars(data: PortfolioInput, rules: PortfolioRules) -> int:
    """Status + ABC + windows the way one would write it directly in Polars."""
    lc, abc = rules.lifecycle, rules.abc
    t = AS_OF
    t0 = t - timedelta(days=lc.period_days)
    orders = data.orders.lazy().filter(~pl.col("cancelled") & (pl.col("date") <= t))
    purchase = pl.col("amount_cents") > 0
    in_window = pl.col("date") > t - timedelta(days=abc.window_days)
    per_client = orders.group_by("client_id").agg(
        pl.col("date").filter(purchase).max().alias("last"),
        pl.col("date").filter(purchase & (pl.col("date") <= t0)).max().alias("last0"),
        (purchase & (pl.col("date") > t - timedelta(days=lc.frequency_window_days)))
        .sum()
        .alias("freq"),
        pl.col("amount_cents").filter(in_window).sum().alias("revenue"),
        pl.col("amount_cents").filter(pl.col("date") > t0).sum().alias("period_revenue"),
        (purchase & (pl.col("date") > t0)).sum().alias("period_purchases"),
    )
    d = (pl.lit(t) - pl.col("last")).dt.total_days()
    status = (
        pl.when(pl.col("last").is_null())
        .then(pl.lit("prospect"))
        .when((d <= lc.active_days) & (pl.col("freq") >= lc.min_purchases))
        .then(pl.lit("active"))
        .when(d <= lc.inactive_days)
        .then(pl.lit("pre_inactive"))
        .when(d <= lc.inactive_days + lc.period_days)
        .then(pl.lit("inactivated"))
        .otherwise(pl.lit("inactive"))
    )
    ranked = (
        data.clients.lazy()
        .select("client_id", "external_id")
        .join(per_client, on="client_id", how="left")
        .with_columns(status.alias("status"), pl.col("revenue").fill_null(0))
        .sort(["revenue", "external_id"], descending=[True, False])
        .with_columns(
            (pl.col("revenue").clip(lower_bound=0).cum_sum() - pl.col("revenue").clip(0)).alias(
                "before"
            ),
            pl.col("revenue").clip(lower_bound=0).sum().alias("total"),
        )
        .with_columns(
            pl.when(pl.col("revenue") <= 0)
            .then(pl.lit("C"))
            .when(pl.col("before") < float(abc.a_share) * pl.col("total"))
            .then(pl.lit("A"))
            .when(pl.col("before") < float(abc.a_share + abc.b_share) * pl.col("total"))
            .then(pl.lit("B"))
            .otherwise(pl.lit("C"))
            .alias("abc")
        )
    )
    out = ranked.group_by("status").agg(pl.len(), pl.col("period_revenue").sum()).collect()
    return out.height


def run_pandas(data: PortfolioInput, rules: PortfolioRules) -> int:
    import pandas as pd

    lc = rules.lifecycle
    t = pd.Timestamp(AS_OF)
    orders = data.orders.to_pandas()
    orders = orders[~orders["cancelled"] & (orders["date"] <= t)]
    purchases = orders[orders["amount_cents"] > 0]
    last = purchases.groupby("client_id")["date"].max()
    freq = purchases[purchases["date"] > t - pd.Timedelta(days=lc.frequency_window_days)]
    freq = freq.groupby("client_id").size()
    revenue = orders[orders["date"] > t - pd.Timedelta(days=rules.abc.window_days)]
    revenue = revenue.groupby("client_id")["amount_cents"].sum()
    frame = data.clients.to_pandas().set_index("client_id")
    frame["d"] = (t - last.reindex(frame.index)).dt.days
    frame["freq"] = freq.reindex(frame.index).fillna(0)
    frame["revenue"] = revenue.reindex(frame.index).fillna(0)
    d = frame["d"]
    frame["status"] = np.select(
        [
            d.isna(),
            (d <= lc.active_days) & (frame["freq"] >= lc.min_purchases),
            d <= lc.inactive_days,
            d <= lc.inactive_days + lc.period_days,
        ],
        ["prospect", "active", "pre_inactive", "inactivated"],
        "inactive",
    )
    ranked = frame.sort_values(["revenue", "external_id"], ascending=[False, True])
    positive = ranked["revenue"].clip(lower=0)
    ranked["before"] = positive.cumsum() - positive
    return len(ranked.groupby("status").size())


def best_of(fn, repeat: int) -> tuple[float, float]:
    """Best wall time and best CPU time (all threads) over ``repeat`` runs."""
    wall = cpu = float("inf")
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        wall = min(wall, time.perf_counter() - start)
        cpu = min(cpu, time.process_time() - start_cpu)
    return wall, cpu


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    start = time.perf_counter()
    data = synthetic(args.orders, args.clients, args.seed)
    generated = time.perf_counter() - start
    print(f"generated {args.orders:,} orders / {args.clients:,} clients in {generated:.2f} s")
    print(f"peak memory after generating: {peak_mb():,.0f} MB\n")

    cycle = PortfolioRules(lifecycle=LifecycleRules(mode="cycle"))
    rows = [
        (
            "engine (fixed mode, status+ABC+RFM+KPIs+matrix)",
            lambda: run_engine(data, DEFAULT_RULES),
        ),
        ("engine read_portfolio only (fixed mode)", lambda: run_read(data)),
        ("engine (cycle mode)", lambda: run_engine(data, cycle)),
        ("engine, 12 month-end readings of one input", lambda: run_engine_months(data)),
        ("plain Polars group-by (status+ABC only)", lambda: run_polars(data, DEFAULT_RULES)),
    ]
    try:
        import pandas  # noqa: F401
    except ImportError:
        print("pandas is not installed: skipping the pandas baseline\n")
    else:
        rows.append(("pandas (status+ABC only)", lambda: run_pandas(data, DEFAULT_RULES)))

    print(f"load average before timing: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs\n")
    print("| implementation | best wall time (s) | best CPU time (s) | peak RSS so far (MB) |")
    print("|---|---:|---:|---:|")
    for name, fn in rows:
        wall, cpu = best_of(fn, args.repeat)
        print(f"| {name} | {wall:.3f} | {cpu:.3f} | {peak_mb():,.0f} |")


if __name__ == "__main__":
    main()
