"""``carteira report complaints [--from --to] [--by seller|category|team|segment]``:
registered in the portfolio's report command (``portfolio.hooks``) by this app's
``AppConfig.ready``. The CLI reads every client and complaint."""

from __future__ import annotations

import datetime as dt

from carteira.clients.models import Client
from carteira.complaints.measures import BY_CHOICES, complaint_measures
from carteira.complaints.models import Complaint
from carteira.portfolio.hooks import ExtraReport
from carteira.web.writers import rows_as_text, to_json

COLUMNS = ("opened", "closed", "per_100_clients", "sla_met_pct", "first_response_median_hours",
           "first_response_p90_hours", "resolution_median_hours", "resolution_p90_hours",
           "reopen_rate_pct", "satisfied_pct", "survey_answers", "survey_score_avg",
           "csat_pct")  # fmt: skip


def default_window(as_of: dt.date, start: dt.date | None, end: dt.date | None):
    """The window asked for; by default from the 1st of the as-of month to the as-of day."""
    end = end or as_of
    return start or end.replace(day=1), end


def render(as_of: dt.date, by: str | None, fmt: str, *, start=None, end=None) -> str | bytes:
    start, end = default_window(as_of, start, end)
    data = complaint_measures(
        Complaint.objects.all(), Client.objects.all(), start=start, end=end, by=by
    )
    if fmt == "json":
        return to_json(data) + "\n"
    groups = data["groups"] if by else [{"key": "total", **data["total"]}]
    rows = [[group["key"] or "—", *(group[name] for name in COLUMNS)] for group in groups]
    return rows_as_text([by or "", *COLUMNS], rows, fmt)


COMPLAINTS = ExtraReport(by=BY_CHOICES, render=render, window=True)
