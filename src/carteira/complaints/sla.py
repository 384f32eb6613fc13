"""The SLA clock in working hours: the company's business hours on working days (Brazil's
national holidays and the company's days off excluded: the same ``WorkCalendar`` the
agenda plans on)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from carteira.agenda.scheduling import company_days_off
from carteira.complaints.models import Complaint, SlaTarget
from carteira_core.agenda.calendar import WorkCalendar, seller_calendar

DAY_START = dt.time(8)
DAY_END = dt.time(18)
HOURS_PER_DAY = 10
# Working hours (first response, resolution) when a category has no target of its own.
DEFAULT_HOURS = {"high": (4, 16), "medium": (8, 40), "low": (16, 80)}
# Warn the owner when this share of the time allowed has gone.
WARN_AT = 0.75


def company_calendar(around: dt.date, until: dt.date | None = None) -> WorkCalendar:
    """The company's working days from the year before ``around`` to two years after
    ``until`` (default ``around``)."""
    last = (until or around).year
    return seller_calendar(
        years=range(around.year - 1, last + 3), company_days_off=company_days_off()
    )


def _bounds(day: dt.date, zone) -> tuple[dt.datetime, dt.datetime]:
    return dt.datetime.combine(day, DAY_START, zone), dt.datetime.combine(day, DAY_END, zone)


def add_working_hours(start: dt.datetime, hours: float, calendar: WorkCalendar) -> dt.datetime:
    """The instant ``hours`` working hours after ``start`` (a start outside business hours
    counts from the next opening)."""
    zone = timezone.get_current_timezone()
    start = timezone.localtime(start, zone)
    left = dt.timedelta(hours=hours)
    day = start.date()
    for _ in range(3660):
        if calendar.is_working(day):
            opens, closes = _bounds(day, zone)
            begin = max(start, opens)
            if begin < closes:
                if begin + left <= closes:
                    return begin + left
                left -= closes - begin
        day += dt.timedelta(days=1)
    raise ValueError("no working day within ten years")


def working_hours_between(start: dt.datetime, end: dt.datetime, calendar: WorkCalendar) -> float:
    """Working hours from ``start`` to ``end`` (0 when end is before start)."""
    zone = timezone.get_current_timezone()
    start, end = timezone.localtime(start, zone), timezone.localtime(end, zone)
    total = dt.timedelta(0)
    day = start.date()
    while day <= end.date():
        if calendar.is_working(day):
            opens, closes = _bounds(day, zone)
            begin, finish = max(start, opens), min(end, closes)
            if finish > begin:
                total += finish - begin
        day += dt.timedelta(days=1)
    return total.total_seconds() / 3600


def target_hours(category: str, severity: str) -> tuple[int, int]:
    """(first response, resolution) working hours for a category and severity."""
    row = (
        SlaTarget.objects.filter(category__name=category, severity=severity)
        .values_list("first_response_hours", "resolution_hours")
        .first()
    )
    return row or DEFAULT_HOURS.get(severity, DEFAULT_HOURS["medium"])


def set_clock(complaint: Complaint, calendar: WorkCalendar) -> None:
    """Fix the due instants from ``opened_at`` and the category's targets."""
    first, resolution = target_hours(complaint.category, complaint.severity)
    complaint.first_response_due = add_working_hours(complaint.opened_at, first, calendar)
    complaint.resolution_due = add_working_hours(complaint.opened_at, resolution, calendar)


@dataclass(frozen=True)
class Clock:
    """Where a complaint stands against its SLA at ``now``."""

    phase: str  # "first_response" | "resolution" | "done"
    due: dt.datetime | None
    hours_left: float | None  # working hours; negative once breached
    state: str  # "ok" | "warning" | "breached" | "met" | "missed"


def clock(complaint: Complaint, now: dt.datetime, calendar: WorkCalendar) -> Clock:
    if not complaint.is_open:
        met = _met(complaint.closed_at, complaint.resolution_due)
        return Clock("done", complaint.resolution_due, None, "met" if met else "missed")
    if complaint.acknowledged_at is None:
        phase, due = "first_response", complaint.first_response_due
    else:
        phase, due = "resolution", complaint.resolution_due
    if due is None:
        return Clock(phase, None, None, "ok")
    if now >= due:
        return Clock(phase, due, -working_hours_between(due, now, calendar), "breached")
    left = working_hours_between(now, due, calendar)
    budget = working_hours_between(complaint.opened_at, due, calendar)
    state = "warning" if left <= budget * (1 - WARN_AT) else "ok"
    return Clock(phase, due, left, state)


def _met(done: dt.datetime | None, due: dt.datetime | None) -> bool:
    return done is not None and (due is None or done <= due)


def first_response_met(complaint: Complaint) -> bool:
    return _met(complaint.acknowledged_at, complaint.first_response_due)


def resolution_met(complaint: Complaint) -> bool:
    return _met(complaint.closed_at, complaint.resolution_due)
