"""A day's visits in the order that travels least, from the start and back.

VROOM (pyvroom; docs/adr/0024): one vehicle from the start and back within the day's
hours, travel minutes from great-circle distance × a road factor at an average speed (or a
road matrix), each visit's duration and, per client, the window in which the visit may
start (its opening or receiving hours less the visit's length). VROOM takes as many visits
as fit first, then the least travel; a visit that cannot fit in the day is returned as
``unfit`` (the caller moves it), never dropped silently.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

EARTH_RADIUS_KM = 6371.0088
ROAD_FACTOR = 1.3
SPEED_KMH = 40.0
# VROOM's search effort, 0-5 (5: its most thorough, the reference quality). A day
# of up to 20 visits takes level 5 in about 30 ms; above that the time grows fast (30
# visits: about 100 ms on a busy machine) and level 3 keeps within 1 % of level 5's
# travel in half the time (ADR 24).
THOROUGH_UP_TO = 20


def exploration_level(visits: int) -> int:
    return 5 if visits <= THOROUGH_UP_TO else 3


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
    # VROOM keeps the visits of the higher priority (0-100) when not all fit: a visit the
    # seller pinned to the day before one planned there, before one moved in from an
    # earlier day (carteira_core.agenda.fit).
    priority: int = 0


@dataclass(frozen=True)
class Route:
    order: list[int]  # stop keys in visiting order
    arrivals: dict[int, int]  # stop key -> the visit's start, minutes after midnight
    distance_km: float  # great-circle length, start → stops → start
    unfit: list[int]  # stop keys that do not fit in the day
    # Of the unfit, those whose window leaves no time in the day's hours at all.
    impossible: tuple[int, ...] = ()


def route_length_km(start: tuple[float, float], points: Sequence[tuple[float, float]]) -> float:
    path = [start, *points, start]
    return sum(great_circle_km(path[i], path[i + 1]) for i in range(len(path) - 1))


def _travel_minutes(a: tuple[float, float], b: tuple[float, float]) -> int:
    return math.ceil(great_circle_km(a, b) * ROAD_FACTOR / SPEED_KMH * 60)


def beyond_a_day_trip(
    start: tuple[float, float], stop: Stop, *, day_start: int = 8 * 60, day_end: int = 18 * 60
) -> bool:
    """Whether the visit is too far from ``start`` to go, be there and come back within the
    day's hours on its own, whatever the client's hours (the straight line × the road
    factor at the average speed, as a day's route reckons without a routing server)."""
    return 2 * _travel_minutes(start, stop.point) + stop.minutes > day_end - day_start


# The travel minutes between points (the start first, then the stops), a row per point.
TravelMatrix = Callable[[Sequence[tuple[float, float]]], list[list[int]]]


def straight_line_minutes(points: Sequence[tuple[float, float]]) -> list[list[int]]:
    """Great-circle distance × the road factor at the average speed, rounded up: the
    minutes of ``_travel_minutes`` for every pair, computed as arrays (a day of 30 visits:
    961 pairs)."""
    return np.ceil(_km_matrix(points) * ROAD_FACTOR / SPEED_KMH * 60).astype(int).tolist()


def _km_matrix(points: Sequence[tuple[float, float]]) -> np.ndarray:
    """``great_circle_km`` for every pair of ``points``, as arrays."""
    lat, lon = np.radians(np.asarray(points, dtype=float).reshape(-1, 2)).T
    h = (
        np.sin((lat[None, :] - lat[:, None]) / 2) ** 2
        + np.cos(lat[:, None])
        * np.cos(lat[None, :])
        * np.sin((lon[None, :] - lon[:, None]) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(h)))


def _window(stop: Stop, day_start: int, horizon: int) -> tuple[int, int] | None:
    """When the visit may start, in minutes after ``day_start``: within the client's hours
    and the day's, leaving time for the visit itself; None when there is no such time."""
    opens, closes = stop.window if stop.window is not None else (day_start, day_start + horizon)
    low = max(opens - day_start, 0)
    high = min(closes - day_start, horizon) - stop.minutes
    return (low, high) if low <= high else None


def _import_vroom():
    # pyvroom imports pandas (seconds on a busy machine): only once a route is planned;
    # web workers import it at start, beside the first requests (warm_up).
    import vroom

    return vroom


def warm_up() -> None:
    _import_vroom()


def warm_up_in_background() -> threading.Thread:
    """Import the solver beside the first requests (web workers call this at start)."""
    thread = threading.Thread(target=warm_up, name="route-warm-up", daemon=True)
    thread.start()
    return thread


# VROOM gives the same cost on every run, not the same tour among tours of equal cost:
# with travel in whole minutes two orders of the same visits often tie, and which one came
# back varied from run to run (a route reshuffled on reload, a phone downloading its week
# again). Its objective is the minutes scaled up plus, per leg, the leg's great-circle
# length in units that keep any tour's sum under one minute: the least travel is kept and,
# among tours of equal minutes, the shortest in km — a property of the tour, not of the
# run. A random tie-break per leg did the same at 10-22 % more of VROOM's time (every
# move that only shuffles the noise is an improvement to take; ADR 25). A tour and its
# reverse still tie on a straight-line matrix: ``_direction`` decides between them.
COST_SCALE = 1 << 16
MAX_LEG_MINUTES = 60_000  # no day is that long; caps the costs within uint32


def _tie_broken_costs(durations: np.ndarray, points: Sequence[tuple[float, float]]) -> np.ndarray:
    size = len(durations)
    top = max(COST_SCALE // (size + 1) - 1, 0)  # a tour has at most ``size`` legs
    km = np.asarray(_km_matrix(points))
    longest = float(km.max()) if size else 0.0
    ties = np.rint(km * (top / longest)).astype(np.uint64) if longest > 0 else 0
    legs = np.minimum(durations, MAX_LEG_MINUTES).astype(np.uint64)
    return (legs * COST_SCALE + ties).astype(np.uint32)


def _vroom_tour(
    nodes: Sequence[int],
    windows: Sequence[tuple[int, int]],
    service: Sequence[int],
    minutes: list[list[int]],
    points: Sequence[tuple[float, float]],
    *,
    end: int,
    level: int,
    priorities: Sequence[int] = (),
) -> list[int]:
    """Those of ``nodes`` (rows of ``minutes`` and ``points``; 0 is the start) VROOM
    visits, in order, back at the start by ``end``: node n is a visit of
    ``service[n - 1]`` minutes starting within ``windows[n - 1]``."""
    vroom = _import_vroom()
    problem = vroom.Input()
    durations = np.asarray(minutes, dtype="uint32")
    problem.set_durations_matrix("car", durations)
    problem.set_costs_matrix("car", _tie_broken_costs(durations, points))
    problem.add_vehicle(vroom.Vehicle(0, start=0, end=0, time_window=vroom.TimeWindow(0, end)))
    for node in nodes:
        problem.add_job(
            vroom.Job(
                node,
                location=node,
                default_service=service[node - 1],
                time_windows=[vroom.TimeWindow(*windows[node - 1])],
                priority=priorities[node - 1] if priorities else 0,
            )
        )
    solution = problem.solve(exploration_level=level, nb_threads=1)
    # The steps as pyvroom's own structured array: its ``routes`` builds a pandas frame
    # from it (a few ms a solve, for two columns read here).
    steps = np.asarray(solution._routes_numpy())
    return [int(node) for node in steps["id"][steps["type"].astype("U9") == "job"]]


@dataclass(frozen=True)
class _Schedule:
    starts: list[int]  # each visit's start, minutes after the day's start
    back: int  # back at the start, minutes after the day's start
    travel: int  # minutes on the road


def _earliest_schedule(
    tour: Sequence[int],
    windows: Sequence[tuple[int, int]],
    service: Sequence[int],
    minutes: list[list[int]],
    horizon: int,
) -> _Schedule | None:
    """The seller leaves at the day's start and waits at a door that opens later (VROOM
    leaves as late as it can instead); None when the tour misses an hour or the day's
    end. VROOM's own tours always pass: every start is at most VROOM's."""
    starts, now, here, travel = [], 0, 0, 0
    for node in tour:
        travel += minutes[here][node]
        now = max(now + minutes[here][node], windows[node - 1][0])
        if now > windows[node - 1][1]:
            return None
        starts.append(now)
        now += service[node - 1]
        here = node
    travel += minutes[here][0]
    back = now + minutes[here][0]
    return _Schedule(starts, back, travel) if back <= horizon else None


def _direction(
    tour: list[int],
    windows: Sequence[tuple[int, int]],
    service: Sequence[int],
    minutes: list[list[int]],
    horizon: int,
) -> tuple[list[int], _Schedule]:
    """The tour or the same tour backwards, whichever travels less, then is back home
    earlier (less waiting at doors), then reaches its first client sooner. A tour and its
    reverse travel alike on a straight-line matrix: this makes the choice between them one
    a seller would make, and the same on every run."""
    options = []
    for candidate in (tour, tour[::-1]):
        schedule = _earliest_schedule(candidate, windows, service, minutes, horizon)
        if schedule is not None:
            first = schedule.starts[0] if schedule.starts else 0
            key = (schedule.travel, schedule.back, first, candidate)
            options.append((key, candidate, schedule))
    _, best, schedule = min(options, key=lambda option: option[0])
    return best, schedule


# At most this many visits are moved to bring a tour that waits at a door home earlier,
# each when it brings the seller home at least one minute earlier for every
# ``EARLIER_WEIGHT`` minutes it adds on the road (bench: 1 keeps 7 of the 62 minutes the
# former re-solves won over 10 days, 2 keeps 39 for 53 more road minutes, 4 keeps 50 for 94).
EARLIER_MOVES = 8
EARLIER_WEIGHT = 2


def _last_wait(tour: Sequence[int], schedule: _Schedule, service: Sequence[int],
               minutes: list[list[int]]) -> int | None:  # fmt: skip
    """The position of the last visit the seller reaches before its door opens (and waits
    for it); from there to home the day runs without a break. None: no wait."""
    last, free, here = None, 0, 0
    for position, node in enumerate(tour):
        if free + minutes[here][node] < schedule.starts[position]:
            last = position
        free, here = schedule.starts[position] + service[node - 1], node
    return last


def _home_earlier(
    tour: list[int],
    windows: Sequence[tuple[int, int]],
    service: Sequence[int],
    minutes: list[list[int]],
    *,
    horizon: int,
) -> tuple[list[int], _Schedule]:
    """VROOM minimises travel, not the day's length: a tour that waits at a door (a client
    that opens later) may end hours later than the same visits in another order. From the
    solution's own timings: a visit after the last wait is moved to a place before it
    (into the waiting time) when that brings the seller home earlier by at least one
    minute for every ``EARLIER_WEIGHT`` minutes it adds on the road; the best such move,
    then again, at most ``EARLIER_MOVES`` times. No second solve (ADR 25)."""
    best, schedule = _direction(tour, windows, service, minutes, horizon)
    for _move in range(EARLIER_MOVES):
        last = _last_wait(best, schedule, service, minutes)
        if last is None:
            break
        found = None
        for position in range(last, len(best)):
            node, rest = best[position], best[:position] + best[position + 1 :]
            for place in range(last + 1):
                candidate = [*rest[:place], node, *rest[place:]]
                moved = _earliest_schedule(candidate, windows, service, minutes, horizon)
                if moved is None:
                    continue
                earlier, longer = schedule.back - moved.back, moved.travel - schedule.travel
                gain = EARLIER_WEIGHT * earlier - longer
                if gain > 0 and (found is None or (gain, -moved.travel) > found[0]):
                    found = ((gain, -moved.travel), candidate, moved)
        if found is None:
            break
        _gain, best, schedule = found
    return best, schedule


def _split(
    stops: Sequence[Stop], day_start: int, horizon: int
) -> tuple[list[Stop], list[tuple[int, int]], list[int]]:
    """The stops whose hours leave time for them in the day, their windows (minutes after
    the day's start), and the keys of those whose hours never do."""
    possible: list[Stop] = []
    bounds: list[tuple[int, int]] = []
    impossible: list[int] = []
    for stop in stops:
        window = _window(stop, day_start, horizon)
        if window is None:
            impossible.append(stop.key)
        else:
            possible.append(stop)
            bounds.append(window)
    return possible, bounds, impossible


def _greedy_tours(
    nodes: Sequence[int],
    windows: Sequence[tuple[int, int]],
    service: Sequence[int],
    minutes: list[list[int]],
):
    """Two quick orders of ``nodes``: the one that can start soonest next (then the
    earliest closing), and the earliest closing first (then the earliest opening)."""
    remaining = set(nodes)
    tour, now, here = [], 0, 0
    while remaining:
        node = min(
            remaining,
            key=lambda n: (max(now + minutes[here][n], windows[n - 1][0]), windows[n - 1][1], n),
        )
        now = max(now + minutes[here][node], windows[node - 1][0]) + service[node - 1]
        tour.append(node)
        remaining.discard(node)
        here = node
    yield tour
    yield sorted(nodes, key=lambda n: (windows[n - 1][1], windows[n - 1][0], n))


def fits_without_solving(
    nodes: Sequence[int],
    windows: Sequence[tuple[int, int]],
    service: Sequence[int],
    minutes: list[list[int]],
    horizon: int,
) -> bool:
    """A proof, found without the solver, that every one of ``nodes`` fits in the day: a
    quick order of them that keeps every client's hours and is back by the day's end.
    False says nothing (the solver decides)."""
    return any(
        _earliest_schedule(tour, windows, service, minutes, horizon) is not None
        for tour in _greedy_tours(nodes, windows, service, minutes)
    )


def day_unfit(
    start: tuple[float, float],
    stops: Sequence[Stop],
    *,
    day_start: int = 8 * 60,
    day_end: int = 18 * 60,
    travel: TravelMatrix = straight_line_minutes,
) -> tuple[list[int], tuple[int, ...]]:
    """The keys of ``stops`` the day's route cannot take (as ``plan_route`` would leave
    them out) and, of those, the ones no day can take: hours that never fit the day's, or a
    visit too far to go, be there and come back within the day on its own. The solver
    runs only when no quick order takes every visit (most days have room)."""
    horizon = day_end - day_start
    possible, bounds, impossible = _split(stops, day_start, horizon)
    if possible:
        points = [start, *(stop.point for stop in possible)]
        minutes = travel(points)
        service = [stop.minutes for stop in possible]
        alone = [
            node
            for node in range(1, len(possible) + 1)
            if _earliest_schedule([node], bounds, service, minutes, horizon) is None
        ]
        impossible += [possible[node - 1].key for node in alone]
        rest = sorted(set(range(1, len(possible) + 1)) - set(alone))
        if not fits_without_solving(rest, bounds, service, minutes, horizon):
            tour = _vroom_tour(rest, bounds, service, minutes, points, end=horizon,
                               level=exploration_level(len(rest)),
                               priorities=[stop.priority for stop in possible])  # fmt: skip
            left = set(rest) - set(tour)
            return [possible[node - 1].key for node in sorted(left)] + impossible, tuple(impossible)
    return impossible, tuple(impossible)


def plan_route(
    start: tuple[float, float],
    stops: Sequence[Stop],
    *,
    day_start: int = 8 * 60,
    day_end: int = 18 * 60,
    level: int | None = None,
    travel: TravelMatrix = straight_line_minutes,
) -> Route:
    """The tour through the most of ``stops`` that fit between ``day_start`` and
    ``day_end`` (minutes after midnight), back at ``start`` by the end of the day, with
    the least travel (of the visits of the highest ``Stop.priority`` first). ``level``:
    VROOM's exploration level (by default by the number of visits: exploration_level).
    ``travel`` gives the minutes between points (straight line by default; a road matrix
    from a routing server: carteira.agenda.roads). Hours that can never fit are set aside
    before solving (``impossible``), so one bad window cannot leave the rest of the day
    unplanned."""
    horizon = day_end - day_start
    stops, bounds, impossible = _split(stops, day_start, horizon)
    if not stops:
        return Route([], {}, 0.0, impossible, tuple(impossible))
    points = [start, *(stop.point for stop in stops)]
    minutes = travel(points)
    service = [stop.minutes for stop in stops]
    priorities = [stop.priority for stop in stops] if any(s.priority for s in stops) else []
    nodes = range(1, len(stops) + 1)
    level = exploration_level(len(stops)) if level is None else level
    tour = _vroom_tour(nodes, bounds, service, minutes, points, end=horizon, level=level,
                       priorities=priorities)  # fmt: skip
    tour, schedule = _home_earlier(tour, bounds, service, minutes, horizon=horizon)
    order = [stops[node - 1].key for node in tour]
    arrivals = {key: day_start + at for key, at in zip(order, schedule.starts, strict=True)}
    distance = route_length_km(start, [stops[node - 1].point for node in tour])
    unfit = [stop.key for stop in stops if stop.key not in arrivals] + impossible
    return Route(order, arrivals, round(distance, 1), unfit, tuple(impossible))
