"""The aging page: the receivables of the user's clients by seller, segment or client at
a date, with the provision (managers and the central team; rows scoped by
``clients_visible_to``)."""

from __future__ import annotations

import datetime as dt
import io
import math
from fractions import Fraction

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from carteira.accounts.capabilities import MANAGEMENT
from carteira.accounts.policy import policy
from carteira.clients.access import clients_visible_to
from carteira.credit.selectors import BY_CHOICES, aging_report, cents, learned_rates, money
from carteira.credit.words import bucket_names
from carteira.portfolio.rules_store import current_rules
from carteira.web.writers import write_xlsx
from carteira_core.credit import BUCKETS

BY_LABELS = {
    "seller": gettext_lazy("Seller"),
    "team": gettext_lazy("Team"),
    "segment": gettext_lazy("Segment"),
    "region": gettext_lazy("State"),
    "client": gettext_lazy("Client"),
}
# The row of the clients without the group's key (none for clients: each has a code).
NONE_LABELS = {
    "seller": gettext_lazy("No seller"),
    "team": gettext_lazy("No team"),
    "segment": gettext_lazy("No segment"),
    "region": gettext_lazy("No state"),
}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _as_of(text: str) -> tuple[dt.date, bool]:
    """The date asked for (today when none), and whether the text was refused."""
    today = timezone.localdate()
    if not text:
        return today, False
    try:
        return dt.date.fromisoformat(text), False
    except ValueError:
        return today, True


@policy(MANAGEMENT)
@require_GET
def aging(request):
    as_of, bad_date = _as_of(request.GET.get("as_of", ""))
    by = request.GET.get("by", "seller")
    by = by if by in BY_CHOICES else "seller"
    rules = current_rules().credit
    report = aging_report(clients_visible_to(request.user), as_of=as_of, rules=rules, by=by)
    names = bucket_names(rules)
    if request.GET.get("format") == "xlsx":
        return _xlsx(report, names, by)
    total = report["total"]
    overdue = total["open"] - total["current"]
    context = {
        "nav": "credit",
        "report": report,
        "as_of": as_of,
        "bad_date": bad_date,
        "by": by,
        "by_choices": [
            (key, str(BY_LABELS[key])) for key in ("seller", "team", "segment", "region", "client")
        ],
        "none_label": NONE_LABELS.get(by, ""),
        "buckets": list(zip(BUCKETS, names, rules.provision_rates, strict=True)),
        "overdue": overdue,
        "overdue_share": overdue / total["open"] if total["open"] else None,
        "rows": [_row(group) for group in report["groups"]],
        "total_row": _row(total),
        **_rates(total, names, rules, as_of),
    }
    return render(request, "credit/aging.html", context)


def _rates(total: dict, names: list[str], rules, as_of: dt.date) -> dict:
    """The configured and the learned rate of each bucket, and the provision of the
    page's total under each (the learned one only when every bucket has a rate)."""
    learned = learned_rates(as_of=as_of, rules=rules)
    rows = [
        {"name": name, "open": total[code], "configured": rate, "learned": got}
        for code, name, rate, got in zip(
            BUCKETS, names, rules.provision_rates, learned.bucket_rates, strict=True
        )
    ]
    known = all(row["learned"] is not None for row in rows)
    exact = (
        sum((cents(row["open"]) * row["learned"] for row in rows), Fraction(0)) if known else None
    )
    at_learned = None if exact is None else money(math.floor(exact + Fraction(1, 2)))
    return {"rates": rows, "learned_provision": at_learned, "learned_from": learned.dates[0]}


def _row(group: dict) -> dict:
    return {**group, "cells": [group[name] for name in BUCKETS]}


def _xlsx(report: dict, names: list[str], by: str) -> HttpResponse:
    columns = [str(BY_LABELS[by]), _("Name"), _("Open"), *names, _("Provision")]
    rows = [
        [g["key"] or "", g["name"] or "", g["open"], *(g[n] for n in BUCKETS), g["provision"]]
        for g in report["groups"]
    ]
    total = report["total"]
    rows.append([_("Total"), "", total["open"], *(total[n] for n in BUCKETS), total["provision"]])
    out = io.BytesIO()
    write_xlsx(columns, rows, out, sheet=_("aging"))
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    name = f"vencidos-{report['as_of'].isoformat()}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
