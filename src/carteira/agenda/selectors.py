"""Reads of the agenda, always through the client gate."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from carteira.accounts.models import User
from carteira.agenda.models import CalendarFeed, Task
from carteira.clients.access import clients_visible_to, sellers_visible_to
from carteira.interactions.models import Interaction
from carteira.organization.models import Seller

ORDER = ("-priority", "-revenue_at_risk", "due_date", "pk")


def own_seller(user: User) -> Seller | None:
    return Seller.objects.filter(user=user).first() if user.is_authenticated else None


def access_seller(user: User, seller_id) -> Seller:
    """A seller whose agenda the user may read (themself, a manager's team); 404 otherwise."""
    try:
        return sellers_visible_to(user).get(pk=seller_id)
    except (Seller.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def tasks_visible_to(user: User) -> QuerySet[Task]:
    """Tasks the user may see: of the clients they see, and either their own escalations
    or the tasks of the sellers they see."""
    return Task.objects.filter(client__in=clients_visible_to(user)).filter(
        Q(assignee_user=user) | Q(assignee_user=None, seller__in=sellers_visible_to(user))
    )


def access_open_task(user: User, task_id) -> Task:
    try:
        return (
            tasks_visible_to(user).select_related("client").get(pk=task_id, status=Task.Status.OPEN)
        )
    except (Task.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def agenda_tasks(*, user: User, seller: Seller | None) -> QuerySet[Task]:
    """Open tasks: ``seller``'s (not escalated), plus the user's own escalations when they
    read their own agenda; most important first. Callers pick the days."""
    scope = tasks_visible_to(user).filter(status=Task.Status.OPEN)
    mine = Q(assignee_user=user)
    if seller is not None:
        mine |= Q(assignee_user=None, seller=seller)
    if seller is not None and seller.user_id != user.pk:
        mine = Q(assignee_user=None, seller=seller)
    last_contact = (
        Interaction.objects.filter(client=OuterRef("client_id"), successful=True)
        .order_by("-date")
        .values("date")[:1]
    )
    return (
        scope.filter(mine)
        .select_related("client", "seller", "batch")
        .annotate(last_contact=Subquery(last_contact))
        .order_by(*ORDER)
    )


@dataclass
class AgendaRow:
    task: Task
    days_overdue: int
    days_since_last_purchase: int | None
    form: object = None
    arrival: str | None = None  # "HH:MM" on the day's route
    hours: object = None  # the client's ClientVisitHours, on the week's visits
    far_km: float | None = None  # a visit planned as a call: its km from the seller's start

    @property
    def far_note(self) -> str:
        """Why a visit is among the calls: its client is too far for a day trip."""
        if not self.task.planned_as_call:
            return ""
        if self.far_km is None:
            return _("too far for a day trip: planned as a call")
        km = number_format(round(self.far_km))
        return _("%(km)s km away, too far for a day trip: planned as a call") % {"km": km}


def agenda_rows(tasks, today: dt.date) -> list[AgendaRow]:
    rows = []
    for task in tasks:
        last = task.context.get("last_purchase_date")
        days = (today - dt.date.fromisoformat(last)).days if last else None
        rows.append(AgendaRow(task, max((today - task.due_date).days, 0), days))
    return rows


def live_feed(token: str) -> CalendarFeed:
    try:
        return CalendarFeed.objects.select_related("seller").get(
            token=token, revoked_at__isnull=True
        )
    except CalendarFeed.DoesNotExist:
        raise Http404 from None


def planned_visits(seller: Seller) -> QuerySet[Task]:
    return (
        Task.objects.filter(
            seller=seller, assignee_user=None, status=Task.Status.OPEN, channel="visit"
        )
        .select_related("client")
        .order_by("due_date", "pk")
    )
