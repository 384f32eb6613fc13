"""The dashboard's figures of one stored reading for one user's scope and slice, cached.

A run's readings never change once stored (recomputing an official date makes a new run),
so what the dashboard aggregates from them — the KPIs, the status counts and flows, the
class × status matrix — can be kept per (scope, slice, run). The key holds:

- the scope: ``all`` for users who see the whole portfolio; otherwise the user's id and a
  fingerprint of the clients they may see today (count, sum and sum of squares of the
  ids), so a reassignment shows at once and two users never read each other's entry;
- the slice (seller, team, segment, state, with an open complaint — then also a
  fingerprint of the clients complaining now, since complaints change between readings);
- the run's id and creation time (a new or recomputed snapshot is a new key; ids reused
  after a restore or a rolled-back test cannot match an old entry).

Entries live in the ``figures`` cache: a database table shared by every server process and
by ``carteira snapshot``, which warms the scopes users open first (``do_warm_dashboards``,
ADR 10).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from importlib.metadata import version

import polars as pl
from django.core.cache import caches
from django.db.models import Count, F, Q, Sum

from carteira.accounts.capabilities import CENTRAL_TEAM
from carteira.accounts.models import Role, User
from carteira.clients.access import clients_visible_to
from carteira.clients.filters import ClientFilter
from carteira.clients.models import Client
from carteira.organization.models import Seller, Team
from carteira.portfolio import engine_input, hooks
from carteira.portfolio import kpis as k
from carteira.portfolio.models import ClientSnapshot, GroupSnapshot, SnapshotRun
from carteira.portfolio.selectors import (
    latest_official_run,
    latest_official_runs,
    sliced_readings,
)
from carteira.portfolio.services import stored_values
from carteira_core.engine import PortfolioReading

SLICE = ("seller", "team", "segment", "state", "complaint")
TIMEOUT = 7 * 24 * 3600
VERSION = 4  # 4: churn over the rolling window is the spec's inactivated at T (ADR 12)
# Entries outlive the process (ADR 10): the release is in the key, so an upgrade that
# changes what is stored never reads an older shape; bump VERSION for such a change in between.
RELEASE = version("carteira")
CHUNK = 500  # keys per cache read or write: well under every database's parameter limit
TREND_RUNS = 13  # the dashboard's trend: the latest 13 readings up to the one shown
cache = caches["figures"]


COMPLAINING = ClientFilter(open_complaint=True)


def _fingerprint(clients) -> str:
    ids = clients.aggregate(n=Count("pk"), s=Sum("pk"), q=Sum(F("pk") * F("pk")))
    return f"{ids['n']}:{ids['s'] or 0}:{ids['q'] or 0}"


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
    if filters.get("complaint"):
        # Complaints open and close between readings: the key names who complains now.
        parts["complaining"] = _fingerprint(Client.objects.filter(COMPLAINING.on_record()))
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


def kpi_terms_by_seller(readings, run: SnapshotRun, scope: str | None) -> list[tuple]:
    """The KPI terms of one run's ``readings`` by the reading's seller, [(seller id,
    terms)], in one grouped query; kept in the figures cache per (``scope``, run) when a
    scope key (``scope_key``) says whose readings these are. Every seller's, team's,
    region's and the whole scope's KPIs are sums of them (``kpis.sum_terms``): the
    review and the goals read them instead of one aggregate per scope."""
    key = _key("seller_terms", scope, {}, run) if scope else None
    found = cache.get(key) if key else None
    if found is None:
        found = [
            (seller, terms) for (seller,), terms in k.kpi_terms(readings, [run], ("seller_id",))
        ]
        if key:
            cache.set(key, found, TIMEOUT)
    return found


def breakdown(user: User, filters: dict, run: SnapshotRun, scope: str) -> dict:
    """Status counts, status flows and the class × status matrix of the user's slice."""
    key = _key("breakdown", scope, filters, run)
    found = cache.get(key)
    if found is None:
        found = k.breakdown(_readings(user, filters, run))
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


@dataclass(frozen=True)
class _View:
    """One dashboard the warm-up stores: whose scope, which slice, the runs whose KPIs it
    reads, and which readings it sums: those whose seller at the reading (``sellers``) or
    whose client's seller today (``owners``) is in the set; neither set: every reading."""

    scope: str
    filters: dict
    runs: list[SnapshotRun]
    sellers: frozenset | None = None
    owners: frozenset | None = None

    def picks(self, index: _Index) -> list:
        """The terms of this view's readings."""
        if self.sellers is not None:
            return [terms for pk in self.sellers for terms in index.by_seller.get(pk, ())]
        if self.owners is not None:
            return [terms for pk in self.owners for terms in index.by_owner.get(pk, ())]
        return index.every


