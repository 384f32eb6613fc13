"""Clients and their contacts, always reached through the permission gate; writes go
through clients.services like the web pages'."""

from django.core.exceptions import ValidationError as ModelValidationError
from django.db.models import Q
from ninja import Path, Status
from ninja.errors import HttpError

from carteira.accounts.models import Role
from carteira.api import schemas as s
from carteira.api.policy import CLIENT_SCOPE, MAX_ID, Router, get_or_404, policy
from carteira.api.query import DEFAULT_PAGE_SIZE, ordering, page_of, paginate
from carteira.clients.access import clients_visible_to
from carteira.clients.models import Client, Contact
from carteira.clients.services import (
    StaleVersion,
    do_create_client,
    do_create_contact,
    do_edit_client,
    do_update_contact,
)
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


def check_model(instance, *, user, exclude: list[str] | None = None) -> None:
    """Django's own validation (lengths, CNPJ/CPF, uniqueness) as a 422.

    A caller who does not see the whole portfolio never learns that a code or document is
    taken by a client outside their scope: every uniqueness collision, in or out of their
    portfolio, gets the same words as a value refused for any other reason (no "already
    exists"), so the answer confirms nothing about another seller's clients."""
    try:
        instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ModelValidationError as error:
        raise HttpError(422, _joined(error.message_dict)) from None
    errors = _collisions(instance, exclude or [])
    if errors:
        if not user.sees_whole_portfolio:
            errors = {field: [NOT_ACCEPTED] for field in errors}
        raise HttpError(422, _joined(errors))


def _collisions(instance, exclude: list[str]) -> dict[str, list[str]]:
    """Uniqueness and constraint errors by field (a constraint's error under its fields,
    not Django's ``__all__``)."""
    errors: dict[str, list[str]] = {}
    try:
        instance.validate_unique(exclude=exclude)
    except ModelValidationError as error:
        errors.update(error.message_dict)
    model = type(instance)
    for constraint in model._meta.constraints:
        try:
            constraint.validate(model, instance, exclude=exclude)
        except ModelValidationError as error:
            for field in getattr(constraint, "fields", None) or ["__all__"]:
                errors.setdefault(field, []).extend(error.messages)
    return errors


NOT_ACCEPTED = "This value is not accepted."


def _joined(errors: dict[str, list[str]]) -> str:
    return "; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items())


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
    check_model(client, user=user, exclude=["seller"])
    return Status(201, do_create_client(client, seller=seller, by=user, via="api"))


@router.patch(
    "/{int:client_id}",
    response={200: s.ClientOut, 409: s.EditConflict},
    openapi_extra=policy(CLIENT_SCOPE),
)
def update_client(request, payload: s.ClientUpdate, client_id: int = Path(..., ge=1, le=MAX_ID)):
    """Change some fields. ``version`` is the one you read (GET): if someone changed the
    client since, nothing is written and the answer is 409 with the current version."""
    client = get_or_404(clients_visible_to(request.user), client_id)
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version")
    if "document" in changes and changes["document"] is not None:
        changes["document"] = "".join(ch for ch in changes["document"] if ch.isalnum()).upper()
    for field, value in changes.items():
        if value is None and field not in {"created_date", "potential"}:
            raise HttpError(422, f"{field}: may not be null.")
        setattr(client, field, value)
    check_model(client, user=request.user)
    try:
        return do_edit_client(client, changes, version=version, by=request.user, via="api")
    except StaleVersion as stale:
        return Status(409, conflict(stale))


def conflict(stale: StaleVersion) -> dict:
    current = stale.current
    return {
        "detail": (
            f"Client {current.pk} was changed by someone else since version {stale.based_on}: "
            f"it is now at version {current.version}. Nothing was written; read it again "
            "(GET), reapply your change and send the new version."
        ),
        "version": current.version,
    }


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
    check_model(contact, user=request.user)
    return Status(201, do_create_contact(contact, by=request.user))


@contacts.patch("/{int:contact_id}", response=s.ContactOut, openapi_extra=policy(CLIENT_SCOPE))
def update_contact(request, payload: s.ContactUpdate, contact_id: int = Path(..., ge=1, le=MAX_ID)):
    contact = get_or_404(visible_contacts(request.user), contact_id)
    changes = payload.dict(exclude_unset=True)
    for field, value in changes.items():
        if value is None and field != "consent_at":
            raise HttpError(422, f"{field}: may not be null.")
        setattr(contact, field, value)
    check_model(contact, user=request.user)
    return do_update_contact(contact, list(changes), by=request.user)
