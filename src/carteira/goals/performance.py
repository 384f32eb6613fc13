"""Seller performance: outcomes fair to portfolio size and mix, beside the execution of
the action plan, ranked across the company and shown only within the reader's scope."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction

from django.db.models import Count, Q

from carteira.accounts.models import User
from carteira.clients.access import sellers_visible_to
from carteira.goals.periods import Period, month_of
from carteira.goals.scopes import Scope, teams_visible_to
from carteira.goals.selectors import Reader, goals_of_period
from carteira.interactions.models import Interaction
from carteira.organization.models import Seller, Team
from carteira.portfolio.kpis import Kpis, kpis_of, period_run
from carteira.portfolio.models import ClientSnapshot
from carteira.portfolio.services import month_ends
from carteira_core.engine import whole_month

TREND_MONTHS = 6


@dataclass
class Row:
    scope: Scope
    portfolio: int
    a_clients: int
    a_coverage: Fraction | None
    positivation: Fraction | None
    positivation_index: Fraction | None  # actual / expected from the segment mix
    revenue_per_client: Fraction | None
    attainment: Fraction | None  # mean over the scope's goals of the period
    tasks_on_time: Fraction | None
    contact_success: Fraction | None
    trend: list[float | None]
    rank: int | None = None


def _ratio(a, b) -> Fraction | None:
    return Fraction(a, b) if b else None


def segment_rates(readings) -> dict[str, Fraction]:
    """Company-wide positivation per segment: what a portfolio of that mix would reach."""
    rows = (
        readings.exclude(status="prospect")
        .values("client__segment")
        .annotate(n=Count("pk"), p=Count("pk", filter=Q(positivated=True)))
    )
    return {r["client__segment"]: Fraction(r["p"], r["n"]) for r in rows if r["n"]}


def _expected(readings, rates: dict[str, Fraction]) -> Fraction:
    rows = readings.exclude(status="prospect").values("client__segment").annotate(n=Count("pk"))
    return sum((rates.get(r["client__segment"], Fraction(0)) * r["n"] for r in rows), Fraction(0))


def _contact_success(reader: Reader, scope: Scope) -> Fraction | None:
    contacts = Interaction.objects.filter(
        client__in=reader.readings(scope).values("client_id"),
        date__range=(reader.period.start, reader.as_of),
    ).aggregate(n=Count("pk"), ok=Count("pk", filter=Q(successful=True)))
    return _ratio(contacts["ok"], contacts["n"])


def trend_points(scopes: list[Scope], today: dt.date) -> tuple[list[str], dict]:
    """Positivation of each of the last TREND_MONTHS whole months, per scope (the
    engine's figure over each month; stored history only, so the page stays fast)."""
    days = month_ends(today, TREND_MONTHS)
    values: dict[Scope, list[float | None]] = {s: [] for s in scopes}
    for day in days:
        run = period_run(whole_month(day.year, day.month), compute_if_missing=False)
        for scope in scopes:
            if run is None:
                values[scope].append(None)
                continue
            readings = ClientSnapshot.objects.filter(run=run).filter(scope.readings_filter())
            positivation = kpis_of(readings, run).positivation
            values[scope].append(None if positivation is None else 100 * float(positivation))
    return [d.strftime("%m/%y") for d in days], values


def row_of(reader: Reader, scope: Scope, rates, goals, trend) -> Row:
    readings = reader.readings(scope)
    kpis = reader.kpis(scope) or Kpis.empty()
    a = (
        readings.filter(abc="A")
        .exclude(status="prospect")
        .aggregate(n=Count("pk"), covered=Count("pk", filter=Q(covered=True)))
    )
    expected = _expected(readings, rates)
    attainments = [
        p.attainment
        for g in goals
        if (p := reader.progress(g)).attainment is not None and _belongs(g, scope)
    ]
    return Row(
        scope=scope,
        portfolio=kpis.portfolio,
        a_clients=a["n"],
        a_coverage=_ratio(a["covered"], a["n"]),
        positivation=kpis.positivation,
        positivation_index=Fraction(kpis.positivated) / expected if expected else None,
        revenue_per_client=Fraction(kpis.revenue) / kpis.portfolio if kpis.portfolio else None,
        attainment=sum(attainments) / len(attainments) if attainments else None,
        tasks_on_time=reader.tasks_on_time(scope),
        contact_success=_contact_success(reader, scope),
        trend=trend.get(scope, []),
    )


def _belongs(goal, scope: Scope) -> bool:
    key = int(scope.key) if scope.kind in ("seller", "team") else scope.key
    return (scope.kind == "seller" and goal.seller_id == key) or (
        scope.kind == "team" and goal.team_id == key
    )


def _score(row: Row):
    """Goal attainment first; portfolios without goals by their mix-adjusted positivation."""
    return (row.attainment is not None, row.attainment or 0, row.positivation_index or 0)


def performance(user: User, *, period: Period | None = None, today: dt.date) -> dict:
    """Seller and team rows the user may see, ranked among all sellers / teams."""
    period = period or month_of(today)
    reader = Reader(period, today)
    everyone = reader.readings(Scope("company"))
    rates = segment_rates(everyone)
    goals = list(goals_of_period(period))
    sellers = [Scope("seller", str(s.pk), s.name) for s in Seller.objects.filter(active=True)]
    teams = [Scope("team", str(t.pk), t.name) for t in Team.objects.all()]
    visible_sellers = {str(pk) for pk in sellers_visible_to(user).values_list("pk", flat=True)}
    visible_teams = {str(pk) for pk in teams_visible_to(user).values_list("pk", flat=True)}
    shown = [s for s in sellers if s.key in visible_sellers]
    shown_teams = [t for t in teams if t.key in visible_teams] if user.role != "seller" else []
    labels, trend = trend_points(shown + shown_teams, today)
    seller_rows = _ranked([row_of(reader, s, rates, goals, trend) for s in sellers])
    team_rows = _ranked([row_of(reader, t, rates, goals, trend) for t in teams])
    return {
        "period": period,
        "as_of": reader.as_of,
        "sellers": [r for r in seller_rows if r.scope.key in visible_sellers],
        "teams": [r for r in team_rows if r.scope in shown_teams],
        "of_sellers": len(seller_rows),
        "trend_labels": labels,
    }


def _ranked(rows: list[Row]) -> list[Row]:
    rows.sort(key=_score, reverse=True)
    for index, row in enumerate(rows, start=1):
        row.rank = index
    return rows
