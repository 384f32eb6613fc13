"""Reads of the stored predictive value, scoped like every client read."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
from django.db.models import Count, F, FilteredRelation, OuterRef, Q, QuerySet, Subquery, Sum

from carteira.accounts.models import User
from carteira.clients.access import clients_visible_to
from carteira.clients.models import Client
from carteira.portfolio.models import SnapshotRun
from carteira.value.models import ClientPotential, ClientValue, ValueFit
from carteira.value.services import compute_value, value_report
from carteira_core.value import Model
from carteira_core.value.whatif import lower_churn, recovery_value, scaled_value

GROUPS = {
    "seller": ("seller__name", "seller_id"),
    "team": ("seller__team__name", "seller__team_id"),
    "segment": ("client__segment", "client__segment"),
    "state": ("client__state", "client__state"),  # the region: the client's state
    "abc": ("abc", "abc"),
}


def client_value(client: Client, run_id: int) -> ValueFit | None:
    """The fit of a reading with the client's own figures on it (``mine_*``, None where the
    client has no prediction) and its potential (``wallet_*``), in one query."""
    wallet = ClientPotential.objects.filter(run_id=OuterRef("run_id"), client=client)
    return (
        ValueFit.objects.filter(run_id=run_id)
        .annotate(mine=FilteredRelation("clients", condition=Q(clients__client=client)))
        .annotate(
            mine_p_alive=F("mine__p_alive"),
            mine_clv=F("mine__clv"),
            mine_expected_purchases=F("mine__expected_purchases"),
            mine_next_purchase=F("mine__next_purchase"),
            mine_frequency=F("mine__frequency"),
            **{
                f"wallet_{name}": Subquery(wallet.values(name)[:1])
                for name in ("potential", "revenue", "gap", "share", "source", "peers")
            },
        )
        .first()
    )


def latest_fit(on_or_before: dt.date | None = None) -> ValueFit | None:
    """The fit of the latest official reading (on or before a date)."""
    fits = ValueFit.objects.filter(run__kind=SnapshotRun.Kind.OFFICIAL).select_related("run")
    if on_or_before is not None:
        fits = fits.filter(run__as_of__lte=on_or_before)
    return fits.order_by("-run__as_of", "-run__pk").first()


def visible_values(user: User, fit: ValueFit) -> QuerySet[ClientValue]:
    return ClientValue.objects.filter(fit=fit, client__in=clients_visible_to(user))


@dataclass(frozen=True)
class Group:
    label: str
    clients: int
    value: Decimal
    share: float


def valuation_by(user: User, fit: ValueFit, by: str) -> list[Group]:
    """The discounted CLV of the user's clients by seller, team, segment, state (region)
    or ABC class, largest first."""
    label, key = GROUPS[by]
    rows = list(
        visible_values(user, fit)
        .values(key_value=F(key), label_value=F(label))
        .annotate(clients=Count("id"), value=Sum("clv"))
        .order_by("-value")
    )
    total = sum((row["value"] or Decimal(0) for row in rows), Decimal(0))
    return [
        Group(
            row["label_value"] or "",
            row["clients"],
            row["value"] or Decimal(0),
            float(row["value"] / total) if total and row["value"] else 0.0,
        )
        for row in rows
    ]


@dataclass(frozen=True)
class Change:
    previous: ValueFit
    before: Decimal
    now: Decimal
    new_clients: Decimal  # value of clients with no prediction at the previous reading
    gone_clients: Decimal  # value the previous reading gave clients now without one
    rose: Decimal  # rises of clients in both
    fell: Decimal  # falls of clients in both (negative)
    falling: tuple[Fall, ...] = ()  # the clients whose P(alive) fell most in value

    @property
    def delta(self) -> Decimal:
        return self.now - self.before


@dataclass(frozen=True)
class Fall:
    """A client whose chance of still being a client fell between two readings."""

    client_id: int
    name: str
    p_alive_before: float
    p_alive: float
    clv_before: Decimal
    clv: Decimal

    @property
    def lost(self) -> Decimal:
        return self.clv_before - self.clv


def change_since(user: User, fit: ValueFit, previous: ValueFit | None) -> Change | None:
    """What changed in the user's portfolio value between two readings, and why."""
    if previous is None or not previous.ok or not previous.spend_ok:
        return None
    zero = Decimal(0)
    rows_now = {c: (clv or zero, p) for c, clv, p in _values(user, fit)}
    rows_before = {c: (clv or zero, p) for c, clv, p in _values(user, previous)}
    now = {c: clv for c, (clv, _) in rows_now.items()}
    before = {c: clv for c, (clv, _) in rows_before.items()}
    both = now.keys() & before.keys()
    deltas = [now[c] - before[c] for c in both]
    return Change(
        previous=previous,
        before=sum((v or zero for v in before.values()), zero),
        now=sum((v or zero for v in now.values()), zero),
        new_clients=sum((now[c] or zero for c in now.keys() - before.keys()), zero),
        gone_clients=-sum((before[c] or zero for c in before.keys() - now.keys()), zero),
        rose=sum((d for d in deltas if d > 0), zero),
        fell=sum((d for d in deltas if d < 0), zero),
        falling=_falling(rows_before, rows_now, both),
    )


