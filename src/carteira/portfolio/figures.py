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

Entries live in Django's default cache (per process unless ``CARTEIRA_CACHE_DIR`` is set).
"""

from __future__ import annotations

import hashlib
import json

from django.core.cache import cache
from django.db.models import Count, F, Sum

from carteira.accounts.models import User
from carteira.clients.access import clients_visible_to
from carteira.portfolio import kpis as k
from carteira.portfolio.models import SnapshotRun
from carteira.portfolio.selectors import sliced_readings

SLICE = ("seller", "team", "segment", "state")
TIMEOUT = 7 * 24 * 3600
VERSION = 2


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
    return f"carteira:dashboard:{VERSION}:{kind}:{digest}"


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
