"""What each export is: its filters, checked against the user's scope, and its rows.

One code path for the request and the task: ``plan(user, kind, data)`` validates the
filters and reaches every object they name through its gate (a bad filter raises
``Refused``, an object outside the scope ``Http404``) without reading any row; the task
calls it again with the job's owner and stored filters, so a client reassigned between
the request and the run is refused then too, and only then reads the rows
(``Plan.table()``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from carteira.accounts.models import Role
from carteira.agenda.models import Task
from carteira.agenda.selectors import access_seller, tasks_visible_to
from carteira.clients import selectors as client_selectors
from carteira.clients.access import access_client, clients_visible_to
from carteira.clients.filters import client_filter_form
from carteira.orders.models import Order
from carteira.portfolio import kpis as k
from carteira.portfolio.forms import dashboard_form
from carteira.portfolio.reports import (
    BY_CHOICES,
    as_table,
    client_report,
    keep_own_groups,
    kpi_report,
    matrix_report,
)
from carteira.portfolio.selectors import latest_official_run, sliced_readings

CHUNK = 2_000
REPORTS = ("clients", "kpis", "matrix")
ORDER_COLUMNS = {
    "order": "external_id",
    "date": "date",
    "client": "client__external_id",
    "client_name": "client__name",
    "seller": "seller__external_id",
    "amount": "amount",
    "margin": "margin",
    "status": "status",
}
TASK_COLUMNS = {
    "task": "pk",
    "due_date": "due_date",
    "status": "status",
    "client": "client__external_id",
    "client_name": "client__name",
    "seller": "seller__external_id",
    "title": "title",
    "objective": "objective",
    "channel": "channel",
    "origin": "origin",
    "priority": "priority",
    "revenue_at_risk": "revenue_at_risk",
    "completed_at": "completed_at",
}
CLIENT_COLUMNS = {
    "external_id": "external_id", "name": "name", "trade_name": "trade_name",
    "document": "document", "segment": "segment", "city": "city", "state": "state",
    "seller_external_id": "seller__external_id", "seller": "seller__name",
    "latitude": "latitude", "longitude": "longitude", "potential": "potential",
}  # fmt: skip
READING_COLUMNS = ("status", "abc", "days_since_last_purchase", "revenue_in_abc_window",
                   # the predicted value at the reading (clients.filters.with_value)
                   "p_alive", "clv", "potential_yearly", "wallet_gap", "wallet_share")  # fmt: skip


class Refused(Exception):
    """A filter the export cannot take (400), with the message for the user."""


@dataclass(frozen=True)
class Table:
    columns: Sequence[str]
    rows: Iterable[Sequence[Any]]


@dataclass(frozen=True)
class Plan:
    kind: str  # as the audit trail names it: orders, tasks, clients, report.kpis …
    filters: dict[str, Any]  # JSON values: what the job stores and the audit records
    name: str  # the file's name without the date and extension, in the user's language
    day: dt.date | None  # the date in the file's name (a report's reading); None: today
    table: Callable[[], Table]

    def file_name(self, fmt: str) -> str:
        return f"{self.name}-{self.day or timezone.localdate():%Y-%m-%d}.{fmt}"


def plan(user, kind: str, data: Mapping[str, Any]) -> Plan:
    """The export ``kind`` for ``user`` with the query ``data`` (or a job's filters)."""
    if kind.startswith("report."):
        return _report_plan(user, kind.removeprefix("report."), data)
    planners = {"orders": _orders_plan, "tasks": _tasks_plan, "clients": _clients_plan}
    if kind not in planners:
        raise Refused(_("Unknown export."))
    return planners[kind](user, data)


def _checked(form: forms.Form) -> dict[str, Any]:
    """The form's cleaned data; ``Refused`` naming the bad filters (or saying what is
    wrong with them together, like an inverted date range)."""
    if not form.is_valid():
        names = [name for name in form.errors if name != forms.forms.NON_FIELD_ERRORS]
        if names:
            raise Refused(_("Invalid filter: %s") % ", ".join(names))
        raise Refused(" ".join(form.non_field_errors()))
    return form.cleaned_data


def _json(values: Mapping[str, Any]) -> dict[str, Any]:
    """Filters as JSON values (dates as ISO text); absent (None) ones left out."""
    return {
        name: value.isoformat() if isinstance(value, dt.date) else value
        for name, value in values.items()
        if value is not None
    }


# A date range, shared by the orders' and the tasks' filters -------------------------------


class DateRangeForm(forms.Form):
    start = forms.DateField(label=gettext_lazy("From"), required=False)
    end = forms.DateField(label=gettext_lazy("To"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise forms.ValidationError(_("The start date is after the end date."), code="range")
        return data


def _in_range(rows, field: str, data: Mapping[str, Any]):
    if data.get("start"):
        rows = rows.filter(**{f"{field}__gte": data["start"]})
    if data.get("end"):
        rows = rows.filter(**{f"{field}__lte": data["end"]})
    return rows


# Orders -----------------------------------------------------------------------------------


class OrderFilterForm(DateRangeForm):
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("All")), *Order.Status.choices],
    )
    client = forms.IntegerField(required=False, min_value=1)


