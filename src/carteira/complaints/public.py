"""What the client reaches without a login, by a signed link (the link is the credential,
signed with the workspace's SECRET_KEY and a salt per purpose):

- the **web form** of a client (``form_url``): the client writes a complaint, with its
  orders and files; the seller hands the link out (the client page shows it);
- the **satisfaction survey** of a closed complaint (``survey_url``), e-mailed on closing
  to whoever reported it (or the client's first reachable contact), valid 30 days,
  answered once."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from carteira.clients.models import Client
from carteira.complaints.models import ClientSurvey, Complaint
from carteira.plans.notify import mail_message

FORM_SALT = "carteira.complaints.form"
SURVEY_SALT = "carteira.complaints.survey"
SURVEY_DAYS = 30


def form_token(client: Client) -> str:
    """The same link for a client every time (no timestamp): it is handed out once and
    printed on invoices."""
    return signing.Signer(salt=FORM_SALT).sign(str(client.pk))


def form_url(client: Client) -> str:
    return settings.BASE_URL + reverse("complaints:public_form", args=[form_token(client)])


def client_of_form(token: str) -> Client | None:
    try:
        client_id = int(signing.Signer(salt=FORM_SALT).unsign(token))
    except (signing.BadSignature, ValueError):
        return None
    return Client.objects.select_related("seller__user").filter(pk=client_id).first()


def survey_url(complaint: Complaint) -> str:
    token = signing.dumps(complaint.pk, salt=SURVEY_SALT, compress=True)
    return settings.BASE_URL + reverse("complaints:survey", args=[token])


def complaint_of_survey(token: str) -> Complaint | None:
    """The closed complaint the link names, while the link is valid."""
    try:
        complaint_id = signing.loads(token, salt=SURVEY_SALT, max_age=SURVEY_DAYS * 86400)
    except signing.BadSignature:  # SignatureExpired is one
        return None
    found = Complaint.objects.select_related("client").filter(pk=complaint_id).first()
    return found if found is not None and not found.is_open else None


def survey_recipient(complaint: Complaint) -> str:
    """Who reported it, or the client's first contact with an e-mail that is neither
    blocked nor anonymised (LGPD)."""
    return complaint.reporter_email or reachable_email(complaint.client)


def reachable_email(client: Client) -> str:
    """The e-mail of the client's first contact that is neither blocked nor anonymised
    (LGPD); empty when none."""
    contact = (
        client.contacts.exclude(email="")
        .filter(blocked_at__isnull=True, anonymized_at__isnull=True)
        .order_by("pk")
        .first()
    )
    return contact.email if contact else ""


NPS_SALT = "carteira.complaints.nps"


def nps_url(survey) -> str:
    token = signing.dumps(survey.pk, salt=NPS_SALT, compress=True)
    return settings.BASE_URL + reverse("complaints:nps", args=[token])


def survey_of_nps(token: str):
    """The NPS survey the link names, while the link is valid (30 days)."""
    try:
        survey_id = signing.loads(token, salt=NPS_SALT, max_age=SURVEY_DAYS * 86400)
    except signing.BadSignature:
        return None
    return ClientSurvey.objects.select_related("client").filter(pk=survey_id).first()


def do_send_survey(complaint_id: int) -> bool:
    """E-mail the survey of a closed complaint once (after the closing commits)."""
    with transaction.atomic():
        complaint = (
            Complaint.objects.select_for_update()
            .select_related("client")
            .filter(pk=complaint_id, survey_sent_at__isnull=True)
            .first()
        )
        if complaint is None or complaint.is_open:
            return False
        to = survey_recipient(complaint)
        if not to:
            return False
        context = {"complaint": complaint, "url": survey_url(complaint), "days": SURVEY_DAYS}
        subject, body, sender, recipients = mail_message(
            "complaints/email/survey.txt", context, to, settings.LANGUAGE_CODE
        )
        send_mail(subject, body, sender, recipients)  # a failure leaves it unsent
        complaint.survey_sent_at = timezone.now()
        complaint.save(update_fields=["survey_sent_at"])
    return True