def _values(user: User, fit: ValueFit):
    return visible_values(user, fit).values_list("client_id", "clv", "p_alive")


VALUE_AT_RISK_SHOWN = 10


def _falling(rows_before: dict, rows_now: dict, both: set) -> tuple[Fall, ...]:
    """The clients whose P(alive) fell, largest loss of value first (at most 10): the
    accounts worth a call before they are lost."""
    fell = [
        c for c in both if rows_now[c][1] < rows_before[c][1] and rows_now[c][0] < rows_before[c][0]
    ]
    fell.sort(key=lambda c: rows_before[c][0] - rows_now[c][0], reverse=True)
    top = fell[:VALUE_AT_RISK_SHOWN]
    names = dict(Client.objects.filter(pk__in=top).values_list("pk", "name"))
    return tuple(
        Fall(
            c,
            names.get(c, ""),
            rows_before[c][1],
            rows_now[c][1],
            rows_before[c][0],
            rows_now[c][0],
        )
        for c in top
    )


def previous_month_fit(fit: ValueFit) -> ValueFit | None:
    """The latest official fit at or before the end of the month before the fit's."""
    month_start = fit.run.as_of.replace(day=1)
    return latest_fit(month_start - dt.timedelta(days=1))


def stored_report(user: User, fit: ValueFit) -> dict:
    """The shape of ``carteira value --format json`` from a stored fit, with the user's
    clients only and their value as ``portfolio_value``."""
    rows = (
        visible_values(user, fit)
        .order_by("client__external_id")
        .values_list(
            "client__external_id",
            "frequency",
            "recency_days",
            "age_days",
            "p_alive",
            "expected_purchases",
            "next_purchase",
            "expected_spend",
            "clv",
        )
    )
    clients = [
        {
            "client": code,
            "frequency": frequency,
            "recency": recency,
            "T": age,
            "p_alive": round(p_alive, 4),
            f"expected_purchases_{fit.expectation_days}d": round(expected, 4),
            "expected_next_purchase": next_purchase,
            "expected_spend": spend,
            "clv": clv,
        }
        for code, frequency, recency, age, p_alive, expected, next_purchase, spend, clv in rows
    ]
    valued = fit.ok and fit.spend_ok
    return {
        "as_of": fit.run.as_of,
        "model": {
            "name": fit.model,
            **{name: round(value, 6) for name, value in fit.params.items()},
            "log_likelihood": None if fit.log_likelihood is None else round(fit.log_likelihood, 4),
            "time_unit": "day",
            "status": fit.status,
            "reason": fit.reason,
        },
        "spend": {
            **{name: round(value, 6) for name, value in fit.spend_params.items()},
            "status": fit.spend_status,
            "reason": fit.spend_reason,
        },
        "horizon_months": fit.horizon_months,
        "monthly_rate": float(fit.monthly_rate),
        "clients": clients,
        "portfolio_value": (
            sum((row["clv"] or Decimal(0) for row in clients), Decimal(0)) if valued else None
        ),
    }


def computed_report(user: User, as_of: dt.date, *, model: Model) -> dict:
    """``carteira value --model MODEL --format json`` at ``as_of``, with the user's clients
    only and their value as ``portfolio_value`` (as ``stored_report``)."""
    values, data = compute_value(as_of, model=model)
    report = value_report(values, data)
    visible = set(clients_visible_to(user).values_list("external_id", flat=True))
    clients = [row for row in report["clients"] if row["client"] in visible]
    valued = report["portfolio_value"] is not None
    total = sum((row["clv"] or Decimal(0) for row in clients), Decimal(0))
    return {**report, "clients": clients, "portfolio_value": total if valued else None}


def predicted_values(client_ids) -> dict[int, int]:
    """Each client's CLV at the latest official reading, in cents, for the agenda's
    priority (agenda.hooks); empty without a fit whose spend model is ``ok``."""
    fit = latest_fit()
    if fit is None or not fit.ok or not fit.spend_ok:
        return {}
    ids = list(client_ids)
    values: dict[int, int] = {}
    for start in range(0, len(ids), 2_000):
        rows = ClientValue.objects.filter(
            fit=fit, client_id__in=ids[start : start + 2_000], clv__isnull=False
        ).values_list("client_id", "clv")
        values.update({client_id: int(clv * 100) for client_id, clv in rows})
    return values


@dataclass(frozen=True)
class Recovery:
    client_id: int
    name: str
    abc: str
    p_alive: float
    clv: Decimal
    worth: Decimal  # what winning it back adds: CLV / P(alive) − CLV


