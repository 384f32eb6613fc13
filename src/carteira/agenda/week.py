"""The seller's week as planned: each working day's visits in route order (from the
seller's home and back) and calls, against the day's capacity; days off with their
reason; the backlog. One reading for the agenda page and `carteira agenda`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from carteira.agenda.models import ClientVisitHours, OfficeDay, Task
from carteira.agenda.priority import by_importance
from carteira.agenda.roads import RoadMinutes
from carteira.agenda.scheduling import backlog_by_seller, kind_of, task_kind, working_time
from carteira.agenda.selectors import AgendaRow, agenda_rows
from carteira.agenda.stops import client_stop, lead_stop, seller_start
from carteira.leads.agenda import job_key, planned_leads
from carteira.organization.models import Seller
from carteira_core.agenda.route import Stop, TravelMatrix, great_circle_km, plan_route
from carteira_core.agenda.schedule import VISIT, Capacity


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@dataclass
class DayPlan:
    date: dt.date
    working: bool
    why_off: str | None
    capacity: Capacity
    office: bool = False  # an office day: calls only
    visits: list[AgendaRow] = field(default_factory=list)  # route order
    calls: list[AgendaRow] = field(default_factory=list)
    arrivals: dict[int, str] = field(default_factory=dict)  # task pk -> "HH:MM"
    distance_km: float = 0.0
    # Visits to clients without coordinates (to geocode) or that do not fit the day.
    unrouted: list[AgendaRow] = field(default_factory=list)
    unfit: list[AgendaRow] = field(default_factory=list)
    impossible: set[int] = field(default_factory=set)  # of the unfit: outside the client's hours
    route_url: str | None = None
    # The next steps of the seller's leads planned on the day (leads.agenda), best ICP first;
    # a lead visit with coordinates is on the route (``lead.arrival``), one without is not.
    prospects: list = field(default_factory=list)
    # The route's stops in order, client visits and lead visits alike (for the map).
    stops: list[dict] = field(default_factory=list)

    @property
    def rows(self) -> list[AgendaRow]:
        return [*self.visits, *self.unrouted, *self.unfit, *self.calls]

    def maps_url(self, start: tuple[float, float] | None) -> str | None:
        """The day's route in a maps app on the phone (Google Maps directions: from the
        start through the visits in order and back; at most 9 stops in between)."""
        points = [tuple(stop["point"]) for stop in self.stops]
        if not points:
            return None
        origin = start or points[0]

        def text(point):
            return f"{point[0]:.6f},{point[1]:.6f}"

        query = {"api": "1", "origin": text(origin), "destination": text(origin),
                 "waypoints": "|".join(text(point) for point in points[:9]),
                 "travelmode": "driving"}  # fmt: skip
        return "https://www.google.com/maps/dir/?" + urlencode(query)

    @property
    def load(self) -> int:
        visits = sum(1 for lead in self.prospects if kind_of(lead.next_step_channel) == VISIT)
        return len(self.visits) + len(self.unrouted) + len(self.unfit) + visits

    @property
    def call_load(self) -> int:
        return len(self.calls) + sum(
            1 for lead in self.prospects if kind_of(lead.next_step_channel) != VISIT
        )


@dataclass
class Week:
    seller: Seller
    monday: dt.date
    start: tuple[float, float] | None
    days: list[DayPlan]
    backlog: int
    backlog_value: Decimal
    messages: list[str]

    @property
    def planned(self) -> int:
        return sum(len(day.rows) for day in self.days)


def _stop(row: AgendaRow, hours: dict[int, ClientVisitHours]) -> Stop:
    client = row.task.client
    return client_stop(row.task, (client.latitude, client.longitude), hours.get(client.pk))


def moved_note(task: Task) -> str:
    """Why a visit is not on the day it was planned for: its route could not take it."""
    day = date_format(task.moved_from, "D d/m").lower()
    return _("moved from %(day)s: it did not fit in the route") % {"day": day}


def _lead_visits(day: DayPlan) -> list:
    """The day's lead visits (leads.agenda plans them as visits); each is marked whether it
    can be on the route (``lead.routed``: it has coordinates)."""
    leads = [lead for lead in day.prospects if kind_of(lead.next_step_channel) == VISIT]
    for lead in leads:
        lead.routed = lead.latitude is not None and lead.longitude is not None
        lead.arrival = None
        lead.unfit = False
    return leads


def _route(
    day: DayPlan,
    start: tuple[float, float] | None,
    hours: dict[int, ClientVisitHours],
    day_hours: tuple[int, int],
    travel: TravelMatrix,
) -> None:
    """Order the day's visits, to clients and to leads (a lead's stop key is its negated
    pk, as in leads.agenda); those without coordinates stay aside, listed."""
    located = [row for row in day.visits if row.task.client.latitude is not None]
    day.unrouted = [row for row in day.visits if row.task.client.latitude is None]
    leads = [lead for lead in _lead_visits(day) if lead.routed]
    if not located and not leads:
        day.visits = []
        return
    stops = [_stop(row, hours) for row in located] + [
        lead_stop(job_key(lead.pk), (lead.latitude, lead.longitude)) for lead in leads
    ]
    origin = start or stops[0].point
    route = plan_route(origin, stops, day_start=day_hours[0], day_end=day_hours[1],
                       travel=travel)  # fmt: skip
    by_pk = {row.task.pk: row for row in located}
    by_key = {job_key(lead.pk): lead for lead in leads}
    # The unfit are kept in day.unfit (client visits) or flagged (lead visits).
    day.visits = [by_pk[key] for key in route.order if key in by_pk]
    day.arrivals = {key: hhmm(minutes) for key, minutes in route.arrivals.items() if key > 0}
    for row in day.visits:
        row.arrival = day.arrivals[row.task.pk]
    for key, lead in by_key.items():
        lead.arrival = hhmm(route.arrivals[key]) if key in route.arrivals else None
        lead.unfit = key not in route.arrivals
    day.unfit = [by_pk[key] for key in route.unfit if key in by_pk]
    day.impossible = set(route.impossible)
    day.distance_km = route.distance_km
    day.stops = [_map_stop(by_pk.get(key) or by_key[key], key) for key in route.order]
    for n, stop in enumerate(day.stops, start=1):
        stop["n"] = n


def _map_stop(item, key: int) -> dict:
    """A stop as the map and the maps app see it: a client visit or a lead visit."""
    if key > 0:
        client = item.task.client
        return {"name": str(client), "arrival": item.arrival,
                "point": [client.latitude, client.longitude]}  # fmt: skip
    return {"name": _("Lead: %(name)s") % {"name": item.name}, "arrival": item.arrival,
            "point": [item.latitude, item.longitude], "lead": True}  # fmt: skip


def _capacity(time, date: dt.date, office: set[dt.date]) -> Capacity:
    """The day's capacity; an office day (past ones too) takes calls only."""
    capacity = time.capacity_on(date)
    return Capacity(0, capacity.calls) if date in office else capacity


