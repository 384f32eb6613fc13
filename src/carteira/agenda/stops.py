"""A planned visit as the day's route sees it (the client's place, the visit's length and
the client's hours), one definition for the planner (which moves what a day's route cannot
take: ``fit_seller_routes``) and the week (which draws the routes: agenda.week)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from carteira.agenda.models import ClientVisitHours, Task
from carteira.agenda.roads import RoadMinutes
from carteira.clients.models import Client
from carteira.interactions.models import Channel
from carteira.leads.models import Lead
from carteira.organization.models import Seller
from carteira_core.agenda.fit import Fit, PlannedVisit, fit_routes
from carteira_core.agenda.route import Stop, beyond_a_day_trip, day_unfit
from carteira_core.agenda.schedule import VISIT, Job

# Minutes at the client by class: a class A visit is a meeting, a class C one a call-in.
# A client's own length (ClientVisitHours.visit_minutes) comes first.
VISIT_MINUTES = {"A": 60, "B": 45}
DEFAULT_VISIT_MINUTES = 30
# When a day's visits do not all fit, the route keeps the pinned ones, then the client
# visits planned there, then the lead visits (a visit moved in counts one less).
PINNED_PRIORITY, CLIENT_PRIORITY, LEAD_PRIORITY = 100, 10, 5


def seller_start(seller: Seller) -> tuple[float, float] | None:
    if seller.home_latitude is None or seller.home_longitude is None:
        return None
    return (seller.home_latitude, seller.home_longitude)


def _minutes(time: dt.time | None) -> int | None:
    return None if time is None else time.hour * 60 + time.minute


def visit_minutes(task: Task, own: ClientVisitHours | None) -> int:
    """How long the visit lasts: the client's own length, else by the client's class."""
    return (own.visit_minutes if own else None) or VISIT_MINUTES.get(
        task.context.get("abc", ""), DEFAULT_VISIT_MINUTES
    )


def client_stop(task: Task, point: tuple[float, float], own: ClientVisitHours | None) -> Stop:
    """The visit as the route sees it: the client's place, the visit's length (the
    client's own, else by class) and the client's hours (either end may be open)."""
    window = None
    if own is not None and (own.opens or own.closes):
        window = (_minutes(own.opens) or 0, _minutes(own.closes) or 24 * 60)
    priority = PINNED_PRIORITY if task.pinned else CLIENT_PRIORITY
    return Stop(task.pk, point, visit_minutes(task, own), window, priority)


def lead_stop(key: int, point: tuple[float, float]) -> Stop:
    return Stop(key, point, DEFAULT_VISIT_MINUTES, None, LEAD_PRIORITY)


def _points_and_hours(
    visits: Sequence[Task],
) -> tuple[dict[int, tuple[float, float]], dict[int, ClientVisitHours]]:
    """The coordinates of the visits' clients that have them (by client), and those
    clients' visit hours (two queries)."""
    points = {
        pk: (lat, lon)
        for pk, lat, lon in Client.objects.filter(
            pk__in={t.client_id for t in visits}, latitude__isnull=False,
            longitude__isnull=False,
        ).values_list("pk", "latitude", "longitude")
    }  # fmt: skip
    hours = {h.client_id: h for h in ClientVisitHours.objects.filter(client_id__in=points)}
    return points, hours


def far_visits(time, tasks: Iterable[Task]) -> set[int]:
    """The visit tasks whose client is too far from the seller's start to go, be there and
    come back within the day's hours (``time``: the seller's WorkingTime): the planner
    plans them as calls. None without a start location (the route then starts at the
    day's first visit); a client without coordinates is not one (listed for geocoding)."""
    start = seller_start(time.seller)
    visits = [t for t in tasks if t.channel == Channel.VISIT]
    if start is None or not visits:
        return set()
    points, hours = _points_and_hours(visits)
    day_start, day_end = time.hours
    return {
        task.pk
        for task in visits
        if task.client_id in points
        and beyond_a_day_trip(
            start,
            Stop(task.pk, points[task.client_id], visit_minutes(task, hours.get(task.client_id))),
            day_start=day_start,
            day_end=day_end,
        )
    }


def _planned_stops(
    tasks: Iterable[Task], leads: Sequence[Job], days: dict[int, dt.date], visit_keys: set[int]
) -> dict[int, Stop]:
    """The stops of the planned visits (``visit_keys``: the tasks planned as visits) that
    have coordinates (the others are not routed)."""
    visits = [t for t in tasks if t.pk in days and t.pk in visit_keys]
    points, hours = _points_and_hours(visits)
    stops = {
        t.pk: client_stop(t, points[t.client_id], hours.get(t.client_id))
        for t in visits
        if t.client_id in points
    }
    lead_keys = {-job.key: job.key for job in leads if job.kind == VISIT and job.key in days}
    for pk, lat, lon in Lead.objects.filter(
        pk__in=lead_keys, latitude__isnull=False, longitude__isnull=False
    ).values_list("pk", "latitude", "longitude"):
        stops[lead_keys[pk]] = lead_stop(lead_keys[pk], (lat, lon))
    return stops


def fit_seller_routes(
    time,
    *,
    tasks: Sequence[Task],
    jobs: Sequence[Job],
    days: dict[int, dt.date],
    today: dt.date,
    horizon_end: dt.date,
    travel: RoadMinutes | None = None,
) -> Fit:
    """Move the planned visits that a day's route cannot take (carteira_core.agenda.fit).
    ``time``: the seller's WorkingTime; ``days``: the planner's job key -> day."""
    visit_keys = {job.key for job in jobs if job.kind == VISIT}
    stops = _planned_stops(tasks, [job for job in jobs if job.key < 0], days, visit_keys)
    if not stops:
        return Fit()
    by_key = {job.key: job for job in jobs}
    visits = [
        PlannedVisit(stop, days[key], min(by_key[key].latest or horizon_end, horizon_end),
                     pinned=by_key[key].pinned == days[key])
        for key, stop in stops.items()
    ]  # fmt: skip
    used: dict[dt.date, int] = {}
    for job in jobs:
        if job.kind == VISIT and job.key in days:
            used[days[job.key]] = used.get(days[job.key], 0) + 1
    room = {
        day: capacity.visits - used.get(day, 0)
        for day, capacity in time.capacities(today, horizon_end).items()
    }
    start = seller_start(time.seller)
    travel = travel or RoadMinutes()
    day_start, day_end = time.hours

    def check(_day: dt.date, day_stops: Sequence[Stop]):
        origin = start or day_stops[0].point
        return day_unfit(origin, day_stops, day_start=day_start, day_end=day_end,
                         travel=travel)  # fmt: skip

    return fit_routes(visits, room=room, check=check)
