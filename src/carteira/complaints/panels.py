"""The complaints section of the dashboard (registered in portfolio.hooks): what is open
now and how far past its SLA, and the measures of the dashboard's period — the same
``complaint_measures`` as the review, `carteira report complaints` and the API."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db.models import Q

from carteira.clients.access import clients_visible_to
from carteira.clients.filters import ClientFilter
from carteira.complaints.access import complaints_visible_to
from carteira.complaints.measures import complaint_measures
from carteira.complaints.selectors import queue


def _sliced(filters: Mapping[str, Any], prefix: str) -> Q:
    """The dashboard's slice on today's client (seller, team, segment, state)."""
    where = ClientFilter(
        segment=filters.get("segment") or "",
        state=filters.get("state") or "",
        seller_id=filters.get("seller"),
    ).on_record(prefix)
    if filters.get("team"):
        where &= Q(**{f"{prefix}seller__team_id": filters["team"]})
    return where


def dashboard_panel(user, filters: Mapping[str, Any], run, before: dt.date) -> dict | None:
    """None when the slice has no complaint at all (a workspace that does not use them)."""
    complaints = complaints_visible_to(user).filter(_sliced(filters, "client__"))
    if not complaints.exists():
        return None
    clients = clients_visible_to(user).filter(_sliced(filters, ""))
    start, end = before + dt.timedelta(days=1), run.as_of
    rows = queue(complaints)
    return {
        "template": "complaints/_dashboard.html",
        "measures": complaint_measures(complaints, clients, start=start, end=end),
        "open_now": len(rows),
        "breached_now": sum(row.clock.state == "breached" for row in rows),
        "warning_now": sum(row.clock.state == "warning" for row in rows),
    }