class _Index:
    """Terms of groups of readings, found by the seller at the reading and by the client's
    seller today."""

    def __init__(self) -> None:
        self.every: list = []
        self.by_seller: dict = {}
        self.by_owner: dict = {}

    def add(self, seller, owner, terms) -> None:
        self.every.append(terms)
        self.by_seller.setdefault(seller, []).append(terms)
        self.by_owner.setdefault(owner, []).append(terms)


def _own_views(with_trend: list[SnapshotRun]) -> list[_View]:
    """Each active manager's and seller's own dashboard, unsliced, with the scope key
    ``scope_key`` gives them (the fingerprint of the clients they see), from one grouped
    query over the clients instead of one per user."""
    per_seller = {
        row["seller_id"]: (row["n"], row["s"] or 0, row["q"] or 0)
        for row in Client.objects.values("seller_id")
        .annotate(n=Count("pk"), s=Sum("pk"), q=Sum(F("pk") * F("pk")))
        .order_by()
    }
    seller_of_user = dict(
        Seller.objects.filter(user__isnull=False).values_list("user_id", "pk")
    )  # fmt: skip
    teams_sellers: dict[int, set] = {}
    for manager, seller in Seller.objects.filter(team__manager__isnull=False).values_list(
        "team__manager_id", "pk"
    ):
        teams_sellers.setdefault(manager, set()).add(seller)
    views = []
    users = User.objects.filter(
        is_active=True, is_superuser=False, role__in=[Role.MANAGER, Role.SELLER]
    ).order_by("pk")
    for user in users:
        if user.sees_whole_portfolio:  # not with these roles today; the gate decides
            views.append(_View("all", {}, with_trend))
            continue
        if user.role == Role.MANAGER:
            sellers = frozenset(teams_sellers.get(user.pk, ()))
        else:
            sellers = frozenset(filter(None, [seller_of_user.get(user.pk)]))
        n, s, q = (sum(per_seller.get(pk, (0, 0, 0))[i] for pk in sellers) for i in range(3))
        views.append(_View(f"user:{user.pk}:{n}:{s}:{q}", {}, with_trend, owners=sellers))
    return views


def _views(run: SnapshotRun) -> list[_View]:
    """The dashboards users open first: the whole company unsliced and sliced by each team
    and each seller (if someone sees the whole portfolio), each manager's and seller's own."""
    before = k.previous_run(run.period)
    compared = [run] if before is None else [run, before]
    trend = latest_official_runs(TREND_RUNS, until=run.as_of)
    with_trend = sorted({*compared, *trend}, key=lambda r: (r.as_of, r.pk))
    views = []
    whole = User.objects.filter(
        Q(role__in=CENTRAL_TEAM.roles) | Q(is_superuser=True), is_active=True
    ).exists()
    if whole:
        # Unsliced, the company's trend is read from the engine's stored group figures.
        views.append(_View("all", {}, compared))
        teams: dict[int, set] = {}
        sellers = list(Seller.objects.order_by("pk").values_list("pk", "team_id"))
        for seller, team in sellers:
            teams.setdefault(team, set()).add(seller)
        for team in Team.objects.order_by("pk").values_list("pk", flat=True):
            views.append(_View("all", {"team": team}, with_trend, frozenset(teams.get(team, ()))))
        for seller, _team in sellers:
            views.append(_View("all", {"seller": seller}, with_trend, frozenset([seller])))
    return views + _own_views(with_trend)


def _stored(keys: list[str]) -> dict:
    found = {}
    for start in range(0, len(keys), CHUNK):
        found.update(cache.get_many(keys[start : start + CHUNK]))
    return found


def _store(entries: dict) -> None:
    items = list(entries.items())
    for start in range(0, len(items), CHUNK):
        cache.set_many(dict(items[start : start + CHUNK]), TIMEOUT)


def _indexed(rows) -> dict[int | None, _Index]:
    """{run id (None when not grouped by run): its terms indexed by seller and owner}."""
    indexes: dict = {}
    for key, terms in rows:
        run_id, (seller, owner) = (key[0], key[1:]) if len(key) == 3 else (None, key)
        indexes.setdefault(run_id, _Index()).add(seller, owner, terms)
    return indexes


OWNERS = ("seller_id", "owner")  # the seller at the reading, the client's seller today
ROWS = {"run_id": pl.Int64, "client_id": pl.Int64, "seller_id": pl.Int64, **k.ROW_SCHEMA}
CENTS = ("revenue_in_period", "revenue_in_abc_window", "revenue_at_risk")


BREAKDOWN_ONLY = ("abc", "revenue_in_abc_window", "revenue_at_risk")


