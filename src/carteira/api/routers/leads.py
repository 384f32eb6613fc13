"""Leads: reached through the leads gate (scoped like clients, by their owner); writes go
through leads.services like the pages' and the import's; the funnel report is the same
selector as the page and ``carteira report funnel``."""

import datetime as dt
import json
from typing import Any

from django.utils import timezone
from ninja import Field, Path, Schema, Status
from ninja.errors import HttpError

from carteira.api.policy import CLIENT_SCOPE, MAX_ID, Router, get_or_404, policy
from carteira.api.query import DEFAULT_PAGE_SIZE, page_of, paginate
from carteira.api.schemas import Input, text
from carteira.clients.access import sellers_visible_to
from carteira.interactions.models import Channel
from carteira.leads.access import leads_visible_to
from carteira.leads.funnel import BY_CHOICES, funnel_for
from carteira.leads.models import Lead, LossReason
from carteira.leads.selectors import LEAD_SORTS, LeadFilter, duplicates_of, lead_list
from carteira.leads.services import (
    LeadError,
    do_create_lead,
    do_move_lead,
    do_record_contact,
    do_update_lead,
    normalised_document,
)
from carteira.leads.stages import check_source, check_stage, funnel_stages
from carteira.organization.models import Seller
from carteira.web.writers import to_json

# Leads follow the clients' scope rule (a seller's own, a manager's teams', all for the
# central team), through leads.access.
router = Router(tags=["leads"])


class LeadOut(Schema):
    id: int
    external_id: str | None
    name: str
    document: str
    segment: str
    size: str
    city: str
    state: str
    latitude: float | None
    longitude: float | None
    contact_name: str
    phone: str
    email: str
    source: str
    referred_by_id: int | None
    event_id: int | None
    stage: str
    stage_since: dt.date | None
    seller_id: int | None
    client_id: int | None
    created_date: dt.date
    next_step: str
    next_step_date: dt.date | None
    next_step_channel: str
    scheduled_date: dt.date | None
    loss_reason: str | None = None
    icp_score: int | None
    icp_factors: list[dict[str, Any]] | None

    @staticmethod
    def resolve_loss_reason(lead) -> str | None:
        return lead.loss_reason.name if lead.loss_reason_id else None


class LeadFields(Input):
    document: str = Field("", max_length=18)
    segment: str = Field("", max_length=80)
    size: str = Field("", max_length=8)
    city: str = Field("", max_length=120)
    state: str = Field("", max_length=2)
    contact_name: str = Field("", max_length=120)
    phone: str = Field("", max_length=40)
    email: str = Field("", max_length=254)
    next_step: str = Field("", max_length=200)
    next_step_date: dt.date | None = None
    seller_id: int | None = Field(None, ge=1, le=MAX_ID)


class LeadCreate(LeadFields):
    name: str = text(200, 1)
    external_id: str | None = Field(None, max_length=64)
    source: str = Field("list", max_length=40, description="a source key or its label")
    stage: str = Field("", max_length=60, description="a stage key or its label (default first)")
    allow_duplicate: bool = Field(False, description="create even if the CNPJ/name+city exists")


class LeadUpdate(Input):
    name: str | None = Field(None, min_length=1, max_length=200)
    document: str | None = Field(None, max_length=18)
    segment: str | None = Field(None, max_length=80)
    city: str | None = Field(None, max_length=120)
    state: str | None = Field(None, max_length=2)
    contact_name: str | None = Field(None, max_length=120)
    phone: str | None = Field(None, max_length=40)
    email: str | None = Field(None, max_length=254)
    next_step: str | None = Field(None, max_length=200)
    next_step_date: dt.date | None = None
    next_step_channel: Channel | None = None
    seller_id: int | None = Field(None, ge=1, le=MAX_ID)


class LeadMove(Input):
    stage: str = text(60, 1)
    loss_reason: str = Field("", max_length=120, description="the reason's name, when lost")


class ContactIn(Input):
    channel: Channel
    on: dt.date | None = Field(None, description="default today")
    reached: bool = True
    note: str = Field("", max_length=2000)
    move_to: str = Field("", max_length=60, description="a stage key or label, to move on")
    loss_reason: str = Field("", max_length=120, description="when move_to is a lost stage")
    next_step: str = Field("", max_length=200, description="empty: the stage's cadence")
    next_step_date: dt.date | None = None
    next_step_channel: Channel | None = None


class ContactOut(Schema):
    id: int
    lead_id: int
    on: dt.date
    channel: str
    reached: bool
    note: str


def _seller(user, seller_id: int | None) -> Seller | None:
    """The owner asked for, if the caller may give leads to them (422 otherwise); a seller
    without one asked for owns the lead."""
    if seller_id is None:
        return Seller.objects.filter(user=user).first()
    seller = sellers_visible_to(user).filter(pk=seller_id).first()
    if seller is None:
        raise HttpError(422, "seller_id: not a seller you may give leads to.")
    return seller


@router.get("", response=page_of(LeadOut), openapi_extra=policy(CLIENT_SCOPE))
def list_leads(
    request,
    search: str = "",
    stage: str = "",
    source: str = "",
    seller: int | None = None,
    sort: str = "icp",
    page: int = 1,
    page_size: int = DEFAULT_PAGE_SIZE,
):
    """The caller's leads, the best ICP score first by default (sorts: LEAD_SORTS)."""
    where = LeadFilter(search=search, stage=stage, source=source,
                       seller_id=seller if seller and 0 < seller <= MAX_ID else None)  # fmt: skip
    sort = sort if sort in LEAD_SORTS else "icp"
    leads = lead_list(user=request.user, where=where, sort=sort).select_related("loss_reason")
    return paginate(leads, page, page_size)


