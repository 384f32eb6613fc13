"""CSV / XLSX downloads of orders, tasks and the portfolio reports.

Every export reads through the gate (``clients_visible_to`` and friends), streams its rows
through the formula-neutralising writers and leaves an audit entry with the filters and
the row count (never a searched text or a personal value).
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseBadRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from carteira.accounts.models import Role
from carteira.accounts.policy import policy
from carteira.agenda.models import Task
from carteira.agenda.selectors import access_seller, tasks_visible_to
from carteira.clients.access import access_client, clients_visible_to
from carteira.exports.http import csv_response, xlsx_response
from carteira.exports.services import do_record_export
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
REPORTS = ("clients", "kpis", "matrix")
CHUNK = 2_000


def _respond(fmt: str, name: str, columns, rows, day: dt.date | None = None):
    filename = f"{name}-{day or timezone.localdate():%Y-%m-%d}.{fmt}"
    respond = xlsx_response if fmt == "xlsx" else csv_response
    return respond(filename, list(columns), rows)


def _invalid(form):
    return HttpResponseBadRequest(_("Invalid filter: %s") % ", ".join(form.errors))


def _plain_filters(form) -> dict:
    return {name: value for name, value in form.cleaned_data.items() if value not in (None, "")}


# Orders ----------------------------------------------------------------------------------


class OrderFilterForm(forms.Form):
    start = forms.DateField(label=gettext_lazy("From"), required=False)
    end = forms.DateField(label=gettext_lazy("To"), required=False)
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("All")), *Order.Status.choices],
    )

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise forms.ValidationError(_("The start date is after the end date."), code="range")
        return data


def _filtered_orders(orders, data):
    if data.get("start"):
        orders = orders.filter(date__gte=data["start"])
    if data.get("end"):
        orders = orders.filter(date__lte=data["end"])
    if data.get("status"):
        orders = orders.filter(status=data["status"])
    return orders


def _order_rows(orders):
    return orders.order_by("-date", "external_id").values_list(*ORDER_COLUMNS.values())


@policy("login")
@login_required
@require_GET
def orders_export(request, fmt: str):
    """The orders of every client the user may see, in an optional date range."""
    form = OrderFilterForm(request.GET)
    if not form.is_valid():
        return _invalid(form)
    orders = _filtered_orders(
        Order.objects.filter(client__in=clients_visible_to(request.user).values("pk")),
        form.cleaned_data,
    )
    do_record_export(actor=request.user, kind="orders", fmt=fmt,
                     filters=_plain_filters(form), rows=orders.count())  # fmt: skip
    rows = _order_rows(orders).iterator(chunk_size=CHUNK)
    return _respond(fmt, _("orders"), ORDER_COLUMNS, rows)


@policy("object:client")
@login_required
@require_GET
def client_orders_export(request, client_id: int, fmt: str):
    """One client's orders (404 outside the user's portfolio)."""
    client = access_client(request.user, client_id)
    form = OrderFilterForm(request.GET)
    if not form.is_valid():
        return _invalid(form)
    orders = _filtered_orders(client.orders.all(), form.cleaned_data)
    filters = {"client": client.pk, **_plain_filters(form)}
    do_record_export(actor=request.user, kind="orders", fmt=fmt, filters=filters,
                     rows=orders.count())  # fmt: skip
    rows = _order_rows(orders).iterator(chunk_size=CHUNK)
    return _respond(fmt, _("orders"), ORDER_COLUMNS, rows)


# Tasks -----------------------------------------------------------------------------------

TASK_STATUSES = [("", gettext_lazy("All")), *Task.Status.choices]


class TaskFilterForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False, choices=[])
    seller = forms.IntegerField(label=gettext_lazy("Seller"), required=False)
    start = forms.DateField(label=gettext_lazy("Due from"), required=False)
    end = forms.DateField(label=gettext_lazy("Due until"), required=False)

    def __init__(self, data):
        super().__init__(data)
        self.fields["status"].choices = TASK_STATUSES


def _task_rows(tasks):
    completed = list(TASK_COLUMNS).index("completed_at")
    for row in tasks.values_list(*TASK_COLUMNS.values()).iterator(chunk_size=CHUNK):
        row = list(row)
        if row[completed] is not None:
            row[completed] = timezone.localtime(row[completed]).date()
        yield row


@policy("login")
@login_required
@require_GET
def tasks_export(request, fmt: str):
    """The tasks the user may see: a seller's own agenda, a manager's teams' (one seller
    with ``seller``). Open tasks unless ``status`` says otherwise (empty = all)."""
    data = request.GET.copy()
    data.setdefault("status", Task.Status.OPEN)
    form = TaskFilterForm(data)
    if not form.is_valid():
        return _invalid(form)
    filters = form.cleaned_data
    tasks = tasks_visible_to(request.user)
    if filters["seller"] is not None:
        seller = access_seller(request.user, filters["seller"])
        tasks = tasks.filter(seller=seller, assignee_user=None)
    if filters["status"]:
        tasks = tasks.filter(status=filters["status"])
    if filters["start"]:
        tasks = tasks.filter(due_date__gte=filters["start"])
    if filters["end"]:
        tasks = tasks.filter(due_date__lte=filters["end"])
    tasks = tasks.order_by("due_date", "-priority", "pk")
    do_record_export(actor=request.user, kind="tasks", fmt=fmt,
                     filters=_plain_filters(form), rows=tasks.count())  # fmt: skip
    return _respond(fmt, _("tasks"), TASK_COLUMNS, _task_rows(tasks))


# Reports ---------------------------------------------------------------------------------


def _kpis(user, run, by: str | None):
    """KPIs per group; users who do not see the whole portfolio read their own groups
    only (a seller their seller's row, a manager their sellers' or teams' rows)."""
    if not user.sees_whole_portfolio:
        by = by or "seller"
        if by not in {"seller", "team"} or (by == "team" and user.role != Role.MANAGER):
            return None
    report = kpi_report(run, by)
    report = keep_own_groups(report, user, by)
    return report


@policy("login")
@login_required
@require_GET
def report_export(request, report: str, fmt: str):
    """A portfolio report (clients, KPIs by group, class × status matrix) of a reading,
    for the dashboard's slice (seller, team, segment, state)."""
    if report not in REPORTS:
        raise Http404
    by = request.GET.get("by") or None
    if by is not None and by not in BY_CHOICES:
        return HttpResponseBadRequest(_("Invalid filter: %s") % "by")
    form = dashboard_form(request.user, request.GET)
    if not form.is_valid():
        return _invalid(form)
    run = latest_official_run(form.cleaned_data["as_of"])
    if run is None:
        raise Http404
    readings = sliced_readings(k.readings_visible_to(request.user, run), form.cleaned_data)
    if report == "clients":
        data = client_report(run, readings)
    elif report == "matrix":
        data = matrix_report(run, by, readings)
    else:
        data = _kpis(request.user, run, by)
        if data is None:
            return HttpResponseBadRequest(_("Your KPIs are available by seller or team."))
    columns, rows = as_table(report, data)
    filters = {**_plain_filters(form), "as_of": run.as_of, "by": by}
    do_record_export(actor=request.user, kind=f"report.{report}", fmt=fmt, filters=filters,
                     rows=len(rows))  # fmt: skip
    return _respond(fmt, f"{_('report')}-{report}", columns, rows, day=run.as_of)
