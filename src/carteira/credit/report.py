"""``carteira report receivables``: registered in the portfolio's report command
(``portfolio.hooks``) by this app's ``AppConfig.ready``."""

from __future__ import annotations

import datetime as dt

from carteira.clients.models import Client
from carteira.credit.selectors import BY_CHOICES, aging_report, aging_table
from carteira.portfolio.hooks import ExtraReport
from carteira.portfolio.rules_store import current_rules
from carteira.web.writers import rows_as_text, to_json


def render(as_of: dt.date, by: str | None, fmt: str) -> str | bytes:
    """The whole portfolio's aging at ``as_of`` (the CLI reads every client)."""
    rules = current_rules().credit
    data = aging_report(Client.objects.all(), as_of=as_of, rules=rules, by=by or "client")
    if fmt == "json":
        return to_json(data) + "\n"
    return rows_as_text(*aging_table(data), fmt)


RECEIVABLES = ExtraReport(by=BY_CHOICES, render=render)
