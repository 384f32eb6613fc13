"""Writes of the credit app: a client's limit, set by a manager or sent by the ERP, with
who and when, and an append-only history (``CreditLimitChange``) plus an audit event."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from carteira.audit.services import do_record
from carteira.clients.models import Client
from carteira.credit.models import CreditLimit, CreditLimitChange, LimitSource


@transaction.atomic
def do_set_credit_limit(
    client: Client, *, limit: Decimal | None, by, source: str = LimitSource.FORM, note: str = ""
) -> CreditLimitChange | None:
    """Set (``limit`` None: remove) the client's limit. The same value again changes
    nothing and returns None; otherwise the change, with the time and ``by`` (a user, or
    None for the ERP)."""
    current = CreditLimit.objects.select_for_update().filter(client=client).first()
    previous = None if current is None else current.limit
    if previous == limit:
        return None
    now = timezone.now()
    user = by if getattr(by, "is_authenticated", False) else None
    if limit is None:
        current.delete()  # type: ignore[union-attr]
    else:
        CreditLimit.objects.update_or_create(
            client=client,
            defaults={
                "limit": limit,
                "set_by": user,
                "set_at": now,
                "source": source,
                "reviewed_on": timezone.localdate(now),
            },
        )
    change = CreditLimitChange.objects.create(
        client=client, previous=previous, limit=limit, set_by=user, set_at=now, source=source,
        note=note[:200],
    )  # fmt: skip
    do_record(
        "credit.limit_set", actor=user, obj=client, source=source,
        previous=None if previous is None else str(previous),
        limit=None if limit is None else str(limit),
    )  # fmt: skip
    return change