@router.get("/funnel", openapi_extra=policy(CLIENT_SCOPE))
def funnel(request, start: dt.date | None = None, end: dt.date | None = None, by: str = ""):
    """The funnel of the caller's leads (``start``..``end``, default the current month):
    ``leads``, ``stages`` [{stage, entered, now, conversion, days}], won, lost by reason,
    CAC by channel and seller, LTV/CAC — the page's and ``carteira report funnel``'s."""
    if by and by not in BY_CHOICES:
        raise HttpError(422, f"by: one of {', '.join(BY_CHOICES)}.")
    end = end or timezone.localdate()
    start = start or end.replace(day=1)
    if end < start:
        raise HttpError(422, "end: before start.")
    report = funnel_for(request.user, start=start, end=end, by=by or None)
    return json.loads(to_json(report))  # money as JSON numbers, like the other reports


@router.get("/{int:lead_id}", response=LeadOut, openapi_extra=policy(CLIENT_SCOPE))
def get_lead(request, lead_id: int = Path(..., ge=1, le=MAX_ID)):
    return get_or_404(leads_visible_to(request.user).select_related("loss_reason"), lead_id)


@router.post("", response={201: LeadOut}, openapi_extra=policy(CLIENT_SCOPE))
def create_lead(request, payload: LeadCreate):
    """A new lead (409 with the duplicates' codes when the CNPJ/CPF or name + city is
    already a client's or a lead's, unless ``allow_duplicate``)."""
    data = payload.dict()
    try:
        source = check_source(data.pop("source"))
        given = data.pop("stage")  # popped whatever it holds: Lead(**data) must not see it
        stage = check_stage(given) if given else funnel_stages()[0].key
        document = normalised_document(data.pop("document"))
    except ValueError as error:
        raise HttpError(422, str(error)) from None
    allow = data.pop("allow_duplicate")
    seller = _seller(request.user, data.pop("seller_id"))
    lead = Lead(**data, document=document, source=source, stage=stage, seller=seller)
    if not allow:
        found = duplicates_of(user=request.user, name=lead.name, city=lead.city,
                              document=document)  # fmt: skip
        if found:
            codes = ", ".join(f"{d.kind} {d.code}" for d in found)
            raise HttpError(409, f"Possible duplicate of {codes}; send allow_duplicate.")
    try:
        lead.full_clean(exclude=["created_date", "icp_factors"], validate_unique=True)
    except Exception as error:
        raise HttpError(422, str(error)) from None
    return Status(201, do_create_lead(lead, by=request.user, via="api"))


@router.patch("/{int:lead_id}", response=LeadOut, openapi_extra=policy(CLIENT_SCOPE))
def update_lead(request, payload: LeadUpdate, lead_id: int = Path(..., ge=1, le=MAX_ID)):
    lead = get_or_404(leads_visible_to(request.user), lead_id)
    changes = payload.dict(exclude_unset=True)
    if "seller_id" in changes:
        lead.seller = _seller(request.user, changes.pop("seller_id"))
        changes["seller"] = lead.seller
    for field, value in changes.items():
        if value is None and field != "next_step_date":
            raise HttpError(422, f"{field}: may not be null.")
        setattr(lead, field, value)
    try:
        return do_update_lead(lead, list(changes), by=request.user)
    except LeadError as error:
        raise HttpError(422, str(error)) from None


@router.post("/{int:lead_id}/move", response=LeadOut, openapi_extra=policy(CLIENT_SCOPE))
def move_lead(request, payload: LeadMove, lead_id: int = Path(..., ge=1, le=MAX_ID)):
    """Move the lead to a stage (key or label); a lost stage needs a ``loss_reason`` from
    the managed list."""
    lead = get_or_404(leads_visible_to(request.user), lead_id)
    reason = None
    if payload.loss_reason:
        reason = LossReason.objects.filter(name__iexact=payload.loss_reason).first()
        if reason is None:
            raise HttpError(422, "loss_reason: not in the list of loss reasons.")
    try:
        do_move_lead(lead, check_stage(payload.stage), by=request.user, loss_reason=reason)
    except ValueError as error:
        raise HttpError(422, str(error)) from None
    return lead


def _loss_reason(name: str) -> LossReason | None:
    if not name:
        return None
    reason = LossReason.objects.filter(name__iexact=name).first()
    if reason is None:
        raise HttpError(422, "loss_reason: not in the list of loss reasons.")
    return reason


@router.post(
    "/{int:lead_id}/contacts", response={201: ContactOut}, openapi_extra=policy(CLIENT_SCOPE)
)
def record_contact(request, payload: ContactIn, lead_id: int = Path(..., ge=1, le=MAX_ID)):
    """A contact made with the lead (kept in its history); ``move_to`` moves it on; its
    next step is the one given or the stage's cadence, planned in the owner's agenda."""
    lead = get_or_404(leads_visible_to(request.user), lead_id)
    try:
        stage = check_stage(payload.move_to) if payload.move_to else ""
        contact = do_record_contact(
            lead, by=request.user, channel=payload.channel, on=payload.on,
            reached=payload.reached, note=payload.note, move_to=stage,
            loss_reason=_loss_reason(payload.loss_reason), next_step=payload.next_step,
            next_step_date=payload.next_step_date,
            next_step_channel=payload.next_step_channel or "",
        )  # fmt: skip
    except ValueError as error:
        raise HttpError(422, str(error)) from None
    return Status(201, contact)
