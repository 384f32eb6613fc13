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
from carteira.portfolio.kpis import Kpis, kpis_of, period_run
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

    def __init__(self, period: Period, as_of: dt.date, *, visible: QuerySet | None = None):
        self.period = period
        self.as_of = min(as_of, period.end)
        self.window = window_of(period, as_of)
        self.visible = visible  # the clients the reader may see (None: all)
        self._run: SnapshotRun | None = None
        self._kpis: dict[tuple[str, str], Kpis | None] = {}  # per scope: a page asks often

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

    def tasks_on_time(self, scope: Scope) -> Fraction | None:
        tasks = list(self.tasks(scope).values_list("status", "due_date", "completed_at"))
        if not tasks:
            return None
        on_time = sum(
            1
            for status, due, completed in tasks
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
            self._kpis[key] = kpis_of(self.readings(scope), self.run())
        return self._kpis[key]

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


def goal_progress(goal: Goal, as_of: dt.date) -> Progress:
    period = Period(goal.period_start, goal.period_end)
    return Reader(period, as_of).progress(goal)


def goals_with_progress(goals, reader: Reader) -> list[tuple[Goal, Progress]]:
    return [(goal, reader.progress(goal)) for goal in goals]


def scoped_goals(goals: QuerySet[Goal], scope_q: Q) -> QuerySet[Goal]:
    return goals.filter(scope_q)
