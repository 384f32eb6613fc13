"""A day's visits in the order that travels least, from the start and back.

OR-Tools' routing solver (already the distribution's dependency; docs/adr/0016): one
vehicle, travel times from great-circle distance × a road factor at an average speed,
each visit's duration, the day's hours as the time window and, per client, the window in
which the visit may start (its opening or receiving hours less the visit's length). Visits
that cannot fit in the day are returned as ``unfit`` (the caller moves them), never dropped
silently.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ortools.constraint_solver import pywrapcp, routing_enums_pb2

EARTH_RADIUS_KM = 6371.0088
ROAD_FACTOR = 1.3
SPEED_KMH = 40.0


def great_circle_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


@dataclass(frozen=True)
class Stop:
    key: int
    point: tuple[float, float]  # (latitude, longitude)
    minutes: int  # time spent at the client
    # The client's opening (receiving) hours, minutes after midnight (opens, closes): the
    # visit starts at or after it opens and ends by the time it closes. None: any time.
    window: tuple[int, int] | None = None


@dataclass(frozen=True)
class Route:
    order: list[int]  # stop keys in visiting order
    arrivals: dict[int, int]  # stop key -> minutes after midnight
    distance_km: float  # great-circle length, start → stops → start
    unfit: list[int]  # stop keys that do not fit in the day
    # Of the unfit, those whose window leaves no time in the day's hours at all.
    impossible: tuple[int, ...] = ()


def route_length_km(start: tuple[float, float], points: Sequence[tuple[float, float]]) -> float:
    path = [start, *points, start]
    return sum(great_circle_km(path[i], path[i + 1]) for i in range(len(path) - 1))


def _travel_minutes(a: tuple[float, float], b: tuple[float, float]) -> int:
    return math.ceil(great_circle_km(a, b) * ROAD_FACTOR / SPEED_KMH * 60)


def _window(stop: Stop, day_start: int, horizon: int) -> tuple[int, int] | None:
    """When the visit may start, in minutes after ``day_start``: within the client's hours
    and the day's, leaving time for the visit itself; None when there is no such time."""
    opens, closes = stop.window if stop.window is not None else (day_start, day_start + horizon)
    low = max(opens - day_start, 0)
    high = min(closes - day_start, horizon) - stop.minutes
    return (low, high) if low <= high else None


@dataclass(frozen=True)
class _Tour:
    order: list[int]  # stop keys
    arrivals: dict[int, int]  # minutes after midnight
    back: int  # back at the start, minutes after midnight
    waiting: int  # minutes spent waiting at doors


# The travel minutes between points (the start first, then the stops), a row per point.
TravelMatrix = Callable[[Sequence[tuple[float, float]]], list[list[int]]]


def straight_line_minutes(points: Sequence[tuple[float, float]]) -> list[list[int]]:
    """Great-circle distance × the road factor at the average speed, rounded up."""
    return [[_travel_minutes(a, b) for b in points] for a in points]


