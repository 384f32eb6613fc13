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
from carteira.credit.selectors import (
    BY_CHOICES,
    MONEY,
    aging_frames,
    aging_rows,
    cents,
    learned_rates,
    money,
)
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
# The page shows the largest groups (a portfolio by client has one row per client); the
# XLSX holds every one.
PAGE_ROWS = 500
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
    groups, cents_total = aging_frames(
        clients_visible_to(request.user), as_of=as_of, rules=rules, by=by
    )
    names = bucket_names(rules)
    if request.GET.get("format") == "xlsx":
        return _xlsx(groups, cents_total, names, by, as_of)
    total = {name: money(cents_total[name]) for name in MONEY}
    shown = [
        {"key": row["key"], "name": row["name"], **{n: money(row[n]) for n in MONEY}}
        for row in groups.head(PAGE_ROWS).iter_rows(named=True)
    ]
    overdue = total["open"] - total["current"]
    context = {
        "nav": "credit",
        "report": {"as_of": as_of, "by": by, "total": total},
        "as_of": as_of,
        "bad_date": bad_date,
        "by": by,
        "by_choices": [
            (key, str(BY_LABELS[key])) for key in ("seller", "team", "segment", "region", "client")
        ],
        "none_label": NONE_LABELS.get(by, ""),
        "groups_count": groups.height,
        "groups_cut": groups.height > PAGE_ROWS,
        "page_rows": PAGE_ROWS,
        "buckets": list(zip(BUCKETS, names, rules.provision_rates, strict=True)),
        "overdue": overdue,
        "overdue_share": overdue / total["open"] if total["open"] else None,
        "rows": [_row(group) for group in shown],
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


def _xlsx(groups, total: dict[str, int], names: list[str], by: str, as_of: dt.date):
    """Every group (not only the page's), money as numbers, then the total."""
    _columns, rows = aging_rows(groups, total, by=by, as_text=False)
    rows[-1] = (_("Total"), *rows[-1][1:])
    columns = [str(BY_LABELS[by]), _("Name"), _("Open"), *names, _("Provision")]
    out = io.BytesIO()
    write_xlsx(columns, ([key or "", name or "", *rest] for key, name, *rest in rows), out,
               sheet=_("aging"))  # fmt: skip
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    name = f"vencidos-{as_of.isoformat()}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
