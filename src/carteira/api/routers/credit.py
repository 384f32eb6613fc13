"""Receivables: the aging of the caller's clients, in the shape of ``carteira report
receivables --format json``, and one client's credit (issue 20)."""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from ninja import Field, Schema
from ninja.errors import HttpError

from carteira.accounts.capabilities import MANAGEMENT
from carteira.api import schemas as s
from carteira.api.bulk_receivables import do_upsert_receivables
from carteira.api.policy import CLIENT_SCOPE, Router, get_or_404, policy
from carteira.api.routers.orders import BulkRefused
from carteira.clients.access import clients_visible_to
from carteira.credit.models import LimitSource
from carteira.credit.selectors import BY_CHOICES, aging_report, client_credit, credit_cells
from carteira.credit.services import do_set_credit_limit
from carteira.portfolio.rules_store import current_rules
from carteira.portfolio.selectors import latest_official_run
from carteira_core.credit import BUCKETS
from carteira_core.credit.measures import previous_month_end

router = Router(tags=["receivables"])
EARLIEST = dt.date(1990, 1, 1)


class AgingOut(Schema):
    as_of: dt.date
    by: str
    groups: list[dict]
    total: dict


class MatrixOut(Schema):
    as_of: dt.date
    before: dt.date
    by: str
    cells: list[dict]


class ClientCreditOut(Schema):
    as_of: dt.date
    open: float
    overdue: float
    buckets: dict[str, float]
    provision: float
    open_count: int
    overdue_count: int
    most_days_past_due: int | None
    pending_orders: float
    exposure: float
    credit_limit: float | None
    limit_set_at: dt.datetime | None
    limit_source: str | None
    limit_use: float | None
    suggested_limit: float | None
    in_collection: bool
    score: dict


class ReceivableIn(s.Input):
    invoice: str = s.text(64, 1)
    instalment: int = Field(1, ge=1, le=999)
    client_external_id: str = s.text(64, 1)
    issue_date: dt.date
    due_date: dt.date
    amount: s.MoneyIn
    paid_date: dt.date | None = None
    paid_amount: s.MoneyIn | None = None


class BulkReceivablesIn(s.Input):
    receivables: list[ReceivableIn] = Field(..., min_length=1, max_length=10_000)


class LimitIn(s.Input):
    client_external_id: str = s.text(64, 1)
    limit: s.MoneyIn | None  # null removes the limit


class BulkLimitsIn(s.Input):
    limits: list[LimitIn] = Field(..., min_length=1, max_length=10_000)


class BulkLimitsOut(Schema):
    received: int
    changed: int
    unchanged: int


def _as_of(as_of: dt.date | None) -> dt.date:
    today = timezone.localdate()
    as_of = as_of or today
    if not EARLIEST <= as_of <= today + dt.timedelta(days=366):
        raise HttpError(400, f"as_of must be between {EARLIEST} and a year from today.")
    return as_of


def _numbers(row: dict) -> dict:
    return {k: float(v) if isinstance(v, Decimal) else v for k, v in row.items()}


@router.get("", response=AgingOut, openapi_extra=policy(CLIENT_SCOPE))
def get_aging(request, as_of: dt.date | None = None, by: str = "client"):
    """Open balance, the six aging buckets and the provision at ``as_of`` (default today)
    of the caller's clients, per client, seller or segment, with the total."""
    if by not in BY_CHOICES:
        raise HttpError(400, f"Unknown by '{by}'. Allowed: {', '.join(BY_CHOICES)}.")
    rules = current_rules().credit
    report = aging_report(clients_visible_to(request.user), as_of=_as_of(as_of), rules=rules, by=by)
    report["groups"] = [_numbers(group) for group in report["groups"]]
    report["total"] = _numbers(report["total"])
    return report


@router.get("/matrix", response=MatrixOut, openapi_extra=policy(CLIENT_SCOPE))
def get_matrix(request, as_of: dt.date | None = None, by: str = "seller"):
    """The three-dimensional reading in credit: open, overdue and provision (and the
    provision at the end of the month before) of the caller's clients per ABC class ×
    status of the latest official reading on or before ``as_of`` (default today), at the
    reading's date; per seller (``by=seller``, the default) or for the whole scope
    (``by=all``)."""
    if by not in ("seller", "all"):
        raise HttpError(400, f"Unknown by '{by}'. Allowed: seller, all.")
    run = latest_official_run(_as_of(as_of))
    if run is None:
        raise HttpError(404, "No official reading on or before that date.")
    before = previous_month_end(run.as_of)
    cells = credit_cells(clients_visible_to(request.user), run=run, before=before,
                         rules=current_rules().credit, by_seller=by == "seller")  # fmt: skip
    return {
        "as_of": run.as_of,
        "before": before,
        "by": by,
        "cells": [
            {
                **({"seller": c.seller, "seller_name": c.seller_name} if by == "seller" else {}),
                "abc": c.abc,
                "status": c.status,
                "clients": c.figures.clients,
                "open": float(c.figures.open),
                "overdue": float(c.figures.overdue),
                "provision": float(c.figures.provision),
                "provision_before": float(c.figures.provision_before),
                "in_collection": c.figures.in_collection,
            }
            for c in cells
        ],
    }


