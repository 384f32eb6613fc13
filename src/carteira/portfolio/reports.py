"""The portfolio reports of ``carteira report`` (shapes in docs/cli.md), read from a
stored official run. The same functions feed the web app and the API."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, F, QuerySet, Sum

from carteira.clients.access import sellers_visible_to
from carteira.organization.models import Seller, Team
from carteira.portfolio.models import ClientSnapshot, GroupSnapshot, SnapshotRun
from carteira_core.engine import Period

CLIENT_FIELDS = (
    "external_id", "name", "seller_external_id", "status", "abc", "days_since_last_purchase",
    "purchases_in_frequency_window", "revenue_in_abc_window", "margin_in_abc_window", "rfm",
)  # fmt: skip
KPI_FIELDS = (
    "portfolio", "positivation", "coverage", "average_ticket", "churn_rate", "reactivated",
    "new_clients", "conversion_rate", "revenue", "purchases",
)  # fmt: skip
MONEY_FIGURES = {"average_ticket", "revenue", "ltv", "cac"}
BY_CHOICES = ("seller", "team", "segment", "region", "abc", "status")
# Where a matrix cell's group comes from, for each --by.
MATRIX_GROUP = {
    "seller": "seller__external_id",
    "team": "seller__team__name",
    "segment": "client__segment",
    "region": "client__state",
    "abc": "abc",
    "status": "status",
}


def client_report(run: SnapshotRun, readings: QuerySet[ClientSnapshot] | None = None) -> list:
    readings = readings if readings is not None else run.clients.all()
    rows = (
        readings.filter(run=run)
        .order_by("client__external_id")
        .values_list(
            "client__external_id",
            "client__name",
            "seller__external_id",
            "status",
            "abc",
            "days_since_last_purchase",
            "purchases_in_frequency_window",
            "revenue_in_abc_window",
            "margin_in_abc_window",
            "rfm",
        )
    )
    return [
        {
            **dict(zip(CLIENT_FIELDS, row, strict=True)),
            "abc": row[4] or None,
            "rfm": row[9] or None,
        }
        for row in rows
    ]


def _group_key(by: str, key: str, names: dict) -> dict:
    if by == "":
        return {}
    if key == "":
        return {by: None}
    if by in {"seller", "team"}:
        return {by: names[by].get(int(key), key)}
    return {by: key}


def _money(cents) -> Decimal | None:
    if cents is None:
        return None
    return Decimal(str(cents)).scaleb(-2).quantize(Decimal("0.01"))


def kpi_report(run: SnapshotRun, by: str | None = None, period: Period | None = None) -> dict:
    """The engine's indicators stored with ``run``, per group, over the window the run's
    period figures cover, named as ``period`` (the kind asked for: ``days:N``, ``month``,
    ``quarter``; by default the run's own ``days:N``) with its ``from`` and ``to``."""
    period = period or run.period
    if not period.same_window(run.period):
        raise ValueError(f"run {run.pk} covers {run.period_start}..{run.as_of}, not {period}")
    names = {
        "seller": dict(Seller.objects.values_list("pk", "external_id")),
        "team": dict(Team.objects.values_list("pk", "name")),
    }
    groups = []
    for group in GroupSnapshot.objects.filter(run=run, by=by or "").order_by("key"):
        figures = {
            name: _money(group.figures.get(name))
            if name in MONEY_FIGURES
            else group.figures.get(name)
            for name in KPI_FIELDS
        }
        groups.append({"key": _group_key(by or "", group.key, names), **figures})
    groups.sort(key=lambda g: tuple("" if v is None else str(v) for v in g["key"].values()))
    return {
        "as_of": run.as_of,
        "period": period.key,
        "from": period.start,
        "to": period.end,
        "period_start": period.start,
        "period_end": period.end,
        "groups": groups,
    }


def matrix_report(
    run: SnapshotRun, by: str | None = None, readings: QuerySet[ClientSnapshot] | None = None
) -> dict:
    readings = readings if readings is not None else run.clients.all()
    keys = {"abc": F("abc"), "status": F("status")}
    if by and by not in {"abc", "status"}:
        keys[by] = F(MATRIX_GROUP[by])
    cells = (
        readings.filter(run=run)
        .values(**{f"k_{name}": expr for name, expr in keys.items()})
        .annotate(
            clients=Count("pk"),
            revenue=Sum("revenue_in_abc_window"),
            revenue_at_risk=Sum("revenue_at_risk"),
        )
        .order_by(*[f"k_{name}" for name in keys])
    )
    out = []
    for cell in cells:
        row = {name: cell[f"k_{name}"] or None for name in keys}
        row.update(
            clients=cell["clients"],
            revenue=Decimal(cell["revenue"] or 0).quantize(Decimal("0.01")),
            revenue_at_risk=Decimal(cell["revenue_at_risk"] or 0).quantize(Decimal("0.01")),
        )
        out.append(row)
    return {"as_of": run.as_of, "by": by, "cells": out}


def as_table(report: str, data) -> tuple[list[str], list[list]]:
    """Columns and rows of a report for csv / xlsx / table output."""
    if report == "clients":
        return list(CLIENT_FIELDS), [[row[f] for f in CLIENT_FIELDS] for row in data]
    if report == "kpis":  # every row names its window
        key_names = list(data["groups"][0]["key"]) if data["groups"] else []
        columns = ["period", "from", "to", *key_names, *KPI_FIELDS]
        window = [data["period"], data["from"], data["to"]]
        rows = [[*window, *g["key"].values(), *[g[f] for f in KPI_FIELDS]]
                for g in data["groups"]]  # fmt: skip
        return columns, rows
    cells = data["cells"]
    columns = list(cells[0]) if cells else ["abc", "status", "clients", "revenue",
                                            "revenue_at_risk"]  # fmt: skip
    return columns, [list(cell.values()) for cell in cells]


def keep_own_groups(report: dict, user, by: str) -> dict:
    """``report`` (a ``kpi_report`` by seller or team) cut to the groups ``user`` may read:
    the sellers they see, or the teams they manage. Company-wide users keep every group."""
    if user.sees_whole_portfolio:
        return report
    if by == "seller":
        allowed = set(sellers_visible_to(user).values_list("external_id", flat=True))
    else:
        allowed = set(Team.objects.filter(manager=user).values_list("name", flat=True))
    report["groups"] = [g for g in report["groups"] if g["key"].get(by) in allowed]
    return report
