"""Reads of goals and of the figures they are measured against (always from the engine's
official readings: a goal read on any past day gives the same answer every time)."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from django.db.models import Q, QuerySet, Sum

from carteira.agenda.models import Task
from carteira.goals.measure import Progress, progress
from carteira.goals.models import Goal
from carteira.goals.periods import Period
from carteira.goals.scopes import Scope, scope_of_goal
from carteira.orders.models import Order
from carteira.portfolio.kpis import kpis_of
from carteira.portfolio.models import ClientSnapshot, SnapshotRun
from carteira.portfolio.services import official_run

LOST = ("inactivated", "inactive")
KPI_RATES = ("positivation", "coverage", "churn_rate", "average_ticket")


def goals_of_period(period: Period) -> QuerySet[Goal]:
    return Goal.objects.filter(period_start=period.start, period_end=period.end).select_related(
        "seller", "team", "client"
    )


def goal_for(indicator: str, scope: Scope, period: Period) -> Goal | None:
    """The goal set on ``indicator`` for ``scope`` over ``period`` (for KPI cards)."""
    return (
        goals_of_period(period).filter(scope.goal_filter(), indicator=indicator).order_by("-pk")
    ).first()


class Reader:
    """Measures indicators of scopes over one period, reusing the official runs it opens."""

    def __init__(self, period: Period, as_of: dt.date, *, visible: QuerySet | None = None):
        self.period = period
        self.as_of = min(as_of, period.end)
        self.visible = visible  # the clients the reader may see (None: all)
        self._runs: dict[dt.date, SnapshotRun] = {}

    def run(self, day: dt.date) -> SnapshotRun:
        if day not in self._runs:
            self._runs[day] = official_run(day)
        return self._runs[day]

    def readings(self, scope: Scope, day: dt.date | None = None) -> QuerySet[ClientSnapshot]:
        readings = ClientSnapshot.objects.filter(run=self.run(day or self.as_of))
        readings = readings.filter(scope.readings_filter())
        if self.visible is not None:
            readings = readings.filter(client__in=self.visible.values("pk"))
        return readings

    def revenue(self, scope: Scope) -> Fraction:
        """Net revenue of the period so far of the clients in the scope's portfolio."""
        total = Order.objects.filter(
            client__in=self.readings(scope).values("client_id"),
            status=Order.Status.VALID,
            date__range=(self.period.start, self.as_of),
        ).aggregate(total=Sum("amount"))["total"]
        return Fraction(total or 0)

    def new_clients(self, scope: Scope) -> int:
        return (
            self.readings(scope)
            .filter(first_purchase_date__range=(self.period.start, self.as_of))
            .count()
        )

    def reactivated(self, scope: Scope) -> int:
        """Clients lost on the eve of the period that bought again in it."""
        eve = self.period.start - dt.timedelta(days=1)
        lost = ClientSnapshot.objects.filter(run=self.run(eve), status__in=LOST)
        return (
            self.readings(scope)
            .filter(
                client_id__in=lost.values("client_id"), last_purchase_date__gte=self.period.start
            )
            .count()
        )

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

    def kpis(self, scope: Scope):
        return kpis_of(self.readings(scope), self.run(self.as_of))

    def value(self, indicator: str, scope: Scope):
        if indicator in KPI_RATES:
            return getattr(self.kpis(scope), indicator)
        return getattr(self, indicator)(scope)

    def progress(self, goal: Goal) -> Progress:
        actual = self.value(goal.indicator, scope_of_goal(goal))
        if goal.indicator == "average_ticket" and actual is not None:
            actual = Fraction(actual)
        return progress(goal.indicator, goal.target, actual, start=self.period.start,
                        end=self.period.end, as_of=self.as_of)  # fmt: skip


def goal_progress(goal: Goal, as_of: dt.date) -> Progress:
    period = Period(goal.period_start, goal.period_end)
    return Reader(period, as_of).progress(goal)


def goals_with_progress(goals, reader: Reader) -> list[tuple[Goal, Progress]]:
    return [(goal, reader.progress(goal)) for goal in goals]


def scoped_goals(goals: QuerySet[Goal], scope_q: Q) -> QuerySet[Goal]:
    return goals.filter(scope_q)
