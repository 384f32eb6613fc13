"""The seller's week: open tasks planned on working days within the daily capacity
(carteira_core.agenda does the planning; this module reads and writes the database).

A plan task may take any working day from its due date (today when overdue) until its
frequency has run out — after that the next contact is due anyway; a central-team task
any day until the batch's deadline; an escalation goes to its due date's next working
day (the manager's time is not planned here). What fits nowhere stays unplanned: the
backlog, shown to the manager with its size and value.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Q, Sum

from carteira.agenda.cadence import cover_job, stock_covers
from carteira.agenda.hooks import client_values
from carteira.agenda.models import CompanyDayOff, OfficeDay, Task, TimeOff, WorkSchedule
from carteira.agenda.priority import stake_cents
from carteira.agenda.renewals import do_open_renewals, renewal_window
from carteira.agenda.stops import far_visits, fit_seller_routes
from carteira.clients.models import Client
from carteira.interactions.models import Channel
from carteira.leads.agenda import lead_jobs, planned_days
from carteira.leads.services import do_plan_lead_days
from carteira.organization.models import Seller
from carteira_core.agenda.calendar import WorkCalendar, seller_calendar
from carteira_core.agenda.schedule import CALL, VISIT, Capacity, Job, default_capacity, schedule

HORIZON_DAYS = 182
SCHEDULE_FIELDS = (
    "client_id",
    "context",
    "objective",  # priority.stake_cents reads it (deferred, it cost a query per task)
    "pinned",
    "channel",
    "due_date",
    "origin",
    "frequency_days",
    "priority",
    "revenue_at_risk",
    "scheduled_date",
    "moved_from",
    "unfit",
    "planned_as_call",
)
# A task without a frequency or deadline (manual, continued) may wait this long.
DEFAULT_SLACK_DAYS = 14


@dataclass(frozen=True)
class WorkingTime:
    """What the planner knows about one seller's time."""

    seller: Seller
    calendar: WorkCalendar
    capacity: Capacity
    state: str
    office_days: frozenset[dt.date] = frozenset()
    hours: tuple[int, int] = (8 * 60, 18 * 60)  # the day's start and end, minutes

    def capacity_on(self, day: dt.date) -> Capacity:
        """The day's capacity: none on a day off, calls only on an office day."""
        if not self.calendar.is_working(day):
            return Capacity(0, 0)
        if day in self.office_days:
            return Capacity(visits=0, calls=self.capacity.calls)
        return self.capacity

    def capacities(self, start: dt.date, end: dt.date) -> dict[dt.date, Capacity]:
        return {day: self.capacity_on(day) for day in self.calendar.working_days(start, end)}


def kind_of(channel: str) -> str:
    return VISIT if channel == Channel.VISIT else CALL


def task_kind(task: Task) -> str:
    """How the week plans the task: a visit on the route, or a call (a call, a message,
    or a visit too far for a day trip: agenda.stops.far_visits)."""
    return VISIT if task.planned_as_visit else CALL


def company_days_off() -> dict[dt.date, str]:
    return dict(CompanyDayOff.objects.values_list("date", "name"))


def _main_state(seller: Seller) -> str:
    row = (
        Client.objects.filter(seller=seller)
        .exclude(state="")
        .values("state")
        .annotate(n=Count("pk"))
        .order_by("-n", "state")
        .first()
    )
    return row["state"] if row else ""


def working_time(
    seller: Seller, *, today: dt.date, days_off: dict[dt.date, str] | None = None
) -> WorkingTime:
    """The seller's calendar (Brazil's and the state's holidays, the company's days off,
    time off) and daily capacity (set, or from the weekly contacts split in the
    proportion of visits among the seller's open tasks)."""
    schedule_row = WorkSchedule.objects.filter(seller=seller).first()
    weekdays = schedule_row.weekday_numbers if schedule_row else frozenset(range(5))
    state = (schedule_row.state if schedule_row else "") or _main_state(seller)
    years = range(today.year - 1, today.year + 2)
    calendar = seller_calendar(
        years=years,
        state=state,
        weekdays=weekdays,
        company_days_off=company_days_off() if days_off is None else days_off,
        time_off=TimeOff.objects.filter(seller=seller, end__gte=today).values_list(
            "start", "end", "reason"
        ),
    )
    visits = schedule_row.daily_visits if schedule_row else None
    calls = schedule_row.daily_calls if schedule_row else None
    if visits is None or calls is None:
        counts = Counter(
            CALL if as_call else kind_of(channel)
            for channel, as_call in Task.objects.filter(
                seller=seller, assignee_user=None, status=Task.Status.OPEN
            ).values_list("channel", "planned_as_call")
        )
        total = sum(counts.values())
        # Room for both kinds whatever today's mix: new tasks of the other kind will come.
        share = min(max(counts[VISIT] / total if total else 0.5, 0.1), 0.9)
        default = default_capacity(seller.weekly_capacity, len(weekdays), share)
        if counts[VISIT] and default.visits == 0 and seller.weekly_capacity:
            default = Capacity(visits=1, calls=max(default.calls - 1, 0))
        visits = default.visits if visits is None else visits
        calls = default.calls if calls is None else calls
    office = frozenset(
        OfficeDay.objects.filter(seller=seller, date__gte=today).values_list("date", flat=True)
    )
    hours = (
        (_minutes(schedule_row.day_starts), _minutes(schedule_row.day_ends))
        if schedule_row
        else (8 * 60, 18 * 60)
    )
    return WorkingTime(seller, calendar, Capacity(visits, calls), state, office, hours)


