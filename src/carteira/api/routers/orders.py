"""Orders: read, and bulk upsert for ERP integrations."""

import datetime as dt

from ninja import Path
from ninja.errors import HttpError

from carteira.api import schemas as s
from carteira.api.bulk_orders import do_upsert_orders
from carteira.api.policy import CLIENT_SCOPE, MAX_ID, Router, get_or_404, policy
from carteira.api.query import DEFAULT_PAGE_SIZE, ordering, page_of, paginate
from carteira.clients.access import clients_visible_to
from carteira.orders.models import Order

router = Router(tags=["orders"])

ORDER_SORTS = {
    "date": ("date", "pk"),
    "-date": ("-date", "-pk"),
    "external_id": ("external_id",),
    "-external_id": ("-external_id",),
    "amount": ("amount", "pk"),
    "-amount": ("-amount", "-pk"),
}


class BulkRefused(HttpError):
    def __init__(self, errors):
        super().__init__(422, "Nothing was written: fix the items listed in errors.")
        self.errors = errors


def visible_orders(user):
    return Order.objects.filter(client__in=clients_visible_to(user))


@router.get("", response=page_of(s.OrderOut), openapi_extra=policy(CLIENT_SCOPE))
def list_orders(
    request,
    client: int | None = None,
    status: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    sort: str = "-date",
    page: int = 1,
    page_size: int = DEFAULT_PAGE_SIZE,
):
    rows = visible_orders(request.user)
    if client is not None:
        rows = rows.filter(client_id=client if 0 < client <= MAX_ID else None)
    if status:
        if status not in Order.Status.values:
            raise HttpError(400, f"Unknown status '{status}'.")
        rows = rows.filter(status=status)
    if date_from:
        rows = rows.filter(date__gte=date_from)
    if date_to:
        rows = rows.filter(date__lte=date_to)
    return paginate(rows.order_by(*ordering(sort, ORDER_SORTS)), page, page_size)


@router.get("/{int:order_id}", response=s.OrderOut, openapi_extra=policy(CLIENT_SCOPE))
def get_order(request, order_id: int = Path(..., ge=1, le=MAX_ID)):
    return get_or_404(visible_orders(request.user), order_id)


@router.post(
    "/bulk",
    response={200: s.BulkOrdersOut, 422: s.BulkErrorOut},
    openapi_extra=policy(CLIENT_SCOPE),
)
def bulk_upsert_orders(request, payload: s.BulkOrdersIn):
    """Up to 10,000 orders, idempotent by ``external_id``; any bad item → 422 and nothing
    written. Clients are referenced by their ``external_id`` and must be yours."""
    result = do_upsert_orders(user=request.user, items=payload.orders)
    if result.errors:
        raise BulkRefused([e.__dict__ for e in result.errors])
    return {
        "received": result.received,
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
    }
