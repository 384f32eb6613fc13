"""Time the seller's week (a script, not a test).

    python bench/agenda_bench.py [--sellers 50] [--tasks 100000] [--seed 1]

Day routes: 30 visits scattered over a 40 km square around the seller's home, 45 minutes
each (10 minutes in the bench), the day 08:00–18:00, then the same with client hours: the
route at the agenda's time limit (20 ms + 5 ms a stop, a third more for the second pass
when the tour waits at a door) and at 10× it, beside a 5-second run (VROOM is not
installed here: the quality is measured against our own long run; fewer visits left out
first, then fewer km). Wall times are the min of 5 runs; the load average is printed.
Scheduling: ``--tasks`` open tasks over ``--sellers`` sellers (mixed visits and calls, due
over the last and next 60 days, frequencies 7–90 days) planned on a 26-week horizon with
Brazil's holidays: CPU seconds of the core pass (the database reads and writes are not in
it).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from carteira_core.agenda.calendar import seller_calendar  # noqa: E402
from carteira_core.agenda.route import Stop, plan_route, search_ms  # noqa: E402
from carteira_core.agenda.schedule import CALL, VISIT, Capacity, Job, schedule  # noqa: E402

HOME = (-23.55, -46.63)


# Client hours for the "with windows" days: a third receive in the morning only, a third in
# the afternoon only, the rest any time.
WINDOWS = ((8 * 60, 12 * 60), (13 * 60, 18 * 60), None)


def day_of_visits(rng: random.Random, n: int = 30, *, windows: bool = False) -> list[Stop]:
    return [
        Stop(
            i,
            (HOME[0] + rng.uniform(-0.18, 0.18), HOME[1] + rng.uniform(-0.18, 0.18)),
            10,
            WINDOWS[i % 3] if windows else None,
        )
        for i in range(n)
    ]


RUNS = 5  # each limit is timed this many times: the min is reported (a shared machine)


def routes(seed: int, *, windows: bool = False) -> list[str]:
    rows = ["| day | limit ms | wall ms (min of 5) | km | unfit | 5 s run: km, unfit |",
            "|---|---|---|---|---|---|"]  # fmt: skip
    for day in range(3):
        stops = day_of_visits(random.Random(seed * 100 + day), windows=windows)
        reference = plan_route(HOME, stops, time_limit_ms=5_000)
        for limit in (search_ms(len(stops)), 10 * search_ms(len(stops))):
            walls = []
            for _ in range(RUNS):
                started = time.perf_counter()
                route = plan_route(HOME, stops, time_limit_ms=limit)
                walls.append((time.perf_counter() - started) * 1000)
            rows.append(f"| {day + 1} | {limit} | {min(walls):.0f} | {route.distance_km} | "
                        f"{len(route.unfit)} | {reference.distance_km}, "
                        f"{len(reference.unfit)} |")  # fmt: skip
    return rows


def company(sellers: int, tasks: int, seed: int) -> str:
    rng = random.Random(seed)
    today = dt.date(2026, 12, 7)
    calendar = seller_calendar(years=[2026, 2027], state="SP")
    per_seller = tasks // sellers
    started = time.process_time()
    planned = backlog = 0
    for s in range(sellers):
        jobs = []
        for k in range(per_seller):
            due = today + dt.timedelta(days=rng.randint(-60, 60))
            every = rng.choice((7, 15, 30, 60, 90))
            jobs.append(Job(key=s * per_seller + k, kind=VISIT if rng.random() < 0.2 else CALL,
                            earliest=due, due=due,
                            latest=max(due, today) + dt.timedelta(days=every - 1),
                            priority=rng.choice((100, 200, 300)),
                            revenue_at_risk_cents=rng.randint(0, 500_000)))  # fmt: skip
        result = schedule(jobs, calendar=calendar, capacity=Capacity(visits=4, calls=16),
                          today=today, horizon_end=today + dt.timedelta(weeks=26))  # fmt: skip
        planned += len(result.days)
        backlog += len(result.backlog)
    cpu = time.process_time() - started
    return (f"{sellers} sellers × {per_seller:,} tasks: planned {planned:,}, backlog "
            f"{backlog:,}, {cpu:.2f} s CPU")  # fmt: skip


def main(argv: list[str] | None = None) -> str:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sellers", type=int, default=50)
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    lines = [f"Load average {load}", "", "### Day routes, 30 visits", "", *routes(args.seed), "",
             "### Day routes, 30 visits, two thirds with client hours (08-12 or 13-18)", "",
             *routes(args.seed, windows=True), "", "### Scheduling", "",
             company(args.sellers, args.tasks, args.seed)]  # fmt: skip
    return "\n".join(lines)


if __name__ == "__main__":
    print(main())