@dataclass(frozen=True)
class WhatIf:
    now: Decimal
    less_churn: Decimal | None  # None: the lever does not apply (not BG/NBD, or too far)
    more_frequency: Decimal | None
    churn_points: Decimal
    frequency_percent: Decimal
    recoveries: tuple[Recovery, ...] = ()

    @property
    def less_churn_gain(self) -> Decimal | None:
        return None if self.less_churn is None else self.less_churn - self.now

    @property
    def more_frequency_gain(self) -> Decimal | None:
        return None if self.more_frequency is None else self.more_frequency - self.now

    @property
    def recovered(self) -> Decimal:
        return sum((r.worth for r in self.recoveries), Decimal(0))


RECOVERIES_SHOWN = 10
# a client "has probably left" below this chance of still being one
RECOVERY_BELOW = 0.5


def what_if(
    user: User, fit: ValueFit, *, churn_points: Decimal, frequency_percent: Decimal
) -> WhatIf:
    """The user's portfolio value if the chance of leaving after each purchase were
    ``churn_points`` points lower, or the clients bought ``frequency_percent`` % more
    often (carteira_core.value.whatif; BG/NBD only), and the clients most worth
    recovering (P(alive) under 50 %, largest recovery value first)."""
    rows = list(
        visible_values(user, fit)
        .filter(clv__isnull=False)
        .order_by("client_id")
        .values_list(
            "client_id", "frequency", "recency_days", "age_days", "expected_spend", "clv",
            "p_alive", "abc", "client__name",
        )
    )  # fmt: skip
    now = sum((row[5] for row in rows), Decimal(0))
    less = more = None
    if rows and fit.model == "bgnbd":
        columns = list(zip(*rows, strict=True))
        x, t_x, big_t = (np.array(columns[k], dtype=float) for k in (1, 2, 3))
        spend_cents = np.array(columns[4], dtype=float) * 100

        def value(params: dict, factor: float = 1.0) -> np.ndarray:
            return scaled_value(
                params, spend_cents, x, t_x, big_t, horizon_months=fit.horizon_months,
                monthly_rate=float(fit.monthly_rate), frequency_factor=factor,
            )  # fmt: skip

        # each lever's change over the same computation without it, added to the stored
        # total (the stored values used the spend before it was rounded to the cent)
        base = _total_cents(value(fit.params))
        try:
            less = now + _total_cents(value(lower_churn(fit.params, float(churn_points)))) - base
        except ValueError:
            less = None
        factor = 1 + float(frequency_percent) / 100
        more = now + _total_cents(value(fit.params, factor)) - base
    return WhatIf(now, less, more, churn_points, frequency_percent, _recoveries(rows))


def _total_cents(values: np.ndarray) -> Decimal:
    """Each client's value rounded to the cent, then summed (as the stored CLVs are)."""
    return Decimal(int(np.rint(values).sum())).scaleb(-2)


def recovery_worth(clv: Decimal | None, p_alive: float | None) -> Decimal | None:
    """What winning a client back is worth, to the cent (carteira_core.value.whatif's
    recovery_value: CLV / P(alive) − CLV), for a client under ``RECOVERY_BELOW``; None
    above it or without both figures. One rounding for the client page, the valuation
    page, the lists, the action plan's feed and the lost clients' decisions."""
    if clv is None or p_alive is None or not 0 < p_alive < RECOVERY_BELOW:
        return None
    worth = float(recovery_value(np.array([float(clv)]), np.array([p_alive]))[0])
    return Decimal(round(worth * 100)).scaleb(-2)


def recovery_outlooks(run_id: int, client_ids) -> dict[int, tuple[float, Decimal | None, int]]:
    """Each client's P(alive) at the reading's value fit, what winning it back is worth
    (``recovery_worth``) and the fit's horizon in months; empty without a reliable fit."""
    fit = ValueFit.objects.filter(run_id=run_id).first()
    if fit is None or not fit.ok or not fit.spend_ok:
        return {}
    ids = list(client_ids)
    found: dict[int, tuple[float, Decimal | None, int]] = {}
    for start in range(0, len(ids), 2_000):
        rows = ClientValue.objects.filter(
            fit=fit, client_id__in=ids[start : start + 2_000]
        ).values_list("client_id", "p_alive", "clv")
        for client_id, p_alive, clv in rows:
            found[client_id] = (p_alive, recovery_worth(clv, p_alive), fit.horizon_months)
    return found


def _recoveries(rows) -> tuple[Recovery, ...]:
    found = []
    for client_id, _x, _t, _big_t, _spend, clv, p, abc, name in rows:
        worth = recovery_worth(clv, p)
        if worth is not None:
            found.append(Recovery(client_id, name, abc, p, clv, worth))
    found.sort(key=lambda r: (-r.worth, r.client_id))
    return tuple(found[:RECOVERIES_SHOWN])