def seller_week(seller: Seller, *, tasks: QuerySet[Task], monday: dt.date, today: dt.date) -> Week:
    """``tasks``: the open tasks the reader may see for this seller (any dates)."""
    sunday = monday + dt.timedelta(days=6)
    time = working_time(seller, today=min(today, monday))
    start = seller_start(seller)
    # Each day's calls in the one order of importance (agenda.priority), as the day's list.
    rows = by_importance(
        agenda_rows(
            tasks.filter(scheduled_date__range=(monday, sunday)).select_related("client"), today
        ),
        today,
        task_of=lambda row: row.task,
    )
    office = set(
        OfficeDay.objects.filter(seller=seller, date__range=(monday, sunday)).values_list(
            "date", flat=True
        )
    )
    days = []
    for offset in range(7):
        date = monday + dt.timedelta(days=offset)
        days.append(
            DayPlan(
                date=date,
                working=time.calendar.is_working(date),
                why_off=time.calendar.why_off(date),
                capacity=_capacity(time, date, office),
                office=date in office,
            )
        )
    for row in rows:
        day = days[(row.task.scheduled_date - monday).days]
        (day.visits if task_kind(row.task) == VISIT else day.calls).append(row)
        if row.task.planned_as_call and start and row.task.client.latitude is not None:
            row.far_km = great_circle_km(start, (row.task.client.latitude,
                                                 row.task.client.longitude))  # fmt: skip
    for lead in planned_leads(seller.pk, monday, sunday):
        days[(lead.scheduled_date - monday).days].prospects.append(lead)
    hours = {
        own.client_id: own
        for own in ClientVisitHours.objects.filter(
            client_id__in={row.task.client_id for row in rows}
        )
    }
    for row in rows:
        row.hours = hours.get(row.task.client_id)
    travel = RoadMinutes()
    for day in days:
        _route(day, start, hours, time.hours, travel)
        day.route_url = day.maps_url(start)
    count, value = backlog_by_seller([seller.pk]).get(seller.pk, (0, Decimal(0)))
    messages = _messages(seller, days, start, time)
    if travel.fell_back:
        messages.append(_("The routing server did not answer: travel times are the straight "
                          "line × 1.3 at 40 km/h."))  # fmt: skip
    return Week(seller, monday, start, days, count, value, messages)


