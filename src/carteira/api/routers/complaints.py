"""Complaints of the caller's clients: list, open, take a step of the guided flow, and the
measures in the shape of ``carteira report complaints --format json``. Writes through
complaints.services, reads through the complaints gate."""

import datetime as dt

from django.utils import timezone
from ninja import Field, Path, Schema, Status
from ninja.errors import HttpError

from carteira.api import schemas as s
from carteira.api.policy import CLIENT_SCOPE, MAX_ID, Router, get_or_404, policy
from carteira.api.query import DEFAULT_PAGE_SIZE, page_of, paginate
from carteira.clients.access import clients_visible_to
from carteira.complaints.access import complaints_visible_to
from carteira.complaints.measures import BY_CHOICES, complaint_measures
from carteira.complaints.models import Complaint, ComplaintAttachment
from carteira.complaints.report import default_window
from carteira.complaints.services import STEPS, ComplaintError, do_open_complaint, do_step

router = Router(tags=["complaints"])


class AttachmentOut(Schema):
    """A file's name, type and size (the file itself: the complaint's page, logged in)."""

    name: str
    content_type: str
    size: int


class ComplaintOut(Schema):
    id: int
    client_id: int
    seller_id: int | None
    category: str
    severity: str
    channel: str
    status: str
    description: str
    opened_at: dt.datetime | None
    acknowledged_at: dt.datetime | None
    investigated_at: dt.datetime | None
    answered_at: dt.datetime | None
    confirmed_at: dt.datetime | None
    closed_at: dt.datetime | None
    client_satisfied: bool | None
    root_cause: str
    reopened: int
    first_response_due: dt.datetime | None
    resolution_due: dt.datetime | None
    escalated_at: dt.datetime | None
    order_ids: list[int]
    reporter: str
    survey_score: int | None
    attachments: list[AttachmentOut]

    @staticmethod
    def resolve_order_ids(obj: Complaint) -> list[int]:
        return [order.pk for order in obj.orders.all()]

    @staticmethod
    def resolve_attachments(obj: Complaint) -> list[ComplaintAttachment]:
        return list(obj.attachments.all())


class ComplaintIn(s.Input):
    client_id: int = Field(..., ge=1, le=MAX_ID)
    category: str = s.text(80, 1)
    severity: str = Field("medium", pattern="^(low|medium|high)$")
    channel: str = Field("api", max_length=10)
    description: str = s.text(5000, 1)
    order_ids: list[int] = Field(default_factory=list, max_length=50)


class StepIn(s.Input):
    step: str = s.text(16, 1)
    apology: str = Field("", max_length=5000)
    promise: str = Field("", max_length=5000)
    investigation: str = Field("", max_length=5000)
    involved: str = Field("", max_length=200)
    answer: str = Field("", max_length=5000)
    satisfied: bool | None = None
    note: str = Field("", max_length=5000)
    root_cause: str = Field("", max_length=5000)


@router.get("", response=page_of(ComplaintOut), openapi_extra=policy(CLIENT_SCOPE))
def list_complaints(
    request,
    status: str = "",
    open: bool | None = None,
    client: int | None = None,
    page: int = 1,
    page_size: int = DEFAULT_PAGE_SIZE,
):
    """The caller's clients' complaints, newest first; ``open=true`` for those not closed."""
    rows = complaints_visible_to(request.user).prefetch_related("orders", "attachments")
    if status:
        if status not in Complaint.Status.values:
            raise HttpError(400, f"Unknown status '{status}'.")
        rows = rows.filter(status=status)
    if open is not None:
        closed = rows.filter(status=Complaint.Status.RESOLVED)
        rows = rows.exclude(pk__in=closed.values("pk")) if open else closed
    if client is not None:
        rows = rows.filter(client_id=client if 0 < client <= MAX_ID else None)
    return paginate(rows.order_by("-opened_on", "-pk"), page, page_size)


@router.post("", response={201: ComplaintOut}, openapi_extra=policy(CLIENT_SCOPE))
def create_complaint(request, payload: ComplaintIn):
    """Open a complaint for one of the caller's clients (404 for any other client)."""
    get_or_404(clients_visible_to(request.user), payload.client_id)
    try:
        complaint = do_open_complaint(by=request.user, **payload.dict())
    except ComplaintError as error:
        raise HttpError(400, str(error)) from None
    return Status(201, complaint)


@router.post("/{int:complaint_id}/steps", response=ComplaintOut,
             openapi_extra=policy(CLIENT_SCOPE))  # fmt: skip
def take_step(request, payload: StepIn, complaint_id: int = Path(..., ge=1, le=MAX_ID)):
    """One step of the guided flow: acknowledge, investigate, answer, confirm, close or
    reopen, with that step's fields; 400 with the reason when refused (nothing changes)."""
    complaint = get_or_404(complaints_visible_to(request.user), complaint_id)
    if payload.step not in STEPS:
        raise HttpError(400, f"Unknown step. Allowed: {', '.join(STEPS)}.")
    values = payload.dict(exclude={"step"})
    try:
        return do_step(complaint, payload.step, by=request.user, **values)
    except ComplaintError as error:
        raise HttpError(400, str(error)) from None


@router.get("/measures", response=dict, openapi_extra=policy(CLIENT_SCOPE))
def get_measures(
    request, date_from: dt.date | None = None, date_to: dt.date | None = None, by: str = ""
):
    """The measures of the caller's complaints over a window (default: this month)."""
    if by and by not in BY_CHOICES:
        raise HttpError(400, f"Unknown by '{by}'. Allowed: {', '.join(BY_CHOICES)}.")
    start, end = default_window(timezone.localdate(), date_from, date_to)
    if start > end:
        raise HttpError(400, "date_from must be on or before date_to.")
    return complaint_measures(
        complaints_visible_to(request.user),
        clients_visible_to(request.user),
        start=start,
        end=end,
        by=by or None,
    )
