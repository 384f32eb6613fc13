"""A review's figures computed once and kept for a few minutes, so the page, a reload and
its PDF print the same figures and the PDF does not compute them again (issue 25: the
director's review at 100k clients took 1.8 s of CPU to compute, the PDF as much again
before WeasyPrint's layout).

Kept in the figures cache (the database table every server process shares, ADR 10) under
who reads (``figures.scope_key``: the user's clients today), the period, the day, the
language (the charts are drawn in it), the newest stored reading, the goals of the
period and the receivables' version: a new reading, a goal set or changed and a
receivables import show at once. Complaints and leads have no version: one recorded in
the reviewed period shows within ``KEPT_SECONDS``. Decisions are never kept: the page
reads them on every request.

Warm-up (``do_warm_reviews``, queued after each snapshot): the review of the default
period is computed once for each scope a review is first opened in (the whole portfolio,
each manager's), so the parts that only change with a reading or the receivables — the
readings' terms and breakdown per scope and run, the trend, the credit section — are in
the figures cache when the first reader of the day comes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable

from django.conf import settings
from django.core.cache import caches
from django.db.models import Q
from django.utils import timezone, translation

from carteira.accounts.capabilities import CENTRAL_TEAM
from carteira.accounts.models import Role, User
from carteira.credit.ledger import receivables_version
from carteira.goals.periods import Period
from carteira.goals.selectors import goals_of_period, window_of
from carteira.portfolio.figures import RELEASE, scope_key
from carteira.portfolio.kpis import period_run
from carteira.portfolio.models import SnapshotRun
from carteira.review.sections import review_figures
from carteira.review.selectors import default_period

KEPT_SECONDS = 300
VERSION = 1
cache = caches["figures"]


def _goals_digest(period: Period) -> str:
    goals = (
        goals_of_period(period)
        .order_by("pk")
        .values_list("pk", "indicator", "target", "seller_id", "team_id", "client_id", "region")
    )
    return hashlib.sha256(repr(list(goals)).encode()).hexdigest()[:16]


def review_key(user: User, period: Period, today: dt.date) -> str:
    run = SnapshotRun.objects.order_by("-pk").values_list("pk", "created_at").first()
    reading = f"{run[0]}.{run[1].timestamp()}" if run is not None else "none"
    parts = (VERSION, RELEASE, scope_key(user), period.key, today, translation.get_language(),
             reading, _goals_digest(period), receivables_version())  # fmt: skip
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    return f"carteira:review:{user.pk}:{digest}"


def kept_review(user: User, period: Period, today: dt.date, compute: Callable[[], dict]) -> dict:
    """The review's figures for ``user``: kept ones, or ``compute()``'s, then kept."""
    key = review_key(user, period, today)
    found = cache.get(key)
    if found is None:
        found = compute()
        # Computing may store the period's reading (a new run): kept under both keys.
        cache.set_many(dict.fromkeys({key, review_key(user, period, today)}, found),
                       KEPT_SECONDS)  # fmt: skip
    return found


def readers_to_warm() -> list[User]:
    """One reader per scope a review is first opened in: the first active user who sees
    the whole portfolio (every such user reads the same figures) and each active manager."""
    whole = (
        User.objects.filter(Q(role__in=CENTRAL_TEAM.roles) | Q(is_superuser=True), is_active=True)
        .order_by("pk")
        .first()
    )
    managers = User.objects.filter(is_active=True, is_superuser=False, role=Role.MANAGER)
    return [user for user in (whole, *managers.order_by("pk")) if user is not None]


def do_warm_reviews(*, today: dt.date | None = None) -> int:
    """Compute the review of the default period (last month) for ``readers_to_warm``,
    in the default language, keeping what it computes; returns how many readers."""
    today = today or timezone.localdate()
    period = default_period(today)
    window = window_of(period, today)
    if window is None or period_run(window, compute_if_missing=False) is None:
        return 0  # no reading of that month yet: a warm-up computes no reading of its own
    readers = readers_to_warm()
    with translation.override(settings.LANGUAGE_CODE):
        for user in readers:
            kept_review(user, period, today, lambda user=user: review_figures(user, period, today))
    return len(readers)
