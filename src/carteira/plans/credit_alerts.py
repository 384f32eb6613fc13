"""Credit alerts when orders come in (issue 20): a client in collection buys again, or
its open balance plus the new orders passes its credit limit. The alert is a task for
the client's manager (the director when the team has none), one open per client."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal

from django.db.models import F
from django.utils.translation import gettext as _

from carteira.accounts.models import Role, User
from carteira.agenda.models import Task
from carteira.audit.events import TASKS_CREATED, emit
from carteira.clients.models import Client
from carteira.credit.models import CreditLimit, Receivable
from carteira.credit.selectors import client_credit, clients_in_collection
from carteira.interactions.models import Channel
from carteira.plans.models import Objective
from carteira.portfolio.rules_store import current_rules
from carteira.web import formats

ALERT_KEY = "credit:alert"  # one open alert per client
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
            plan_key=ALERT_KEY, status=Task.Status.OPEN, client_id__in=with_receivables
        ).values_list("client_id", flat=True)
    )
    alerts = []
    for client in clients.exclude(pk__in=already):
        reasons = []
        if client.pk in late:
            overdue = late[client.pk]
            reasons.append(
                _("buys again with %(amount)s overdue for %(days)s days")
                % {"amount": formats.money(overdue.overdue), "days": overdue.days_past_due}
            )
        limit = limits.get(client.pk)
        if limit is not None:
            # The file's orders are written: those not yet invoiced are in the exposure.
            exposure = client_credit(client, as_of=today, rules=rules).exposure
            if exposure > limit:
                text = _(
                    "open balance plus the new orders, %(exposure)s, passes the limit %(limit)s"
                )
                reasons.append(
                    text % {"exposure": formats.money(exposure), "limit": formats.money(limit)}
                )
        assignee = client.manager_id or director
        if reasons and assignee is not None:
            alerts.append(_alert(client, assignee, reasons, today))
    Task.objects.bulk_create(alerts)
    opened = Task.objects.filter(
        plan_key=ALERT_KEY, status=Task.Status.OPEN, client_id__in=[t.client_id for t in alerts]
    )
    emit(TASKS_CREATED, tasks=opened)
    return list(opened)


def _alert(client: Client, assignee: int, reasons: list[str], today: dt.date) -> Task:
    name = client.trade_name or client.name
    return Task(
        client_id=client.pk,
        seller_id=client.seller_id,
        assignee_user_id=assignee,
        title=_("Credit alert: %(client)s") % {"client": name},
        objective=Objective.COLLECT,
        channel=Channel.PHONE,
        script=_sentence("; ".join(reasons)),
        due_date=today,
        origin=Task.Origin.ESCALATION,
        plan_key=ALERT_KEY,
        priority=ALERT_PRIORITY,
        context={"as_of": today.isoformat(), "reasons": len(reasons)},
    )


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + "."
