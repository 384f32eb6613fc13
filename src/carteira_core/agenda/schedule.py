"""Tasks into working days within the daily capacity, most important first.

Greedy and exact about its promises: a task goes to the first working day on or after
the day it may start (a plan task's due date, a batch's sending, today when overdue) that
still has room for its kind (a visit or a call), and never after the last day it may
take (the plan's next contact would be due then; a batch's deadline). What finds no day
is the backlog — returned, never dropped. Priority order: the task's priority (class,
escalation), then the client's predicted value (P(alive) × CLV, when known), then revenue
at risk, then days overdue, then a stable key.

A job pinned to a day (the seller moved it there) takes that day first, while it is a
working day in the horizon with room for its kind; the others are planned around it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from carteira_core.agenda.calendar import WorkCalendar

VISIT = "visit"
CALL = "call"


@dataclass(frozen=True)
class Capacity:
    visits: int
    calls: int

    def of(self, kind: str) -> int:
        return self.visits if kind == VISIT else self.calls


def default_capacity(weekly_contacts: int, working_days: int, visit_share: float) -> Capacity:
    """A day's capacity from the weekly number of contacts: split between visits and
    calls in the proportion of the seller's own tasks (``visit_share`` in 0..1)."""
    days = max(working_days, 1)
    per_day = weekly_contacts / days
    visits = round(per_day * visit_share)
    return Capacity(visits=visits, calls=max(round(per_day) - visits, 0))


@dataclass(frozen=True)
class Job:
    key: int
    kind: str  # VISIT or CALL
    earliest: dt.date  # the first day it may take (a plan task: its due date)
    due: dt.date  # when it is due: days overdue rank it
    latest: dt.date | None  # the last day it may take; None: any day in the horizon
    priority: int
    revenue_at_risk_cents: int
    pinned: dt.date | None = None  # the day the seller put it on
    # what the contact is worth: the client's expected value (CLV, which weighs P(alive)),
    # an upsell task's yearly room to grow; 0 when unknown
    value_cents: int = 0


@dataclass
class Schedule:
    days: dict[int, dt.date]  # job key -> planned day
    backlog: list[Job]

    def load(self, jobs: Iterable[Job]) -> dict[tuple[dt.date, str], int]:
        """How many jobs of each kind each day holds."""
        kinds = {job.key: job.kind for job in jobs}
        counts: dict[tuple[dt.date, str], int] = {}
        for key, day in self.days.items():
            counts[day, kinds[key]] = counts.get((day, kinds[key]), 0) + 1
        return counts


def importance(
    *,
    priority: int,
    value_cents: int,
    revenue_at_risk_cents: int,
    due: dt.date,
    key: int,
    today: dt.date,
) -> tuple:
    """The one order of tasks, most important first (smallest key first): the planner's
    and every list of tasks (the agenda's day, the escalations, the digest, the central
    team's lists). Priority (class, escalation), then what the contact is worth (the
    client's predicted value; an upsell task's room to grow), then revenue at risk, then
    days overdue, then the oldest due date, then a stable key."""
    overdue = max((today - due).days, 0)
    return (-priority, -value_cents, -revenue_at_risk_cents, -overdue, due, key)


def _rank(job: Job, today: dt.date) -> tuple:
    return importance(
        priority=job.priority, value_cents=job.value_cents,
        revenue_at_risk_cents=job.revenue_at_risk_cents, due=job.due, key=job.key, today=today,
    )  # fmt: skip


def schedule(
    jobs: Iterable[Job],
    *,
    calendar: WorkCalendar,
    capacity: dict[dt.date, Capacity] | Capacity,
    today: dt.date,
    horizon_end: dt.date,
) -> Schedule:
    """Plan ``jobs`` on the working days from ``today`` to ``horizon_end``. ``capacity``
    is one for every day or per day (a day missing from the dict has none)."""
    days = list(calendar.working_days(today, horizon_end))
    used: dict[tuple[dt.date, str], int] = {}
    planned: dict[int, dt.date] = {}
    backlog: list[Job] = []
    # Index of the first day with room, per kind: skip full days quickly.
    first_free = {VISIT: 0, CALL: 0}

    def room(day: dt.date, kind: str) -> int:
        cap = capacity if isinstance(capacity, Capacity) else capacity.get(day)
        limit = cap.of(kind) if cap is not None else 0
        return limit - used.get((day, kind), 0)

    ranked = sorted(jobs, key=lambda job: _rank(job, today))
    open_days = set(days)
    for job in ranked:
        if job.pinned in open_days and room(job.pinned, job.kind) > 0:
            planned[job.key] = job.pinned
            used[job.pinned, job.kind] = used.get((job.pinned, job.kind), 0) + 1
    for kind in first_free:
        while first_free[kind] < len(days) and room(days[first_free[kind]], kind) <= 0:
            first_free[kind] += 1
    for job in ranked:
        if job.key in planned:
            continue
        start = max(job.earliest, today)
        last = min(job.latest, horizon_end) if job.latest else horizon_end
        placed = None
        for index in range(first_free[job.kind], len(days)):
            day = days[index]
            if day > last:
                break
            if day < start:
                continue
            if room(day, job.kind) > 0:
                placed = day
                break
        if placed is None:
            backlog.append(job)
            continue
        planned[job.key] = placed
        used[placed, job.kind] = used.get((placed, job.kind), 0) + 1
        while first_free[job.kind] < len(days) and room(days[first_free[job.kind]], job.kind) <= 0:
            first_free[job.kind] += 1
    return Schedule(days=planned, backlog=backlog)