def _solve(
    stops: Sequence[Stop],
    minutes: list[list[int]],
    nodes: list[int],
    *,
    day_start: int,
    horizon: int,
    time_limit_ms: int,
    span_cost: int,
) -> _Tour | None:
    """``nodes``: the rows of ``minutes`` for the start (first) and each of ``stops``."""
    size = len(nodes)
    service = [0, *(stop.minutes for stop in stops)]
    travel = [[minutes[a][b] for b in nodes] for a in nodes]
    manager = pywrapcp.RoutingIndexManager(size, 1, 0)
    routing = pywrapcp.RoutingModel(manager)

    # A matrix, not a Python callback: the solver reads it without calling back into
    # Python, so the same time limit searches several times more moves.
    transit = [[travel[a][b] + service[a] for b in range(size)] for a in range(size)]
    callback = routing.RegisterTransitMatrix(transit)
    routing.SetArcCostEvaluatorOfAllVehicles(callback)
    # Slack: the seller may wait at a client's door until it opens.
    routing.AddDimension(callback, horizon, horizon, True, "time")
    time = routing.GetDimensionOrDie("time")
    time.SetGlobalSpanCostCoefficient(span_cost)
    for node, stop in enumerate(stops, start=1):
        if stop.window is not None:
            low, high = _window(stop, day_start, horizon)  # type: ignore[misc]
            time.CumulVar(manager.NodeToIndex(node)).SetRange(low, high)
    # A visit may be left out at a cost far above any tour: only when it cannot fit.
    for node in range(1, size):
        routing.AddDisjunction([manager.NodeToIndex(node)], 10_000_000)
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC
    params.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    )
    params.time_limit.FromMilliseconds(time_limit_ms)
    solution = routing.SolveWithParameters(params)
    if solution is None:
        return None
    order: list[int] = []
    arrivals: dict[int, int] = {}
    busy = 0
    index = routing.Start(0)
    while not routing.IsEnd(index):
        node = manager.IndexToNode(index)
        following = solution.Value(routing.NextVar(index))
        busy += travel[node][manager.IndexToNode(following)] + service[node]
        if node:
            key = stops[node - 1].key
            order.append(key)
            arrivals[key] = day_start + solution.Min(time.CumulVar(index))
        index = following
    back = solution.Min(time.CumulVar(routing.End(0)))
    return _Tour(order, arrivals, day_start + back, back - busy)


def search_ms(stops: int) -> int:
    """The search's time for a day of ``stops`` visits: 20 ms + 5 ms a stop (30 visits:
    170 ms); a second pass, when the tour waits at a door, takes a third more (ADR 16:
    at 40 ms the search left more visits out)."""
    return 20 + 5 * stops


def plan_route(
    start: tuple[float, float],
    stops: Sequence[Stop],
    *,
    day_start: int = 8 * 60,
    day_end: int = 18 * 60,
    time_limit_ms: int | None = None,
    travel: TravelMatrix = straight_line_minutes,
) -> Route:
    """The shortest tour through ``stops`` that fits between ``day_start`` and
    ``day_end`` (minutes after midnight), back at ``start`` by the end of the day.
    ``travel`` gives the minutes between points (straight line by default; a road
    matrix from a routing server: carteira.agenda.roads).

    The search minimises travel and visit minutes. When that tour waits at a door (a
    client's hours), the visits it took are ordered once more minimising the day's span
    too, and that order is kept when it takes them all and is back home earlier: a span
    cost from the start made the time-limited search leave more visits out (ADR 16)."""
    horizon = day_end - day_start
    impossible = [stop.key for stop in stops if _window(stop, day_start, horizon) is None]
    stops = [stop for stop in stops if stop.key not in impossible]
    if not stops:
        return Route([], {}, 0.0, impossible, tuple(impossible))
    budget = time_limit_ms if time_limit_ms is not None else search_ms(len(stops))
    first, second = budget, max(budget // 3, 1)
    limits = {"day_start": day_start, "horizon": horizon}
    minutes = travel([start, *(stop.point for stop in stops)])
    row = {stop.key: n for n, stop in enumerate(stops, start=1)}
    nodes = [0, *range(1, len(stops) + 1)]
    tour = _solve(stops, minutes, nodes, span_cost=0, time_limit_ms=first, **limits)
    if tour is None:
        return Route([], {}, 0.0, [stop.key for stop in stops] + impossible, tuple(impossible))
    if tour.waiting > 0:
        taken = [stop for stop in stops if stop.key in tour.arrivals]
        taken_nodes = [0, *(row[stop.key] for stop in taken)]
        tighter = _solve(taken, minutes, taken_nodes, span_cost=1, time_limit_ms=second,
                         **limits)  # fmt: skip
        if (
            tighter is not None
            and len(tighter.order) == len(tour.order)
            and (tighter.back < tour.back)
        ):
            tour = tighter
    by_key = {stop.key: stop for stop in stops}
    distance = route_length_km(start, [by_key[key].point for key in tour.order])
    unfit = [stop.key for stop in stops if stop.key not in tour.arrivals] + impossible
    return Route(tour.order, tour.arrivals, round(distance, 1), unfit, tuple(impossible))
