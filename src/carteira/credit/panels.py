"""What the credit app adds to the portfolio's pages: the dashboard's credit section
(registered through ``portfolio.hooks``) and the review's (read by the review app)."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.http import urlencode

from carteira.accounts.capabilities import MANAGEMENT
from carteira.clients.access import clients_visible_to
from carteira.clients.filters import OVERDUE_DAYS
from carteira.clients.models import Client
from carteira.credit.ledger import TIMEOUT, cache, ledger_key, receivables_version
from carteira.credit.models import Receivable
from carteira.credit.selectors import credit_summary
from carteira.portfolio.figures import RELEASE, scope_key
from carteira.portfolio.models import SnapshotRun
from carteira.portfolio.rules_store import current_rules
from carteira.portfolio.selectors import latest_official_run

CLASSES = ("A", "B", "C")
STATUSES = ("active", "pre_inactive", "inactivated", "inactive")


def sliced(clients: QuerySet[Client], filters: Mapping[str, Any]) -> QuerySet[Client]:
    """The dashboard's slice (seller, team, segment, state) on the clients' records."""
    if filters.get("seller"):
        clients = clients.filter(seller_id=filters["seller"])
    if filters.get("team"):
        clients = clients.filter(seller__team_id=filters["team"])
    if filters.get("segment"):
        clients = clients.filter(segment=filters["segment"])
    if filters.get("state"):
        clients = clients.filter(state=filters["state"])
    return clients


def dashboard_panel(user, filters: Mapping[str, Any], run, before: dt.date) -> dict | None:
    """The credit of the user's slice on the reading's date, its provision against
    ``before`` (the eve of the dashboard's period), by seller and by ABC class of the
    reading. None when the slice has no receivables."""
    clients = sliced(clients_visible_to(user), filters)
    if not Receivable.objects.filter(client__in=clients).exists():
        return None
    rules = current_rules().credit
    management = MANAGEMENT.held_by(user)  # sellers see their own clients: no seller rows
    by = ("seller", "abc", "abc_status") if management and not filters.get("seller") else (
        "abc", "abc_status")  # fmt: skip
    total, groups = credit_summary(
        clients, as_of=run.as_of, before=before, rules=rules, by=by, run=run
    )
    return {
        "template": "credit/_dashboard.html",
        "as_of": run.as_of,
        "before": before,
        "total": total,
        "by_seller": groups.get("seller", []),
        "by_class": sorted(groups["abc"], key=lambda g: (g.key is None, g.key or "")),
        "matrix": class_status_matrix(groups["abc_status"]),
        "collection_after_days": rules.collection_after_days,
        "dso_days": rules.dso_days,
        "aging_link": management,
        "collection_url": _collection_url(rules.collection_after_days, filters),
    }


def class_status_matrix(cells: list) -> dict:
    """The three-dimensional reading in credit for the dashboard's slice (one seller when
    it is filtered by one): rows of classes A, B, C, columns of the statuses, each cell
    the ``CreditFigures`` of its clients (key: class, name: status; None: empty)."""
    found = {(cell.key, cell.name): cell for cell in cells}
    inside = {(abc, status) for abc in CLASSES for status in STATUSES}
    return {
        "statuses": STATUSES,
        "outside": sum((c.open for k, c in found.items() if k not in inside), Decimal(0)),
        "rows": [{"abc": abc, "cells": [found.get((abc, status)) for status in STATUSES]}
                 for abc in CLASSES],
    }  # fmt: skip


def _collection_url(days: int, filters: Mapping[str, Any]) -> str | None:
    """The client list of the clients in collection, in the dashboard's slice (the list
    has no team filter), when the rules' days are one of the list's choices."""
    if days not in OVERDUE_DAYS:
        return None
    query = {"overdue": days, **{k: filters[k] for k in ("seller", "segment", "state")
                                 if filters.get(k)}}  # fmt: skip
    return f"{reverse('clients:list')}?{urlencode(query)}"


def review_credit(
    user, *, as_of: dt.date, before: dt.date, scope: str | None = None
) -> dict | None:
    """The review's credit section: the user's clients by team, seller, segment and region
    (state), and by class x status of the review's reading, at its date against the eve of
    its period. None without receivables.

    Kept in the figures cache per scope (``scope``: ``figures.scope_key(user)``, computed
    when not given), dates, rules, receivables version and newest reading, so the first
    visit after a snapshot reads what the review's warm-up stored (the names of 100k
    clients and the reading's class and status took most of a cold review at 100k)."""
    rules = current_rules().credit
    key = _review_key(scope or scope_key(user), as_of, before, rules)
    found = cache.get(key)
    if found is None:
        found = {"section": _review_credit(user, as_of=as_of, before=before, rules=rules)}
        cache.set(key, found, TIMEOUT)
    return found["section"]


def _review_key(scope: str, as_of: dt.date, before: dt.date, rules) -> str:
    newest = SnapshotRun.objects.order_by("-pk").values_list("pk", "created_at").first()
    reading = f"{newest[0]}.{newest[1].timestamp()}" if newest else "none"
    parts = (RELEASE, ledger_key(as_of, before, rules, receivables_version()), scope, reading)
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    return f"carteira:credit:review:1:{digest}"


def _review_credit(user, *, as_of: dt.date, before: dt.date, rules) -> dict | None:
    clients = clients_visible_to(user)
    if not Receivable.objects.filter(client__in=clients).exists():
        return None
    run = latest_official_run(as_of)
    reading = run is not None and run.as_of == as_of  # the class x status of that reading
    total, groups = credit_summary(
        clients, as_of=as_of, before=before, rules=rules, run=run if reading else None,
        by=("team", "seller", "segment", "region", *(("abc_status",) if reading else ())),
    )  # fmt: skip
    return {
        "matrix": class_status_matrix(groups["abc_status"]) if reading else None,
        "as_of": as_of,
        "before": before,
        "total": total,
        "by_team": groups["team"],
        "by_seller": groups["seller"],
        "by_segment": groups["segment"],
        "by_region": groups["region"],
        "collection_after_days": rules.collection_after_days,
        "dso_days": rules.dso_days,
    }