def _minutes(time: dt.time) -> int:
    return time.hour * 60 + time.minute


def _job(task: Task, today: dt.date, values: dict[int, int], covers=None) -> Job:
    """The task as the planner sees it (``task.planned_as_call`` already decided)."""
    start = max(task.due_date, today)
    if task.origin == Task.Origin.BATCH:
        earliest, latest = today, task.due_date
    elif task.origin == Task.Origin.RENEWAL and renewal_window(task):
        earliest, latest = renewal_window(task)  # type: ignore[misc]
    elif task.frequency_days:
        earliest, latest = task.due_date, start + dt.timedelta(days=task.frequency_days - 1)
    else:
        earliest, latest = task.due_date, start + dt.timedelta(days=DEFAULT_SLACK_DAYS)
    job = Job(
        key=task.pk,
        kind=task_kind(task),
        earliest=earliest,
        due=task.due_date,
        latest=latest,
        priority=task.priority,
        revenue_at_risk_cents=int(task.revenue_at_risk * 100),
        pinned=task.scheduled_date if task.pinned else None,
        value_cents=stake_cents(task, values),
    )
    if task.origin == Task.Origin.PLAN and covers:
        # Before the client's shelf runs out (its sell-out and stock: agenda.cadence).
        return cover_job(job, covers.get(task.client_id), today=today)
    return job


def _save_days(days: dict[int, dt.date | None], tasks: list[Task]) -> None:
    """Write the planned days that changed: one UPDATE per day and chunk of ids (a day
    holds many tasks; far fewer statements than a row-by-row CASE)."""
    by_day: dict[dt.date | None, list[int]] = {}
    for task in tasks:
        if task.scheduled_date != days[task.pk]:
            by_day.setdefault(days[task.pk], []).append(task.pk)
    for day, ids in by_day.items():
        for start in range(0, len(ids), 2_000):
            Task.objects.filter(pk__in=ids[start : start + 2_000]).update(scheduled_date=day)


@dataclass(frozen=True)
class SellerPlan:
    seller_id: int
    planned: int
    backlog: int
    backlog_value: Decimal


def lock_week(seller_id: int) -> None:
    """Hold the seller's week until the transaction ends: whoever re-plans it, or changes
    one of its tasks before re-planning, takes this first, so two of them queue instead
    of deadlocking on the tasks' rows (the seller's row is the lock)."""
    list(Seller.objects.select_for_update().filter(pk=seller_id).values_list("pk", flat=True))


@transaction.atomic
def do_schedule_seller(
    seller: Seller, *, today: dt.date, days_off: dict[dt.date, str] | None = None
) -> SellerPlan:
    """Plan the seller's open tasks (not the escalations) from ``today`` on."""
    lock_week(seller.pk)
    time = working_time(seller, today=today, days_off=days_off)
    tasks = list(
        Task.objects.select_for_update()
        .filter(seller=seller, assignee_user=None, status=Task.Status.OPEN)
        .order_by("pk")  # the same order in every transaction
        .only(*SCHEDULE_FIELDS)
    )
    # A visit too far for a day trip is planned as a call; the default capacity's split
    # between visits and calls counts it as one.
    if _save_far_visits(tasks, far_visits(time, tasks)):
        time = working_time(seller, today=today, days_off=days_off)
    values = client_values({task.client_id for task in tasks})
    covers = stock_covers({task.client_id for task in tasks}, today=today)
    jobs = [_job(task, today, values, covers) for task in tasks]
    # The next steps of the seller's open leads share the same capacity (leads.agenda).
    prospects = lead_jobs(seller.pk, today=today)
    horizon_end = today + dt.timedelta(days=HORIZON_DAYS)
    plan = schedule(
        [*jobs, *prospects],
        calendar=time.calendar,
        capacity=time.capacities(today, horizon_end),  # office days: calls only
        today=today,
        horizon_end=horizon_end,
    )
    # Visits a day's route cannot take move to the nearest later day that takes them.
    fit = fit_seller_routes(time, tasks=tasks, jobs=[*jobs, *prospects], days=plan.days,
                            today=today, horizon_end=horizon_end)  # fmt: skip
    plan.days.update(fit.days)
    _save_days({task.pk: plan.days.get(task.pk) for task in tasks}, tasks)
    _save_route_flags(tasks, fit)
    # A pin the plan could not keep (the day passed, became a day off or an office day,
    # lost its room) is let go: the task is planned like any other from now on.
    lost = [t.pk for t in tasks if t.pinned and plan.days.get(t.pk) != t.scheduled_date]
    if lost:
        Task.objects.filter(pk__in=lost).update(pinned=False)
    do_plan_lead_days(planned_days(prospects, plan.days))
    plan.backlog = [job for job in plan.backlog if job.key > 0]  # tasks only, below
    plan.days = {key: day for key, day in plan.days.items() if key > 0}
    # Without signals: a save here is not a change of working time (agenda.receivers).
    if not WorkSchedule.objects.filter(seller=seller).update(planned_on=today):
        WorkSchedule.objects.bulk_create(
            [WorkSchedule(seller=seller, planned_on=today)], ignore_conflicts=True
        )
    backlog = [task for task in tasks if task.pk not in plan.days or task.pk in fit.unfit]
    value = sum((task.revenue_at_risk for task in backlog), Decimal(0))
    return SellerPlan(seller.pk, len(plan.days) - len(fit.unfit), len(backlog), value)


