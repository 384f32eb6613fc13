import datetime as dt

from django.http import HttpResponseBadRequest
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from carteira.accounts.policy import policy
from carteira.portfolio import figures as f
from carteira.portfolio import hooks
from carteira.portfolio import kpis as k
from carteira.portfolio.forms import dashboard_form
from carteira.portfolio.models import SnapshotRun, Status
from carteira.portfolio.selectors import latest_official_run, latest_official_runs
from carteira_core.engine import whole_month, whole_quarter
from carteira_core.rules import rules_from_dict

STATUSES = [s.value for s in Status]


def _change(now, before):
    if now is None or before is None:
        return None
    return now - before


def _cards(current: k.Kpis, previous: k.Kpis | None, goals: dict | None = None) -> list[dict]:
    goals = goals or {}

    def card(key, label, kind, value, before):
        return {"key": key, "label": label, "kind": kind, "value": value,
                "change": _change(value, before), "goal": goals.get(key)}  # fmt: skip

    p = previous
    return [
        card("positivation", _("Positivation"), "rate", current.positivation,
             p and p.positivation),
        card("coverage", _("Coverage"), "rate", current.coverage, p and p.coverage),
        card("churn_rate", _("Churn"), "rate", current.churn_rate, p and p.churn_rate),
        card("reactivated", _("Reactivated clients"), "count", current.reactivated,
             p and p.reactivated),
        card("average_ticket", _("Average ticket"), "money", current.average_ticket,
             p and p.average_ticket),
        card("new_clients", _("New clients"), "count", current.new_clients, p and p.new_clients),
        card("conversion_rate", _("Conversion"), "rate", current.conversion_rate,
             p and p.conversion_rate),
        card("revenue", _("Revenue in the period"), "money", current.revenue, p and p.revenue),
    ]  # fmt: skip


TREND_POINTS = 13


def _trend_runs(period, run: SnapshotRun) -> list[SnapshotRun | None]:
    """The readings the trend shows, oldest first: the latest 13 official readings for the
    rolling window; for a month or quarter, the 12 whole months (4 quarters) stored before
    it and the period itself."""
    if period.kind == "days":
        return latest_official_runs(TREND_POINTS, until=run.as_of)
    year, month = period.start.year, period.start.month
    cursor = (
        whole_month(year, month)
        if period.kind == "month"
        else whole_quarter(year, (month - 1) // 3 + 1)
    )
    earlier = []
    for _step in range(TREND_POINTS - 1 if period.kind == "month" else 4):
        cursor = cursor.previous()  # the previous of a whole month (quarter) is whole
        earlier.append(k.period_run(cursor, compute_if_missing=False))
    return [*reversed(earlier), run]


def _stored(points: list[dict]) -> list[dict]:
    """The trend's points that have a stored reading (months not stored are left out)."""
    return [point for point in points if point["date"] is not None]


def _flow_rows(flows: dict, query: dict, limit: int = 10) -> list[dict]:
    """The largest status changes since a period ago, each with its clients per class and
    the links to the client list behind each number (``query``: reading and slice)."""
    clients = reverse("clients:list")

    def url(before, now, abc=""):
        extra = {"abc": abc} if abc else {}
        return f"{clients}?{urlencode({'previous': before, 'status': now, **extra, **query})}"

    rows = [
        {"from": before, "to": now, "count": sum(by_class.values()), "url": url(before, now),
         "classes": [(abc, by_class.get(abc, 0), url(before, now, abc)) for abc in "ABC"]}
        for (before, now), by_class in flows.items()
        if before and before != now
    ]  # fmt: skip
    rows.sort(key=lambda row: (-row["count"], row["from"], row["to"]))
    return rows[:limit]


def _matrix_rows(matrix: dict) -> list[dict]:
    rows = []
    for abc in ("A", "B", "C"):
        cells = [matrix.get((abc, status)) for status in STATUSES if status != "prospect"]
        rows.append({"abc": abc, "cells": list(zip([s for s in STATUSES if s != "prospect"],
                                                    cells, strict=True))})  # fmt: skip
    return rows


@policy("login")
@require_GET
def dashboard(request):
    form = dashboard_form(request.user, request.GET)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Invalid filter: %s") % ", ".join(form.errors))
    filters = form.cleaned_data
    run = latest_official_run(filters["as_of"])
    context = {"form": form, "run": run, "nav": "dashboard"}
    if run is None:
        return render(request, "portfolio/dashboard.html", context)
    rules = rules_from_dict(run.rules)
    scope = f.scope_key(request.user)
    # the KPIs cover the period asked for (the rules' rolling window by default, ADR 12);
    # the pyramid, moves and matrix are the reading's own
    period, period_run = k.period_of_run(run, filters["period"])
    previous_run = k.previous_run(period, compute_if_missing=period.kind != "days")
    compared = [period_run] if previous_run is None else [period_run, previous_run]
    kpis = f.kpis_by_run(request.user, filters, compared, scope)
    current = kpis[period_run.pk]
    previous = kpis.get(previous_run.pk) if previous_run is not None else None
    parts = f.breakdown(request.user, filters, run, scope)
    trend_runs = _trend_runs(period, period_run)
    goals = hooks.dashboard_goals(
        request.user, filters, run.as_of, quarter=period.kind == "quarter"
    )
    counts, flows = parts["counts"], parts["flows"]
    largest = max(counts.values(), default=0) or 1
    slice_query = {name: value for name, value in request.GET.items()
                   if name in {"seller", "segment", "state", "complaint"} and value}  # fmt: skip
    context.update(
        rules=rules,
        period=period,
        period_start=period.start,
        previous_run=previous_run,
        cards=_cards(current, previous, goals),
        kpis=current,
        pyramid=[
            {
                "status": s,
                "count": counts.get(s, 0),
                "width": round(100 * counts.get(s, 0) / largest),
            }
            for s in STATUSES
        ],
        flows=_flow_rows(flows, {"as_of": run.as_of.isoformat(), **slice_query}),
        matrix=_matrix_rows(parts["matrix"]),
        matrix_statuses=[s for s in STATUSES if s != "prospect"],
        prospects=counts.get("prospect", 0),
        trend={"points": _stored(f.trend(request.user, filters, trend_runs, scope))},
        slice_query=slice_query,
        panels=hooks.dashboard_panels(
            request.user, filters, run, period.start - dt.timedelta(days=1)
        ),
    )
    return render(request, "portfolio/dashboard.html", context)
