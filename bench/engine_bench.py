"""Time the portfolio engine against plain Polars, DuckDB, pandas and a hand-written numpy
kernel doing the same work (a script, not a test).

    python bench/engine_bench.py --orders 1000000 --clients 100000 --repeat 5

Generates a deterministic portfolio with numpy and stores it as Parquet (kept in
bench-out/engine-data/ per size and seed, and reused: 10M orders take minutes); then every
implementation runs in its own process (``--child``), the implementations alternated
round by round, so none inherits another's warm caches or heap. Every implementation
gives the same output, one row per client: its lifecycle status and ABC class at the
as-of date (fixed mode, default rules; ties in the ABC ranking by external id ascending,
exact fractions at the boundaries), and the first round's outputs are checked equal to
the first implementation's row by row. The numpy kernel also gives the engine's other
per-client facts (the eve's status, R/F/M scores, last and first purchase, the window
counts and sums), compared too where both sides give them (the column count is printed).
The engine rows also compute what the others do not (KPIs by seller, the matrix; the
contacts and sellers of the reading): they are an upper bound of its cost for the common
output. Prints a Markdown table: min and median wall time, min and median CPU time, the
peak resident memory of each child process (data loading included), and the load
average before and after; the machine's load matters, so it is printed with the figures.
``--baseline-src DIR`` adds an earlier tree's engine (``git archive REV src``) as one more
alternated implementation doing the full compute, its output compared like the others.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from fractions import Fraction
from pathlib import Path

import numpy as np
import polars as pl

# a child of --baseline-src imports another tree's carteira_core (an earlier engine)
sys.path.insert(0, os.environ.get("CARTEIRA_ENGINE_SRC", str(Path(__file__).parents[1] / "src")))

from carteira_core.engine import (
    PortfolioInput,
    indicators,
    matrix,
    read_portfolio,
)
from carteira_core.engine.inputs import day_number
from carteira_core.rules import DEFAULT_RULES, PortfolioRules

BASELINE_ENV = "CARTEIRA_ENGINE_SRC"
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


# the compared output: client_id, status, abc (null for prospects) from every
# implementation, and the other facts where both sides give them (the engine, numpy)
COMPARED = (
    "client_id",
    "status",
    "abc",
    "status_previous",
    "r_score",
    "f_score",
    "m_score",
    "last_purchase_date",
    "first_purchase_date",
    "purchases_in_frequency_window",
    "revenue_in_abc_window_cents",
    "margin_in_abc_window_cents",
    "revenue_period_cents",
    "purchases_period",
)
_LABELS = ("status", "abc", "status_previous")


def compared_columns(frame: pl.DataFrame) -> pl.DataFrame:
    """The columns of ``COMPARED`` the implementation gives, labels as text, by client_id."""
    present = [column for column in COMPARED if column in frame.columns]
    return frame.select(
        pl.col(column).cast(pl.Utf8) if column in _LABELS else pl.col(column) for column in present
    ).sort("client_id")


def run_engine(data: PortfolioInput, rules: PortfolioRules) -> pl.DataFrame:
    data = dataclasses.replace(data)  # a fresh input: no columns cached by an earlier run
    reading = read_portfolio(data, AS_OF, rules)
    indicators(reading)
    indicators(reading, "seller")
    matrix(reading, "seller")
    return reading.clients


def run_read(data: PortfolioInput, rules: PortfolioRules) -> pl.DataFrame:
    return read_portfolio(dataclasses.replace(data), AS_OF, rules).clients


def _shares(rules: PortfolioRules) -> tuple[Fraction, Fraction]:
    if rules.abc.basis != "revenue" or rules.lifecycle.mode != "fixed":
        raise SystemExit("the baselines implement the fixed mode on the revenue basis only")
    a = Fraction(rules.abc.a_share)
    return a, a + Fraction(rules.abc.b_share)


def run_polars(data: PortfolioInput, rules: PortfolioRules) -> pl.DataFrame:
    """Status and ABC the way one would write them directly in Polars (lazy)."""
    lc, abc = rules.lifecycle, rules.abc
    a, ab = _shares(rules)
    t = AS_OF
    date, amount = pl.col("date"), pl.col("amount_cents")
    purchase = amount > 0
    per_client = (
        data.orders.lazy()
        .filter(~pl.col("cancelled") & (date <= t))
        .group_by("client_id")
        .agg(
            date.filter(purchase).max().alias("last"),
            (purchase & (date > t - timedelta(days=lc.frequency_window_days))).sum().alias("freq"),
            amount.filter(date > t - timedelta(days=abc.window_days)).sum().alias("basis"),
        )
    )
    d = (pl.lit(t) - pl.col("last")).dt.total_days()
    status = (
        pl.when(pl.col("last").is_null()).then(pl.lit("prospect"))
        .when((d <= lc.active_days) & (pl.col("freq") >= lc.min_purchases)).then(pl.lit("active"))
        .when(d <= lc.inactive_days).then(pl.lit("pre_inactive"))
        .when(d <= lc.inactive_days + lc.period_days).then(pl.lit("inactivated"))
        .otherwise(pl.lit("inactive"))
    )  # fmt: skip
    ranked = (pl.col("status") != "prospect") & (pl.col("basis") > 0)
    value = pl.when(pl.col("ranked")).then(pl.col("basis")).otherwise(0)
    before, total = pl.col("before"), pl.col("total")
    out = (
        data.clients.lazy()
        .select("client_id", "external_id")
        .join(per_client, on="client_id", how="left")
        .with_columns(status.alias("status"), pl.col("basis").fill_null(0))
        .with_columns(ranked.alias("ranked"))
        .sort(["ranked", "basis", "external_id"], descending=[True, True, False])
        .with_columns((value.cum_sum() - value).alias("before"), value.sum().alias("total"))
        .with_columns(
            pl.when(pl.col("status") == "prospect")
            .then(None)
            .when(~pl.col("ranked"))
            .then(pl.lit("C"))
            .when(before * a.denominator < total * a.numerator)
            .then(pl.lit("A"))
            .when(before * ab.denominator < total * ab.numerator)
            .then(pl.lit("B"))
            .otherwise(pl.lit("C"))
            .alias("abc")
        )
        .select("client_id", "status", "abc")
    )
    return out.collect()


def run_pandas(data: PortfolioInput, rules: PortfolioRules) -> pl.DataFrame:
    """The same in pandas (the data handed over as pandas frames is part of its time)."""
    import pandas as pd

    lc, abc = rules.lifecycle, rules.abc
    a, ab = _shares(rules)
    t = pd.Timestamp(AS_OF)
    orders = data.orders.to_pandas()
    orders = orders[~orders["cancelled"] & (orders["date"] <= t)]
    purchases = orders[orders["amount_cents"] > 0]
    last = purchases.groupby("client_id")["date"].max()
    freq = purchases[purchases["date"] > t - pd.Timedelta(days=lc.frequency_window_days)]
    freq = freq.groupby("client_id").size()
    basis = orders[orders["date"] > t - pd.Timedelta(days=abc.window_days)]
    basis = basis.groupby("client_id")["amount_cents"].sum()
    frame = data.clients.select("client_id", "external_id").to_pandas().set_index("client_id")
    d = (t - last.reindex(frame.index)).dt.days
    frequency = freq.reindex(frame.index).fillna(0)
    frame["basis"] = basis.reindex(frame.index).fillna(0).astype("int64")
    frame["status"] = np.select(
        [
            d.isna(),
            (d <= lc.active_days) & (frequency >= lc.min_purchases),
            d <= lc.inactive_days,
            d <= lc.inactive_days + lc.period_days,
        ],
        ["prospect", "active", "pre_inactive", "inactivated"],
        "inactive",
    )
    prospect = frame["status"] == "prospect"
    ranked = frame[~prospect & (frame["basis"] > 0)].sort_values(
        ["basis", "external_id"], ascending=[False, True]
    )
    values = ranked["basis"].to_numpy()
    before = np.cumsum(values) - values
    total = int(values.sum())
    classes = np.select(
        [before * a.denominator < total * a.numerator,
         before * ab.denominator < total * ab.numerator],
        ["A", "B"],
        "C",
    )  # fmt: skip
    frame["abc"] = np.where(prospect, None, "C").astype(object)
    frame.loc[ranked.index, "abc"] = classes
    return pl.from_pandas(frame[["status", "abc"]].reset_index())


def run_duckdb(data: PortfolioInput, rules: PortfolioRules) -> pl.DataFrame:
    """The same in DuckDB SQL over the Polars frames (handed over through Arrow)."""
    import duckdb

    lc, abc = rules.lifecycle, rules.abc
    a, ab = _shares(rules)
    orders, clients = data.orders, data.clients.select("client_id", "external_id")  # noqa: F841
    t = f"DATE '{AS_OF.isoformat()}'"
    sql = f"""
        WITH per_client AS (
            SELECT client_id,
                   max(date) FILTER (WHERE amount_cents > 0) AS last,
                   count(*) FILTER (WHERE amount_cents > 0
                                    AND date > {t} - {lc.frequency_window_days}) AS freq,
                   sum(amount_cents) FILTER (WHERE date > {t} - {abc.window_days}) AS basis
            FROM orders WHERE NOT cancelled AND date <= {t} GROUP BY client_id
        ), reading AS (
            SELECT c.client_id, c.external_id, coalesce(p.basis, 0) AS basis,
                   CASE WHEN p.last IS NULL THEN 'prospect'
                        WHEN {t} - p.last <= {lc.active_days}
                             AND p.freq >= {lc.min_purchases} THEN 'active'
                        WHEN {t} - p.last <= {lc.inactive_days} THEN 'pre_inactive'
                        WHEN {t} - p.last <= {lc.inactive_days + lc.period_days}
                             THEN 'inactivated'
                        ELSE 'inactive' END AS status
            FROM clients c LEFT JOIN per_client p USING (client_id)
        ), ranked AS (
            SELECT *, status <> 'prospect' AND basis > 0 AS ranked FROM reading
        ), shares AS (
            SELECT *,
                   coalesce(sum(CASE WHEN ranked THEN basis ELSE 0 END) OVER (
                       ORDER BY ranked DESC, basis DESC, external_id ASC
                       ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS before,
                   sum(CASE WHEN ranked THEN basis ELSE 0 END) OVER () AS total
            FROM ranked
        )
        SELECT client_id, status,
               CASE WHEN status = 'prospect' THEN NULL
                    WHEN NOT ranked THEN 'C'
                    WHEN before * {a.denominator} < total * {a.numerator} THEN 'A'
                    WHEN before * {ab.denominator} < total * {ab.numerator} THEN 'B'
                    ELSE 'C' END AS abc
        FROM shares
    """  # noqa: S608 - numbers and a date of our own, no input
    return duckdb.sql(sql).pl()


_STATUSES = ("prospect", "active", "pre_inactive", "inactivated", "inactive")
_NO_DAY = np.iinfo(np.int32).min


def run_numpy(data: PortfolioInput, rules: PortfolioRules) -> pl.DataFrame:
    """The engine's per-client facts hand-written in numpy, one straightforward pass per
    fact: status at T and on the eve of the period, ABC class, R/F/M scores, last and first
    purchase, the window counts and sums (fixed mode, revenue basis; the client ids are
    positive integers, read through a lookup table)."""
    lc, abc = rules.lifecycle, rules.abc
    a, ab = _shares(rules)
    t = day_number(AS_OF)
    t0 = t - lc.period_days
    clients, orders = data.clients, data.orders
    ids = clients["client_id"].to_numpy()
    n = len(ids)
    table = np.full(int(ids.max(initial=0)) + 2, n, dtype=np.int32)
    table[ids] = np.arange(n, dtype=np.int32)
    day = orders["date"].to_physical().to_numpy()
    amount = orders["amount_cents"].to_numpy()
    margin = orders["margin_cents"].fill_null(0).to_numpy()
    pos = np.take(table, orders["client_id"].to_numpy(), mode="clip")
    pos[orders["cancelled"].to_numpy() | (day > t)] = n
    buyer = np.where(amount > 0, pos, n)  # purchases only

    def last_day(end: int) -> np.ndarray:
        last = np.full(n + 1, _NO_DAY, dtype=np.int32)
        np.maximum.at(last, np.where(day <= end, buyer, n), day)
        return last[:n]

    def purchases(start: int, end: int) -> np.ndarray:
        inside = (day > start) & (day <= end)
        return np.bincount(buyer[inside], minlength=n + 1)[:n]

    def total(values: np.ndarray, start: int, end: int) -> np.ndarray:
        inside = (day > start) & (day <= end)
        sums = np.zeros(n + 1, dtype=np.int64)
        np.add.at(sums, pos[inside], values[inside])
        return sums[:n]

    def status(last: np.ndarray, frequency: np.ndarray, at: int) -> np.ndarray:
        d = at - last.astype(np.int64)
        conditions = [
            last == _NO_DAY,
            (d <= lc.active_days) & (frequency >= lc.min_purchases),
            d <= lc.inactive_days,
            d <= lc.inactive_days + lc.period_days,
        ]
        return np.select(conditions, [0, 1, 2, 3], 4)

    last, last0 = last_day(t), last_day(t0)
    first = np.full(n + 1, np.iinfo(np.int32).max, dtype=np.int32)
    np.minimum.at(first, buyer, day)
    frequency = purchases(t - lc.frequency_window_days, t)
    now = status(last, frequency, t)
    eve = status(last0, purchases(t0 - lc.frequency_window_days, t0), t0)
    revenue = total(amount, t - abc.window_days, t)
    customer = now != 0

    # ABC: revenue descending, ties (rare) by external id
    ranked = np.flatnonzero(customer & (revenue > 0))
    order = ranked[np.argsort(-revenue[ranked], kind="stable")]
    tied = np.flatnonzero(revenue[order][1:] == revenue[order][:-1])
    if len(tied):
        runs = np.unique(np.concatenate((tied, tied + 1)))
        members = order[runs]
        external = clients["external_id"].to_numpy()[members].astype(str)
        order[runs] = members[np.lexsort((external, -revenue[members]))]
    values = revenue[order]
    before, whole = np.cumsum(values) - values, int(values.sum())
    classes = np.full(n, 2, dtype=np.int8)
    classes[order] = np.select(
        [before * a.denominator < whole * a.numerator,
         before * ab.denominator < whole * ab.numerator],
        [0, 1],
        2,
    )  # fmt: skip

    def scores(values: np.ndarray) -> np.ndarray:
        population = values[customer]
        below = np.searchsorted(np.sort(population), population)
        result = np.zeros(n, dtype=np.int8)
        result[customer] = 1 + 5 * below // max(len(population), 1)
        return result

    labels = pl.Series(_STATUSES)
    only_customers = pl.Series(customer)
    frame = pl.DataFrame(
        {
            "client_id": ids,
            "status": labels.gather(now),
            "status_previous": labels.gather(eve),
            "abc": pl.Series(["A", "B", "C"]).gather(classes),
            "r_score": scores(last.astype(np.int64)),
            "f_score": scores(frequency),
            "m_score": scores(revenue),
            "last_purchase_date": pl.Series(last).cast(pl.Date),
            "first_purchase_date": pl.Series(first[:n]).cast(pl.Date),
            "purchases_in_frequency_window": frequency,
            "revenue_in_abc_window_cents": revenue,
            "margin_in_abc_window_cents": total(margin, t - abc.window_days, t),
            "revenue_period_cents": total(amount, t0, t),
            "purchases_period": purchases(t0, t),
        }
    )
    nullable = ("abc", "r_score", "f_score", "m_score", "last_purchase_date")
    return frame.with_columns(
        pl.when(only_customers).then(pl.col(c)).alias(c) for c in (*nullable, "first_purchase_date")
    )


IMPLEMENTATIONS = {
    "engine": ("engine: read_portfolio + KPIs + KPIs by seller + matrix", run_engine),
    "engine-read": ("engine: read_portfolio only", run_read),
    "polars": ("plain Polars (lazy): status + ABC", run_polars),
    "pandas": ("pandas: status + ABC", run_pandas),
    "duckdb": ("DuckDB (SQL over the frames): status + ABC", run_duckdb),
    "numpy": ("hand-written numpy kernel: the engine's per-client facts", run_numpy),
    "baseline": ("the engine of --baseline-src: the same full compute", run_engine),
}
TABLES = ("clients", "assignments", "sellers", "orders", "interactions")
CACHE = Path(__file__).resolve().parents[1] / "bench-out" / "engine-data"


def save(data: PortfolioInput, folder: Path) -> None:
    for name in TABLES:
        getattr(data, name).write_parquet(folder / f"{name}.parquet")


def load(folder: Path) -> PortfolioInput:
    return PortfolioInput(*(pl.read_parquet(folder / f"{name}.parquet") for name in TABLES))


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(name: str, folder: Path, out: Path | None) -> None:
    """Run one implementation once on the stored data; print its figures as JSON."""
    data = load(folder)
    loaded_mb = peak_mb()
    before = resource.getrusage(resource.RUSAGE_SELF)
    start = time.perf_counter()
    frame = IMPLEMENTATIONS[name][1](data, DEFAULT_RULES)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_SELF)
    system = after.ru_stime - before.ru_stime
    cpu = after.ru_utime - before.ru_utime + system
    if out is not None:
        compared_columns(frame).write_parquet(out)
    figures = {"wall": wall, "cpu": cpu, "sys": system, "peak_mb": peak_mb()}
    print(json.dumps({**figures, "loaded_mb": loaded_mb}))


def mismatches(left: Path, right: Path) -> tuple[int, int]:
    """Rows where any column both outputs give differs (a missing row counts), and how
    many columns were compared."""
    a, b = pl.read_parquet(left), pl.read_parquet(right)
    common = [column for column in a.columns if column in b.columns]
    if a.height != b.height:
        return abs(a.height - b.height) + min(a.height, b.height), len(common)
    same = pl.Series([True] * a.height)
    for column in common:
        same &= a[column].eq_missing(b[column])
    return int((~same).sum()), len(common)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--only", default=",".join(IMPLEMENTATIONS))
    parser.add_argument(
        "--cache",
        type=Path,
        default=CACHE,
        help="folder of generated portfolios, one per size and seed, reused by later runs "
        "(10M orders take minutes to generate); '' to generate into a temporary folder",
    )
    parser.add_argument(
        "--baseline-src",
        type=Path,
        help="the src folder of an earlier tree (git archive REV src | tar -x -C DIR): its "
        "engine runs as 'baseline', alternated with the others",
    )
    parser.add_argument("--child", choices=IMPLEMENTATIONS, help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.data, args.out)
        return

    names = [name for name in args.only.split(",") if name and name != "baseline"]
    if args.baseline_src:
        names.append("baseline")
    for module in ("pandas", "duckdb"):
        try:
            __import__(module)
        except ImportError:
            print(f"{module} is not installed (uv sync --group bench): skipping its baseline\n")
            names = [name for name in names if name != module]
    with tempfile.TemporaryDirectory(prefix="engine-bench-") as tmp:
        folder = Path(tmp)
        data = folder
        if str(args.cache) not in ("", "."):
            data = args.cache / f"o{args.orders}-c{args.clients}-s{args.seed}"
        if all((data / f"{name}.parquet").exists() for name in TABLES):
            print(f"reusing {args.orders:,} orders / {args.clients:,} clients from {data}")
        else:
            data.mkdir(parents=True, exist_ok=True)
            start = time.perf_counter()
            save(synthetic(args.orders, args.clients, args.seed), data)
            took = time.perf_counter() - start
            print(f"generated {args.orders:,} orders / {args.clients:,} clients in {took:.1f} s")
        load_before = os.getloadavg()
        runs: dict[str, list[dict]] = {name: [] for name in names}
        for round_ in range(args.repeat):
            for name in names:  # alternated: one run of each per round
                out = folder / f"{name}.out.parquet" if round_ == 0 else None
                command = [sys.executable, __file__, "--child", name, "--data", str(data)]
                if out is not None:
                    command += ["--out", str(out)]
                env = dict(os.environ)
                if name == "baseline":
                    env[BASELINE_ENV] = str(args.baseline_src.resolve())
                done = subprocess.run(  # noqa: S603
                    command, capture_output=True, text=True, check=True, env=env
                )
                runs[name].append(json.loads(done.stdout.strip().splitlines()[-1]))
        load_after = os.getloadavg()
        reference = folder / f"{names[0]}.out.parquet"
        checks = {name: mismatches(reference, folder / f"{name}.out.parquet") for name in names}
    print(
        f"\nload average (1/5/15 min) before: {' / '.join(f'{x:.2f}' for x in load_before)}, "
        f"after: {' / '.join(f'{x:.2f}' for x in load_after)}; {os.cpu_count()} CPUs; "
        f"{args.repeat} alternated runs each, one process per run\n"
    )
    print(
        f"| implementation | rows differing from {names[0]} (columns compared) | min wall (s) "
        "| median wall (s) | min CPU (s) | median CPU (s) | of the min CPU, system (s) "
        "| peak RSS per process (MB) | of which loading the data (MB) |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name in names:
        walls = [r["wall"] for r in runs[name]]
        cpus = [r["cpu"] for r in runs[name]]
        least = min(runs[name], key=lambda r: r["cpu"])
        peak = max(r["peak_mb"] for r in runs[name])
        loaded = max(r["loaded_mb"] for r in runs[name])
        print(
            f"| {IMPLEMENTATIONS[name][0]} | {checks[name][0]:,} ({checks[name][1]}) | "
            f"{min(walls):.3f} | {statistics.median(walls):.3f} | {min(cpus):.3f} | "
            f"{statistics.median(cpus):.3f} | {least['sys']:.3f} | "
            f"{peak:,.0f} | {loaded:,.0f} |"
        )
    if any(differing for differing, _ in checks.values()):
        raise SystemExit("outputs differ: the comparison is not of the same work")


if __name__ == "__main__":
    main()
