"""The dashboard's figures of one stored reading for one user's scope and slice, cached.

A run's readings never change once stored (recomputing an official date makes a new run),
so what the dashboard aggregates from them — the KPIs, the status counts and flows, the
class × status matrix — can be kept per (scope, slice, run). The key holds:

- the scope: ``all`` for users who see the whole portfolio; otherwise the user's id and a
  fingerprint of the clients they may see today (count, sum and sum of squares of the
  ids), so a reassignment shows at once and two users never read each other's entry;
- the slice (seller, team, segment, state);
- the run's id and creation time (a new or recomputed snapshot is a new key; ids reused
  after a restore or a rolled-back test cannot match an old entry).

Entries live in the ``figures`` cache: a database table shared by every server process and
by ``carteira snapshot``, which warms the scopes users open first (``do_warm_dashboards``,
ADR 10).
"""

from __future__ import annotations

import hashlib
import json
from importlib.metadata import version

from django.core.cache import caches
from django.db.models import Count, F, Q, Sum

from carteira.accounts.capabilities import CENTRAL_TEAM
from carteira.accounts.models import Role, User
from carteira.clients.access import clients_visible_to
from carteira.organization.models import Seller, Team
from carteira.portfolio import kpis as k
from carteira.portfolio.models import GroupSnapshot, SnapshotRun
from carteira.portfolio.selectors import (
    latest_official_run,
    latest_official_runs,
    sliced_readings,
)

SLICE = ("seller", "team", "segment", "state")
TIMEOUT = 7 * 24 * 3600
VERSION = 4  # 4: churn over the rolling window is the spec's inactivated at T (ADR 12)
# Entries outlive the process (ADR 10): the release is in the key, so an upgrade that
# changes what is stored never reads an older shape; bump VERSION for such a change in between.
RELEASE = version("carteira")
TREND_RUNS = 13  # the dashboard's trend: the latest 13 readings up to the one shown
cache = caches["figures"]


def scope_key(user: User) -> str:
    """Who the figures are for: everyone who sees the whole portfolio, or this user with
    the clients they may see now."""
    if user.sees_whole_portfolio:
        return "all"
    ids = clients_visible_to(user).aggregate(
        n=Count("pk"), s=Sum("pk"), q=Sum(F("pk") * F("pk"))
    )  # fmt: skip
    return f"user:{user.pk}:{ids['n']}:{ids['s'] or 0}:{ids['q'] or 0}"


def _key(kind: str, scope: str, filters: dict, run: SnapshotRun) -> str:
    parts = {
        "scope": scope,
        "slice": [str(filters.get(name) or "") for name in SLICE],
        "run": [run.pk, run.created_at.isoformat() if run.created_at else ""],
    }
    digest = hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()
    return f"carteira:dashboard:{VERSION}:{RELEASE}:{kind}:{digest}"


def _readings(user: User, filters: dict, run: SnapshotRun):
    return sliced_readings(k.readings_visible_to(user, run), filters)


def kpis_by_run(user: User, filters: dict, runs: list[SnapshotRun], scope: str) -> dict:
    """The KPIs of each run for the user's slice, {run id: Kpis}: cached entries read at
    once, the missing ones aggregated in one grouped query and stored."""
    keys = {run.pk: _key("kpis", scope, filters, run) for run in runs}
    found = cache.get_many(list(keys.values()))
    missing = [run for run in runs if keys[run.pk] not in found]
    if missing:
        readings = sliced_readings(k.readings_of_runs_visible_to(user, missing), filters)
        computed = k.kpis_per_run(readings, missing)
        fresh = {keys[pk]: figures for pk, figures in computed.items()}
        cache.set_many(fresh, TIMEOUT)
        found.update(fresh)
    return {run.pk: found[keys[run.pk]] for run in runs}


