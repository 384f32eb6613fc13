"""Every figure of a review: its own selectors' and the sections other apps add (the
page, its PDF and the warm-up after a snapshot compute them here, and only here)."""

from __future__ import annotations

import datetime as dt

from carteira.accounts.models import User
from carteira.clients.access import clients_visible_to
from carteira.complaints.access import complaints_visible_to
from carteira.complaints.measures import complaint_measures
from carteira.credit.panels import review_credit
from carteira.goals.periods import Period
from carteira.leads.panels import review_funnel
from carteira.portfolio.figures import scope_key
from carteira.review import selectors
from carteira.review.charts import review_charts
from carteira.review.summary import review_summary


def review_figures(user: User, period: Period, today: dt.date) -> dict:
    """The review of ``period`` as ``user`` reads it on ``today``."""
    scope = scope_key(user)
    data = selectors.review(user, period, today=today, scope=scope)
    data["charts"] = review_charts(data)
    data["summary"] = review_summary(data)
    data["complaints"] = complaint_measures(
        complaints_visible_to(user),
        clients_visible_to(user),
        start=period.start,
        end=period.end,
        by="category",
    )
    data["credit"] = review_credit(
        user, as_of=data["as_of"], before=period.start - dt.timedelta(days=1), scope=scope
    )
    data["funnel"] = review_funnel(user, start=period.start, end=period.end)
    return data
