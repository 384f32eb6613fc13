"""Clients and their contacts, always reached through the permission gate."""

from django.core.exceptions import ValidationError as ModelValidationError
from django.db import transaction
from django.db.models import Q
from ninja import Path, Router, Status
from ninja.errors import HttpError

from carteira.accounts.models import Role
from carteira.api import schemas as s
from carteira.api.policy import CLIENT_SCOPE, MAX_ID, get_or_404, policy
from carteira.api.query import DEFAULT_PAGE_SIZE, ordering, page_of, paginate
from carteira.audit.services import do_record
from carteira.clients.access import clients_visible_to
from carteira.clients.models import Client, Contact
from carteira.clients.services import do_assign_client
from carteira.organization.models import Seller

router = Router(tags=["clients"])
contacts = Router(tags=["contacts"])

CLIENT_SORTS = {
    "name": ("name", "pk"),
    "-name": ("-name", "-pk"),
    "external_id": ("external_id",),
    "-external_id": ("-external_id",),
    "updated_at": ("updated_at", "pk"),
    "-updated_at": ("-updated_at", "-pk"),
}


def check_model(instance, *, exclude: list[str] | None = None) -> None:
    """Django's own validation (lengths, CNPJ/CPF, uniqueness) as a 422."""
    try:
        instance.full_clean(exclude=exclude)
    except ModelValidationError as error:
        messages = "; ".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items())
        raise HttpError(422, messages) from None


@router.get("", response=page_of(s.ClientOut), openapi_extra=policy(CLIENT_SCOPE))
def list_clients(
    request,
    search: str = "",
    segment: str = "",
    state: str = "",
    seller: int | None = None,
    sort: str = "name",
    page: int = 1,
    page_size: int = DEFAULT_PAGE_SIZE,
):
    """The caller's clients. ``seller`` narrows within the caller's scope, never widens it."""
    clients = clients_visible_to(request.user)
    if search:
        clients = clients.filter(
            Q(name__icontains=search) | Q(trade_name__icontains=search) | Q(external_id=search)
        )
    if segment:
        clients = clients.filter(segment=segment)
    if state:
        clients = clients.filter(state=state)
    if seller is not None:
        clients = clients.filter(seller_id=seller if 0 < seller <= MAX_ID else None)
    return paginate(clients.order_by(*ordering(sort, CLIENT_SORTS)), page, page_size)


@router.get("/{int:client_id}", response=s.ClientOut, openapi_extra=policy(CLIENT_SCOPE))
def get_client(request, client_id: int = Path(..., ge=1, le=MAX_ID)):
    return get_or_404(clients_visible_to(request.user), client_id)


@router.post("", response={201: s.ClientOut}, openapi_extra=policy(CLIENT_SCOPE))
def create_client(request, payload: s.ClientCreate):
    """A seller's new client is theirs; company-wide users create it unassigned.
    Managers assign through ``/assignments`` after creating as company-wide users do."""
    user = request.user
    seller = Seller.objects.filter(user=user).first() if user.role == Role.SELLER else None
    if user.role == Role.SELLER and seller is None:
        raise HttpError(403, "This login is not linked to a seller.")
    if not user.sees_whole_portfolio and user.role != Role.SELLER:
        raise HttpError(403, "Only sellers and the portfolio team create clients.")
    client = Client(**payload.dict())
    client.document = "".join(ch for ch in client.document if ch.isalnum()).upper()
    check_model(client, exclude=["seller"])
    with transaction.atomic():
        client.save()
        if seller is not None:
            do_assign_client(client, seller, start=None, by=user, reason="created via API")
            client.refresh_from_db()
        do_record("client.created", actor=user, obj=client, via="api")
    return Status(201, client)


@router.patch("/{int:client_id}", response=s.ClientOut, openapi_extra=policy(CLIENT_SCOPE))
def update_client(request, payload: s.ClientUpdate, client_id: int = Path(..., ge=1, le=MAX_ID)):
    client = get_or_404(clients_visible_to(request.user), client_id)
    changes = payload.dict(exclude_unset=True)
    if "document" in changes and changes["document"] is not None:
        changes["document"] = "".join(ch for ch in changes["document"] if ch.isalnum()).upper()
    for field, value in changes.items():
        if value is None and field not in {"created_date", "potential"}:
            raise HttpError(422, f"{field}: may not be null.")
        setattr(client, field, value)
    check_model(client)
    if changes:
        client.version += 1
        client.save(update_fields=[*changes, "version", "updated_at"])
        do_record("client.updated", actor=request.user, obj=client, fields=sorted(changes))
    return client


def visible_contacts(user):
    return Contact.objects.filter(
        client__in=clients_visible_to(user), anonymized_at__isnull=True, blocked_at__isnull=True
    ).order_by("name", "pk")


@contacts.get("", response=page_of(s.ContactOut), openapi_extra=policy(CLIENT_SCOPE))
def list_contacts(
    request, client: int | None = None, page: int = 1, page_size: int = DEFAULT_PAGE_SIZE
):
    rows = visible_contacts(request.user)
    if client is not None:
        rows = rows.filter(client_id=client if 0 < client <= MAX_ID else None)
    return paginate(rows, page, page_size)


@contacts.get("/{int:contact_id}", response=s.ContactOut, openapi_extra=policy(CLIENT_SCOPE))
def get_contact(request, contact_id: int = Path(..., ge=1, le=MAX_ID)):
    return get_or_404(visible_contacts(request.user), contact_id)


@contacts.post("", response={201: s.ContactOut}, openapi_extra=policy(CLIENT_SCOPE))
def create_contact(request, payload: s.ContactCreate):
    client = get_or_404(clients_visible_to(request.user), payload.client_id)
    contact = Contact(**{**payload.dict(), "client_id": client.pk})
    check_model(contact)
    contact.save()
    do_record("contact.created", actor=request.user, obj=contact, client=client.pk)
    return Status(201, contact)


@contacts.patch("/{int:contact_id}", response=s.ContactOut, openapi_extra=policy(CLIENT_SCOPE))
def update_contact(request, payload: s.ContactUpdate, contact_id: int = Path(..., ge=1, le=MAX_ID)):
    contact = get_or_404(visible_contacts(request.user), contact_id)
    changes = payload.dict(exclude_unset=True)
    for field, value in changes.items():
        if value is None and field != "consent_at":
            raise HttpError(422, f"{field}: may not be null.")
        setattr(contact, field, value)
    check_model(contact)
    if changes:
        contact.save(update_fields=[*changes, "updated_at"])
        do_record("contact.updated", actor=request.user, obj=contact, fields=sorted(changes))
    return contact
