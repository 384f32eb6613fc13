"""Reads of the action plan: the matrix, batch follow-up and inactive clients."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery

from carteira.accounts.models import User
from carteira.agenda.models import Task, TaskBatch
from carteira.clients.access import clients_visible_to
from carteira.clients.models import Client
from carteira.interactions.models import Interaction
from carteira.orders.models import Order
from carteira.plans.models import ActionPlanCell, RecoveryDecision
from carteira.portfolio.models import SnapshotRun, Status

MATRIX_ROWS = ("A", "B", "C", "")
MATRIX_COLUMNS = (
    Status.ACTIVE,
    Status.PRE_INACTIVE,
    Status.INACTIVATED,
    Status.INACTIVE,
    Status.PROSPECT,
)
LOST = (Status.INACTIVATED, Status.INACTIVE)


def plan_matrix() -> list[tuple[str, list[tuple[str, ActionPlanCell | None]]]]:
    """Rows A/B/C/no class × status columns: the all-segment cell of each, or None."""
    cells = {(c.abc, c.status): c for c in ActionPlanCell.objects.filter(segment="")}
    return [
        (abc, [(status, cells.get((abc, status))) for status in MATRIX_COLUMNS])
        for abc in MATRIX_ROWS
    ]


def segment_cells() -> QuerySet[ActionPlanCell]:
    return ActionPlanCell.objects.exclude(segment="")


@dataclass(frozen=True)
class SellerProgress:
    seller_id: int | None
    seller_name: str
    total: int
    done: int
    successful: int
    overdue: int

    @property
    def success_rate(self) -> float | None:
        return self.successful / self.done if self.done else None


def batch_progress(tasks: QuerySet[Task], today: dt.date) -> list[SellerProgress]:
    """Per seller: tasks, done, done with a successful contact, open and past due."""
    done = Q(status=Task.Status.DONE)
    rows = (
        tasks.values("seller_id", "seller__name")
        .annotate(
            total=Count("pk"),
            done=Count("pk", filter=done),
            successful=Count("pk", filter=done & Q(outcome__successful=True)),
            overdue=Count("pk", filter=Q(status=Task.Status.OPEN, due_date__lt=today)),
        )
        .order_by("seller__name")
    )
    return [
        SellerProgress(
            row["seller_id"],
            row["seller__name"] or "—",
            row["total"],
            row["done"],
            row["successful"],
            row["overdue"],
        )
        for row in rows
    ]


def total(rows: list[SellerProgress]) -> SellerProgress:
    return SellerProgress(
        None,
        "",
        *(
            sum(getattr(row, name) for row in rows)
            for name in ("total", "done", "successful", "overdue")
        ),
    )


def seller_tasks_due(*, start: dt.date, end: dt.date) -> QuerySet[Task]:
    """The sellers' own tasks (not escalations, not cancelled) due between two days."""
    return Task.objects.filter(
        assignee_user=None, due_date__range=(start, end), seller__isnull=False
    ).exclude(status=Task.Status.CANCELLED)


def batches() -> QuerySet[TaskBatch]:
    return TaskBatch.objects.annotate(
        total=Count("tasks"), done=Count("tasks", filter=Q(tasks__status=Task.Status.DONE))
    ).order_by("-created_at", "-pk")


def lost_clients(*, user: User, run: SnapshotRun) -> QuerySet[Client]:
    """The user's inactivated and inactive clients in ``run``, with the last reason given."""
    reading = run.clients.filter(client=OuterRef("pk"))
    last_reason = (
        Interaction.objects.filter(client=OuterRef("pk"), reason__isnull=False)
        .order_by("-date", "-pk")
        .values("reason__label")[:1]
    )
    return (
        clients_visible_to(user)
        .filter(snapshots__run=run, snapshots__status__in=LOST)
        .select_related("seller")
        .annotate(
            status=Subquery(reading.values("status")[:1]),
            abc=Subquery(reading.values("abc")[:1]),
            days_since_last_purchase=Subquery(reading.values("days_since_last_purchase")[:1]),
            last_reason=Subquery(last_reason),
        )
        .order_by("abc", "-days_since_last_purchase", "pk")
    )


@dataclass(frozen=True)
class Recovery:
    decision: RecoveryDecision
    recovered: bool
    revenue_since: Decimal


def recoveries(client_ids: list[int]) -> dict[int, Recovery]:
    """The latest decision per client, and what happened after it: a purchase (recovered)
    and the net revenue since the decision day (exclusive)."""
    latest: dict[int, RecoveryDecision] = {}
    for decision in RecoveryDecision.objects.filter(client_id__in=client_ids).select_related(
        "decided_by"
    ):
        latest.setdefault(decision.client_id, decision)
    if not latest:
        return {}
    since = min(decision.decided_on for decision in latest.values())
    revenue: dict[int, Decimal] = defaultdict(Decimal)
    bought: set[int] = set()
    orders = Order.objects.filter(
        client_id__in=latest, date__gt=since, status=Order.Status.VALID
    ).values_list("client_id", "date", "amount")
    for client_id, day, amount in orders:
        if day > latest[client_id].decided_on:
            revenue[client_id] += amount
            if amount > 0:
                bought.add(client_id)
    return {
        client_id: Recovery(decision, client_id in bought, revenue[client_id])
        for client_id, decision in latest.items()
    }
