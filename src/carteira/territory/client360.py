"""Reads for the client page (client 360): a fixed number of queries and bounded work,
whatever the client's history.

``page_context`` makes the page in at most eight queries after the gated client row (which
brings the seller and team): one for every count and sum on the page (``client_figures``),
then the readings, the predictive value of the latest one, the latest orders, the timeline
(interactions and tasks in one UNION ALL), the latest complaints, the contacts and the seller
history; a list the figures say is empty is not queried. Orders and the timeline show the
latest ``SHOWN`` rows and the page asks for more on demand (``orders_page`` /
``timeline_page``).
"""

import datetime as dt
import decimal
from dataclasses import dataclass, replace
from decimal import Decimal

from django.db import connection
from django.db.models import (
    BooleanField,
    CharField,
    DateTimeField,
    F,
    IntegerField,
    QuerySet,
    Value,
)
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from carteira.agenda.cadence import client_stock
from carteira.agenda.hooks import visit_check_ins
from carteira.agenda.models import SellOut, Task
from carteira.clients.models import VISIBLE_SQL, Client
from carteira.complaints.models import ClientSurvey, Complaint
from carteira.complaints.nps import latest_answer as latest_nps_answer
from carteira.complaints.selectors import for_client
from carteira.credit.models import Receivable
from carteira.interactions.models import Channel, Interaction, Photo
from carteira.orders.models import Order
from carteira.portfolio.models import ClientSnapshot, SnapshotRun
from carteira.value.selectors import client_value
from carteira_core.rules import rules_from_dict

SHOWN = 10  # orders and timeline entries per page
READINGS_LIMIT = 24
MONTHS = 24
COMPLAINTS_SHOWN = 5


def page_row(clients: QuerySet[Client]) -> QuerySet[Client]:
    """The (already gated) client query shaped for the page: its seller and team in the
    same row."""
    return clients.select_related("seller__team")


def page_context(client: Client, *, today: dt.date) -> dict:
    """Everything the client page shows about ``client`` (from ``page_row``)."""
    figures = client_figures(client, today=today)
    readings = reading_history(client)
    return {
        "orders": orders_page(client) if figures.orders else Page([], 1, False),
        "order_count": figures.orders,
        "monthly_revenue": figures.monthly_revenue,
        "timeline": timeline(client, total=figures.timeline_entries),
        "contacts": client.contacts.filter(anonymized_at__isnull=True, blocked_at__isnull=True),
        "assignments": client.assignments.select_related("seller").order_by("-start_date", "-pk"),
        "readings": readings,
        # the predictive value at the latest reading (one query; ADR 15)
        "value": client_value(client, readings[0].run_id) if readings else None,
        # its shelf's days of cover, when its sell-out is imported (agenda.cadence)
        "stock": client_stock(client.pk, today=today) if figures.sell_out else None,
        "status_reason": status_reason(readings[0] if readings else None),
        "readings_chart": readings_chart(readings),
        "credit": figures.credit,
        "complaints": complaints(
            client,
            total=figures.complaints,
            open_=figures.open_complaints,
            nps_answers=figures.nps_answers,
        ),
    }


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


def last_of_month(day: dt.date) -> dt.date:
    return first_of_month(day, -1) - dt.timedelta(days=1)


CENT = Decimal("0.01")
FLOATS = decimal.Context(prec=15)  # as Django reads SQLite's REAL sums


def money(value) -> Decimal | None:
    """A sum from the database as exact cents (PostgreSQL gives Decimals, SQLite floats)."""
    if value is None:
        return None
    if isinstance(value, float):
        value = FLOATS.create_decimal_from_float(value)
    return Decimal(value).quantize(CENT)


def a_date(value) -> dt.date | None:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


@dataclass(frozen=True)
class Figures:
    """Every count and sum the client page shows."""

    orders: int  # every order of the client, whatever its date and status
    monthly_revenue: list[dict]  # [{"month": "2026-06", "revenue": 899.5}], oldest first
    credit: dict  # count, open_count, open_amount, overdue_count, overdue_amount, oldest_overdue
    timeline_entries: int  # interactions and tasks
    complaints: int
    open_complaints: int
    nps_answers: int = 0
    sell_out: int = 0  # sell-out rows imported for the client (agenda.SellOut)


def _months(today: dt.date, months: int) -> list[tuple[dt.date, dt.date]]:
    """(first day, last day) of each of the last ``months`` months, oldest first; the
    current month ends today."""
    firsts = [first_of_month(today, back) for back in range(months - 1, -1, -1)]
    return [(first, min(last_of_month(first), today)) for first in firsts]


