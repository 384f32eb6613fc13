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

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

import polars as pl
from django.db.models import Count, Q, QuerySet, Sum

from carteira.accounts.models import User
from carteira.clients.access import clients_visible_to
from carteira.portfolio.models import ClientSnapshot, SnapshotRun
from carteira.portfolio.services import period_run
from carteira_core.engine import CUSTOMER, LOST, Period, churned_statuses, parse_period
from carteira_core.engine.summaries import RATE_TERMS
from carteira_core.rules import rules_from_dict

__all__ = [
    "BREAKDOWN_BY",
    "Kpis",
    "breakdown",
    "breakdown_of",
    "breakdown_terms",
    "breakdown_terms_of_rows",
    "empty_terms",
    "kpi_terms",
    "kpi_terms_of_rows",
    "kpis_from_terms",
    "kpis_of",
    "kpis_per_run",
    "period_of_run",
    "period_run",
    "previous_run",
    "readings_of_runs_visible_to",
    "readings_visible_to",
    "requested_period",
    "sum_terms",
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


# A reading counts in a term when it meets every condition: (field, values, negated),
# the field's value in ``values`` (or not). Fields are ClientSnapshot's.
Condition = tuple[str, tuple, bool]


def _term_rules(run: SnapshotRun) -> dict[str, tuple[tuple[Condition, ...], str | None]]:
    """Each KPI term of ``run``'s readings: the conditions a reading meets to count in it
    and the field it sums (None: it counts readings). The one definition the SQL
    aggregates (``kpi_terms``) and the columns' sums (``kpi_terms_of_rows``, the
    snapshot's warm-up) are both built from; the engine's ``indicator_counts`` is the same
    (tests/portfolio/test_one_october.py)."""
    rules = rules_from_dict(run.rules)
    portfolio = () if rules.indicators.include_prospects else (("status", ("prospect",), True),)
    customer_before = ("status_previous", CUSTOMER, False)
    lost_before = ("status_previous", LOST, False)
    prospect_before = ("status_previous", ("prospect",), False)
    churned = churned_statuses(run.period.days, rules.lifecycle.period_days)
    return {
        "n_portfolio": (portfolio, None),
        "n_positivated": ((*portfolio, ("positivated", (True,), False)), None),
        "n_covered": ((*portfolio, ("covered", (True,), False)), None),
        "n_revenue": (portfolio, "revenue_in_period"),
        "n_purchases": (portfolio, "purchases_in_period"),
        "n_churned": ((("status", churned, False), customer_before), None),
        "n_churn_base": ((customer_before,), None),
        "n_reactivated": ((("positivated", (True,), False), lost_before), None),
        "n_reactivation_base": ((lost_before,), None),
        "n_new_clients": ((("status", ("prospect",), True), prospect_before), None),
        "n_conversion_base": ((prospect_before,), None),
    }


def _q(conditions: tuple[Condition, ...]) -> Q:
    found = Q()
    for field, values, negated in conditions:
        atom = Q(**{field: values[0]}) if len(values) == 1 else Q(**{f"{field}__in": values})
        found &= ~atom if negated else atom
    return found


def _aggregates(run: SnapshotRun) -> dict:
    found = {}
    for name, (conditions, summed) in _term_rules(run).items():
        where = _q(conditions)
        found[name] = Count("pk", filter=where) if summed is None else Sum(summed, filter=where)
    return found


def _met(conditions: tuple[Condition, ...]) -> pl.Expr | None:
    """Whether a row meets every condition; None when there is none."""
    found = None
    for field, values, negated in conditions:
        column = pl.col(field)
        atom = column == values[0] if len(values) == 1 else column.is_in(list(values))
        atom = ~atom if negated else atom
        found = atom if found is None else found & atom
    return found


def _kpis(counts: dict) -> Kpis:
    figures = {name.removeprefix("n_"): value or 0 for name, value in counts.items()}
    figures["revenue"] = Decimal(figures["revenue"]).quantize(Decimal("0.01"))
    return Kpis(**figures)


def kpis_of(readings: QuerySet[ClientSnapshot], run: SnapshotRun) -> Kpis:
    return _kpis(readings.aggregate(**_aggregates(run)))


def kpi_terms(
    readings: QuerySet[ClientSnapshot], runs: list[SnapshotRun], by: tuple[str, ...] = ("run_id",)
) -> list[tuple[tuple, dict]]:
    """The KPIs' additive terms (counts and sums) of ``runs``' readings among ``readings``,
    grouped by the fields ``by``: [(values of ``by``, terms)], in one grouped query per
    rules variant (whether prospects count in the portfolio). Terms of several groups
    add up to the terms of their union (``sum_terms``), which is what lets the snapshot's
    warm-up compute every scope's KPIs from one query (``figures.do_warm_dashboards``)."""
    variants: dict[bool, list[SnapshotRun]] = {}
    for run in runs:
        include = rules_from_dict(run.rules).indicators.include_prospects
        variants.setdefault(include, []).append(run)
    found = []
    for group in variants.values():
        aggregates = _aggregates(group[0])
        rows = readings.filter(run__in=group).values(*by).annotate(**aggregates).order_by()
        for row in rows:
            found.append((tuple(row.pop(name) for name in by), row))
    return found


# ClientSnapshot's fields as columns (``*_rows`` below): money in whole cents
ROW_SCHEMA = {
    "status": pl.Utf8,
    "status_previous": pl.Utf8,
    "abc": pl.Utf8,
    "positivated": pl.Boolean,
    "covered": pl.Boolean,
    "revenue_in_period": pl.Int64,
    "purchases_in_period": pl.Int64,
    "revenue_in_abc_window": pl.Int64,
    "revenue_at_risk": pl.Int64,
}


def _money(cents: int | None) -> Decimal:
    return Decimal(cents or 0).scaleb(-2)


def kpi_terms_of_rows(
    rows: pl.DataFrame, run: SnapshotRun, by: tuple[str, ...]
) -> list[tuple[tuple, dict]]:
    """``kpi_terms`` of one run's readings given as columns (``ROW_SCHEMA``'s, and the
    columns ``by``) instead of a query: the same terms, revenue exact to the cent."""
    rules = _term_rules(run)
    sums = []
    for name, (conditions, summed) in rules.items():
        met = _met(conditions)
        if summed is None:
            value = pl.len() if met is None else met.cast(pl.Int64).sum()
        else:
            value = pl.col(summed) if met is None else pl.when(met).then(pl.col(summed))
            value = value.fill_null(0).sum()
        sums.append(value.cast(pl.Int64).alias(name))
    grouped = rows.lazy().group_by(list(by)).agg(sums).collect()
    found = []
    for row in grouped.iter_rows(named=True):
        key = tuple(row.pop(name) for name in by)
        row["n_revenue"] = _money(row["n_revenue"])
        found.append((key, row))
    return found


def breakdown_terms_of_rows(
    rows: pl.DataFrame, by: tuple[str, ...] = ()
) -> list[tuple[tuple, tuple, tuple]]:
    """``breakdown_terms`` of readings given as columns (``ROW_SCHEMA``'s and ``by``)."""
    grouped = (
        rows.lazy()
        .group_by([*by, *BREAKDOWN_BY])
        .agg(
            pl.len().alias("clients"),
            pl.col("revenue_in_abc_window").sum().alias("revenue"),
            pl.col("revenue_at_risk").sum().alias("at_risk"),
        )
        .collect()
    )
    width = len(by)
    return [
        (row[:width], row[width : width + 3], (row[-3], _money(row[-2]), _money(row[-1])))
        for row in grouped.iter_rows()
    ]


def empty_terms() -> dict:
    return dict.fromkeys(f"n_{name}" for name in Kpis.__dataclass_fields__)


def sum_terms(terms: Iterable[dict]) -> dict:
    """The terms of the union of disjoint groups of readings."""
    total = dict.fromkeys(empty_terms(), 0)
    for group in terms:
        for name, value in group.items():
            total[name] += value or 0
    return total


def kpis_from_terms(terms: dict) -> Kpis:
    return _kpis(terms)


def kpis_per_run(readings: QuerySet[ClientSnapshot], runs: list[SnapshotRun]) -> dict[int, Kpis]:
    """The KPIs of each run's readings among ``readings``, {run id: Kpis}."""
    found = {run_id: _kpis(terms) for (run_id,), terms in kpi_terms(readings, runs)}
    empty = _kpis(empty_terms())
    return {run.pk: found.get(run.pk, empty) for run in runs}


BREAKDOWN_BY = ("status_previous", "status", "abc")


def breakdown_terms(
    readings: QuerySet[ClientSnapshot], by: tuple[str, ...] = ()
) -> list[tuple[tuple, tuple, tuple]]:
    """The dashboard breakdown's additive terms grouped by ``by`` and the reading's status
    a period ago, status now and class: [(values of ``by``, (before, now, abc), (clients,
    revenue in the ABC window, revenue at risk))], one query."""
    rows = (
        readings.values_list(*by, *BREAKDOWN_BY)
        .annotate(
            clients=Count("pk"),
            revenue=Sum("revenue_in_abc_window"),
            at_risk=Sum("revenue_at_risk"),
        )
        .order_by()
    )
    width = len(by)
    return [(row[:width], row[width : width + 3], row[width + 3 :]) for row in rows]


def breakdown_of(terms: Iterable[tuple[tuple, tuple]]) -> dict:
    """The status counts, the status flows by class ({(before, now): {abc: clients}}) and
    the class × status matrix of the readings whose terms (``breakdown_terms`` without the
    leading key) are given; terms of the same (before, now, abc) may repeat and add up."""
    cells: dict[tuple, list] = {}
    for key, (clients, revenue, at_risk) in terms:
        cell = cells.setdefault(key, [0, 0, 0])
        cell[0] += clients
        cell[1] += revenue or 0
        cell[2] += at_risk or 0
    counts: dict[str, int] = {}
    flows: dict[tuple[str, str], dict] = {}
    matrix: dict[tuple[str, str], dict] = {}
    for (before, now, abc), (clients, revenue, at_risk) in cells.items():
        counts[now] = counts.get(now, 0) + clients
        flows.setdefault((before, now), {})[abc] = clients
        found = matrix.setdefault((abc, now), {"clients": 0, "revenue": 0, "at_risk": 0})
        found["clients"] += clients
        found["revenue"] += revenue
        found["at_risk"] += at_risk
    return {"counts": counts, "flows": flows, "matrix": matrix}


def breakdown(readings: QuerySet[ClientSnapshot]) -> dict:
    """Status counts, status flows by class and the class × status matrix, one query."""
    return breakdown_of((key, figures) for _, key, figures in breakdown_terms(readings))