def _save_far_visits(tasks: list[Task], far: set[int]) -> bool:
    """Mark the visits too far for a day trip as planned as calls (and the others not);
    whether any changed."""
    changed: dict[bool, list[int]] = {}
    for task in tasks:
        as_call = task.pk in far
        if task.planned_as_call != as_call:
            task.planned_as_call = as_call
            changed.setdefault(as_call, []).append(task.pk)
    for as_call, ids in changed.items():
        for start in range(0, len(ids), 2_000):
            Task.objects.filter(pk__in=ids[start : start + 2_000]).update(planned_as_call=as_call)
    return bool(changed)


def _save_route_flags(tasks: list[Task], fit) -> None:
    """Write which visits the routes moved (from which day) and which none takes."""
    changed: dict[tuple[dt.date | None, bool], list[int]] = {}
    for task in tasks:
        flags = (fit.moved.get(task.pk), task.pk in fit.unfit)
        if (task.moved_from, task.unfit) != flags:
            changed.setdefault(flags, []).append(task.pk)
    for (moved_from, unfit), ids in changed.items():
        for start in range(0, len(ids), 2_000):
            Task.objects.filter(pk__in=ids[start : start + 2_000]).update(
                moved_from=moved_from, unfit=unfit
            )


def _schedule_escalations(today: dt.date, days_off: dict[dt.date, str]) -> None:
    calendar = seller_calendar(
        years=range(today.year - 1, today.year + 2), company_days_off=days_off
    )
    tasks = list(
        Task.objects.filter(status=Task.Status.OPEN, assignee_user__isnull=False).only(
            "pk", "due_date", "scheduled_date"
        )
    )
    _save_days(
        {task.pk: calendar.next_working_day(max(task.due_date, today)) for task in tasks}, tasks
    )


def do_schedule(*, today: dt.date, seller_ids: list[int] | None = None) -> list[SellerPlan]:
    """Re-plan the given sellers (all active ones when None) and the escalations."""
    days_off = company_days_off()
    sellers = Seller.objects.filter(active=True)
    if seller_ids is not None:
        sellers = sellers.filter(pk__in=seller_ids)
    do_open_renewals(today=today, until=today + dt.timedelta(days=HORIZON_DAYS),
                     seller_ids=seller_ids)  # fmt: skip
    plans = [do_schedule_seller(seller, today=today, days_off=days_off) for seller in sellers]
    if seller_ids is None:
        _schedule_escalations(today, days_off)
    return plans


def backlog_by_seller(seller_ids) -> dict[int, tuple[int, Decimal]]:
    """Open seller tasks that found no working day, or no day whose route takes them
    (flagged on their day): (how many, revenue at risk)."""
    rows = (
        Task.objects.filter(
            seller_id__in=seller_ids,
            assignee_user=None,
            status=Task.Status.OPEN,
        )
        .filter(Q(scheduled_date__isnull=True) | Q(unfit=True))
        .values("seller_id")
        .annotate(n=Count("pk"), value=Sum("revenue_at_risk"))
    )
    return {row["seller_id"]: (row["n"], row["value"] or Decimal(0)) for row in rows}


def stale_sellers(today: dt.date) -> Q:
    """Sellers whose plan was made before ``today`` (or never)."""
    return (
        Q(work_schedule__isnull=True)
        | Q(work_schedule__planned_on__lt=today)
        | Q(work_schedule__planned_on__isnull=True)
    )
