"""Time the seller's week (a script, not a test).

    python bench/agenda_bench.py [--days 3] [--sellers 50] [--tasks 100000] [--seed 1]
    CARTEIRA_HOME=/tmp/q100k python bench/agenda_bench.py --company [--runs 2]

Day routes, side by side: ``--days`` days of 30 visits scattered over a 40 km square
around the seller's home (10 minutes each, the day 08:00-18:00), then the same days with
client hours (a third receive 08-12, a third 13-18). Each day is solved by the agenda's
route (VROOM at the agenda's exploration level, carteira_core.agenda.route), by VROOM at
level 5 (the issue's reference quality), and by the OR-Tools model the agenda used before
(ADR 16; kept here, not in the product) at its time limit (20 ms + 5 ms a stop) and at
40 ms. Same constraints for all: day hours, visit lengths, client hours, back home by the
end of the day, a visit that does not fit reported. Figures: wall ms (min of 5 runs, one
thread), visits placed, travel minutes, and the gap to level 5 (fewer visits first, then
travel). The load average is printed.
Scheduling: ``--tasks`` open tasks over ``--sellers`` sellers (mixed visits and calls, due
over the last and next 60 days, frequencies 7-90 days) planned on a 26-week horizon with
Brazil's holidays: CPU seconds of the core pass (the database reads and writes are not in
it).
Whole company (``--company``): every active seller of the workspace in ``CARTEIRA_HOME``
(or ``DATABASE_URL``) planned from scratch by ``agenda.scheduling.do_schedule`` — the
sellers' planned days, moves, flags and pins are cleared first, so it WRITES to that
workspace — then planned again (nothing to change): CPU and wall seconds of each run, the
load average, and what the plan holds (planned, backlog, visits moved, flagged, planned as
calls, tasks on a non-working day, days over capacity).
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import os
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from ortools.constraint_solver import pywrapcp, routing_enums_pb2  # noqa: E402

from carteira_core.agenda.calendar import seller_calendar  # noqa: E402
from carteira_core.agenda.route import (  # noqa: E402
    Route,
    Stop,
    _vroom_tour,
    _window,
    exploration_level,
    plan_route,
    straight_line_minutes,
    warm_up,
)
from carteira_core.agenda.schedule import CALL, VISIT, Capacity, Job, schedule  # noqa: E402

HOME = (-23.55, -46.63)
DAY_START, DAY_END = 8 * 60, 18 * 60
RUNS = 5  # each solver is timed this many times: the min is reported (a shared machine)

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


def ortools_route(stops: Sequence[Stop], *, time_limit_ms: int) -> list[int]:
    """The agenda's route before ADR 24 (ADR 16): OR-Tools' routing solver, one vehicle,
    the travel + visit minutes as a transit matrix, the day's hours and the client hours
    on a time dimension with waiting allowed, each visit a disjunction with a large
    penalty, cheapest arc then guided local search for ``time_limit_ms``. Its second pass
    (re-ordering a tour that waits at a door to come back earlier) is left out: it does
    not change the visits placed nor, taken only when no longer, the travel. Returns the
    visited stop keys in order."""
    horizon = DAY_END - DAY_START
    size = len(stops) + 1
    travel = straight_line_minutes([HOME, *(stop.point for stop in stops)])
    service = [0, *(stop.minutes for stop in stops)]
    manager = pywrapcp.RoutingIndexManager(size, 1, 0)
    routing = pywrapcp.RoutingModel(manager)
    transit = [[travel[a][b] + service[a] for b in range(size)] for a in range(size)]
    callback = routing.RegisterTransitMatrix(transit)
    routing.SetArcCostEvaluatorOfAllVehicles(callback)
    routing.AddDimension(callback, horizon, horizon, True, "time")
    time_dimension = routing.GetDimensionOrDie("time")
    for node, stop in enumerate(stops, start=1):
        window = _window(stop, DAY_START, horizon)
        assert window is not None  # the bench's hours always leave time
        time_dimension.CumulVar(manager.NodeToIndex(node)).SetRange(*window)
        routing.AddDisjunction([manager.NodeToIndex(node)], 10_000_000)
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC
    params.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    )
    params.time_limit.FromMilliseconds(time_limit_ms)
    solution = routing.SolveWithParameters(params)
    order, index = [], routing.Start(0)
    while not routing.IsEnd(index):
        if node := manager.IndexToNode(index):
            order.append(stops[node - 1].key)
        index = solution.Value(routing.NextVar(index))
    return order


def travel_minutes(stops: Sequence[Stop], order: Sequence[int]) -> int:
    minutes = straight_line_minutes([HOME, *(stop.point for stop in stops)])
    node = {stop.key: n for n, stop in enumerate(stops, start=1)}
    path = [0, *(node[key] for key in order), 0]
    return sum(minutes[a][b] for a, b in itertools.pairwise(path))


def _agenda(level: int) -> Callable[[Sequence[Stop]], list[int]]:
    """The agenda's route as users get it: VROOM, the tour that waits at a door brought
    home earlier, the direction a seller would take."""

    def solve(stops: Sequence[Stop]) -> list[int]:
        route: Route = plan_route(HOME, stops, day_start=DAY_START, day_end=DAY_END,
                                  level=level)  # fmt: skip
        return route.order

    return solve


def _vroom(level: int) -> Callable[[Sequence[Stop]], list[int]]:
    """VROOM alone at ``level``, one thread: the issue's reference at level 5."""

    def solve(stops: Sequence[Stop]) -> list[int]:
        horizon = DAY_END - DAY_START
        windows = [
            window for stop in stops if (window := _window(stop, DAY_START, horizon)) is not None
        ]
        assert len(windows) == len(stops)  # the bench's hours always leave time
        points = [HOME, *(stop.point for stop in stops)]
        minutes = straight_line_minutes(points)
        nodes = range(1, len(stops) + 1)
        service = [stop.minutes for stop in stops]
        tour = _vroom_tour(nodes, windows, service, minutes, points, end=horizon, level=level)
        return [stops[node - 1].key for node in tour]

    return solve


