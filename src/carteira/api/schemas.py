"""What goes in and out of the API. Input schemas list the writable fields only and
forbid anything else (mass assignment is a 422, never a silent write)."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import ConfigDict, PlainSerializer, field_validator

# Money leaves as a JSON number (exact for amounts below 2**53 cents). In Python mode too:
# django-ninja dumps the response model in Python mode and its encoder writes a Decimal as
# text, so "json-unless-none" left every Money field of an answer a string.
Money = Annotated[Decimal, PlainSerializer(float, return_type=float, when_used="unless-none")]
MoneyIn = Annotated[Decimal, Field(max_digits=14, decimal_places=2)]


class Input(Schema):
    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="before")
    @classmethod
    def _no_nul(cls, value):
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("NUL characters are not allowed")
        return value


def text(max_length: int, min_length: int = 0):
    return Field(default=..., max_length=max_length, min_length=min_length)


# ---- clients -------------------------------------------------------------------------
class ClientOut(Schema):
    id: int
    external_id: str
    name: str
    trade_name: str
    document: str
    segment: str
    city: str
    state: str
    postal_code: str
    phone: str
    email: str
    created_date: dt.date | None
    potential: Money | None
    is_key_account: bool
    seller_id: int | None
    version: int
    updated_at: dt.datetime


class ClientFields(Input):
    trade_name: str = Field("", max_length=200)
    document: str = Field("", max_length=18)
    segment: str = Field("", max_length=80)
    city: str = Field("", max_length=120)
    state: str = Field("", max_length=2)
    postal_code: str = Field("", max_length=9)
    phone: str = Field("", max_length=40)
    email: str = Field("", max_length=254)
    created_date: dt.date | None = None
    potential: MoneyIn | None = None
    is_key_account: bool = False


class ClientCreate(ClientFields):
    external_id: str = text(64, 1)
    name: str = text(200, 1)


class ClientUpdate(Input):
    version: int = Field(
        ..., ge=1, le=2**31, description="The version you read (GET); 409 if it changed since."
    )
    name: str | None = Field(None, min_length=1, max_length=200)
    trade_name: str | None = Field(None, max_length=200)
    document: str | None = Field(None, max_length=18)
    segment: str | None = Field(None, max_length=80)
    city: str | None = Field(None, max_length=120)
    state: str | None = Field(None, max_length=2)
    postal_code: str | None = Field(None, max_length=9)
    phone: str | None = Field(None, max_length=40)
    email: str | None = Field(None, max_length=254)
    created_date: dt.date | None = None
    potential: MoneyIn | None = None
    is_key_account: bool | None = None


class EditConflict(Schema):
    detail: str
    version: int  # the client's current version


# ---- contacts ------------------------------------------------------------------------
LegalBasis = Literal["contract", "legitimate_interest", "consent"]


class ContactOut(Schema):
    id: int
    client_id: int
    external_id: str | None
    name: str
    role: str
    email: str
    phone: str
    legal_basis: str
    consent_at: dt.datetime | None
    source: str
    created_at: dt.datetime


class ContactCreate(Input):
    client_id: int
    name: str = text(200, 1)
    role: str = Field("", max_length=120)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=40)
    legal_basis: LegalBasis = "legitimate_interest"
    consent_at: dt.datetime | None = None
    source: str = Field("", max_length=120)


class ContactUpdate(Input):
    name: str | None = Field(None, min_length=1, max_length=200)
    role: str | None = Field(None, max_length=120)
    email: str | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=40)
    legal_basis: LegalBasis | None = None
    consent_at: dt.datetime | None = None
    source: str | None = Field(None, max_length=120)


# ---- sellers and assignments ---------------------------------------------------------
class SellerOut(Schema):
    id: int
    external_id: str
    name: str
    email: str
    team_id: int | None
    active: bool


class AssignmentOut(Schema):
    id: int
    client_id: int
    seller_id: int
    start_date: dt.date | None
    end_date: dt.date | None
    reason: str
    created_at: dt.datetime


class ReassignIn(Input):
    client_id: int
    seller_id: int
    start: dt.date | None = None
    reason: str = Field("", max_length=200)


# ---- orders --------------------------------------------------------------------------
class OrderOut(Schema):
    id: int
    external_id: str
    client_id: int
    seller_id: int | None
    date: dt.date
    amount: Money
    margin: Money | None
    status: str


class OrderIn(Input):
    external_id: str = text(64, 1)
    client_external_id: str = text(64, 1)
    date: dt.date
    amount: MoneyIn
    margin: MoneyIn | None = None
    status: Literal["valid", "cancelled"] = "valid"


class BulkOrdersIn(Input):
    orders: list[OrderIn] = Field(..., min_length=1, max_length=10_000)


class BulkOrdersOut(Schema):
    received: int
    created: int
    updated: int
    unchanged: int


class ItemError(Schema):
    index: int
    field: str
    message: str


class BulkErrorOut(Schema):
    detail: Any
    # Per-item errors; absent when the body itself is malformed (then ``detail`` lists them).
    errors: list[ItemError] = []


# ---- interactions and tasks ----------------------------------------------------------
ChannelName = Literal["visit", "phone", "email", "letter", "whatsapp", "other"]


class InteractionOut(Schema):
    id: int
    client_id: int
    date: dt.date
    channel: str
    successful: bool
    seller_id: int | None
    notes: str
    next_step: str
    created_at: dt.datetime


class InteractionCreate(Input):
    client_id: int
    date: dt.date
    channel: ChannelName
    successful: bool
    notes: str = Field("", max_length=10_000)
    next_step: str = Field("", max_length=300)


class TaskOut(Schema):
    id: int
    client_id: int
    seller_id: int | None
    title: str
    objective: str
    channel: str
    due_date: dt.date
    status: str
    origin: str
    priority: int
    created_at: dt.datetime
    completed_at: dt.datetime | None


class TaskUpdate(Input):
    status: Literal["open", "done", "cancelled"]


# ---- rules, reports, webhooks --------------------------------------------------------
class RulesOut(Schema):
    number: int
    rules: dict[str, Any]
    comment: str
    created_at: dt.datetime


class ClientReportRow(Schema):
    external_id: str
    name: str
    seller_external_id: str | None
    status: str
    abc: str | None
    days_since_last_purchase: int | None
    purchases_in_frequency_window: int
    revenue_in_abc_window: float
    margin_in_abc_window: float
    rfm: str | None


class KpiReport(Schema):
    as_of: dt.date
    period: str  # month, quarter or days:N
    from_: dt.date = Field(alias="from")
    to: dt.date
    period_start: dt.date
    period_end: dt.date
    groups: list[dict[str, Any]]


class MatrixReport(Schema):
    as_of: dt.date
    by: str | None
    cells: list[dict[str, Any]]


class WebhookOut(Schema):
    id: int
    url: str
    events: list[str]
    active: bool
    created_at: dt.datetime


class WebhookCreated(WebhookOut):
    secret: str


class WebhookCreate(Input):
    url: str = text(500, 1)
    events: list[str] = Field(..., min_length=1, max_length=10)


class DeliveryOut(Schema):
    id: int
    event: str
    status: str
    attempts: int
    response_code: int | None
    last_error: str
    next_attempt_at: dt.datetime | None
    created_at: dt.datetime
    delivered_at: dt.datetime | None


class Message(Schema):
    detail: Any
