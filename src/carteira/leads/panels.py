"""The prospecting section of the dashboard (registered in portfolio.hooks) and of the
PDCA review: the same funnel as the funnel page, the CLI and the API (leads.funnel)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from carteira.accounts.capabilities import MANAGEMENT
from carteira.leads.funnel import funnel_panel


def dashboard_panel(user, filters: Mapping[str, Any], run, before: dt.date) -> dict | None:
    """The funnel of the dashboard's period (the day after ``before`` to the reading's
    date) in its slice (seller, team, segment, state); None without leads."""
    start, end = before + dt.timedelta(days=1), run.as_of
    report = funnel_panel(user, start=start, end=end, where=filters)
    if report is None:
        return None
    return {"template": "leads/_dashboard.html", "report": report,
            "funnel_link": MANAGEMENT.held_by(user)}  # fmt: skip


def review_funnel(user, *, start: dt.date, end: dt.date) -> dict | None:
    """The review's prospecting section over its period."""
    return funnel_panel(user, start=start, end=end)
