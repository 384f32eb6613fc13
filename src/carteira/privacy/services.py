"""LGPD operations: a contact's access report, correction, anonymisation, blocking,
retention; data subjects' requests received and answered."""

import datetime as dt

from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404
from django.utils import timezone

from carteira.accounts.models import User
from carteira.audit.models import AuditEvent
from carteira.audit.services import do_record
from carteira.clients.access import clients_visible_to
from carteira.clients.models import Client, Contact
from carteira.imports.models import ImportRun
from carteira.interactions.models import Interaction, Photo
from carteira.orders.models import Order
from carteira.organization.models import WorkspaceSettings
from carteira.privacy.locks import exclusive
from carteira.privacy.models import DataSubjectRequest, RetentionRun

ANONYMOUS = "Anonimizado"
CPF_LENGTH = 11  # a client identified by a CPF is a person: their data is personal too
CONTACT_FIELDS = ("name", "role", "email", "phone", "legal_basis", "consent_at", "source")


def contacts_visible_to(user: User) -> QuerySet[Contact]:
    if user.is_authenticated and user.handles_privacy:
        return Contact.objects.all()
    return Contact.objects.filter(client__in=clients_visible_to(user))


def access_contact(user: User, contact_id: int) -> Contact:
    """The contact, if the user may see its client (or handles privacy); 404 otherwise."""
    try:
        return contacts_visible_to(user).select_related("client").get(pk=contact_id)
    except (Contact.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None


def access_contact_for_privacy(user: User, contact_id: int) -> Contact:
    """Anonymising and blocking are the data-protection officer's (or an admin's)."""
    if not (user.is_authenticated and user.handles_privacy):
        raise Http404
    return access_contact(user, contact_id)


def get_access_report(contact: Contact) -> dict:
    """What we hold about the contact, where it came from, where it went (LGPD art. 18, II)."""
    created = contact.created_at
    runs = ImportRun.objects.filter(
        kind="contacts", created_at__lte=created, status="committed"
    ).filter(finished_at__gte=created - dt.timedelta(seconds=1))
    client_exports = AuditEvent.objects.filter(
        action="export", details__kind="clients", at__gte=created
    ).count()
    return {
        "fields": [
            (Contact._meta.get_field(f).verbose_name, getattr(contact, f)) for f in CONTACT_FIELDS
        ],
        "client_is_person": len(contact.client.document) == CPF_LENGTH,
        "import_runs": list(runs),
        "client_exports": client_exports,
        "consents": list(contact.consents.all()),
        "blocked_at": contact.blocked_at,
        "anonymized_at": contact.anonymized_at,
    }


@transaction.atomic
def do_anonymise_contact(contact: Contact, *, actor: User | None, reason: str) -> None:
    """Replace the contact's personal fields; keep the row (and the client's orders). The
    ERP code stays as a tombstone, so re-importing the ERP file does not bring them back."""
    now = timezone.now()
    Contact.objects.filter(pk=contact.pk).update(
        name=ANONYMOUS, role="", email="", phone="", source="",
        anonymized_at=now, updated_at=now,
    )  # fmt: skip
    client = contact.client
    if len(client.document) == CPF_LENGTH:
        do_anonymise_person_client(client)
    do_record("contact.anonymised", actor=actor, obj=contact, reason=reason)
    contact.refresh_from_db()


def do_anonymise_person_client(client: Client) -> None:
    """A CPF client is an individual: their name, document and addresses go too, and the
    photos taken at their contacts (their files once this commits)."""
    Client.objects.filter(pk=client.pk).update(
        name=f"{ANONYMOUS} {client.pk}", trade_name="", document="", phone="", email="",
        postal_code="", latitude=None, longitude=None, updated_at=timezone.now(),
    )  # fmt: skip
    for photo in Photo.objects.filter(interaction__client=client):
        photo.delete()  # one by one: each takes its file along (interactions.photos)


@transaction.atomic
def do_correct_contact(contact: Contact, fields: list[str], *, actor: User) -> Contact:
    """Save the corrected ``fields`` of a (validated) contact: the data subject's right to
    correction."""
    if fields:
        contact.save(update_fields=[*fields, "updated_at"])
        do_record("contact.corrected", actor=actor, obj=contact, fields=sorted(fields))
    return contact


@transaction.atomic
def do_record_request(dsr: DataSubjectRequest, *, actor: User) -> DataSubjectRequest:
    """A data subject's request received (by e-mail, phone, letter), handled by ``actor``."""
    dsr.handled_by = actor
    dsr.save()
    do_record("privacy.request_received", actor=actor, obj=dsr, kind=dsr.kind)
    return dsr


@transaction.atomic
def do_answer_request(request_id: int, status: str, *, actor: User) -> DataSubjectRequest:
    """Close an open request as answered or refused (reasons in its notes); 404 for a
    request that is not open or a status that does not close one."""
    closing = {DataSubjectRequest.Status.DONE, DataSubjectRequest.Status.REFUSED}
    dsr = DataSubjectRequest.objects.select_for_update().filter(pk=request_id, status="open")
    dsr = dsr.first()
    if dsr is None or status not in closing:
        raise Http404
    dsr.status, dsr.answered_at, dsr.handled_by = status, timezone.now(), actor
    dsr.save(update_fields=["status", "answered_at", "handled_by"])
    do_record("privacy.request_answered", actor=actor, obj=dsr, status=status)
    return dsr


def do_block_contact(contact: Contact, *, actor: User, blocked: bool) -> None:
    """Blocked contacts are kept but left out of lists, exports and e-mails."""
    contact.blocked_at = timezone.now() if blocked else None
    contact.save(update_fields=["blocked_at", "updated_at"])
    do_record("contact.blocked" if blocked else "contact.unblocked", actor=actor, obj=contact)


def contacts_due_for_retention(cutoff: dt.datetime) -> QuerySet[Contact]:
    """Not anonymised, untouched since the cutoff, and no order or interaction since."""
    day = cutoff.date()
    recent_orders = Order.objects.filter(client=OuterRef("client"), date__gte=day)
    recent_talks = Interaction.objects.filter(client=OuterRef("client"), date__gte=day)
    return (
        Contact.objects.filter(anonymized_at__isnull=True, updated_at__lt=cutoff)
        .exclude(Exists(recent_orders))
        .exclude(Exists(recent_talks))
    )


def do_apply_retention(now: dt.datetime | None = None) -> RetentionRun | None:
    """Anonymise the contacts kept past the workspace's retention period. Running it again
    finds nothing new to do; every run leaves a ledger row. None if another run holds the lock."""
    with exclusive("retention") as acquired:
        return _apply_retention(now or timezone.now()) if acquired else None


def _apply_retention(now: dt.datetime) -> RetentionRun:
    days = WorkspaceSettings.current().contact_retention_days
    run = RetentionRun.objects.create(cutoff=now - dt.timedelta(days=days))
    count = 0
    for contact in contacts_due_for_retention(run.cutoff).select_related("client").iterator():
        do_anonymise_contact(contact, actor=None, reason="retention")
        count += 1
    run.anonymised = count
    run.finished_at = timezone.now()
    run.save(update_fields=["anonymised", "finished_at"])
    do_record("retention.applied", obj=run, anonymised=count, days=days)
    return run