def client_figures(client: Client, *, today: dt.date, months: int = MONTHS) -> Figures:
    """One query, whatever the client's history: its orders (count; valid amounts,
    returns included, per month for the last ``months`` months), its receivables (open and
    overdue), and how many interactions, tasks and complaints it has.

    Plain SQL: the same as ORM aggregates and subqueries cost ~4 ms of CPU to compile on
    every page view, the query itself ~0.1 ms (docs/benchmarks.md, "Client page cost")."""
    q = connection.ops.quote_name
    table = {model: q(model._meta.db_table) for model in
             (Order, Receivable, Interaction, Task, Complaint, ClientSurvey, SellOut)}  # fmt: skip
    spans = _months(today, months)
    per_month = ", ".join(
        f"SUM(CASE WHEN status = %s AND {q('date')} BETWEEN %s AND %s THEN amount END) AS m{n}"
        for n in range(len(spans))
    )
    owed = "amount - COALESCE(paid_amount, 0)"
    open_, overdue = "paid_date IS NULL", "paid_date IS NULL AND due_date < %s"
    sql = f"""
        SELECT o.*, r.*,
          (SELECT COUNT(*) FROM {table[Interaction]} WHERE client_id = %s
           AND {VISIBLE_SQL.format(alias="")}),
          (SELECT COUNT(*) FROM {table[Task]} WHERE client_id = %s),
          (SELECT COUNT(*) FROM {table[Complaint]} WHERE client_id = %s),
          (SELECT COUNT(*) FROM {table[Complaint]} WHERE client_id = %s AND status <> %s),
          (SELECT COUNT(*) FROM {table[ClientSurvey]}
           WHERE client_id = %s AND answered_at IS NOT NULL),
          (SELECT COUNT(*) FROM {table[SellOut]} WHERE client_id = %s)
        FROM (SELECT COUNT(*) AS n, {per_month} FROM {table[Order]} WHERE client_id = %s
                    AND {VISIBLE_SQL.format(alias="")}) AS o
        CROSS JOIN (
          SELECT COUNT(*) AS n,
            SUM(CASE WHEN {open_} THEN 1 ELSE 0 END) AS open_n,
            SUM(CASE WHEN {open_} THEN {owed} END) AS open_amount,
            SUM(CASE WHEN {overdue} THEN 1 ELSE 0 END) AS overdue_n,
            SUM(CASE WHEN {overdue} THEN {owed} END) AS overdue_amount,
            MIN(CASE WHEN {overdue} THEN due_date END) AS oldest_overdue
          FROM {table[Receivable]} WHERE client_id = %s AND {VISIBLE_SQL.format(alias="")}
        ) AS r
    """  # noqa: S608 -- table names from the models, every value a parameter
    valid = Order.Status.VALID
    params = [
        *[client.pk] * 4, Complaint.Status.RESOLVED, client.pk, client.pk,
        *[value for first, last in spans for value in (valid, first, last)], client.pk,
        today, today, today, client.pk,
    ]  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    orders, sums = row[0], row[1 : 1 + len(spans)]
    receivables = row[1 + len(spans) : 7 + len(spans)]
    interactions, tasks, total_complaints, open_complaints, nps_answers, sell_out = row[
        7 + len(spans) :
    ]
    return Figures(
        orders=orders,
        monthly_revenue=[
            {"month": first.isoformat()[:7], "revenue": float(money(amount) or 0)}
            for (first, _last), amount in zip(spans, sums, strict=True)
        ],
        credit={
            "count": receivables[0],
            "open_count": receivables[1] or 0,
            "open_amount": money(receivables[2]),
            "overdue_count": receivables[3] or 0,
            "overdue_amount": money(receivables[4]),
            "oldest_overdue": a_date(receivables[5]),
        },
        timeline_entries=interactions + tasks,
        complaints=total_complaints,
        open_complaints=open_complaints,
        nps_answers=nps_answers,
        sell_out=sell_out,
    )


@dataclass(frozen=True)
class Page:
    """One page of a newest-first list: its rows, its number and whether more follow."""

    rows: list
    number: int
    has_more: bool

    @property
    def next_number(self) -> int:
        return self.number + 1


def _page(rows: QuerySet, number: int, size: int) -> Page:
    start = (number - 1) * size
    fetched = list(rows[start : start + size + 1])  # one more tells whether more follow
    return Page(fetched[:size], number, len(fetched) > size)


def orders_page(client: Client, number: int = 1, *, size: int = SHOWN) -> Page:
    """The client's orders, newest first, ``size`` at a time."""
    orders = (
        client.orders.select_related("seller")
        .only("date", "external_id", "amount", "status", "seller__name")
        .order_by("-date", "-pk")
    )
    return _page(orders, number, size)


@dataclass(frozen=True)
class TimelineEntry:
    """An interaction or a task, flattened to what the timeline shows."""

    kind: str  # "interaction" or "task"
    pk: int
    date: dt.date  # the interaction's date or the task's due date
    seller: str | None
    channel: str  # interaction
    successful: bool | None  # interaction
    reason: str | None  # interaction: the inactivity reason's label
    text: str  # interaction: notes; task: title
    next_step: str  # interaction
    status: str  # task
    origin: str  # task
    completed_at: dt.datetime | None  # task
    photos: tuple[int, ...] = ()  # interaction: its photos' ids
    check_in: str = ""  # a visit: its check-in's verdict (agenda.checkins.verdict_text)
    check_in_verified: bool | None = None

    def get_channel_display(self) -> str:
        return str(CHANNELS.get(self.channel, self.channel))

    def get_status_display(self) -> str:
        return str(TASK_STATUSES.get(self.status, self.status))

    def get_origin_display(self) -> str:
        return str(TASK_ORIGINS.get(self.origin, self.origin))


