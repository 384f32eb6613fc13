"""Reads for the client page (client 360): each one query, whatever the client's history."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DecimalField, F, Min, Q, QuerySet, Sum, Window
from django.db.models.functions import Coalesce, TruncMonth
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from carteira.agenda.models import Task
from carteira.clients.models import Client
from carteira.complaints.models import Complaint
from carteira.credit.models import Receivable
from carteira.interactions.models import Interaction
from carteira.orders.models import Order
from carteira.portfolio.models import ClientSnapshot, SnapshotRun
from carteira_core.rules import rules_from_dict

TIMELINE_LIMIT = 100
READINGS_LIMIT = 24
MONTHS = 24


def with_total(rows: QuerySet) -> QuerySet:
    """Rows annotated with the count of the whole (unsliced) query: saves a COUNT query."""
    return rows.annotate(total=Window(Count("pk")))


def total_of(rows: list) -> int:
    return rows[0].total if rows else 0


def reading_history(client: Client, *, limit: int = READINGS_LIMIT) -> list[ClientSnapshot]:
    """The client's readings in the official runs, newest first."""
    return list(
        client.snapshots.filter(run__kind=SnapshotRun.Kind.OFFICIAL)
        .select_related("run")
        .order_by("-run__as_of", "-run__pk")[:limit]
    )


STATUS_REASONS = {
    "active": gettext_lazy(
        "Last purchase %(days)s days ago: up to %(active)s days a client stays active."
    ),
    "pre_inactive": gettext_lazy(
        "No purchase for %(days)s days: more than the %(active)s days of an active client. "
        "After %(inactive)s days without buying it is inactivated."
    ),
    "inactivated": gettext_lazy(
        "No purchase for %(days)s days: it passed the %(inactive)s days without buying in "
        "the last %(period)s days, so it was inactivated."
    ),
    "inactive": gettext_lazy(
        "No purchase for %(days)s days: inactive since before the last %(period)s days."
    ),
}


def status_reason(reading: ClientSnapshot | None) -> str:
    """Why the reading gave the client its status, in the words of the rules
    (spec: lifecycle status), with the client's own thresholds (cycle mode)."""
    if reading is None:
        return ""
    if reading.status == "prospect" or reading.days_since_last_purchase is None:
        return _("No purchase yet.")
    lifecycle = rules_from_dict(reading.run.rules).lifecycle
    values = {
        "days": reading.days_since_last_purchase,
        "active": reading.active_threshold_days or lifecycle.active_days,
        "inactive": reading.inactive_threshold_days or lifecycle.inactive_days,
        "period": lifecycle.period_days,
        "purchases": reading.purchases_in_frequency_window,
        "minimum": lifecycle.min_purchases,
        "window": lifecycle.frequency_window_days,
    }
    if reading.status == "pre_inactive" and values["days"] <= values["active"]:
        return (
            ngettext(
                "Bought %(days)s days ago, but made %(purchases)s purchase in the last "
                "%(window)s days; an active client makes at least %(minimum)s.",
                "Bought %(days)s days ago, but made %(purchases)s purchases in the last "
                "%(window)s days; an active client makes at least %(minimum)s.",
                values["purchases"],
            )
            % values
        )
    return str(STATUS_REASONS.get(reading.status, "")) % values


def readings_chart(readings: list[ClientSnapshot]) -> list[dict]:
    """Oldest first, as plain values for the page's chart."""
    return [
        {"date": r.run.as_of.isoformat(), "days": r.days_since_last_purchase,
         "status": r.status, "abc": r.abc}
        for r in reversed(readings)
    ]  # fmt: skip


def first_of_month(day: dt.date, months_back: int) -> dt.date:
    index = day.year * 12 + day.month - 1 - months_back
    return dt.date(index // 12, index % 12 + 1, 1)


def monthly_revenue(client: Client, *, today: dt.date, months: int = MONTHS) -> list[dict]:
    """Valid orders' amounts (returns included) per month, for the last ``months`` months."""
    start = first_of_month(today, months - 1)
    orders = Order.objects.filter(
        client=client, status=Order.Status.VALID, date__gte=start, date__lte=today
    )
    rows = (
        orders.annotate(month=TruncMonth("date"))
        .values("month")
        .annotate(revenue=Sum("amount"))
        .order_by("month")
    )
    by_month = {row["month"]: row["revenue"] for row in rows}
    months_list = [first_of_month(today, back) for back in range(months - 1, -1, -1)]
    return [
        {"month": m.isoformat()[:7], "revenue": float(by_month.get(m) or 0)} for m in months_list
    ]


@dataclass(frozen=True)
class TimelineEntry:
    date: dt.date
    kind: str  # "interaction" or "task"
    item: Interaction | Task


@dataclass(frozen=True)
class Timeline:
    entries: list[TimelineEntry]
    total: int


def timeline(client: Client, *, limit: int = TIMELINE_LIMIT) -> Timeline:
    """Interactions and tasks on one line, newest first, capped at ``limit``: two queries."""
    interactions = list(
        with_total(client.interactions.select_related("seller", "reason")).order_by("-date", "-pk")[
            :limit
        ]
    )
    tasks = list(
        with_total(client.tasks.select_related("seller")).order_by("-due_date", "-pk")[:limit]
    )
    entries = [TimelineEntry(i.date, "interaction", i) for i in interactions]
    entries += [TimelineEntry(t.due_date, "task", t) for t in tasks]
    entries.sort(key=lambda e: (e.date, e.kind == "task", e.item.pk), reverse=True)
    return Timeline(entries[:limit], total_of(interactions) + total_of(tasks))


def credit_summary(client: Client, *, today: dt.date) -> dict:
    """Open and overdue amounts of the client's receivables: one aggregate query."""
    money = DecimalField(max_digits=16, decimal_places=2)
    still_owed = F("amount") - Coalesce(F("paid_amount"), Decimal(0), output_field=money)
    open_ = Q(paid_date__isnull=True)
    overdue = open_ & Q(due_date__lt=today)
    return Receivable.objects.filter(client=client).aggregate(
        count=Count("pk"),
        open_count=Count("pk", filter=open_),
        open_amount=Sum(still_owed, filter=open_, output_field=money),
        overdue_count=Count("pk", filter=overdue),
        overdue_amount=Sum(still_owed, filter=overdue, output_field=money),
        oldest_overdue=Min("due_date", filter=overdue),
    )


@dataclass(frozen=True)
class Complaints:
    latest: list[Complaint]
    total: int
    open: int


def complaints(client: Client, *, limit: int = 5) -> Complaints:
    """The latest complaints with the total and open counts: one query."""
    rows = list(
        client.complaints.annotate(
            total=Window(Count("pk")),
            open_total=Window(Count("pk", filter=Q(status=Complaint.Status.OPEN))),
        ).order_by("-opened_on", "-pk")[:limit]
    )
    return Complaints(rows, total_of(rows), rows[0].open_total if rows else 0)
