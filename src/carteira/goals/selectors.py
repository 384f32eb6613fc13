"""Reads of goals and of the figures they are measured against: the engine's indicators
over the goal's period so far (a stored reading of that window: a goal read on any past
day gives the same answer every time)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

from django.db.models import Q, QuerySet

from carteira.agenda.models import Task
from carteira.goals.models import Goal
from carteira.goals.periods import Period
from carteira.goals.scopes import Scope, scope_of_goal
from carteira.organization.models import Seller
from carteira.portfolio.figures import kpi_terms_by_seller
from carteira.portfolio.kpis import Kpis, kpis_from_terms, kpis_of, period_run, sum_terms
from carteira.portfolio.models import ClientSnapshot, SnapshotRun
from carteira_core.engine import Period as EnginePeriod
from carteira_core.engine.attainment import Progress, progress


def goals_of_period(period: Period) -> QuerySet[Goal]:
    return Goal.objects.filter(period_start=period.start, period_end=period.end).select_related(
        "seller", "team", "client"
    )


def goal_for(indicator: str, scope: Scope, period: Period) -> Goal | None:
    """The goal set on ``indicator`` for ``scope`` over ``period`` (for KPI cards)."""
    return (
        goals_of_period(period).filter(scope.goal_filter(), indicator=indicator).order_by("-pk")
    ).first()


def window_of(period: Period, as_of: dt.date) -> EnginePeriod | None:
    """The part of a goal's (or review's) period read at ``as_of``: from its first day to
    ``as_of`` (to its end once over), as the engine names it; None before it starts."""
    end = min(as_of, period.end)
    if end < period.start:
        return None
    return EnginePeriod("quarter" if period.is_quarter else "month", period.start, end)


class Reader:
    """Measures indicators of scopes over one period so far, with the engine's figures
    over that window (``portfolio.kpis``, ADR 12): the same number as the dashboard,
    ``carteira report kpis --period month`` and the API for the same window."""

    def __init__(
        self,
        period: Period,
        as_of: dt.date,
        *,
        visible: QuerySet | None = None,
        scope_key: str | None = None,
    ):
        self.period = period
        # whose readings these are (``figures.scope_key``): their terms are then kept in
        # the figures cache for the run, so a second review reads them instead
        self.scope_key = scope_key
        self.as_of = min(as_of, period.end)
        self.window = window_of(period, as_of)
        self.visible = visible  # the clients the reader may see (None: all)
        self._run: SnapshotRun | None = None
        self._kpis: dict[tuple[str, str], Kpis | None] = {}  # per scope: a page asks often
        self._seller_terms: list[tuple[tuple, dict]] | None = None
        self._task_rows: list[tuple] | None = None

    def run(self) -> SnapshotRun | None:
        """The reading whose period figures cover the window (computed if missing)."""
        if self._run is None and self.window is not None:
            self._run = period_run(self.window)
        return self._run

    def readings(self, scope: Scope) -> QuerySet[ClientSnapshot]:
        readings = ClientSnapshot.objects.filter(run=self.run()).filter(scope.readings_filter())
        if self.visible is not None:
            readings = readings.filter(client__in=self.visible.values("pk"))
        return readings

    def tasks(self, scope: Scope) -> QuerySet[Task]:
        """The sellers' own tasks due in the period so far (not cancelled)."""
        tasks = Task.objects.filter(
            scope.readings_filter(),
            assignee_user=None,
            seller__isnull=False,
            due_date__range=(self.period.start, self.as_of),
        ).exclude(status=Task.Status.CANCELLED)
        if self.visible is not None:
            tasks = tasks.filter(client__in=self.visible.values("pk"))
        return tasks

    def task_rows(self, scope: Scope) -> list[tuple]:
        """(status, due date, completed at, successful outcome) of ``tasks(scope)``. The
        sellers', teams', regions' and the company's come from one read of the company's
        tasks, kept for the reader (a review asks for each team's)."""
        fields = ("status", "due_date", "completed_at", "outcome__successful")
        if scope.kind == "client":
            return list(self.tasks(scope).values_list(*fields))
        if self._task_rows is None:
            keys = ("seller_id", "seller__team_id", "seller__team__region")
            self._task_rows = list(self.tasks(Scope("company")).values_list(*keys, *fields))
        return [row[3:] for row in self._task_rows if _in_scope(scope, row[:3])]

    def tasks_on_time(self, scope: Scope) -> Fraction | None:
        tasks = self.task_rows(scope)
        if not tasks:
            return None
        on_time = sum(
            1
            for status, due, completed, _successful in tasks
            if status == Task.Status.DONE and completed and completed.date() <= due
        )
        return Fraction(on_time, len(tasks))

    def kpis(self, scope: Scope) -> Kpis | None:
        """The engine's KPIs of a scope over the window, computed once per reader (a review
        asks for each indicator of each team and seller)."""
        if self.run() is None:
            return None
        key = (scope.kind, scope.key)
        if key not in self._kpis:
            if scope.kind == "client":
                self._kpis[key] = kpis_of(self.readings(scope), self.run())
            else:
                terms = [t for keys, t in self.seller_terms() if _in_scope(scope, keys)]
                self._kpis[key] = kpis_from_terms(sum_terms(terms))
        return self._kpis[key]

    def seller_terms(self) -> list[tuple[tuple, dict]]:
        """The KPI terms of the window's readings by the reading's seller (with its team
        and region), one grouped query for the reader: terms add up, so every seller,
        team, region and the company is a sum of these (``kpi_terms``), as the
        dashboard's warm-up does; one aggregate per scope took 0.24 s each at 100k."""
        if self._seller_terms is None:
            readings = self.readings(Scope("company"))
            terms = kpi_terms_by_seller(readings, self.run(), self.scope_key)
            places = {pk: (team, region) for pk, team, region in
                      Seller.objects.values_list("pk", "team_id", "team__region")}  # fmt: skip
            self._seller_terms = [
                ((seller, *places.get(seller, (None, None))), row) for seller, row in terms
            ]
        return self._seller_terms

    def value(self, indicator: str, scope: Scope):
        """A goal indicator's value: the engine's KPI of the same name over the window
        (money as an exact Fraction), or the share of tasks done on time."""
        if indicator == "tasks_on_time":
            return self.tasks_on_time(scope)
        kpis = self.kpis(scope)
        value = getattr(kpis, indicator) if kpis is not None else None
        return Fraction(value) if isinstance(value, Decimal) else value

    def progress(self, goal: Goal) -> Progress:
        actual = self.value(goal.indicator, scope_of_goal(goal))
        return progress(goal.indicator, goal.target, actual, start=self.period.start,
                        end=self.period.end, as_of=self.as_of)  # fmt: skip


def _in_scope(scope: Scope, keys: tuple) -> bool:
    """Whether a row of (seller id, team id, region) belongs to a seller, team, region or
    the company's scope (the paths of ``Scope.readings_filter``)."""
    seller, team, region = keys
    if scope.kind == "seller":
        return seller is not None and seller == int(scope.key)
    if scope.kind == "team":
        return team is not None and team == int(scope.key)
    if scope.kind == "region":
        return region == scope.key
    return True


def goal_progress(goal: Goal, as_of: dt.date) -> Progress:
    period = Period(goal.period_start, goal.period_end)
    return Reader(period, as_of).progress(goal)


def goals_with_progress(goals, reader: Reader) -> list[tuple[Goal, Progress]]:
    return [(goal, reader.progress(goal)) for goal in goals]


def scoped_goals(goals: QuerySet[Goal], scope_q: Q) -> QuerySet[Goal]:
    return goals.filter(scope_q)
