"""The one place the web app reads portfolio indicators (KPIs) from.

The engine defines every indicator (``carteira_core.engine.summaries``) and stores, per
reading, each client's terms (positivated, covered, revenue and purchases in the period,
the status on the period's eve). Here they are summed for any set of readings (a user's
scope, a dashboard slice, a goal's scope) with the same definitions; tests hold the two
equal, and hold every page that shows a KPI equal to the engine's (tests/portfolio/
test_one_october.py).

A reading's figures always cover a named window (``Period``, ADR 12): the rules' rolling
``period_days`` for the official reading of a date, or a calendar month/quarter to date for
the run ``period_run`` finds or computes. Pages name it with ``run.period_start`` and
``run.as_of``; the "previous" figures are those of ``period.previous()``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.db.models import Count, Q, QuerySet, Sum

from carteira.accounts.models import User
from carteira.clients.access import clients_visible_to
from carteira.portfolio.models import ClientSnapshot, SnapshotRun
from carteira.portfolio.services import period_run
from carteira_core.engine import CUSTOMER, LOST, Period, churned_statuses, parse_period
from carteira_core.engine.summaries import RATE_TERMS
from carteira_core.rules import rules_from_dict

__all__ = [
    "Kpis",
    "abc_status_matrix",
    "kpis_of",
    "kpis_per_run",
    "period_of_run",
    "period_run",
    "previous_run",
    "readings_of_runs_visible_to",
    "readings_visible_to",
    "requested_period",
    "status_counts",
    "status_flows",
    "status_flows_by_class",
]


def requested_period(run: SnapshotRun, key: str | None) -> Period:
    """The period ``key`` (``month``, ``quarter``, ``days:N``; empty: the rules' rolling
    window) ending at the reading's date. Raises ValueError for an unknown key."""
    days = rules_from_dict(run.rules).lifecycle.period_days
    return parse_period(key, run.as_of, days)


def period_of_run(run: SnapshotRun, key: str | None) -> tuple[Period, SnapshotRun]:
    """The period asked for at ``run``'s date and the run whose figures cover it (``run``
    itself for its own window, else a window run, computed if missing)."""
    period = requested_period(run, key)
    if period.same_window(run.period):
        return period, run
    return period, period_run(period)


def previous_run(period: Period, *, compute_if_missing: bool = False) -> SnapshotRun | None:
    """The run of the period just before ``period`` (the same kind: the N days before, or
    the previous month / quarter): what "vs. previous period" compares with."""
    return period_run(period.previous(), compute_if_missing=compute_if_missing)


def readings_visible_to(user: User, run: SnapshotRun) -> QuerySet[ClientSnapshot]:
    """The run's readings of the clients the user may see today."""
    return readings_of_runs_visible_to(user, [run])


def readings_of_runs_visible_to(user: User, runs: list[SnapshotRun]) -> QuerySet[ClientSnapshot]:
    """The readings of several runs, of the clients the user may see today."""
    readings = ClientSnapshot.objects.filter(run__in=runs)
    if user.sees_whole_portfolio:
        return readings
    return readings.filter(client__in=clients_visible_to(user).values("pk"))


@dataclass(frozen=True)
class Kpis:
    portfolio: int
    positivated: int
    covered: int
    revenue: Decimal
    purchases: int
    churned: int
    churn_base: int
    reactivated: int
    reactivation_base: int
    new_clients: int
    conversion_base: int

    @classmethod
    def empty(cls) -> Kpis:
        """The figures of no readings (a period not started yet)."""
        figures = dict.fromkeys(cls.__dataclass_fields__, 0)
        return cls(**{**figures, "revenue": Decimal(0)})

    @property
    def converted(self) -> int:
        """Prospects on the eve that bought since: the new clients (as the engine has it)."""
        return self.new_clients

    def _rate(self, name: str) -> Fraction | None:
        numerator, denominator = (getattr(self, term) for term in RATE_TERMS[name])
        return Fraction(numerator, denominator) if denominator else None

    @property
    def positivation(self):
        return self._rate("positivation")

    @property
    def coverage(self):
        return self._rate("coverage")

    @property
    def churn_rate(self):
        return self._rate("churn_rate")

    @property
    def reactivation_rate(self):
        return self._rate("reactivation_rate")

    @property
    def conversion_rate(self):
        return self._rate("conversion_rate")

    @property
    def average_ticket(self) -> Decimal | None:
        """The engine's revenue / purchases, as money to the cent."""
        numerator, denominator = (getattr(self, term) for term in RATE_TERMS["average_ticket"])
        return (numerator / denominator).quantize(Decimal("0.01")) if denominator else None


