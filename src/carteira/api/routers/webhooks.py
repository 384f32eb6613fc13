"""The caller's webhook subscriptions and their delivery log."""

from ninja import Path, Status
from ninja.errors import HttpError

from carteira.api import schemas as s
from carteira.api.models import WebhookDelivery, WebhookSubscription
from carteira.api.policy import MAX_ID, OWNER, Router, get_or_404, policy
from carteira.api.query import DEFAULT_PAGE_SIZE, page_of, paginate
from carteira.api.webhooks import do_subscribe, do_unsubscribe

router = Router(tags=["webhooks"])


def own(user):
    return WebhookSubscription.objects.filter(owner=user)


@router.get("", response=page_of(s.WebhookOut), openapi_extra=policy(OWNER))
def list_webhooks(request, page: int = 1, page_size: int = DEFAULT_PAGE_SIZE):
    return paginate(own(request.user).order_by("pk"), page, page_size)


@router.post("", response={201: s.WebhookCreated}, openapi_extra=policy(OWNER))
def create_webhook(request, payload: s.WebhookCreate):
    """Subscribe ``url`` to ``events``. The signing secret is in this response only."""
    try:
        subscription = do_subscribe(owner=request.user, url=payload.url, events=payload.events)
    except ValueError as error:
        raise HttpError(422, str(error)) from None
    return Status(201, subscription)


@router.delete("/{int:webhook_id}", response={204: None}, openapi_extra=policy(OWNER))
def delete_webhook(request, webhook_id: int = Path(..., ge=1, le=MAX_ID)):
    do_unsubscribe(get_or_404(own(request.user), webhook_id), by=request.user)
    return Status(204, None)


@router.get(
    "/{int:webhook_id}/deliveries", response=page_of(s.DeliveryOut), openapi_extra=policy(OWNER)
)
def list_deliveries(
    request,
    webhook_id: int = Path(..., ge=1, le=MAX_ID),
    status: str = "",
    page: int = 1,
    page_size: int = DEFAULT_PAGE_SIZE,
):
    subscription = get_or_404(own(request.user), webhook_id)
    rows = WebhookDelivery.objects.filter(subscription=subscription).order_by("-pk")
    if status:
        if status not in WebhookDelivery.Status.values:
            raise HttpError(400, f"Unknown status '{status}'.")
        rows = rows.filter(status=status)
    return paginate(rows, page, page_size)
