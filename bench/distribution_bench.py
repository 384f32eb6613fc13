"""Benchmark of the balanced distribution proposal (not a test; docs/benchmarks.md).

50 sellers × 20k clients on the demo company's geography (dense capitals plus a rural
spread over every municipality), several seeds. Today's assignment is realistic and
messy: most clients with the nearest seller, a quarter with one of the four nearest,
capacities that do not follow the workload. Compares, on the same data in the same run:
today's assignment, workload-weighted k-means, capacitated k-means, the proposal at the
app's priorities (and the default without each of its parts), the CP-SAT lower bound on
the moves any balanced assignment needs, and the "a seller is leaving" scenario.

    .venv/bin/python bench/distribution_bench.py [--clients 20000] [--sellers 50] [--seeds 1 2 3]
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import time

import numpy as np

from carteira_core.demo.clients import locate
from carteira_core.demo.geo import municipalities
from carteira_core.distribution.bounds import move_bound
from carteira_core.distribution.geo import haversine_km
from carteira_core.distribution.kmeans import capacitated_kmeans_assignment, kmeans_assignment
from carteira_core.distribution.metrics import measure
from carteira_core.distribution.model import ClientIn, Options, SellerIn
from carteira_core.distribution.propose import propose

SEGMENTS = ("supermercados", "farmácias", "bares e restaurantes", "padarias", "conveniência")
# ABC share and required contacts a week (action plan: A weekly, B fortnightly, C monthly)
CLASSES = ((0.10, 1.0), (0.20, 0.5), (0.70, 7 / 30))


def instance(seed: int, n_clients: int, n_sellers: int):
    rng = np.random.default_rng(seed)
    places = municipalities()
    loc = locate(rng, n_clients, places)
    homes = rng.choice(n_clients, size=n_sellers, replace=False)
    home_lat, home_lon = loc.lat[homes], loc.lon[homes]
    klass = rng.choice(3, size=n_clients, p=[c[0] for c in CLASSES])
    workload = np.array([c[1] for c in CLASSES])[klass]
    revenue = (rng.lognormal(10, 1, n_clients) * np.array([8.0, 2.5, 1.0])[klass] * 100).astype(
        np.int64
    )
    distance = haversine_km(loc.lat[:, None], loc.lon[:, None], home_lat[None], home_lon[None])
    nearest = np.argsort(distance, axis=1)[:, :4]
    messy = rng.random(n_clients) < 0.25
    today = np.where(messy, nearest[np.arange(n_clients), rng.integers(0, 4, n_clients)],
                     nearest[:, 0])  # fmt: skip
    capacity = rng.uniform(0.7, 1.3, n_sellers)
    capacity *= workload.sum() * 1.1 / capacity.sum()
    sellers = [
        SellerIn(i + 1, float(home_lat[i]), float(home_lon[i]), float(capacity[i]))
        for i in range(n_sellers)
    ]
    segment = rng.integers(0, len(SEGMENTS), n_clients)
    clients = [
        ClientIn(j + 1, float(loc.lat[j]), float(loc.lon[j]), float(workload[j]),
                 int(revenue[j]), SEGMENTS[segment[j]], int(today[j]) + 1)
        for j in range(n_clients)
    ]  # fmt: skip
    return sellers, clients


def row(name: str, seed: int, m, seconds: tuple[float, float] | None) -> str:
    took = f"{seconds[0]:.1f} ({seconds[1]:.1f})" if seconds is not None else "–"
    return (
        f"| {seed} | {name} | {took} | {m.max_over_mean:.3f} | {m.cv:.3f} "
        f"| {m.revenue_max_over_mean:.2f} | {m.revenue_cv:.3f} | {m.mean_km:.1f} "
        f"| {m.centre_km:.1f} | {m.moved:,} | {m.moved_workload:,.0f} |"
    )


# The app's priorities (distribution.forms.ProposalForm.TRADEOFFS) and two ablations.
DEFAULT = Options()
COMPACT = Options(compactness=1.0, move_km=10.0)
FEWEST = Options(move_km=4000.0, revenue_weight=0.0, compactness=0.0, revenue_repair_passes=0)
SETTINGS = (
    ("proposal (default: compactness 0.7, move_km 40, revenue ±10 %)", DEFAULT),
    ("default without compactness (compactness 0)", Options(compactness=0.0)),
    ("default without revenue repair", Options(revenue_repair_passes=0)),
    ("default without revenue balance", Options(revenue_tolerance=None)),
    ("proposal, compact territories (compactness 1, move_km 10)", COMPACT),
    ("proposal, shortest routes from home (move_km 0, compactness 0)",
     Options(move_km=0.0, compactness=0.0)),
    ("proposal, fewest changes (move_km 4000, revenue_weight 0, compactness 0, no repair)",
     FEWEST),
)  # fmt: skip


def timed(function, *args, **kwargs):
    """The result, and (wall, CPU) seconds: the machine is shared, CPU time is steadier."""
    started, cpu = time.perf_counter(), time.process_time()
    result = function(*args, **kwargs)
    return result, (time.perf_counter() - started, time.process_time() - cpu)


def run(seed: int, n_clients: int, n_sellers: int) -> list[str]:
    sellers, clients = instance(seed, n_clients, n_sellers)
    today = {c.id: c.seller for c in clients}
    lines = [row("today", seed, measure(sellers, clients, today), None)]
    km, took = timed(kmeans_assignment, sellers, clients, seed=seed)
    km_m = measure(sellers, clients, km)
    lines.append(row("k-means (workload-weighted)", seed, km_m, took))
    cap, took = timed(capacitated_kmeans_assignment, sellers, clients, seed=seed)
    cap_m = measure(sellers, clients, cap)
    lines.append(row("capacitated k-means", seed, cap_m, took))
    got = {}
    for name, options in SETTINGS:
        result, took = timed(propose, sellers, clients, options)
        got[options] = (measure(sellers, clients, result.assignment), result.assignment)
        lines.append(row(name, seed, got[options][0], took))
    bound, took = timed(move_bound, sellers, clients, hint=got[FEWEST][1])
    exact = "optimal" if bound.optimal else f"bound; best found {bound.best_found:,}"
    lines.append(
        f"| {seed} | lower bound on moves (CP-SAT, {exact}) | {took[0]:.1f} ({took[1]:.1f}) "
        f"| ≤ 1.05 | | | | | | {bound.moves:,} | {bound.workload:,.0f} |"
    )
    leaving = [dataclasses.replace(s, can_receive=s.id != 1) for s in sellers]
    result, took = timed(propose, leaving, clients)
    left = sum(1 for c in clients if c.seller == 1)
    m = measure(leaving, clients, result.assignment)
    lines.append(row(f"seller 1 leaving ({left} clients)", seed, m, took))
    lines.append("")
    for name, options in (("default", DEFAULT), ("compact", COMPACT), ("fewest", FEWEST)):
        lines.append(versus(seed, name, got[options][0], km_m, cap_m, bound.moves))
    return lines


def versus(seed: int, name: str, m, km_m, cap_m, bound: int) -> str:
    """Distance to base and to centre against both k-means, and moves against the bound."""

    def pct(a: float, b: float) -> str:
        return f"{a / b - 1:+.0%}"

    return (
        f"- seed {seed}, {name}: vs plain k-means: to base {pct(m.mean_km, km_m.mean_km)}, "
        f"to centre {pct(m.centre_km, km_m.centre_km)}; vs capacitated k-means: to base "
        f"{pct(m.mean_km, cap_m.mean_km)}, to centre {pct(m.centre_km, cap_m.centre_km)}; "
        f"moves {m.moved / bound:.2f}× the lower bound"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=20_000)
    parser.add_argument("--sellers", type=int, default=50)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    args = parser.parse_args()
    print(f"{args.sellers} sellers × {args.clients} clients, {os.cpu_count()} CPUs\n")
    print(f"load: {os.getloadavg()}")
    print(
        "| seed | assignment | seconds wall (CPU) | max/mean | CV | revenue max/mean | revenue CV "
        "| km to base | km to centre | moved | contacts/week moved |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for seed in args.seeds:
        for line in run(seed, args.clients, args.sellers):
            print(line, flush=True)


if __name__ == "__main__":
    main()
