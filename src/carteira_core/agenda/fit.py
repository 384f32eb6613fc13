"""Visits a day's route cannot take move to the nearest later day that takes them.

The planner (schedule) fills days by capacity; the route (route) then knows whether the
day's visits fit between the day's hours, the clients' hours and the travel. A visit that
does not is moved to the nearest later day that has room for a visit (a working day, not
an office day) and that is not after the last day it may take; that day's route is then
checked with it, and so on. A visit is never dropped: one that no day takes stays on its
day, flagged (``unfit``): a visit the seller pinned there, one whose hours never fit the
day's, one whose days ran out. Days are checked in order, each once, so the pass ends.

When a day cannot take everything, the solver keeps the visits of higher priority: the
seller's pins, then the visits planned there, then the ones moved in (so a move does not
push out a visit planned on its day; one that is, moves on in its turn).
"""

from __future__ import annotations

import datetime as dt
import heapq
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from carteira_core.agenda.route import Stop

# (the keys the day's route cannot take, of those the ones whose hours never fit the day)
DayCheck = Callable[[dt.date, Sequence[Stop]], tuple[list[int], tuple[int, ...]]]


@dataclass(frozen=True)
class PlannedVisit:
    stop: Stop  # its key is the job's key
    day: dt.date  # the day the planner gave it
    last: dt.date  # the last day it may take
    pinned: bool = False  # the seller put it on its day: never moved


@dataclass
class Fit:
    days: dict[int, dt.date] = field(default_factory=dict)  # moved key -> its new day
    moved: dict[int, dt.date] = field(default_factory=dict)  # moved key -> the planner's day
    unfit: set[int] = field(default_factory=set)  # left on their day: no day takes them


def fit_routes(visits: Sequence[PlannedVisit], *, room: dict[dt.date, int], check: DayCheck) -> Fit:
    """Move the visits the routes cannot take. ``room``: the free visit slots of each day
    a visit may move to (working days that are not office days, after the planner's
    load); it is used up as visits move in. ``check(day, stops)`` routes a day."""
    by_day: dict[dt.date, list[PlannedVisit]] = {}
    for visit in visits:
        by_day.setdefault(visit.day, []).append(visit)
    targets = sorted(day for day, free in room.items() if free > 0)
    fit = Fit()
    queue = sorted(by_day)
    heapq.heapify(queue)
    done: set[dt.date] = set()
    while queue:
        day = heapq.heappop(queue)
        if day in done:
            continue
        done.add(day)
        on_day = {visit.stop.key: visit for visit in by_day[day]}
        unfit, impossible = check(day, [visit.stop for visit in on_day.values()])
        for key in unfit:
            visit = on_day[key]
            target = None
            if not visit.pinned and key not in impossible:
                target = _next_day_with_room(targets, room, after=day, last=visit.last)
            if target is None:
                fit.unfit.add(key)
                continue
            room[target] -= 1
            stop = replace(visit.stop, priority=max(visit.stop.priority - 1, 0))
            by_day.setdefault(target, []).append(replace(visit, stop=stop, day=target))
            fit.moved.setdefault(key, visit.day)  # the planner's day, not a day between
            fit.days[key] = target
            heapq.heappush(queue, target)
    return fit


def _next_day_with_room(
    targets: list[dt.date], room: dict[dt.date, int], *, after: dt.date, last: dt.date
) -> dt.date | None:
    for index in range(bisect_right(targets, after), len(targets)):
        day = targets[index]
        if day > last:
            return None
        if room[day] > 0:
            return day
    return None