def _ortools(limit: int) -> Callable[[Sequence[Stop]], list[int]]:
    return lambda stops: ortools_route(stops, time_limit_ms=limit)


REFERENCE = "VROOM level 5 alone (reference)"
SOLVERS = {
    f"agenda (VROOM level {exploration_level(30)} + home earlier)": _agenda(exploration_level(30)),
    REFERENCE: _vroom(5),
    **{f"VROOM level {level} alone": _vroom(level) for level in (4, 3, 2) if level != 5},
    "OR-Tools 170 ms (before)": _ortools(170),
    "OR-Tools 40 ms": _ortools(40),
}


def routes(seed: int, days: int) -> list[str]:
    """One row per solver: its times and, over all the days, the visits it placed and
    its travel against VROOM level 5's."""
    warm_up()
    solved: dict[str, list[tuple[float, float, int, int]]] = {name: [] for name in SOLVERS}
    for windows in (False, True):
        for day in range(days):
            stops = day_of_visits(random.Random(seed * 100 + day), windows=windows)
            for name, solve in SOLVERS.items():
                walls, cpus = [], []
                for _ in range(RUNS):
                    started, cpu = time.perf_counter(), time.process_time()
                    order = solve(stops)
                    walls.append((time.perf_counter() - started) * 1000)
                    cpus.append((time.process_time() - cpu) * 1000)
                solved[name].append(
                    (min(walls), min(cpus), len(order), travel_minutes(stops, order))
                )
    reference = solved[REFERENCE]
    rows = [f"{days} days without client hours + {days} with; 30 visits a day; min of "
            f"{RUNS} runs per day", "", "| solver | wall ms, median day (max) | CPU ms, median "
            "day (max) | visits placed | vs level 5 | travel min, days placing as many | "
            "gap (worst day) |", "|---|---|---|---|---|---|---|"]  # fmt: skip
    for name, results in solved.items():
        walls = [wall for wall, _, _, _ in results]
        cpus = [cpu for _, cpu, _, _ in results]
        placed = sum(count for _, _, count, _ in results)
        same = [(mine, ref) for mine, ref in zip(results, reference, strict=True)
                if mine[2] == ref[2]]  # fmt: skip
        ours, theirs = sum(m[3] for m, _ in same), sum(r[3] for _, r in same)
        worst = max((m[3] / r[3] - 1 for m, r in same), default=0.0)
        rows.append(f"| {name} | {statistics.median(walls):.1f} ({max(walls):.1f}) | "
                    f"{statistics.median(cpus):.1f} ({max(cpus):.1f}) | {placed} | "
                    f"{placed - sum(r[2] for r in reference):+d} | {ours} vs {theirs} on "
                    f"{len(same)} days | {(ours / theirs - 1) * 100 if theirs else 0:+.2f} % "
                    f"({worst * 100:+.2f} %) |")  # fmt: skip
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