def _reading_rows(
    runs: set[int], computed: dict[int, pl.DataFrame], breakdown: int | None
) -> pl.DataFrame:
    """The readings of the runs ``runs`` as columns (``ROWS`` and the client's seller today
    as ``owner``), the stored ones in one read of the readings table; ``computed``: {run
    id: its readings as ``services.stored_values`` gives them} for a run the snapshot has
    just computed, not read again. The breakdown's columns are read for the run
    ``breakdown`` only (null elsewhere)."""
    owners = f"SELECT id AS client_id, seller_id AS owner FROM {Client._meta.db_table}"  # noqa: S608 -- names from the models
    queries = {"owners": (owners, {"client_id": pl.Int64, "owner": pl.Int64})}
    stored = sorted(pk for pk in runs if pk not in computed)
    table = ClientSnapshot._meta.db_table
    for pk in stored:
        names = []
        for name in ROWS:
            if name in BREAKDOWN_ONLY and pk != breakdown:
                names.append(f"NULL AS {name}")
            elif name in CENTS:
                names.append(f"CAST(ROUND({name} * 100) AS BIGINT) AS {name}")
            else:
                names.append(name)
        sql = f"SELECT {', '.join(names)} FROM {table} WHERE run_id = {int(pk)}"  # noqa: S608 -- an int
        queries[f"run {pk}"] = (sql, ROWS)
    frames = engine_input.read_frames(queries)
    parts = [frames[f"run {pk}"] for pk in stored]
    for pk, values in computed.items():
        if pk in runs:
            values = values.with_columns(pl.lit(pk).alias("run_id"))
            parts.append(values.select(pl.col(name).cast(kind) for name, kind in ROWS.items()))
    rows = pl.concat(parts) if parts else pl.DataFrame(schema=ROWS)
    return rows.join(frames["owners"], on="client_id", how="left")


def do_warm_dashboards(
    run: SnapshotRun | None = None, *, reading: PortfolioReading | None = None
) -> int:
    """Compute and store the dashboard figures of the latest official reading (or ``run``)
    for the views users open first, so that the first visit after a snapshot reads them:
    the whole company unsliced and sliced by each team and each seller, and each active
    manager's and seller's own portfolio, unsliced. Entries already stored are kept.

    Every view's figures are sums of terms grouped by run, seller at the reading and
    client's seller today (``kpis.kpi_terms_of_rows``, ``kpis.breakdown_terms_of_rows``),
    from one read of the readings as columns (none for ``run`` when the snapshot gives its
    ``reading``): the terms add up (``kpis.sum_terms``, ``kpis.breakdown_of``), so the
    figures are those a cold dashboard aggregates, without one query set per view (815
    views took 23–26 s of the 100k-client snapshot) nor a grouped SQL aggregate over
    every run of the trend. Returns how many views."""
    run = run or latest_official_run()
    if run is None:
        return 0
    views = _views(run)
    kpi_keys = {(i, r.pk): _key("kpis", v.scope, v.filters, r)
                for i, v in enumerate(views) for r in v.runs}  # fmt: skip
    breakdown_keys = {i: _key("breakdown", v.scope, v.filters, run) for i, v in enumerate(views)}
    stored = _stored([*kpi_keys.values(), *breakdown_keys.values()])
    missing_runs = {pk for (_, pk), key in kpi_keys.items() if key not in stored}
    if any(key not in stored for key in breakdown_keys.values()):
        missing_runs.add(run.pk)
    fresh = {}
    if missing_runs:
        computed = {run.pk: stored_values(reading.clients)} if reading is not None else {}
        rows = _reading_rows(missing_runs, computed, run.pk)
        runs = {r.pk: r for v in views for r in v.runs}
        terms = []
        for pk, part in rows.partition_by("run_id", as_dict=True, include_key=False).items():
            if pk[0] in runs:
                found = k.kpi_terms_of_rows(part, runs[pk[0]], OWNERS)
                terms += [((pk[0], *key), figures) for key, figures in found]
        indexes = _indexed(terms)
        for (i, pk), key in kpi_keys.items():
            if key not in stored and key not in fresh:
                picked = views[i].picks(indexes.get(pk) or _Index())
                fresh[key] = k.kpis_from_terms(k.sum_terms(picked))
        if any(key not in stored for key in breakdown_keys.values()):
            cells = k.breakdown_terms_of_rows(rows.filter(pl.col("run_id") == run.pk), OWNERS)
            index = _indexed((key, (cell, figures)) for key, cell, figures in cells).get(None)
            for i, key in breakdown_keys.items():
                if key not in stored and key not in fresh:
                    fresh[key] = k.breakdown_of(views[i].picks(index or _Index()))
    _store(fresh)
    cache.do_cull()
    hooks.warm_sections(run)
    return len(views)
