"""The SLA watch: warn the owner before a breach, escalate on breach to the client's
manager (for an A client to the director, as the action plan escalates), by e-mail and
with a task in the escalated person's agenda. Safe to run twice: each complaint is warned
once and escalated once."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from carteira.accounts.models import Role, User
from carteira.agenda.models import Task
from carteira.audit.events import COMPLAINT_CHANGED, emit
from carteira.audit.services import do_record
from carteira.clients.access import clients_visible_to
from carteira.complaints import sla
from carteira.complaints.models import Complaint
from carteira.plans.notify import mail_message
from carteira.portfolio.models import ClientSnapshot
from carteira.portfolio.selectors import latest_official_run

Status = Complaint.Status


@dataclass(frozen=True)
class Watch:
    warned: int
    escalated: int
    emails: int


def _director() -> User | None:
    return User.objects.filter(role=Role.DIRECTOR, is_active=True).order_by("pk").first()


def abc_classes(client_ids: list[int]) -> dict[int, str]:
    run = latest_official_run()
    if run is None:
        return {}
    rows = ClientSnapshot.objects.filter(run=run, client_id__in=client_ids)
    return dict(rows.values_list("client_id", "abc"))


def _manager(complaint: Complaint) -> User | None:
    """The manager of the client's seller today (the complaint's seller's when the client
    has none): a client moved to another team escalates to its new manager."""
    seller = complaint.client.seller or complaint.seller
    manager = seller.team.manager if seller and seller.team_id else None
    return manager if manager is not None and manager.is_active else None


def _sees(person: User | None, complaint: Complaint) -> bool:
    """Only someone who sees the client is e-mailed about it (the same gate as the pages)."""
    return (
        person is not None
        and person.is_active
        and bool(person.email)
        and clients_visible_to(person).filter(pk=complaint.client_id).exists()
    )


def escalation_target(complaint: Complaint, abc: str) -> User | None:
    """An A client's breach goes to the director; the others to the seller's manager (the
    director when the team has none)."""
    manager = _manager(complaint)
    if abc == "A" or manager is None:
        return _director() or manager
    return manager


def _told(complaint: Complaint, target: User | None) -> list[User]:
    """Who is e-mailed about a breach: the one it is escalated to, and the manager too
    when it went over their head (an A client's, as the action plan tells the manager)."""
    people = [target, _manager(complaint)]
    unique = {person.pk: person for person in people if _sees(person, complaint)}
    return list(unique.values())


def _link(complaint: Complaint) -> str:
    return settings.BASE_URL + reverse("complaints:detail", args=[complaint.pk])


def _mail(template: str, complaint: Complaint, user: User, clock: sla.Clock):
    context = {"user": user, "complaint": complaint, "clock": clock, "url": _link(complaint)}
    return mail_message(template, context, user.email, user.language)


def do_watch_sla(now: dt.datetime | None = None) -> Watch:
    """Warn and escalate every open complaint whose SLA is close to or past its breach."""
    now = now or timezone.now()
    calendar = sla.company_calendar(timezone.localdate(now))
    open_ = list(
        Complaint.objects.exclude(status=Status.RESOLVED)
        .filter(escalated_at__isnull=True)
        .select_related("client__seller__team__manager", "seller__team__manager", "owner")
    )
    classes = abc_classes([c.client_id for c in open_])
    messages, warned, escalated = [], 0, 0
    for complaint in open_:
        clock = sla.clock(complaint, now, calendar)
        if clock.state == "breached":
            target = escalation_target(complaint, classes.get(complaint.client_id, ""))
            _escalate(complaint, target, now)
            escalated += 1
            messages += [_mail("complaints/email/breach.txt", complaint, person, clock)
                         for person in _told(complaint, target)]  # fmt: skip
        elif clock.state == "warning" and complaint.warned_at is None:
            Complaint.objects.filter(pk=complaint.pk).update(warned_at=now)
            warned += 1
            owner = complaint.owner
            if _sees(owner, complaint):
                messages.append(_mail("complaints/email/warning.txt", complaint, owner, clock))
    sent = send_mass_mail(messages) if messages else 0
    return Watch(warned, escalated, sent)


@transaction.atomic
def _escalate(complaint: Complaint, target: User | None, now: dt.datetime) -> None:
    Complaint.objects.filter(pk=complaint.pk).update(escalated_at=now, escalated_to=target)
    complaint.escalated_at, complaint.escalated_to = now, target
    if target is not None:
        Task.objects.get_or_create(
            client=complaint.client,
            plan_key=f"complaint-escalation:{complaint.pk}",
            status=Task.Status.OPEN,
            defaults={
                "assignee_user": target,
                "seller": complaint.seller,
                "title": _("Complaint past its SLA: %(category)s")
                % {"category": complaint.category},
                "due_date": timezone.localdate(now),
                "origin": Task.Origin.ESCALATION,
                "priority": 1000,
                "context": {"complaint": complaint.pk, "severity": complaint.severity},
            },
        )
    do_record("complaint.escalated", obj=complaint, to=target.pk if target else None)
    emit(COMPLAINT_CHANGED, complaint=complaint, change="breached")
