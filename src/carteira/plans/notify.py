"""E-mails of the action plan: escalations, the sellers' daily digest, batch reminders.

Each goes through Django's mail API (the MAILERS setting), one connection per send, in
the recipient's language."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.core.mail import send_mass_mail
from django.template import Context
from django.template.loader import get_template
from django.urls import reverse
from django.utils import translation

from carteira.accounts.models import User
from carteira.agenda.models import Task, TaskBatch
from carteira.agenda.priority import by_importance
from carteira.agenda.scheduling import do_schedule
from carteira.organization.models import Seller


def mail_message(template: str, context: dict, to: str, language: str):
    """A plain-text e-mail from ``template``: its first line is the subject, the rest the body."""
    with translation.override(language):
        subject, _sep, body = render_plain_text(template, context).strip().partition("\n")
    return one_line(subject), body.strip() + "\n", settings.DEFAULT_FROM_EMAIL, [to]


def render_plain_text(template: str, context: dict) -> str:
    """Render without HTML escaping: a text e-mail shows "Ramos & Alves", not "&amp;"."""
    return get_template(template).template.render(Context(context, autoescape=False))


def one_line(text: str) -> str:
    """A header value: any run of whitespace or control characters (CR, LF, tab…) becomes
    one space, so a title typed with a line break can never raise BadHeaderError."""
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())


def seller_address(seller: Seller) -> str:
    return seller.email or (seller.user.email if seller.user else "")


def seller_language(seller: Seller) -> str:
    return seller.user.language if seller.user else settings.LANGUAGE_CODE


def send_plan_notices(notices: dict[int, list[Task]]) -> int:
    """One e-mail per manager/director about the escalations and notices of a plan run."""
    users = User.objects.filter(pk__in=notices, is_active=True).exclude(email="")
    agenda_url = settings.BASE_URL + reverse("agenda:mine")
    messages = [
        mail_message(
            "plans/email/escalation.txt",
            {
                "user": user,
                "tasks": sorted(notices[user.pk], key=lambda t: t.due_date),
                "agenda_url": agenda_url,
            },
            user.email,
            user.language,
        )
        for user in users
    ]
    return send_mass_mail(messages) if messages else 0


def send_digests(day: dt.date) -> int:
    """Each seller's agenda for ``day`` as planned (agenda.scheduling: yesterday's undone
    tasks are re-planned first), to that seller only."""
    do_schedule(today=day)
    tasks = Task.objects.filter(
        status=Task.Status.OPEN, assignee_user=None, seller__isnull=False, scheduled_date=day
    ).select_related("client", "seller__user")
    by_seller: dict[int, list[Task]] = defaultdict(list)
    for task in by_importance(tasks, day):  # the agenda's one order
        by_seller[task.seller_id].append(task)
    agenda_url = settings.BASE_URL + reverse("agenda:mine")
    messages = []
    for items in by_seller.values():
        seller = items[0].seller
        if address := seller_address(seller):
            context = {"seller": seller, "tasks": items, "day": day, "agenda_url": agenda_url}
            messages.append(
                mail_message("plans/email/digest.txt", context, address, seller_language(seller))
            )
    return send_mass_mail(messages) if messages else 0


def send_batch_reminders(batch: TaskBatch, day: dt.date) -> int:
    """A reminder to each seller with overdue open tasks in ``batch``."""
    overdue = batch.tasks.filter(status=Task.Status.OPEN, due_date__lt=day).select_related(
        "client", "seller__user"
    )
    by_seller: dict[int, list[Task]] = defaultdict(list)
    for task in by_importance(overdue, day):  # the agenda's one order
        if task.seller_id:
            by_seller[task.seller_id].append(task)
    messages = []
    for items in by_seller.values():
        seller = items[0].seller
        if address := seller_address(seller):
            context = {
                "seller": seller,
                "tasks": items,
                "batch": batch,
                "agenda_url": settings.BASE_URL + reverse("agenda:mine"),
            }
            messages.append(
                mail_message("plans/email/reminder.txt", context, address, seller_language(seller))
            )
    return send_mass_mail(messages) if messages else 0
