"""Tasks from the portfolio: the action plan applied to the latest official reading.

Set-based on purpose (the demo has 3k clients, a customer 100k): one query for the
readings, one for the last successful contacts, one for the open plan tasks, then bulk
writes. Running it twice creates nothing: at most one open task per client per plan key
(a pre-check here, and the database constraint behind it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from carteira.accounts.models import Role, User
from carteira.agenda.cadence import cadence_for, client_cadences
from carteira.agenda.models import Task
from carteira.agenda.priority import CLASS_PRIORITY
from carteira.agenda.scheduling import do_schedule
from carteira.audit.events import TASKS_CREATED, emit
from carteira.audit.services import do_record
from carteira.credit.selectors import Collection, clients_in_collection
from carteira.interactions.models import Channel, Interaction
from carteira.leads.selectors import recent_referrers
from carteira.plans import value_feed
from carteira.plans.models import ActionPlanCell, Escalation, Objective
from carteira.portfolio.models import ClientSnapshot, StatusTransition
from carteira.portfolio.rules_store import current_rules
from carteira.portfolio.selectors import latest_official_run
from carteira.web import formats

COLLECTION_KEY = "collection:overdue"  # one open collection task per client
BATCH_SIZE = 2_000
READING_FIELDS = (
    "client_id",
    "abc",
    "status",
    "days_since_last_purchase",
    "last_purchase_date",
    "revenue_at_risk",
    "revenue_in_abc_window",
    "client__segment",
    "client__name",
    "client__trade_name",
    "client__seller_id",
    "client__seller__team__manager_id",
)


@dataclass(frozen=True)
class Reading:
    client_id: int
    abc: str
    status: str
    days_since_last_purchase: int | None
    last_purchase_date: dt.date | None
    revenue_at_risk: Decimal
    revenue_in_abc_window: Decimal
    segment: str
    name: str
    trade_name: str
    seller_id: int | None
    manager_id: int | None

    @property
    def client_name(self) -> str:
        return self.trade_name or self.name


@dataclass
class PlanResult:
    run_id: int | None = None
    created: int = 0
    kept: int = 0
    cancelled: int = 0
    backlog: int = 0  # seller tasks that found no working day within capacity
    # user id -> the created tasks that user must hear about (escalations, notifications)
    notices: dict[int, list[Task]] = field(default_factory=dict)


def cell_for(cells: dict[tuple[str, str, str], ActionPlanCell], reading: Reading):
    """The most specific active cell for a reading: its segment's, else the all-segment one."""
    key = (reading.abc, reading.status)
    return cells.get((*key, reading.segment)) or cells.get((*key, ""))


def due_date(last_contact: dt.date | None, every: int, as_of: dt.date) -> dt.date:
    """Last successful contact + frequency; today's date when overdue or never contacted."""
    if last_contact is None:
        return as_of
    return max(last_contact + dt.timedelta(days=every), as_of)


def _context(reading: Reading, previous: str | None, last_contact, as_of) -> dict:
    def iso(day):
        return day.isoformat() if day else None

    return {
        "as_of": as_of.isoformat(),
        "abc": reading.abc,
        "status": reading.status,
        "from_status": previous,
        "days_since_last_purchase": reading.days_since_last_purchase,
        "last_purchase_date": iso(reading.last_purchase_date),
        "last_contact": iso(last_contact),
        "revenue_in_abc_window": str(reading.revenue_in_abc_window),
    }


def _seller_task(cell, reading, context, due, every=None) -> Task:
    channel = Channel(cell.channel).label
    return Task(
        client_id=reading.client_id,
        seller_id=reading.seller_id,
        title=_("%(channel)s: %(client)s") % {"channel": channel, "client": reading.client_name},
        objective=cell.objective,
        channel=cell.channel,
        script=cell.script,
        due_date=due,
        origin=Task.Origin.PLAN,
        plan_key=cell.task_key,
        priority=CLASS_PRIORITY.get(reading.abc, 0),
        context=context,
        revenue_at_risk=reading.revenue_at_risk,
        frequency_days=every or cell.frequency_days,
    )


