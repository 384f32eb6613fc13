"""Writes on complaints: open, the five steps, reopen. Each is one transaction: a refused
step changes nothing. Web, API, CLI and import all call these."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from carteira.accounts.models import User
from carteira.agenda.models import Task
from carteira.audit.events import COMPLAINT_CHANGED, emit
from carteira.audit.services import do_record
from carteira.clients.access import clients_visible_to
from carteira.complaints import public, sla
from carteira.complaints.attachments import (
    AttachmentRefused,
    check_attachments,
    kept_or_deleted,
    store_attachments,
)
from carteira.complaints.models import Complaint, ComplaintCategory, ComplaintEvent
from carteira.orders.models import Order

# Complaint tasks come before every plan task of the same day in the seller's agenda.
TASK_PRIORITY = 1000
Status = Complaint.Status


class ComplaintError(ValueError):
    """A refused write; the message is for the user (translated)."""


def task_key(complaint: Complaint) -> str:
    return f"complaint:{complaint.pk}"


def check_category(name: str) -> str:
    name = (name or "").strip()
    if not ComplaintCategory.objects.filter(name=name, active=True).exists():
        raise ComplaintError(
            _("Unknown complaint category “%(name)s”: choose one of the list.") % {"name": name}
        )
    return name


def _check_client(by: User, client_id: int):
    client = clients_visible_to(by).select_related("seller__user").filter(pk=client_id).first()
    if client is None:
        raise ComplaintError(
            _("This client is not in your portfolio: you cannot record a complaint for it.")
        )
    return client


def _check_orders(client, order_ids: Iterable[int]) -> list[Order]:
    wanted = set(order_ids)
    orders = list(Order.objects.filter(pk__in=wanted, client=client))
    if len(orders) != len(wanted):
        raise ComplaintError(_("An order given is not one of this client's orders."))
    return orders


def _event(complaint: Complaint, step: str, by: User | None, at: dt.datetime, note="") -> None:
    ComplaintEvent.objects.create(
        complaint=complaint, step=step, status=complaint.status, by=by, at=at, note=note
    )


def do_open_complaint(
    *,
    by: User,
    client_id: int,
    category: str,
    severity: str,
    description: str,
    channel: str = Complaint.Channel.PHONE,
    order_ids: Iterable[int] = (),
    owner: User | None = None,
    attachments: Iterable = (),
    now: dt.datetime | None = None,
) -> Complaint:
    """Record a complaint for a client the user sees, start its SLA clock and put a task
    with priority in the seller's agenda. ``attachments``: uploaded files, all checked
    before anything is written (a refused one refuses the complaint)."""
    files = list(attachments)
    try:
        kinds = check_attachments(files)
    except AttachmentRefused as error:
        raise ComplaintError(str(error)) from None
    with kept_or_deleted():
        complaint = _open(by, client_id, category, severity, description, channel, order_ids,
                          owner, now or timezone.now())  # fmt: skip
        store_attachments(complaint, files, kinds, by=by)
    return complaint


def _open(by, client_id, category, severity, description, channel, order_ids, owner, now):
    return _create(_check_client(by, client_id), by, category, severity, description, channel,
                   order_ids, owner, now)  # fmt: skip


def do_open_from_client(
    client,
    *,
    reporter: str,
    reporter_email: str,
    category: str,
    description: str,
    order_numbers: Iterable[str] = (),
    attachments: Iterable = (),
    channel: str = Complaint.Channel.WEB,
    now: dt.datetime | None = None,
) -> Complaint:
    """A complaint the client sent itself: through its signed web-form link
    (complaints.public) or by e-mail from a known contact (complaints.inbox). The link or
    the contact is the credential, so no user and no scope check; medium severity until
    the team grades it; the client's seller owns it."""
    files = list(attachments)
    reporter = _required(reporter, _("Tell us your name."))
    _check_client_rate(client, channel, now or timezone.now())
    numbers = [n for n in order_numbers if n]
    found = dict(
        Order.objects.filter(client=client, external_id__in=numbers).values_list(
            "external_id", "pk"
        )
    )
    if missing := [n for n in numbers if n not in found]:
        raise ComplaintError(
            _("Not an order of this client: %(numbers)s.") % {"numbers": ", ".join(missing)}
        )
    try:
        kinds = check_attachments(files)
    except AttachmentRefused as error:
        raise ComplaintError(str(error)) from None
    with kept_or_deleted():
        complaint = _create(client, None, category, Complaint.Severity.MEDIUM, description,
                            channel, found.values(), None, now or timezone.now(),
                            reporter=reporter, reporter_email=reporter_email.strip())  # fmt: skip
        store_attachments(complaint, files, kinds, by=None)
    return complaint