def _aggregates(run: SnapshotRun) -> dict:
    rules = rules_from_dict(run.rules)
    in_portfolio = Q() if rules.indicators.include_prospects else ~Q(status="prospect")
    customer_before = Q(status_previous__in=CUSTOMER)
    churned = churned_statuses(run.period.days, rules.lifecycle.period_days)
    is_new = ~Q(status="prospect") & Q(status_previous="prospect")
    return {
        "n_portfolio": Count("pk", filter=in_portfolio),
        "n_positivated": Count("pk", filter=in_portfolio & Q(positivated=True)),
        "n_covered": Count("pk", filter=in_portfolio & Q(covered=True)),
        "n_revenue": Sum("revenue_in_period", filter=in_portfolio),
        "n_purchases": Sum("purchases_in_period", filter=in_portfolio),
        "n_churned": Count("pk", filter=Q(status__in=churned) & customer_before),
        "n_churn_base": Count("pk", filter=customer_before),
        "n_reactivated": Count("pk", filter=Q(positivated=True, status_previous__in=LOST)),
        "n_reactivation_base": Count("pk", filter=Q(status_previous__in=LOST)),
        "n_new_clients": Count("pk", filter=is_new),
        "n_conversion_base": Count("pk", filter=Q(status_previous="prospect")),
    }


def _kpis(counts: dict) -> Kpis:
    figures = {name.removeprefix("n_"): value or 0 for name, value in counts.items()}
    figures["revenue"] = Decimal(figures["revenue"]).quantize(Decimal("0.01"))
    return Kpis(**figures)


def kpis_of(readings: QuerySet[ClientSnapshot], run: SnapshotRun) -> Kpis:
    return _kpis(readings.aggregate(**_aggregates(run)))


def kpis_per_run(readings: QuerySet[ClientSnapshot], runs: list[SnapshotRun]) -> dict[int, Kpis]:
    """The KPIs of each run's readings among ``readings``, {run id: Kpis}, in one grouped
    query per rules variant (whether prospects count in the portfolio)."""
    variants: dict[bool, list[SnapshotRun]] = {}
    for run in runs:
        include = rules_from_dict(run.rules).indicators.include_prospects
        variants.setdefault(include, []).append(run)
    found = {}
    for group in variants.values():
        aggregates = _aggregates(group[0])
        rows = readings.filter(run__in=group).values("run_id").annotate(**aggregates).order_by()
        for row in rows:
            run_id = row.pop("run_id")
            found[run_id] = _kpis(row)
    empty = _kpis(dict.fromkeys(_aggregates(runs[0]) if runs else ()))
    return {run.pk: found.get(run.pk, empty) for run in runs}


def status_counts(readings: QuerySet[ClientSnapshot]) -> dict[str, int]:
    return dict(readings.values_list("status").annotate(n=Count("pk")).order_by())


def status_flows(readings: QuerySet[ClientSnapshot]) -> dict[tuple[str, str], int]:
    """How many clients went from each status on the period's eve to each status now."""
    rows = readings.values_list("status_previous", "status").annotate(n=Count("pk")).order_by()
    return {(before, now): n for before, now, n in rows}


def status_flows_by_class(readings: QuerySet[ClientSnapshot]) -> dict[tuple[str, str], dict]:
    """How many clients of each class (``""``: none) went from each status a period ago to
    each status now: {(before, now): {abc: clients}}."""
    rows = (
        readings.values_list("status_previous", "status", "abc").annotate(n=Count("pk")).order_by()
    )
    flows: dict[tuple[str, str], dict] = {}
    for before, now, abc, n in rows:
        flows.setdefault((before, now), {})[abc] = n
    return flows


def abc_status_matrix(readings: QuerySet[ClientSnapshot]) -> dict[tuple[str, str], dict]:
    rows = (
        readings.values_list("abc", "status")
        .annotate(
            clients=Count("pk"),
            revenue=Sum("revenue_in_abc_window"),
            at_risk=Sum("revenue_at_risk"),
        )
        .order_by()
    )
    return {
        (abc, status): {"clients": clients, "revenue": revenue or 0, "at_risk": at_risk or 0}
        for abc, status, clients, revenue, at_risk in rows
    }
