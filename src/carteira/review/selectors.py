"""Everything a PDCA review of one period shows, read from the official runs.

"Check": indicators against the previous period and the goals, what moved (status flows,
reactivations, losses with their reasons), the top risks, the action plan's execution and,
per team, what went right and wrong. "Act": the decisions, this period's and the earlier
ones still to follow up.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from django.db.models import F, OuterRef, Q, Subquery, Sum

from carteira.accounts.models import User
from carteira.agenda.models import Task
from carteira.clients.access import clients_visible_to
from carteira.goals.models import Goal
from carteira.goals.periods import Period, month_of
from carteira.goals.scopes import Scope, teams_visible_to
from carteira.goals.selectors import Reader, goals_of_period
from carteira.interactions.models import Interaction
from carteira.portfolio import figures
from carteira.portfolio.kpis import period_run
from carteira.portfolio.models import ClientSnapshot, SnapshotRun
from carteira.review.models import Decision
from carteira_core.engine import CUSTOMER, LOST, churned_statuses, whole_month
from carteira_core.engine.attainment import CEILINGS, Progress

INDICATORS = [value for value in Goal.Indicator.values]
TOP_RISKS = 10


def default_period(today: dt.date) -> Period:
    """Last month: the review looks back at a closed period."""
    return month_of(today).previous()


@dataclass
class IndicatorRow:
    indicator: str
    label: str
    now: object
    before: object
    goal: Goal | None = None
    progress: Progress | None = None

    @property
    def better(self) -> bool | None:
        if self.now is None or self.before is None or self.now == self.before:
            return None
        return (self.now < self.before) if self.indicator in CEILINGS else self.now > self.before


@dataclass
class TeamReview:
    scope: Scope
    indicators: list[IndicatorRow]
    right: list[tuple[Goal, Progress]] = field(default_factory=list)
    wrong: list[tuple[Goal, Progress]] = field(default_factory=list)
    tasks: dict = field(default_factory=dict)


def _indicator_rows(reader: Reader, before: Reader, scope: Scope, goals) -> list[IndicatorRow]:
    rows = []
    for indicator, label in Goal.Indicator.choices:
        goal = next((g for g in goals if g.indicator == indicator), None)
        row = IndicatorRow(indicator, str(label), reader.value(indicator, scope),
                           before.value(indicator, scope), goal)  # fmt: skip
        if goal is not None:
            row.progress = reader.progress(goal)
        rows.append(row)
    return rows


def status_flows(reader: Reader, breakdown: dict | None = None) -> list[dict]:
    """From the status on the eve of the period to the status at its end, changes only
    (the engine's reading of the window keeps both), the 12 largest (equal counts in the
    order of their statuses). ``breakdown``: the dashboard's breakdown of the same
    readings (``figures.breakdown``, kept per scope and run), whose flows by class these
    add up; without it, counted from the readings."""
    if breakdown is not None:
        found = {pair: sum(by_class.values()) for pair, by_class in breakdown["flows"].items()}
    else:
        found = Counter(
            reader.readings(Scope("company"))
            .exclude(status=F("status_previous"))
            .values_list("status_previous", "status")
        )
    flows = Counter({pair: n for pair, n in sorted(found.items()) if pair[0] != pair[1]})
    return [{"from": a, "to": b, "count": n} for (a, b), n in flows.most_common(12)]


def _last_reason():
    return Subquery(
        Interaction.objects.filter(client=OuterRef("client_id"), reason__isnull=False)
        .order_by("-date", "-pk")
        .values("reason__label")[:1]
    )


def losses(reader: Reader) -> dict:
    """Customers on the eve that ended the period lost (the churn of the period), by the
    last reason recorded."""
    run = reader.run()
    churned = LOST
    if run is not None:  # the engine's churn over this window (churned_statuses)
        churned = churned_statuses(run.period.days, run.rules["lifecycle"]["period_days"])
    lost = (
        reader.readings(Scope("company"))
        .filter(status_previous__in=CUSTOMER, status__in=churned)
        .annotate(reason=_last_reason())
    )
    by_reason: dict[str, dict] = defaultdict(lambda: {"clients": 0, "revenue": Decimal(0)})
    for reading in lost.values("reason", "revenue_in_abc_window"):
        entry = by_reason[reading["reason"] or ""]
        entry["clients"] += 1
        entry["revenue"] += reading["revenue_in_abc_window"]
    rows = sorted(by_reason.items(), key=lambda item: -item[1]["clients"])
    return {"total": sum(e["clients"] for _, e in rows),
            "by_reason": [{"reason": r, **e} for r, e in rows]}  # fmt: skip


def reactivations(reader: Reader) -> list[ClientSnapshot]:
    """Clients lost on the eve who bought in the period (the period's reactivations)."""
    return list(
        reader.readings(Scope("company"))
        .filter(status_previous__in=LOST, positivated=True)
        .select_related("client", "seller")
        .order_by("-revenue_in_period")[:10]
    )


def top_risks(reader: Reader) -> list[ClientSnapshot]:
    """A clients pre-inactive or inactivated at the end, largest revenue at risk first."""
    return list(
        reader.readings(Scope("company"))
        .filter(abc="A", status__in=("pre_inactive", "inactivated"))
        .select_related("client", "seller")
        .order_by("-revenue_at_risk", "client__external_id")[:TOP_RISKS]
    )


def of_reading(reader: Reader, scope: str) -> dict:
    """What the review lists from the period's reading alone: its reactivations, top risks
    and revenue at risk. A stored reading never changes, so they are kept per scope (whose
    readings), reading and newest reading (the clients' and sellers' names they show are
    read again after each snapshot); the review's warm-up stores them."""
    run = reader.run()
    key = None
    if run is not None:
        newest = SnapshotRun.objects.order_by("-pk").values_list("pk", "created_at").first()
        parts = (figures.RELEASE, scope, run.pk, run.created_at.timestamp(), newest[0],
                 newest[1].timestamp())  # fmt: skip
        key = "carteira:review:reading:1:" + hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
        found = figures.cache.get(key)
        if found is not None:
            return found
    found = {"reactivations": reactivations(reader), "risks": top_risks(reader),
             "risk_total": risk_total(reader)}  # fmt: skip
    if key is not None:
        figures.cache.set(key, found, figures.TIMEOUT)
    return found


def risk_total(reader: Reader) -> Decimal:
    total = (
        reader.readings(Scope("company"))
        .filter(abc="A", status__in=("pre_inactive", "inactivated"))
        .aggregate(total=Sum("revenue_at_risk"))["total"]
    )
    return total or Decimal(0)


def plan_execution(reader: Reader, scope: Scope) -> dict:
    """Tasks due in the period: done on time, done late, still open; contact success."""
    rows = reader.task_rows(scope)  # one read of the company's tasks for every team
    done = [successful for status, _due, _at, successful in rows if status == Task.Status.DONE]
    counts = {
        "total": len(rows),
        "done": len(done),
        "successful": sum(1 for successful in done if successful is True),
        "open": sum(1 for status, *_ in rows if status == Task.Status.OPEN),
    }
    on_time = reader.tasks_on_time(scope)
    counts["on_time_rate"] = on_time
    counts["success_rate"] = (
        Fraction(counts["successful"], counts["done"]) if counts["done"] else None
    )
    return counts


def team_reviews(user: User, reader: Reader, before: Reader, goals) -> list[TeamReview]:
    reviews = []
    for team in teams_visible_to(user).order_by("name"):
        scope = Scope("team", str(team.pk), team.name)
        own = [g for g in goals if g.team_id == team.pk]
        review = TeamReview(scope, _indicator_rows(reader, before, scope, own))
        sellers_goals = [g for g in goals if g.seller_id and g.seller.team_id == team.pk]
        for goal in own + sellers_goals:
            progress = reader.progress(goal)
            if progress.met is not None:
                (review.right if progress.met else review.wrong).append((goal, progress))
        review.tasks = plan_execution(reader, scope)
        reviews.append(review)
    return reviews


def decisions_of(period: Period):
    return Decision.objects.filter(period_start=period.start, period_end=period.end)


def follow_ups(period: Period):
    """Decisions of earlier reviews: all of the previous period's, and any still open."""
    previous = period.previous()
    return (
        Decision.objects.filter(period_start__lt=period.start)
        .filter(Q(status=Decision.Status.OPEN) | Q(period_start=previous.start))
        .select_related("owner")
        .order_by("period_start", "pk")
    )


TREND_MONTHS = 6


def trend(user: User, reader: Reader, months: int = TREND_MONTHS) -> tuple[list[str], dict]:
    """Positivation and coverage (%) of the reviewed period so far and of the whole months
    before it, from the readings of those windows already stored (``do_snapshot_history``
    stores each month's): the same points as the dashboard's trend by month
    (``figures.trend``)."""
    runs, labels = [reader.run()], [reader.period.start]
    cursor = whole_month(reader.period.start.year, reader.period.start.month)
    for _step in range(months - 1):
        cursor = cursor.previous()
        runs.append(period_run(cursor, compute_if_missing=False))
        labels.append(cursor.start)
    points = list(reversed(figures.trend(user, {}, runs, figures.scope_key(user))))
    series = {name: [p[name] for p in points] for name in ("positivation", "coverage")}
    return [day.strftime("%m/%y") for day in reversed(labels)], series


def review(user: User, period: Period, *, today: dt.date, scope: str | None = None) -> dict:
    """The review's own figures for ``user``; ``scope``: ``figures.scope_key(user)``
    (computed when not given), under which the readings' terms are kept per run."""
    visible = None if user.sees_whole_portfolio else clients_visible_to(user)
    scope = scope or figures.scope_key(user)
    reader = Reader(period, today, visible=visible, scope_key=scope)
    before = Reader(period.previous(), today, visible=visible, scope_key=scope)
    goals = list(goals_of_period(period))
    company = [g for g in goals if not (g.seller_id or g.team_id or g.client_id or g.region)]
    # the dashboard's breakdown of the period's readings, kept per scope and run
    breakdown = figures.breakdown(user, {}, reader.run(), scope) if reader.run() else None
    return {
        "period": period,
        "as_of": reader.as_of,
        "window": reader.window,  # the days the figures cover (ADR 12)
        "previous_window": before.window,
        "previous_period": period.previous(),
        "indicators": _indicator_rows(reader, before, Scope("company"),
                                      company if user.sees_whole_portfolio else []),
        "flows": status_flows(reader, breakdown),
        "losses": losses(reader),
        **of_reading(reader, scope),
        "execution": plan_execution(reader, Scope("company")),
        "teams": team_reviews(user, reader, before, goals),
        "trend": trend(user, reader),
    }  # fmt: skip