@router.get(
    "/clients/{int:client_id}", response=ClientCreditOut, openapi_extra=policy(CLIENT_SCOPE)
)
def get_client_credit(request, client_id: int, as_of: dt.date | None = None):
    """One of the caller's clients: open, overdue by bucket, limit and use, and the
    payment-history score (404 for a client outside the caller's scope)."""
    client = get_or_404(clients_visible_to(request.user), client_id)
    credit = client_credit(client, as_of=_as_of(as_of), rules=current_rules().credit)
    score = credit.score
    return {
        "as_of": credit.as_of,
        "open": float(credit.open),
        "overdue": float(credit.overdue),
        "buckets": {name: float(v) for name, v in zip(BUCKETS, credit.buckets, strict=True)},
        "provision": float(credit.provision),
        "open_count": credit.open_count,
        "overdue_count": credit.overdue_count,
        "most_days_past_due": credit.most_days_past_due,
        "pending_orders": float(credit.pending_orders),
        "exposure": float(credit.exposure),
        "credit_limit": None if credit.limit is None else float(credit.limit.limit),
        "limit_set_at": None if credit.limit is None else credit.limit.set_at,
        "limit_source": None if credit.limit is None else credit.limit.source,
        "limit_use": None if credit.limit_use is None else float(credit.limit_use),
        "suggested_limit": None
        if credit.suggested_amount is None
        else float(credit.suggested_amount),
        "in_collection": credit.in_collection,
        "score": {
            "grade": score.grade,
            "due": score.due,
            "late": score.late,
            "share_late": float(score.share_late),
            "average_days_late": float(score.average_days_late),
            "longest_delay": score.longest_delay,
            "trend": score.trend,
            "explanation": score.explain(),
        },
    }


@router.post(
    "/bulk",
    response={200: s.BulkOrdersOut, 422: s.BulkErrorOut},
    openapi_extra=policy(MANAGEMENT),
)
def bulk_upsert_receivables(request, payload: BulkReceivablesIn):
    """Up to 10,000 instalments, idempotent by invoice + instalment, with the import's
    checks (due before issue, paid more than owed, a paid amount without its date, a
    repeated invoice + instalment); any bad item → 422 and nothing written. Clients are
    referenced by ``external_id`` and must be yours."""
    items = [item.dict() for item in payload.receivables]
    result = do_upsert_receivables(user=request.user, items=items)
    if result.errors:
        raise BulkRefused([e.__dict__ for e in result.errors])
    return {
        "received": result.received,
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
    }


@router.post(
    "/limits",
    response={200: BulkLimitsOut, 422: s.BulkErrorOut},
    openapi_extra=policy(MANAGEMENT),
)
def bulk_set_limits(request, payload: BulkLimitsIn):
    """The ERP's credit limits (up to 10,000; null removes one), recorded as sent by the
    ERP with the caller and the time. Clients by ``external_id``, yours only; an unknown
    or repeated client → 422 and nothing written."""
    wanted = [item.client_external_id for item in payload.limits]
    clients = {c.external_id: c for c in clients_visible_to(request.user).filter(
        external_id__in=wanted)}  # fmt: skip
    errors, seen = [], set()
    for index, (code, item) in enumerate(zip(wanted, payload.limits, strict=True)):
        if item.limit is not None and item.limit < 0:
            errors.append({"index": index, "field": "limit",
                           "message": "The limit cannot be negative."})  # fmt: skip
        if code not in clients:
            errors.append({"index": index, "field": "client_external_id",
                           "message": f"Unknown client '{code}'."})  # fmt: skip
        elif code in seen:
            errors.append({"index": index, "field": "client_external_id",
                           "message": f"Client '{code}' is repeated."})  # fmt: skip
        seen.add(code)
    if errors:
        raise BulkRefused(errors)
    changed = 0
    with transaction.atomic():
        for item in payload.limits:
            change = do_set_credit_limit(
                clients[item.client_external_id], limit=item.limit, by=request.user,
                source=LimitSource.ERP,
            )  # fmt: skip
            changed += change is not None
    return {"received": len(wanted), "changed": changed, "unchanged": len(wanted) - changed}