def _orders_plan(user, data) -> Plan:
    """The orders of every client the user may see, or of one (404 outside the scope)."""
    filters = _checked(OrderFilterForm(data))
    if filters["client"] is not None:
        orders = access_client(user, filters["client"]).orders.all()
    else:
        orders = Order.objects.filter(client__in=clients_visible_to(user).values("pk"))
    orders = _in_range(orders, "date", filters)
    if filters["status"]:
        orders = orders.filter(status=filters["status"])

    def table() -> Table:
        rows = orders.order_by("-date", "external_id").values_list(*ORDER_COLUMNS.values())
        return Table(list(ORDER_COLUMNS), rows.iterator(chunk_size=CHUNK))

    return Plan("orders", _json(filters), _("orders"), None, table)


# Tasks ------------------------------------------------------------------------------------


class TaskFilterForm(DateRangeForm):
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False, choices=[])
    seller = forms.IntegerField(label=gettext_lazy("Seller"), required=False)

    def __init__(self, data):
        super().__init__(data)
        self.fields["start"].label = gettext_lazy("Due from")
        self.fields["end"].label = gettext_lazy("Due until")
        self.fields["status"].choices = [("", gettext_lazy("All")), *Task.Status.choices]


def _tasks_plan(user, data) -> Plan:
    """The tasks the user may see: a seller's own agenda, a manager's teams' (one seller
    with ``seller``). Open tasks unless ``status`` says otherwise (empty = all)."""
    data = {"status": Task.Status.OPEN, **data}
    filters = _checked(TaskFilterForm(data))
    tasks = tasks_visible_to(user)
    if filters["seller"] is not None:
        seller = access_seller(user, filters["seller"])
        tasks = tasks.filter(seller=seller, assignee_user=None)
    if filters["status"]:
        tasks = tasks.filter(status=filters["status"])
    tasks = _in_range(tasks, "due_date", filters).order_by("due_date", "-priority", "pk")

    def table() -> Table:
        return Table(list(TASK_COLUMNS), _task_rows(tasks))

    return Plan("tasks", _json(filters), _("tasks"), None, table)


def _task_rows(tasks):
    completed = list(TASK_COLUMNS).index("completed_at")
    for row in tasks.values_list(*TASK_COLUMNS.values()).iterator(chunk_size=CHUNK):
        row = list(row)
        if row[completed] is not None:
            row[completed] = timezone.localtime(row[completed]).date()
        yield row


# The client list --------------------------------------------------------------------------


def _clients_plan(user, data) -> Plan:
    """The client list with its filters (the list page's form), every row."""
    form = client_filter_form(user, data, sorts=client_selectors.CLIENT_SORTS)
    filters = _checked(form)
    filters.pop("page", None)
    run = latest_official_run(filters["as_of"])
    filters["as_of"] = run.as_of if run is not None else None
    clients = client_selectors.client_list(
        user=user, where=form.client_filter(), run=run, sort=filters["sort"] or "name"
    )

    def table() -> Table:
        columns = list(CLIENT_COLUMNS) + (list(READING_COLUMNS) if run is not None else [])
        lookups = list(CLIENT_COLUMNS.values()) + columns[len(CLIENT_COLUMNS) :]
        return Table(columns, clients.values_list(*lookups).iterator(chunk_size=CHUNK))

    return Plan("clients", _json(filters), _("clients"), None, table)


# Portfolio reports ------------------------------------------------------------------------


def _report_plan(user, report: str, data) -> Plan:
    """A portfolio report (clients, KPIs by group, class × status matrix) of a reading,
    for the dashboard's slice (seller, team, segment, state)."""
    if report not in REPORTS:
        raise Refused(_("Unknown export."))
    by = data.get("by") or None
    if by is not None and by not in BY_CHOICES:
        raise Refused(_("Invalid filter: %s") % "by")
    if report == "kpis" and not _may_read_kpis_by(user, by):
        raise Refused(_("Your KPIs are available by seller or team."))
    filters = _checked(dashboard_form(user, data))
    run = latest_official_run(filters["as_of"])
    if run is None:
        raise Http404
    filters = {**filters, "as_of": run.as_of, "by": by}

    def table() -> Table:
        readings = sliced_readings(k.readings_visible_to(user, run), filters)
        if report == "clients":
            found = client_report(run, readings)
        elif report == "matrix":
            found = matrix_report(run, by, readings)
        else:
            found = _own_kpis(user, run, by, filters.get("period"))
        columns, rows = as_table(report, found)
        return Table(columns, rows)

    return Plan(f"report.{report}", _json(filters), f"{_('report')}-{report}", run.as_of, table)


def _may_read_kpis_by(user, by: str | None) -> bool:
    """Users who do not see the whole portfolio read their own groups only: by seller (the
    default), or by team for a manager."""
    if user.sees_whole_portfolio:
        return True
    return (by or "seller") == "seller" or (by == "team" and user.role == Role.MANAGER)


def _own_kpis(user, run, by: str | None, period: str | None = None) -> dict:
    """The KPI groups the user may read, over the dashboard's period (its rows name it)."""
    if not user.sees_whole_portfolio:
        by = by or "seller"
    window, run = k.period_of_run(run, period)
    return keep_own_groups(kpi_report(run, by, window), user, by)