CHANNELS = dict(Channel.choices)
TASK_STATUSES = dict(Task.Status.choices)
TASK_ORIGINS = dict(Task.Origin.choices)
# TimelineEntry's fields in order, then the tie-break of a day (a task before an interaction)
TIMELINE_COLUMNS = ("kind", "row_pk", "day", "seller_name", "channel_code", "successful_flag",
                    "reason_label", "body", "step", "task_status", "task_origin", "done_at",
                    "is_task")  # fmt: skip


def _timeline_rows() -> tuple[QuerySet, QuerySet]:
    """Interactions and tasks as rows of the same columns (one UNION ALL)."""
    text, no_text = CharField(), Value("", output_field=CharField())
    interactions = Interaction.objects.annotate(
        kind=Value("interaction", output_field=text), row_pk=F("pk"), day=F("date"),
        is_task=Value(0, output_field=IntegerField()), seller_name=F("seller__name"),
        channel_code=F("channel"), successful_flag=F("successful"),
        reason_label=F("reason__label"), body=F("notes"), step=F("next_step"),
        task_status=no_text, task_origin=no_text,
        done_at=Value(None, output_field=DateTimeField()),
    )  # fmt: skip
    tasks = Task.objects.annotate(
        kind=Value("task", output_field=text), row_pk=F("pk"), day=F("due_date"),
        is_task=Value(1, output_field=IntegerField()), seller_name=F("seller__name"),
        channel_code=no_text, successful_flag=Value(None, output_field=BooleanField()),
        reason_label=Value(None, output_field=text), body=F("title"), step=no_text,
        task_status=F("status"), task_origin=F("origin"), done_at=F("completed_at"),
    )  # fmt: skip
    return interactions, tasks


@dataclass(frozen=True)
class Timeline:
    entries: list[TimelineEntry]
    total: int
    page: Page


def timeline_page(client: Client, number: int = 1, *, size: int = SHOWN) -> Page:
    """Interactions and tasks on one line, newest first (a task before an interaction of the
    same day), ``size`` at a time: one query."""
    interactions, tasks = _timeline_rows()
    rows = (
        interactions.filter(client=client)
        .order_by()
        .values_list(*TIMELINE_COLUMNS)
        .union(tasks.filter(client=client).order_by().values_list(*TIMELINE_COLUMNS), all=True)
        .order_by("-day", "-is_task", "-row_pk")
    )
    page = _page(rows, number, size)
    entries = _with_check_ins(_with_photos([TimelineEntry(*row[:-1]) for row in page.rows]))
    return Page(entries, page.number, page.has_more)


def _with_photos(entries: list[TimelineEntry]) -> list[TimelineEntry]:
    """The photos of the page's contacts (one query, none when it has no contact)."""
    contacts = [e.pk for e in entries if e.kind == "interaction"]
    if not contacts:
        return entries
    photos: dict[int, list[int]] = {}
    for photo, contact in Photo.objects.filter(interaction__in=contacts).values_list(
        "pk", "interaction"
    ):
        photos.setdefault(contact, []).append(photo)
    return [
        replace(e, photos=tuple(photos[e.pk])) if e.kind == "interaction" and e.pk in photos else e
        for e in entries
    ]


def _with_check_ins(entries: list[TimelineEntry]) -> list[TimelineEntry]:
    """The check-in of the page's visits, verified or why not (agenda.hooks: the field app
    keeps check-ins; one query, none when the page has no visit)."""
    visits = [e.pk for e in entries if e.kind == "interaction" and e.channel == Channel.VISIT]
    found = visit_check_ins(visits) if visits else {}
    return [
        replace(e, check_in=found[e.pk][0], check_in_verified=found[e.pk][1])
        if e.kind == "interaction" and e.pk in found
        else e
        for e in entries
    ]


def timeline(client: Client, *, total: int) -> Timeline:
    """The timeline's first page; ``total``: how many entries it has in all (from
    ``client_figures``; none: no query)."""
    page = timeline_page(client) if total else Page([], 1, False)
    return Timeline(page.rows, total, page)


@dataclass(frozen=True)
class Complaints:
    latest: list[Complaint]
    total: int
    open: int
    nps: ClientSurvey | None = None  # the client's latest NPS answer


def complaints(client: Client, *, total: int, open_: int, nps_answers: int = 0) -> Complaints:
    """The open complaints first, then the latest, with the counts from ``client_figures``
    (none: no query), and the latest NPS answer (none answered: no query)."""
    nps = latest_nps_answer(client) if nps_answers else None
    if not total:
        return Complaints([], 0, 0, nps)
    return Complaints(for_client(client, limit=COMPLAINTS_SHOWN), total, open_, nps)