def _plan_checks(today: dt.date) -> str:
    """What the whole company's plan holds, and the two rules it must keep: no task on a
    non-working day, no day over its capacity."""
    from django.db.models import Count, Q

    from carteira.agenda.models import Task
    from carteira.agenda.scheduling import task_kind, working_time
    from carteira.organization.models import Seller

    tasks = Task.objects.filter(assignee_user=None, status=Task.Status.OPEN, seller__active=True)
    counts = tasks.aggregate(
        planned=Count("pk", filter=Q(scheduled_date__isnull=False)),
        backlog=Count("pk", filter=Q(scheduled_date__isnull=True) | Q(unfit=True)),
        moved=Count("pk", filter=Q(moved_from__isnull=False)),
        unfit=Count("pk", filter=Q(unfit=True)),
        as_call=Count("pk", filter=Q(planned_as_call=True)),
    )
    off = over = 0
    for seller in Seller.objects.filter(active=True):
        time = working_time(seller, today=today)
        load: dict[tuple[dt.date, str], int] = {}
        for task in tasks.filter(seller=seller, scheduled_date__isnull=False).only(
            "channel", "planned_as_call", "scheduled_date"
        ):
            day = task.scheduled_date
            off += not time.calendar.is_working(day)
            load[day, task_kind(task)] = load.get((day, task_kind(task)), 0) + 1
        over += sum(count > time.capacity_on(day).of(kind) for (day, kind), count in load.items())
    return (f"planned {counts['planned']:,}, backlog {counts['backlog']:,} (of which "
            f"{counts['unfit']:,} flagged on their day), {counts['moved']:,} visits moved, "
            f"{counts['as_call']:,} visits planned as calls (too far for a day trip); "
            f"{off} on a non-working day, {over} days over capacity")  # fmt: skip


def whole_company(runs: int) -> list[str]:
    """Every active seller planned from scratch, then again; the workspace's own data."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carteira.settings")
    django.setup()
    from django.utils import timezone

    from carteira.agenda.models import Task
    from carteira.agenda.scheduling import do_schedule

    today = timezone.localdate()
    lines = []
    for attempt in range(runs):
        Task.objects.filter(assignee_user=None, status=Task.Status.OPEN).update(
            scheduled_date=None, pinned=False, moved_from=None, unfit=False, planned_as_call=False
        )
        for label in ("from scratch", "again"):
            load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
            started, cpu = time.perf_counter(), time.process_time()
            plans = do_schedule(today=today)  # every active seller
            wall, cpu = time.perf_counter() - started, time.process_time() - cpu
            lines.append(f"run {attempt + 1}, {label}: {len(plans)} sellers in {wall:.2f} s wall, "
                         f"{cpu:.2f} s CPU (load {load})")  # fmt: skip
    lines.append(_plan_checks(today))
    return lines


def main(argv: list[str] | None = None) -> str:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--company",
        action="store_true",
        help="whole-company scheduling of the workspace (writes to it)",
    )
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--days", type=int, default=3)
    parser.add_argument("--sellers", type=int, default=50)
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    if args.company:
        return "\n".join([f"Load average {load}", "", "### Whole-company scheduling", "",
                          *whole_company(args.runs)])  # fmt: skip
    lines = [f"Load average {load}", "", "### Day routes, 30 visits", "",
             *routes(args.seed, args.days), "", "### Scheduling", "",
             company(args.sellers, args.tasks, args.seed)]  # fmt: skip
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    return "\n".join([*lines, "", f"Load average at the end {load}"])


if __name__ == "__main__":
    print(main())