DEFAULT_CLIENT_COMPLAINTS_PER_DAY = 10


def _check_client_rate(client, channel: str, now: dt.datetime) -> None:
    """A link or a known e-mail address is a credential anyone holding it can use: at most
    CARTEIRA_CLIENT_COMPLAINTS_PER_DAY complaints a day per client through that door
    (counted in the database, so every app process sees the same count)."""
    limit = int(getattr(settings, "CARTEIRA_CLIENT_COMPLAINTS_PER_DAY",
                        DEFAULT_CLIENT_COMPLAINTS_PER_DAY))  # fmt: skip
    recent = Complaint.objects.filter(
        client=client, channel=channel, opened_at__gt=now - dt.timedelta(days=1)
    ).count()
    if recent >= limit:
        raise ComplaintError(
            _("This link has already received %(count)s complaints today: write again "
              "tomorrow or talk to your seller.") % {"count": recent}
        )  # fmt: skip


def _create(client, by, category, severity, description, channel, order_ids, owner, now,
            **extra):  # fmt: skip
    if severity not in Complaint.Severity.values:
        raise ComplaintError(_("Severity must be low, medium or high."))
    if channel not in Complaint.Channel.values:
        raise ComplaintError(_("Unknown channel."))
    if not description.strip():
        raise ComplaintError(_("Describe the complaint in the client's words."))
    orders = _check_orders(client, order_ids)
    complaint = Complaint(
        client=client,
        seller=client.seller,
        category=check_category(category),
        severity=severity,
        channel=channel,
        description=description.strip(),
        owner=owner or (client.seller.user if client.seller and client.seller.user else by),
        opened_by=by,
        opened_at=now,
        opened_on=timezone.localdate(now),
        **extra,
    )
    sla.set_clock(complaint, sla.company_calendar(complaint.opened_on))
    complaint.save()
    complaint.orders.set(orders)
    _event(complaint, "open", by, now, complaint.description)
    _agenda_task(complaint)
    do_record("complaint.opened", actor=by, obj=complaint, client=client.pk, channel=channel)
    emit(COMPLAINT_CHANGED, complaint=complaint, change="opened")
    return complaint


def _agenda_task(complaint: Complaint) -> None:
    if complaint.seller_id is None:
        return
    Task.objects.create(
        client=complaint.client,
        seller=complaint.seller,
        title=_("Complaint: %(category)s") % {"category": complaint.category},
        channel="phone",
        due_date=timezone.localdate(complaint.first_response_due),
        origin=Task.Origin.MANUAL,
        plan_key=task_key(complaint),
        priority=TASK_PRIORITY,
        script=complaint.description,
        context={"complaint": complaint.pk, "severity": complaint.severity},
    )


def _finish_tasks(complaint: Complaint, now: dt.datetime) -> None:
    Task.objects.filter(
        client=complaint.client,
        status=Task.Status.OPEN,
        plan_key__in=[task_key(complaint), f"complaint-escalation:{complaint.pk}"],
    ).update(status=Task.Status.DONE, completed_at=now)


