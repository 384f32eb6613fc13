"""Sellers (read) and assignments: read, and reassignment through do_assign_client."""

from ninja import Path, Status

from carteira.accounts.capabilities import MANAGEMENT
from carteira.api import schemas as s
from carteira.api.policy import CLIENT_SCOPE, MAX_ID, SELLER_SCOPE, Router, get_or_404, policy
from carteira.api.query import DEFAULT_PAGE_SIZE, page_of, paginate
from carteira.clients.access import clients_visible_to, sellers_visible_to
from carteira.clients.models import Assignment
from carteira.clients.services import do_assign_client

sellers = Router(tags=["sellers"])
assignments = Router(tags=["assignments"])


@sellers.get("", response=page_of(s.SellerOut), openapi_extra=policy(SELLER_SCOPE))
def list_sellers(
    request, active: bool | None = None, page: int = 1, page_size: int = DEFAULT_PAGE_SIZE
):
    rows = sellers_visible_to(request.user).order_by("name", "pk")
    if active is not None:
        rows = rows.filter(active=active)
    return paginate(rows, page, page_size)


@sellers.get("/{int:seller_id}", response=s.SellerOut, openapi_extra=policy(SELLER_SCOPE))
def get_seller(request, seller_id: int = Path(..., ge=1, le=MAX_ID)):
    return get_or_404(sellers_visible_to(request.user), seller_id)


def visible_assignments(user):
    return Assignment.objects.filter(client__in=clients_visible_to(user))


@assignments.get("", response=page_of(s.AssignmentOut), openapi_extra=policy(CLIENT_SCOPE))
def list_assignments(
    request,
    client: int | None = None,
    open: bool | None = None,
    page: int = 1,
    page_size: int = DEFAULT_PAGE_SIZE,
):
    """Assignment history of the caller's clients (a seller sees only the history of the
    clients they hold now)."""
    rows = visible_assignments(request.user).order_by("client_id", "pk")
    if client is not None:
        rows = rows.filter(client_id=client if 0 < client <= MAX_ID else None)
    if open is not None:
        rows = rows.filter(end_date__isnull=open)
    return paginate(rows, page, page_size)


@assignments.get(
    "/{int:assignment_id}", response=s.AssignmentOut, openapi_extra=policy(CLIENT_SCOPE)
)
def get_assignment(request, assignment_id: int = Path(..., ge=1, le=MAX_ID)):
    return get_or_404(visible_assignments(request.user), assignment_id)


@assignments.post("", response={201: s.AssignmentOut}, openapi_extra=policy(MANAGEMENT))
def reassign_client(request, payload: s.ReassignIn):
    """Give a client to another seller (managers and the central team). Both must be in
    the caller's scope."""
    client = get_or_404(clients_visible_to(request.user), payload.client_id)
    seller = get_or_404(sellers_visible_to(request.user), payload.seller_id)
    assignment = do_assign_client(
        client, seller, start=payload.start, reason=payload.reason, by=request.user
    )
    return Status(201, assignment)