def _escalation_task(cell, reading, context, due, assignee_id) -> Task:
    return Task(
        client_id=reading.client_id,
        seller_id=reading.seller_id,
        assignee_user_id=assignee_id,
        title=_("Escalation: %(client)s") % {"client": reading.client_name},
        objective=cell.objective,
        channel=cell.channel,
        script=cell.script,
        due_date=due,
        origin=Task.Origin.ESCALATION,
        plan_key=cell.escalation_key,
        priority=CLASS_PRIORITY.get(reading.abc, 0) + 50,
        context=context,
        revenue_at_risk=reading.revenue_at_risk,
        frequency_days=cell.frequency_days,
    )


def _load(run, as_of):
    readings = [
        Reading(*row)
        for row in ClientSnapshot.objects.filter(run=run)
        .values_list(*READING_FIELDS)
        .iterator(chunk_size=BATCH_SIZE)
    ]
    previous = dict(
        StatusTransition.objects.filter(run=run).values_list("client_id", "from_status")
    )
    contacts = dict(
        Interaction.objects.filter(successful=True, date__lte=as_of)
        .values("client_id")
        .annotate(last=Max("date"))
        .values_list("client_id", "last")
    )
    open_tasks = list(
        Task.objects.filter(status=Task.Status.OPEN)
        .filter(
            Q(plan_key__startswith="cell:")
            | Q(plan_key=COLLECTION_KEY)
            | Q(plan_key__in=value_feed.KEYS.values())
        )
        .values_list("pk", "client_id", "plan_key")
    )
    return readings, previous, contacts, open_tasks


def _director_id() -> int | None:
    return (
        User.objects.filter(role=Role.DIRECTOR, is_active=True)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )


# A happy class A client (active: buying on its rhythm) that referred no lead in this many
# days is asked for referrals in its seller's task (the sources: "faça com que seus
# clientes indiquem suas soluções").
REFERRAL_ASK_DAYS = 365


def _ask_for_referrals(task: Task) -> None:
    ask = _("Happy class A client: ask for referrals (who else in the segment or the region "
            "could buy from us?) and record each as a lead with the source Referral and "
            "this client's code.")  # fmt: skip
    task.script = "\n".join(filter(None, [task.script, ask]))
    task.context = {**task.context, "ask_referrals": True}  # not the escalation's dict


def _wanted(cells, readings, previous, contacts, as_of, cadences=None):
    """Every task the plan wants, by (client, plan key), and who must be told."""
    director = _director_id()
    referrers = recent_referrers(since=as_of - dt.timedelta(days=REFERRAL_ASK_DAYS))
    wanted: dict[tuple[int, str], Task] = {}
    notify: dict[tuple[int, str], int] = {}
    for reading in readings:
        cell = cell_for(cells, reading)
        if cell is None:
            continue
        last_contact = contacts.get(reading.client_id)
        due = due_date(last_contact, cell.frequency_days, as_of)
        context = _context(reading, previous.get(reading.client_id), last_contact, as_of)
        assignee = None
        if cell.escalation == Escalation.MANAGER:
            assignee = reading.manager_id or director
        elif cell.escalation == Escalation.DIRECTOR:
            assignee = director
        if assignee is not None:
            key = (reading.client_id, cell.escalation_key)
            wanted[key] = _escalation_task(cell, reading, context, due, assignee)
            notify[key] = assignee
        if reading.seller_id is not None:
            key = (reading.client_id, cell.task_key)
            # A client buying on a rhythm: contacted on it ([agenda] cadence = "rhythm").
            cadence = cadence_for(reading.status, cadences or {}, reading.client_id)
            if cadence is None:
                wanted[key] = _seller_task(cell, reading, context, due)
            else:
                own = {**context, "cadence": cadence.as_context(cell.frequency_days)}
                own_due = due_date(last_contact, cadence.every, as_of)
                wanted[key] = _seller_task(cell, reading, own, own_due, every=cadence.every)
            if (reading.abc, reading.status) == ("A", "active") and (
                reading.client_id not in referrers
            ):
                _ask_for_referrals(wanted[key])
            # The manager hears about it once: not again when the escalation is theirs.
            if cell.notify_manager and reading.manager_id not in (None, assignee):
                notify[key] = reading.manager_id
    return wanted, notify