def _required(value: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ComplaintError(message)
    return value


def _expect(complaint: Complaint, *allowed: str) -> None:
    if complaint.status not in allowed:
        raise ComplaintError(
            _("This step does not follow from the complaint's current status (%(status)s).")
            % {"status": complaint.get_status_display()}
        )


def _acknowledge(complaint, now, *, apology="", promise="", **_ignored):
    _expect(complaint, Status.OPEN)
    complaint.apology = _required(apology, _("Say you are sorry: the apology is required."))
    complaint.promise = _required(promise, _("Say what you promise and by when."))
    complaint.acknowledged_at = now
    complaint.status = Status.ACKNOWLEDGED
    return complaint.promise


def _investigate(complaint, now, *, investigation="", involved="", **_ignored):
    _expect(complaint, Status.ACKNOWLEDGED, Status.INVESTIGATING)
    note = _required(investigation, _("Write what you found in the investigation."))
    complaint.investigation = "\n\n".join(filter(None, [complaint.investigation, note]))
    complaint.involved = (involved or complaint.involved).strip()
    complaint.investigated_at = now
    complaint.status = Status.INVESTIGATING
    return note


def _answer(complaint, now, *, answer="", **_ignored):
    _expect(complaint, Status.INVESTIGATING)
    complaint.answer = _required(answer, _("Write what was offered to the client."))
    complaint.answered_at = now
    complaint.status = Status.ANSWERED
    return complaint.answer


def _confirm(complaint, now, *, satisfied=None, note="", **_ignored):
    _expect(complaint, Status.ANSWERED)
    if satisfied is None:
        raise ComplaintError(_("Record whether the client is satisfied."))
    complaint.client_satisfied = bool(satisfied)
    complaint.confirmed_at = now
    # Not satisfied: back to the investigation, the complaint stays open.
    complaint.status = Status.CONFIRMED if satisfied else Status.INVESTIGATING
    return (note or "").strip()


def _close(complaint, now, *, root_cause="", **_ignored):
    _expect(complaint, Status.CONFIRMED)
    complaint.root_cause = _required(
        root_cause, _("A complaint is closed with its root cause: write it.")
    )
    complaint.closed_at = now
    complaint.closed_on = timezone.localdate(now)
    complaint.status = Status.RESOLVED
    _finish_tasks(complaint, now)
    transaction.on_commit(partial(public.do_send_survey, complaint.pk))
    return complaint.root_cause


def _reopen(complaint, now, *, note="", **_ignored):
    _expect(complaint, Status.RESOLVED)
    complaint.reopened += 1
    complaint.closed_at = None
    complaint.closed_on = None
    complaint.status = Status.INVESTIGATING
    return _required(note, _("Say why the complaint is reopened."))


STEPS = {
    "acknowledge": _acknowledge,
    "investigate": _investigate,
    "answer": _answer,
    "confirm": _confirm,
    "close": _close,
    "reopen": _reopen,
}


@transaction.atomic
def do_step(
    complaint: Complaint, step: str, *, by: User, now: dt.datetime | None = None, **values
) -> Complaint:
    """Take one step of the guided flow; ComplaintError (nothing saved) when refused."""
    if step not in STEPS:
        raise ComplaintError(_("Unknown step."))
    now = now or timezone.now()
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    note = STEPS[step](complaint, now, **values)
    complaint.save()
    _event(complaint, step, by, now, note)
    do_record(f"complaint.{step}", actor=by, obj=complaint, client=complaint.client_id)
    if step == "close":
        emit(COMPLAINT_CHANGED, complaint=complaint, change="closed")
    return complaint


DETRACTOR_SCORE = 2  # a survey answer of 1 or 2 (of 5) makes a task for the seller


@transaction.atomic
def do_answer_survey(complaint: Complaint, *, score, comment: str = "", now=None) -> Complaint:
    """The client's answer to the survey of a closed complaint, once; a detractor (1 or 2)
    becomes a task with priority in the seller's agenda."""
    now = now or timezone.now()
    complaint = Complaint.objects.select_for_update().select_related("client").get(pk=complaint.pk)
    if complaint.surveyed_at is not None:
        raise ComplaintError(_("This survey was already answered. Thank you!"))
    if score not in range(1, 6):
        raise ComplaintError(_("Choose a score from 1 to 5."))
    complaint.survey_score, complaint.survey_comment = score, (comment or "").strip()[:2000]
    complaint.surveyed_at = now
    complaint.save(update_fields=["survey_score", "survey_comment", "surveyed_at"])
    _event(complaint, "survey", None, now, f"{score}/5 {complaint.survey_comment}".strip())
    if score <= DETRACTOR_SCORE and complaint.client.seller_id is not None:
        Task.objects.create(
            client=complaint.client,
            seller_id=complaint.client.seller_id,
            title=_("Unsatisfied after a complaint (%(score)d/5): call the client")
            % {"score": score},
            channel="phone",
            due_date=timezone.localdate(now),
            origin=Task.Origin.MANUAL,
            plan_key=f"complaint-survey:{complaint.pk}",
            priority=TASK_PRIORITY,
            script=complaint.survey_comment,
            context={"complaint": complaint.pk, "survey_score": score},
        )
    do_record("complaint.surveyed", obj=complaint, client=complaint.client_id, score=score)
    return complaint


DEFAULT_CATEGORIES = (
    "Atraso na entrega",
    "Produto avariado",
    "Cobrança indevida",
    "Falta de produto",
    "Atendimento",
)


def do_load_default_categories() -> int:
    """The starting list (as migration 0003 seeds it), each with the default SLA."""
    created = 0
    for name in DEFAULT_CATEGORIES:
        category, new = ComplaintCategory.objects.get_or_create(name=name)
        created += new
        for severity, (first, resolution) in sla.DEFAULT_HOURS.items():
            category.sla.get_or_create(
                severity=severity,
                defaults={"first_response_hours": first, "resolution_hours": resolution},
            )
    return created
