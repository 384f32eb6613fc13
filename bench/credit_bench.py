"""Time the receivables aging on synthetic instalments (a script, not a test).

    python bench/credit_bench.py --instalments 5000000 --clients 100000

Generates deterministic instalments with numpy (30 % unpaid, payments from 5 days early
to 200 days late), then times ``carteira_core.credit.aging`` for the whole portfolio and
per client (buckets and provision), beside a plain Polars group-by of the open balance
and the part over 30 days of the same rows. Prints the median of ``--repeat`` runs.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import date

import numpy as np
import polars as pl

from carteira_core.credit import aging
from carteira_core.rules import CreditRules

AS_OF = date(2026, 6, 30)


def instalments(count: int, clients: int, seed: int = 7) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    issue = np.datetime64("2025-01-01") + rng.integers(0, 540, count).astype("timedelta64[D]")
    due = issue + rng.integers(0, 120, count).astype("timedelta64[D]")
    paid = due + rng.integers(-5, 200, count).astype("timedelta64[D]")
    return pl.DataFrame(
        {
            "client_id": rng.integers(1, clients + 1, count),
            "issue_date": issue,
            "due_date": due,
            "amount": rng.integers(1_000, 500_000, count),
            "paid_date": pl.Series(paid).set(pl.Series(rng.random(count) < 0.3), None),
            "paid": pl.Series([None] * count, dtype=pl.Int64),
        }
    ).with_columns(pl.col("issue_date", "due_date", "paid_date").cast(pl.Date))


def plain(frame: pl.DataFrame) -> pl.DataFrame:
    days = (pl.lit(AS_OF) - pl.col("due_date")).dt.total_days()
    unpaid = pl.col("paid_date").is_null() | (pl.col("paid_date") > AS_OF)
    return (
        frame.filter((pl.col("issue_date") <= AS_OF) & unpaid)
        .with_columns(days.alias("days"))
        .group_by("client_id")
        .agg(
            pl.col("amount").sum(), pl.col("amount").filter(pl.col("days") > 30).sum().alias("late")
        )
    )


def timed(run, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--instalments", type=int, default=5_000_000)
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    frame = instalments(args.instalments, args.clients)
    rules = CreditRules()
    print(f"| {args.instalments:,} instalments, {args.clients:,} clients | median s |")
    print("|---|---|")
    print(
        f"| aging, whole portfolio | {timed(lambda: aging(frame, AS_OF, rules), args.repeat):.2f} |"
    )
    per_client = timed(lambda: aging(frame, AS_OF, rules, by="client_id"), args.repeat)
    print(f"| aging + provision per client | {per_client:.2f} |")
    print(f"| plain Polars group-by | {timed(lambda: plain(frame), args.repeat):.2f} |")


if __name__ == "__main__":
    main()