def _collection_task(reading: Reading, collection: Collection, as_of: dt.date) -> Task:
    script = _(
        "%(amount)s overdue, the oldest instalment %(days)s days late: agree on a payment "
        "date before the next sale on credit."
    ) % {"amount": formats.money(collection.overdue), "days": collection.days_past_due}
    return Task(
        client_id=reading.client_id,
        seller_id=reading.seller_id,
        title=_("Collection: %(client)s") % {"client": reading.client_name},
        objective=Objective.COLLECT,
        channel=Channel.PHONE,
        script=script,
        due_date=as_of,
        origin=Task.Origin.PLAN,
        plan_key=COLLECTION_KEY,
        priority=CLASS_PRIORITY.get(reading.abc, 0) + 100,
        context={
            "as_of": as_of.isoformat(),
            "overdue": str(collection.overdue),
            "days_past_due": collection.days_past_due,
        },
        revenue_at_risk=reading.revenue_at_risk,
    )


def _collections(readings: list[Reading], as_of: dt.date) -> dict[tuple[int, str], Task]:
    """A collection task for each seller's client past the rules' collection delay."""
    late = clients_in_collection(as_of=as_of, rules=current_rules().credit)
    return {
        (reading.client_id, COLLECTION_KEY): _collection_task(
            reading, late[reading.client_id], as_of
        )
        for reading in readings
        if reading.client_id in late and reading.seller_id is not None
    }


def _cancel(task_ids: list[int]) -> None:
    now = timezone.now()
    for start in range(0, len(task_ids), BATCH_SIZE):
        Task.objects.filter(pk__in=task_ids[start : start + BATCH_SIZE]).update(
            status=Task.Status.CANCELLED, completed_at=now
        )


def do_plan(as_of: dt.date, *, by: User | None = None) -> PlanResult:
    """Bring the open plan tasks in line with the latest official reading on or before
    ``as_of``: create the missing ones, keep the matching ones, cancel the others. The
    e-mails are left to the caller (``notices``), so a failing mail server never undoes
    the plan."""
    run = latest_official_run(as_of)
    if run is None:
        return PlanResult()
    cells = {
        (cell.abc, cell.status, cell.segment): cell
        for cell in ActionPlanCell.objects.filter(active=True)
    }
    readings, previous, contacts, open_tasks = _load(run, as_of)
    cadences = client_cadences(as_of, current_rules())
    wanted, notify = _wanted(cells, readings, previous, contacts, as_of, cadences)
    wanted.update(_collections(readings, as_of))
    # the value model's leads (issue 17): the upsell cells' tasks carry the room to grow,
    # the feed adds the best upsell and recovery leads of the other clients
    upsell_cells = value_feed.add_room_to_grow(wanted, run.pk)
    wanted.update(
        value_feed.value_tasks(readings, run.pk, as_of, CLASS_PRIORITY, upsell_cells=upsell_cells)
    )
    existing = {(client_id, key) for _pk, client_id, key in open_tasks}
    stale = [pk for pk, client_id, key in open_tasks if (client_id, key) not in wanted]
    new_keys = [key for key in wanted if key not in existing]
    result = PlanResult(run_id=run.pk, kept=len(existing) - len(stale), cancelled=len(stale))
    with transaction.atomic():
        _cancel(stale)
        last_before = Task.objects.aggregate(last=Max("pk"))["last"] or 0
        Task.objects.bulk_create(
            [wanted[key] for key in new_keys], batch_size=BATCH_SIZE, ignore_conflicts=True
        )
        # bulk_create sends no post_save: announce exactly the open tasks just made.
        plan_keys = {plan_key for _client_id, plan_key in new_keys}
        emit(TASKS_CREATED, tasks=Task.objects.filter(
            pk__gt=last_before, status=Task.Status.OPEN, plan_key__in=plan_keys))  # fmt: skip
    result.created = len(new_keys)
    # Every open task onto a working day within its seller's capacity (agenda.scheduling).
    plans = do_schedule(today=max(as_of, timezone.localdate()))
    result.backlog = sum(plan.backlog for plan in plans)
    for key in new_keys:
        if key in notify:
            result.notices.setdefault(notify[key], []).append(wanted[key])
    do_record(
        "plan.generated",
        actor=by,
        obj=run,
        as_of=as_of.isoformat(),
        created=result.created,
        kept=result.kept,
        cancelled=result.cancelled,
    )
    return result