def _messages(seller, days, start, time) -> list[str]:
    messages = []
    if start is None and any(day.visits for day in days):
        messages.append(
            _("%(seller)s has no start location: each route starts at its first visit.")
            % {"seller": seller.name}
        )
    if not time.calendar.weekdays:
        messages.append(_("%(seller)s has no working weekday: nothing can be planned.") % {
            "seller": seller.name})  # fmt: skip
    elif time.capacity.visits + time.capacity.calls == 0:
        messages.append(_("%(seller)s has a daily capacity of zero: nothing can be planned.") % {
            "seller": seller.name})  # fmt: skip
    missing = sum(len(day.unrouted) for day in days)
    if missing:
        messages.append(
            ngettext(
                "%(count)s visit is to a client without coordinates: geocode it to route it.",
                "%(count)s visits are to clients without coordinates: geocode them to route them.",
                missing,
            )
            % {"count": missing}
        )
    impossible = sum(len(day.impossible) for day in days)
    if impossible:
        messages.append(
            ngettext(
                "%(count)s visit is to a client whose hours leave no time for it within the "
                "day (%(start)s–%(end)s): check the client's visit hours or move it.",
                "%(count)s visits are to clients whose hours leave no time for them within the "
                "day (%(start)s–%(end)s): check the clients' visit hours or move them.",
                impossible,
            )
            % {"count": impossible, "start": hhmm(time.hours[0]), "end": hhmm(time.hours[1])}
        )
    unfit = sum(len(day.unfit) for day in days) - impossible
    if unfit:
        messages.append(
            ngettext(
                "%(count)s visit does not fit in its day's hours (%(start)s–%(end)s) with the "
                "travel, and no later day within the plan takes it: it counts in the backlog. "
                "Let a visit of its day go, or give the seller more days.",
                "%(count)s visits do not fit in their day's hours (%(start)s–%(end)s) with the "
                "travel, and no later day within the plan takes them: they count in the "
                "backlog. Let visits of their days go, or give the seller more days.",
                unfit,
            )
            % {"count": unfit, "start": hhmm(time.hours[0]), "end": hhmm(time.hours[1])}
        )
    return messages


def week_routes(week: Week) -> dict[str, dict]:
    """Each day's route for the map: the start, the stops in order (number, client,
    arrival, point) and the km; days without a routed visit are left out."""
    routes = {}
    for day in week.days:
        if not day.stops:
            continue
        start = week.start or tuple(day.stops[0]["point"])
        routes[day.date.isoformat()] = {
            "start": list(start),
            "label": _("Start and end: home") if week.start else _("Start: the first visit"),
            "km": day.distance_km,
            "stops": day.stops,
        }
    return routes


def _lead_json(lead) -> dict:
    """A lead's next step; a visit says its arrival on the route (null: not on it)."""
    kind = kind_of(lead.next_step_channel)
    row = {"lead": lead.external_id or f"L{lead.pk}", "kind": kind}
    if kind == VISIT:
        row["arrival"] = getattr(lead, "arrival", None)
    return row


def week_as_json(week: Week) -> dict:
    """The shape of `carteira agenda --format json` (docs/cli.md)."""

    def point(latlon):
        return {"latitude": latlon[0], "longitude": latlon[1]} if latlon else None

    return {
        "seller": week.seller.external_id,
        "days": [
            {
                "date": day.date.isoformat(),
                "start": point(week.start),
                "visits": [
                    {
                        "client": row.task.client.external_id,
                        "latitude": row.task.client.latitude,
                        "longitude": row.task.client.longitude,
                        "arrival": day.arrivals.get(row.task.pk),
                    }
                    # Routed visits first, in route order; then the ones the route could
                    # not take (no coordinates, no time left): listed, never dropped.
                    for row in [*day.visits, *day.unrouted, *day.unfit]
                ],
                "calls": [{"client": row.task.client.external_id} for row in day.calls],
                "leads": [_lead_json(lead) for lead in day.prospects],
                "capacity": {"visits": day.capacity.visits, "calls": day.capacity.calls},
                "office": day.office,
                "distance_km": day.distance_km,
            }
            for day in week.days
        ],
        "backlog": week.backlog,
    }
