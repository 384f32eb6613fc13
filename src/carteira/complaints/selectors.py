"""Reads on complaints, scoped by the caller (start from ``complaints_visible_to``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.utils import timezone

from carteira.complaints import sla
from carteira.complaints.models import Complaint, ComplaintCategory

RISK_WINDOW_DAYS = 90


def open_complaints(complaints: QuerySet[Complaint]) -> QuerySet[Complaint]:
    return complaints.exclude(status=Complaint.Status.RESOLVED)


def categories() -> list[str]:
    return list(ComplaintCategory.objects.filter(active=True).values_list("name", flat=True))


@dataclass(frozen=True)
class QueueRow:
    complaint: Complaint
    age_hours: float  # working hours since it was opened
    clock: sla.Clock


def queue(complaints: QuerySet[Complaint], *, now: dt.datetime | None = None) -> list[QueueRow]:
    """The open complaints, the most urgent first: breached, then warned, then by due time."""
    now = now or timezone.now()
    calendar = sla.company_calendar(timezone.localdate(now))
    open_rows = open_complaints(complaints).select_related("client", "seller", "owner")
    rows = [QueueRow(c, _age(c, now, calendar), sla.clock(c, now, calendar)) for c in open_rows]
    rank = {"breached": 0, "warning": 1, "ok": 2}
    far = dt.datetime.max.replace(tzinfo=dt.UTC)
    rows.sort(key=lambda r: (rank.get(r.clock.state, 3), r.clock.due or far, r.complaint.pk))
    return rows


def _age(complaint: Complaint, now: dt.datetime, calendar) -> float:
    if complaint.opened_at is None:
        return 0.0
    return sla.working_hours_between(complaint.opened_at, now, calendar)


def for_client(client, *, limit: int = 10) -> list[Complaint]:
    """A client's complaints, the open ones first, then the latest."""
    still_open = Case(
        When(status=Complaint.Status.RESOLVED, then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    return list(
        client.complaints.annotate(closed_rank=still_open).order_by(
            "closed_rank", "-opened_on", "-pk"
        )[:limit]
    )


def clients_at_risk(today: dt.date) -> QuerySet:
    """The risk flag (docs/portfolio-rules.md): clients with an open complaint, or one
    opened in the last 90 days, as client ids."""
    since = today - dt.timedelta(days=RISK_WINDOW_DAYS)
    recent = Complaint.objects.filter(opened_on__gt=since, opened_on__lte=today)
    return (open_complaints(Complaint.objects.all()) | recent).values("client_id").distinct()