def breakdown(user: User, filters: dict, run: SnapshotRun, scope: str) -> dict:
    """Status counts, status flows and the class × status matrix of the user's slice."""
    key = _key("breakdown", scope, filters, run)
    found = cache.get(key)
    if found is None:
        readings = _readings(user, filters, run)
        found = {
            "counts": k.status_counts(readings),
            "flows": k.status_flows_by_class(readings),
            "matrix": k.abc_status_matrix(readings),
        }
        cache.set(key, found, TIMEOUT)
    return found


def trend(user: User, filters: dict, runs: list[SnapshotRun | None], scope: str) -> list[dict]:
    """Positivation, coverage (%) and portfolio size of each of ``runs`` (None: a point
    without a stored reading) for the user's slice, each point naming its window: the one
    trend of the dashboard and the review."""
    stored = [run for run in runs if run is not None]
    if user.sees_whole_portfolio and not any(filters.get(name) for name in SLICE):
        # The whole company: the engine stored these figures with each run; one query.
        groups = dict(
            GroupSnapshot.objects.filter(run__in=stored, by="").values_list("run_id", "figures")
        )
        figures = {pk: (g.get("positivation"), g.get("coverage"), g.get("portfolio"))
                   for pk, g in groups.items()}  # fmt: skip
    else:
        kpis = kpis_by_run(user, filters, stored, scope)
        figures = {pk: (f.positivation, f.coverage, f.portfolio) for pk, f in kpis.items()}
    points = []
    for run in runs:
        found = figures.get(run.pk) if run is not None else None
        positivation, coverage, portfolio = found or (None, None, None)
        points.append({
            "date": run.as_of.isoformat() if run else None,
            "from": run.period_start.isoformat() if run else None,
            "positivation": None if positivation is None else float(positivation) * 100,
            "coverage": None if coverage is None else float(coverage) * 100,
            "portfolio": portfolio,
        })  # fmt: skip
    return points


def _warm(user: User, filters: dict, run: SnapshotRun, runs: list[SnapshotRun]) -> None:
    """Store what the dashboard of ``run`` reads for this user and slice: the KPIs of
    ``runs`` (the reading, the one a period before, the trend's) and the breakdown."""
    scope = scope_key(user)
    kpis_by_run(user, filters, runs, scope)
    breakdown(user, filters, run, scope)


def do_warm_dashboards(run: SnapshotRun | None = None) -> int:
    """Compute and store the dashboard figures of the latest official reading (or ``run``)
    for the views users open first, so that the first visit after a snapshot reads them:
    the whole company unsliced and sliced by each team and each seller, and each active
    manager's and seller's own portfolio, unsliced. Entries already stored are read, not
    computed again. Returns how many views were warmed."""
    run = run or latest_official_run()
    if run is None:
        return 0
    before = k.previous_run(run.period)
    compared = [run] if before is None else [run, before]
    trend = latest_official_runs(TREND_RUNS, until=run.as_of)
    with_trend = sorted({*compared, *trend}, key=lambda r: (r.as_of, r.pk))
    views = 0
    whole = (
        User.objects.filter(Q(role__in=CENTRAL_TEAM.roles) | Q(is_superuser=True), is_active=True)
        .order_by("pk")
        .first()
    )
    if whole is not None:
        # Unsliced, the company's trend is read from the engine's stored group figures.
        _warm(whole, {}, run, compared)
        teams = Team.objects.order_by("pk").values_list("pk", flat=True)
        sellers = Seller.objects.order_by("pk").values_list("pk", flat=True)
        slices = [{"team": pk} for pk in teams] + [{"seller": pk} for pk in sellers]
        for filters in slices:
            _warm(whole, filters, run, with_trend)
        views += 1 + len(slices)
    own = User.objects.filter(
        is_active=True, is_superuser=False, role__in=[Role.MANAGER, Role.SELLER]
    ).order_by("pk")
    for user in own:
        _warm(user, {}, run, with_trend)
        views += 1
    cache.do_cull()
    return views
