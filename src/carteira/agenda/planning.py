"""The seller's hand on the week: move a task to another day (it stays there: pinned),
let a pin go, keep a day at the office (calls only). Each change re-plans the seller's
other tasks around it (agenda.scheduling)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from carteira.accounts.models import User
from carteira.agenda.models import ClientVisitHours, OfficeDay, Task
from carteira.agenda.scheduling import (
    HORIZON_DAYS,
    do_schedule,
    lock_week,
    task_kind,
    working_time,
)
from carteira.audit.services import do_record
from carteira.organization.models import Seller
from carteira_core.agenda.schedule import VISIT


class PlanRefused(ValueError):
    """The change cannot be made; ``str()`` is the pt-BR message for the seller."""


def _check_day(time, day: dt.date, today: dt.date) -> None:
    shown = date_format(day, "SHORT_DATE_FORMAT")
    if day < today:
        raise PlanRefused(_("%(day)s has passed: choose today or a later day.") % {"day": shown})
    if day > today + dt.timedelta(days=HORIZON_DAYS):
        raise PlanRefused(_("%(day)s is too far ahead to plan.") % {"day": shown})
    if not time.calendar.is_working(day):
        why = time.calendar.why_off(day)
        if why:
            message = _("%(day)s is not a working day (%(why)s).")
            raise PlanRefused(message % {"day": shown, "why": why})
        raise PlanRefused(_("%(day)s is not a working day.") % {"day": shown})


@transaction.atomic
def do_move_task(task: Task, day: dt.date, *, by: User, today: dt.date) -> Task:
    """Put the seller's open task on ``day`` and pin it there; the rest of the week is
    re-planned around it. Refused (nothing changed) on a past or non-working day, a visit
    on an office day, or a day whose capacity is already taken by pinned tasks."""
    if task.seller_id is not None:
        lock_week(task.seller_id)  # the week before the task, as closing a task does
    # Lock the task's row only: PostgreSQL cannot lock the nullable side of the seller join.
    task = Task.objects.select_for_update(of=("self",)).select_related("seller").get(pk=task.pk)
    if task.status != Task.Status.OPEN or task.seller is None or task.assignee_user_id:
        raise PlanRefused(_("Only an open task of a seller's week can be moved."))
    time = working_time(task.seller, today=today)
    _check_day(time, day, today)
    kind = task_kind(task)
    shown = date_format(day, "SHORT_DATE_FORMAT")
    if kind == VISIT and day in time.office_days:
        raise PlanRefused(_("%(day)s is an office day: no visits.") % {"day": shown})
    limit = time.capacity_on(day).of(kind)
    pinned = [
        other
        for other in Task.objects.filter(
            seller=task.seller, assignee_user=None, status=Task.Status.OPEN,
            scheduled_date=day, pinned=True,
        ).exclude(pk=task.pk).only("channel", "planned_as_call")
        if task_kind(other) == kind
    ]  # fmt: skip
    if len(pinned) >= limit:
        full = (
            _("%(day)s is full: its %(limit)s visits are all fixed there. Let one go first.")
            if kind == VISIT
            else _("%(day)s is full: its %(limit)s calls are all fixed there. Let one go first.")
        )
        raise PlanRefused(full % {"day": shown, "limit": limit})
    before = task.scheduled_date
    Task.objects.filter(pk=task.pk).update(scheduled_date=day, pinned=True)
    do_record("task.moved", actor=by, obj=task, to=day.isoformat(),
              **{"from": before.isoformat() if before else None})  # fmt: skip
    do_schedule(today=today, seller_ids=[task.seller_id])
    task.refresh_from_db()
    return task


@transaction.atomic
def do_unpin_task(task: Task, *, by: User, today: dt.date) -> Task:
    """Let the planner place the task again (it may stay on the same day)."""
    updated = Task.objects.filter(pk=task.pk, pinned=True).update(pinned=False)
    if updated:
        do_record("task.unpinned", actor=by, obj=task)
        if task.seller_id:
            do_schedule(today=today, seller_ids=[task.seller_id])
    task.refresh_from_db()
    return task


@transaction.atomic
def do_set_office_day(seller: Seller, day: dt.date, *, office: bool, by: User,
                      today: dt.date) -> bool:  # fmt: skip
    """Mark (or unmark) ``day`` as an office day: its visits, pinned ones too, move to
    other days; its calls stay. Returns whether anything changed."""
    time = working_time(seller, today=today)
    _check_day(time, day, today)
    if office:
        # Its pinned visits lose their pins when re-planned (no room for visits there).
        _row, changed = OfficeDay.objects.get_or_create(seller=seller, date=day)
    else:
        changed, _deleted = OfficeDay.objects.filter(seller=seller, date=day).delete()
        changed = bool(changed)
    if changed:
        do_record("office_day." + ("set" if office else "cleared"), actor=by, obj=seller,
                  date=day.isoformat())  # fmt: skip
        do_schedule(today=today, seller_ids=[seller.pk])
    return changed


@transaction.atomic
def do_set_visit_hours(
    client,
    *,
    by: User,
    opens: dt.time | None,
    closes: dt.time | None,
    visit_minutes: int | None,
) -> ClientVisitHours | None:
    """Set (or, all empty, clear) when the client receives visits and how long one lasts.
    The client's seller's week is re-planned: a visit its day's route can no longer take
    moves to a later day (agenda.stops)."""
    if opens is None and closes is None and visit_minutes is None:
        ClientVisitHours.objects.filter(client=client).delete()
        hours = None
    else:
        hours, _created = ClientVisitHours.objects.update_or_create(
            client=client,
            defaults={"opens": opens, "closes": closes, "visit_minutes": visit_minutes},
        )
    do_record("client.visit_hours_set", actor=by, obj=client, cleared=hours is None)
    if client.seller_id:
        do_schedule(today=timezone.localdate(), seller_ids=[client.seller_id])
    return hours
