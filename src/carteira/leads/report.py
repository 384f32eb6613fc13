"""``carteira report funnel``: registered in the portfolio's report command
(``portfolio.hooks``) by this app's ``AppConfig.ready``. The CLI reads every lead."""

from __future__ import annotations

import datetime as dt

from carteira.leads.funnel import BY_CHOICES, funnel_report
from carteira.leads.models import Lead
from carteira.portfolio.hooks import ExtraReport
from carteira.web.writers import rows_as_text, to_json


def default_window(as_of: dt.date, start: dt.date | None, end: dt.date | None):
    """--from/--to; by default the month of ``--to`` (or of the as-of date) up to it."""
    end = end or as_of
    return start or end.replace(day=1), end


def funnel_table(data: dict) -> tuple[list[str], list[list]]:
    """Rows of the table and CSV forms: the stages, or the groups for --by seller/source,
    then won, lost and CAC."""
    acquisition = data["acquisition"]
    if data.get("groups") is not None:
        columns = [data["by"], "leads", "won", "lost", "win_rate"]
        rows = [[g["key"] or "-", g["leads"], g["won"], g["lost"], g["win_rate"]]
                for g in data["groups"]]  # fmt: skip
        return columns, rows
    columns = ["stage", "entered", "now", "conversion", "days"]
    rows = [[s["stage"], s["entered"], s["now"], s["conversion"], s["days"]]
            for s in data["stages"]]  # fmt: skip
    rows += [
        ["leads", data["leads"], None, None, None],
        ["cac", acquisition["cac"], None, None, None],
    ]
    rows += [[f"cac:{c['channel']}", c["cac"], c["new_clients"], None, None]
             for c in acquisition["by_channel"]]  # fmt: skip
    return columns, rows


def render(as_of: dt.date, by: str | None, fmt: str, *, start=None, end=None) -> str | bytes:
    start, end = default_window(as_of, start, end)
    data = funnel_report(Lead.objects.all(), start=start, end=end, by=by)
    if fmt == "json":
        return to_json(data) + "\n"
    return rows_as_text(*funnel_table(data), fmt)


FUNNEL = ExtraReport(by=BY_CHOICES, render=render, window=True)
