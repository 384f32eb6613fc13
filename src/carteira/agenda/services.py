"""Writes on the agenda: closing a task with its outcome, batches, calendar feeds."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from carteira.accounts.models import User
from carteira.agenda.models import CalendarFeed, Task, TaskBatch
from carteira.agenda.priority import class_priorities
from carteira.agenda.scheduling import do_schedule, lock_week
from carteira.audit.events import TASKS_CREATED, emit
from carteira.audit.services import do_record
from carteira.clients.models import Client
from carteira.interactions.models import InactivityReason, Interaction
from carteira.organization.models import Seller


class TaskNotOpen(ValueError):
    """The task was closed or cancelled meanwhile (another tab, another person)."""


def _next_task(task: Task, *, on: dt.date, next_date: dt.date | None) -> Task | None:
    """The plan's next contact: same cell, due after its frequency (or on the date the
    seller chose). Tasks outside the plan only continue when the seller set a date."""
    if task.frequency_days:
        due = next_date or on + dt.timedelta(days=task.frequency_days)
        plan_key, origin = task.plan_key, task.origin
    elif next_date:
        due, plan_key, origin = next_date, "", Task.Origin.MANUAL
    else:
        return None
    return Task.objects.create(
        client_id=task.client_id,
        seller_id=task.seller_id,
        assignee_user_id=task.assignee_user_id,
        title=task.title,
        objective=task.objective,
        channel=task.channel,
        script=task.script,
        due_date=due,
        origin=origin,
        plan_key=plan_key,
        priority=task.priority,
        context={**task.context, "last_contact": on.isoformat()},
        revenue_at_risk=task.revenue_at_risk,
        frequency_days=task.frequency_days,
    )


@transaction.atomic
def do_close_task(
    task: Task,
    *,
    by: User,
    channel: str,
    successful: bool,
    reason: InactivityReason | None = None,
    notes: str = "",
    next_step: str = "",
    next_date: dt.date | None = None,
    on: dt.date | None = None,
) -> tuple[Interaction, Task | None]:
    """Record the contact, close the task with it as outcome, schedule the next one."""
    if task.seller_id is not None:
        # The seller's week first, then the task: two closes of one seller's tasks queue
        # here instead of each holding its task and waiting for the other's (a deadlock
        # when both re-plan the week).
        lock_week(task.seller_id)
    task = Task.objects.select_for_update().get(pk=task.pk)
    if task.status != Task.Status.OPEN:
        raise TaskNotOpen(task.pk)
    on = on or timezone.localdate()
    interaction = Interaction.objects.create(
        client_id=task.client_id,
        date=on,
        channel=channel,
        successful=successful,
        seller_id=task.seller_id,
        recorded_by=by,
        reason=reason,
        notes=notes,
        next_step=next_step,
    )
    task.status = Task.Status.DONE
    task.outcome = interaction
    task.completed_at = timezone.now()
    task.save(update_fields=["status", "outcome", "completed_at"])
    following = _next_task(task, on=on, next_date=next_date)
    if following is not None and following.seller_id and following.assignee_user_id is None:
        do_schedule(today=timezone.localdate(), seller_ids=[following.seller_id])
        following.refresh_from_db(fields=["scheduled_date"])
    do_record(
        "task.closed",
        actor=by,
        obj=task,
        successful=successful,
        next_task=following.pk if following else None,
    )
    return interaction, following


@transaction.atomic
def do_send_batch(
    *,
    clients: list[Client],
    title: str,
    instructions: str,
    deadline: dt.date,
    filter_description: dict,
    by: User,
) -> TaskBatch:
    """The central team's list: one task per client, for the client's seller, due on the
    deadline. Clients without a seller are left out (nobody could do them). Each task takes
    its client's class priority, as a plan task does, so the agenda ranks a list's tasks
    like every other (agenda.priority: class, then the client's predicted value)."""
    batch = TaskBatch.objects.create(
        title=title,
        instructions=instructions,
        deadline=deadline,
        filter_description=filter_description,
        created_by=by,
    )
    priorities = class_priorities(client.pk for client in clients)
    Task.objects.bulk_create(
        [
            Task(
                client=client,
                seller_id=client.seller_id,
                title=f"{title}: {client}"[:200],
                script=instructions,
                due_date=deadline,
                origin=Task.Origin.BATCH,
                plan_key=f"batch:{batch.pk}",
                batch=batch,
                priority=priorities.get(client.pk, 0),
            )
            for client in clients
            if client.seller_id is not None
        ],
        batch_size=2_000,
        ignore_conflicts=True,
    )
    sellers = sorted({client.seller_id for client in clients if client.seller_id is not None})
    do_schedule(today=timezone.localdate(), seller_ids=sellers)
    do_record("batch.sent", actor=by, obj=batch, tasks=batch.tasks.count())
    emit(TASKS_CREATED, tasks=Task.objects.filter(batch=batch))
    return batch


@transaction.atomic
def do_new_feed(seller: Seller, *, by: User) -> CalendarFeed:
    """A new secret address for the seller's calendar; the previous one stops working."""
    CalendarFeed.objects.filter(seller=seller, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    feed = CalendarFeed.objects.create(seller=seller)
    do_record("calendar_feed.created", actor=by, obj=seller)
    return feed


def do_revoke_feed(seller: Seller, *, by: User) -> int:
    revoked = CalendarFeed.objects.filter(seller=seller, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    do_record("calendar_feed.revoked", actor=by, obj=seller)
    return revoked


@transaction.atomic
def do_set_task_status(task: Task, status: str, *, by: User) -> Task:
    """Open, finish or cancel a task without recording a contact (the API's PATCH; the
    seller's agenda closes a task with its outcome through do_close_task)."""
    task = Task.objects.select_for_update().get(pk=task.pk)
    if task.status != status:
        task.status = status
        task.completed_at = timezone.now() if status == Task.Status.DONE else None
        task.save(update_fields=["status", "completed_at"])
        do_record("task.status_changed", actor=by, obj=task, status=status)
    return task
