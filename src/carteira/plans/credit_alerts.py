"""Credit alerts when orders come in (issue 20): a client in collection buys again, or
its exposure with the new orders passes its credit limit. The alert is a task for the
client's manager (the director when the team has none) and one in the seller's agenda,
one open of each per client, and an e-mail to both once the import commits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from carteira.accounts.models import Role, User
from carteira.agenda.models import Task, WorkSchedule
from carteira.audit.events import TASKS_CREATED, emit
from carteira.clients.models import Client
from carteira.credit.models import CreditLimit, Receivable
from carteira.credit.selectors import client_credit, clients_in_collection
from carteira.interactions.models import Channel
from carteira.plans.models import Objective
from carteira.plans.notify import mail_message, seller_address, seller_language
from carteira.portfolio.rules_store import current_rules
from carteira.web import formats

ALERT_KEY = "credit:alert"  # one open alert per client for its manager
SELLER_ALERT_KEY = "credit:alert:seller"  # and one in its seller's agenda
ALERT_PRIORITY = 500


def do_credit_alerts(orders: Mapping[int, Decimal], *, today: dt.date) -> list[Task]:
    """``orders``: client id → the amount of the orders just written for it. Returns the
    alerts created (none for a client that already has one open)."""
    with_receivables = set(
        Receivable.objects.filter(client_id__in=list(orders)).values_list("client_id", flat=True)
    )
    if not with_receivables:
        return []
    rules = current_rules().credit
    late = clients_in_collection(as_of=today, rules=rules)
    limits = dict(
        CreditLimit.objects.filter(client_id__in=with_receivables).values_list("client_id", "limit")
    )
    clients = Client.objects.filter(pk__in=with_receivables).annotate(
        manager_id=F("seller__team__manager_id")
    )
    director = (
        User.objects.filter(role=Role.DIRECTOR, is_active=True).values_list("pk", flat=True).first()
    )
    already = set(
        Task.objects.filter(
            plan_key__in=(ALERT_KEY, SELLER_ALERT_KEY), status=Task.Status.OPEN,
            client_id__in=with_receivables,
        ).values_list("client_id", "plan_key")
    )  # fmt: skip
    alerts = []
    for client in clients:
        reasons = {}  # the facts, kept in the task's context to word them for any reader
        if client.pk in late:
            overdue = late[client.pk]
            reasons["late"] = {"amount": str(overdue.overdue), "days": overdue.days_past_due}
        limit = limits.get(client.pk)
        if limit is not None:
            # The file's orders are written: those not yet invoiced are in the exposure.
            exposure = client_credit(client, as_of=today, rules=rules).exposure
            if exposure > limit:
                reasons["over_limit"] = {"exposure": str(exposure), "limit": str(limit)}
        if not reasons:
            continue
        assignee = client.manager_id or director
        if assignee is not None and (client.pk, ALERT_KEY) not in already:
            alerts.append(_alert(client, assignee, reasons, today))
        if client.seller_id is not None and (client.pk, SELLER_ALERT_KEY) not in already:
            alerts.append(_alert(client, None, reasons, today))
    created = Task.objects.bulk_create(alerts)
    # The sellers' weeks are stale: their next agenda plans the alert in (agenda.receivers).
    sellers = {task.seller_id for task in created if task.assignee_user_id is None}
    WorkSchedule.objects.filter(seller_id__in=sellers).update(planned_on=None)
    opened = Task.objects.filter(pk__in=[t.pk for t in created])
    emit(TASKS_CREATED, tasks=opened)
    ids = [t.pk for t in created]
    if ids:
        transaction.on_commit(lambda: send_credit_alerts(ids))
    return list(opened)


def reasons_text(reasons: dict) -> str:
    """The alert's reasons in a sentence, in the active language."""
    parts = []
    if late := reasons.get("late"):
        parts.append(
            _("buys again with %(amount)s overdue for %(days)s days")
            % {"amount": formats.money(Decimal(late["amount"])), "days": late["days"]}
        )
    if over := reasons.get("over_limit"):
        text = _("open balance plus the new orders, %(exposure)s, passes the limit %(limit)s")
        parts.append(
            text
            % {
                "exposure": formats.money(Decimal(over["exposure"])),
                "limit": formats.money(Decimal(over["limit"])),
            }
        )
    return _sentence("; ".join(parts))


def _alert(client: Client, assignee: int | None, reasons: dict, today: dt.date) -> Task:
    """The manager's (``assignee``) or, with None, the seller's agenda task."""
    name = client.trade_name or client.name
    return Task(
        client_id=client.pk,
        seller_id=client.seller_id,
        assignee_user_id=assignee,
        title=_("Credit alert: %(client)s") % {"client": name},
        objective=Objective.COLLECT,
        channel=Channel.PHONE,
        script=reasons_text(reasons),
        due_date=today,
        origin=Task.Origin.ESCALATION,
        plan_key=ALERT_KEY if assignee is not None else SELLER_ALERT_KEY,
        priority=ALERT_PRIORITY,
        context={"as_of": today.isoformat(), "reasons": len(reasons), "why": reasons},
    )


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + "." if text else ""


def send_credit_alerts(task_ids: list[int]) -> int:
    """One e-mail per alert task: to its manager, or to the seller of a seller's task."""
    tasks = Task.objects.filter(pk__in=task_ids).select_related(
        "client", "assignee_user", "seller__user"
    )
    messages = []
    for task in tasks.order_by("pk"):
        if task.assignee_user is not None:
            user = task.assignee_user
            address, language = user.email, user.language
            name = user.get_full_name() or user.username
        elif task.seller is not None:
            address, language = seller_address(task.seller), seller_language(task.seller)
            name = task.seller.name
        else:
            continue
        if address:
            url = settings.BASE_URL + reverse("clients:detail", args=[task.client_id])
            with translation.override(language):
                why = reasons_text(task.context.get("why", {})) or task.script
            context = {"name": name, "why": why, "client": task.client, "client_url": url}
            template = "plans/email/credit_alert.txt"
            messages.append(mail_message(template, context, address, language))
    return send_mass_mail(messages) if messages else 0
