"""``carteira report receivables``: registered in the portfolio's report command
(``portfolio.hooks``) by this app's ``AppConfig.ready``."""

from __future__ import annotations

import datetime as dt

from carteira.clients.models import Client
from carteira.credit.selectors import BY_CHOICES, aging_frames, aging_json, aging_rows
from carteira.portfolio.engine_input import adbc_on_sqlite
from carteira.portfolio.hooks import ExtraReport
from carteira.portfolio.rules_store import current_rules
from carteira.web.writers import rows_as_text


def render(as_of: dt.date, by: str | None, fmt: str) -> str | bytes:
    """The whole portfolio's aging at ``as_of`` (the CLI reads every client, committed
    data: through ADBC on SQLite too), written from the cents' columns."""
    by = by or "client"
    rules = current_rules().credit
    with adbc_on_sqlite():
        groups, total = aging_frames(Client.objects.all(), as_of=as_of, rules=rules, by=by)
    if fmt == "json":
        return aging_json(groups, total, as_of=as_of, by=by)
    return rows_as_text(*aging_rows(groups, total, by=by, as_text=fmt != "xlsx"), fmt)


RECEIVABLES = ExtraReport(by=BY_CHOICES, render=render)
