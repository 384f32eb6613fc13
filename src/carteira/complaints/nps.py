"""The periodic NPS of active clients (issue 19, "encante seus atuais clientes"): one
question — how likely to recommend us, 0 to 10 — by a signed link e-mailed to one
reachable contact of each active client not asked in the last 90 days; a detractor (0-6)
becomes a task with priority for the client's seller.

NPS over a window = % promoters (9-10) − % detractors (0-6) among the answers given in it
(docs/portfolio-rules.md)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from carteira.agenda.models import Task
from carteira.audit.services import do_record
from carteira.clients.models import Client
from carteira.complaints import public
from carteira.complaints.models import ClientSurvey
from carteira.plans.notify import mail_message
from carteira.portfolio.models import ClientSnapshot, Status
from carteira.portfolio.selectors import latest_official_run

EVERY_DAYS = 90
DETRACTOR_MAX, PROMOTER_MIN = 6, 9
TASK_PRIORITY = 1000


class SurveyError(ValueError):
    """A refused answer; the message is for the client (translated)."""


@dataclass(frozen=True)
class Sent:
    asked: int  # clients e-mailed
    unreachable: int  # active clients due a survey without a reachable contact


def due_clients(today: dt.date) -> QuerySet[Client]:
    """Active clients in the latest official reading not asked in the last 90 days."""
    run = latest_official_run(today)
    if run is None:
        return Client.objects.none()
    active = ClientSnapshot.objects.filter(run=run, status=Status.ACTIVE).values("client_id")
    since = timezone.now() - dt.timedelta(days=EVERY_DAYS)
    asked = ClientSurvey.objects.filter(sent_at__gte=since).values("client_id")
    return Client.objects.filter(pk__in=active).exclude(pk__in=asked).select_related("seller")


def do_send_nps(today: dt.date | None = None, *, limit: int | None = None) -> Sent:
    """E-mail the NPS question to the due clients (``limit``: at most that many today)."""
    today = today or timezone.localdate()
    now = timezone.now()
    clients = list(due_clients(today).order_by("pk"))
    asked = unreachable = 0
    messages = []
    with transaction.atomic():
        for client in clients:
            if limit is not None and asked >= limit:
                break
            email = public.reachable_email(client)
            if not email:
                unreachable += 1
                continue
            survey = ClientSurvey.objects.create(
                client=client, seller=client.seller, email=email, sent_at=now
            )
            context = {"client": client, "url": public.nps_url(survey),
                       "days": public.SURVEY_DAYS}  # fmt: skip
            messages.append(
                mail_message("complaints/email/nps.txt", context, email, settings.LANGUAGE_CODE)
            )
            asked += 1
        send_mass_mail(messages)  # a failure sends none and keeps no survey
        do_record("nps.sent", asked=asked, unreachable=unreachable)
    return Sent(asked, unreachable)


@transaction.atomic
def do_answer_nps(survey: ClientSurvey, *, score, comment: str = "", now=None) -> ClientSurvey:
    now = now or timezone.now()
    survey = ClientSurvey.objects.select_for_update().select_related("client").get(pk=survey.pk)
    if survey.answered_at is not None:
        raise SurveyError(_("This survey was already answered. Thank you!"))
    if score not in range(0, 11):
        raise SurveyError(_("Choose a score from 0 to 10."))
    survey.score, survey.comment = score, (comment or "").strip()[:2000]
    survey.answered_at = now
    survey.save(update_fields=["score", "comment", "answered_at"])
    seller_id = survey.client.seller_id
    if score <= DETRACTOR_MAX and seller_id is not None:
        Task.objects.create(
            client=survey.client, seller_id=seller_id,
            title=_("NPS detractor (%(score)d/10): call the client") % {"score": score},
            channel="phone", due_date=timezone.localdate(now), origin=Task.Origin.MANUAL,
            plan_key=f"nps:{survey.pk}", priority=TASK_PRIORITY, script=survey.comment,
            context={"nps_survey": survey.pk, "score": score},
        )  # fmt: skip
    do_record("nps.answered", obj=survey, client=survey.client_id, score=score)
    return survey


def nps_measures(clients: QuerySet[Client], *, start: dt.date, end: dt.date) -> dict:
    """The NPS of the answers given in ``start``..``end`` by ``clients`` (scoped)."""
    scores = list(
        ClientSurvey.objects.filter(
            client__in=clients, answered_at__date__range=(start, end)
        ).values_list("score", flat=True)
    )
    if not scores:
        return {"answers": 0, "promoters_pct": None, "detractors_pct": None, "nps": None}
    promoters = sum(score >= PROMOTER_MIN for score in scores)
    detractors = sum(score <= DETRACTOR_MAX for score in scores)
    return {
        "answers": len(scores),
        "promoters_pct": round(100 * promoters / len(scores), 1),
        "detractors_pct": round(100 * detractors / len(scores), 1),
        "nps": round(100 * (promoters - detractors) / len(scores), 1),
    }


def latest_answer(client: Client) -> ClientSurvey | None:
    return client.surveys.filter(answered_at__isnull=False).order_by("-answered_at").first()
