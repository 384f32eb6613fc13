"""The engine read through the real databases agrees with the naive reading of the spec.

Hypothesis writes small random portfolios with the ORM (reassignments, cancelled orders,
returns, several orders on one day, orders after ``T``, interactions), ``do_snapshot``
reads them back through the database and stores its rows; every stored client row and
the overall KPIs must equal ``tests/core/naive.py``'s reading of the very same data.
The test runs on SQLite (pass 1 of ``make test``) and on PostgreSQL (pass 2).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from carteira.clients.models import Assignment, Client
from carteira.interactions.models import Interaction
from carteira.orders.models import Order
from carteira.organization.models import Seller, Team
from carteira.portfolio import engine_input
from carteira.portfolio.models import ClientSnapshot, GroupSnapshot
from carteira.portfolio.services import do_snapshot
from carteira_core.rules import DEFAULT_RULES, AbcRules, LifecycleRules, PortfolioRules
from tests.core import naive
from tests.core.conftest import make_input

T = dt.date(2026, 6, 30)
EDGES = [0, 1, 7, 29, 30, 31, 89, 90, 91, 179, 180, 181, 209, 210, 211, 364, 365, 366]
offsets = st.one_of(st.sampled_from(EDGES), st.integers(-20, 420))  # negative: after T
cents = st.one_of(st.sampled_from([-10_050, 0, 10_000, 25_025]), st.integers(-50_000, 200_000))

RULES = {
    "fixed (in force)": None,
    "cycle": PortfolioRules(lifecycle=LifecycleRules(mode="cycle")),
    "short, margin": PortfolioRules(
        lifecycle=LifecycleRules(
            active_days=30, inactive_days=60, period_days=7, min_purchases=2, cycle_floor_days=7
        ),
        abc=AbcRules(basis="margin", window_days=90),
    ),
}


def day(offset: int) -> dt.date:
    return T - dt.timedelta(days=offset)


@st.composite
def portfolios(draw) -> list[dict]:
    """One dict per client: its sellers over time, orders and interactions."""
    clients = []
    for i in range(draw(st.integers(0, 7))):
        first = draw(st.sampled_from([None, 0, 1, 2]))  # None: never assigned
        moves = []
        if first is not None:
            # reassignments on distinct days (some after T), each to another seller
            for when in sorted(set(draw(st.lists(offsets, max_size=2))), reverse=True):
                moves.append((when, draw(st.sampled_from([0, 1, 2]))))
        start = draw(offsets)
        gap = draw(st.sampled_from([1, 7, 14, 30, 45, 240]))
        order_days = [start + k * gap for k in range(draw(st.integers(0, 6)))]
        order_days += draw(st.lists(offsets, max_size=4))
        if order_days and draw(st.booleans()):
            order_days.append(order_days[0])  # two orders on one day
        orders = [
            (
                d,
                draw(cents),
                draw(st.one_of(st.none(), cents)),
                draw(st.sampled_from([False, False, False, True])),
            )
            for d in order_days
        ]
        interactions = draw(st.lists(st.tuples(offsets, st.booleans()), max_size=3))
        clients.append(
            {
                "external_id": draw(st.sampled_from(["a", "b", "B", "c1", "c10", "é"])) + str(i),
                "segment": draw(st.sampled_from(["", "varejo", "indústria"])),
                "state": draw(st.sampled_from(["", "SP", "RJ"])),
                "first": first,
                "moves": moves,
                "orders": orders,
                "interactions": interactions,
            }
        )
    return clients


def money(value: int | None) -> Decimal | None:
    return None if value is None else Decimal(value).scaleb(-2)


def write(spec: list[dict], sellers: list[Seller]) -> dict:
    """Store ``spec`` with bulk_create; returns the naive engine input for the same data."""
    clients = Client.objects.bulk_create(
        Client(
            external_id=c["external_id"],
            name=f"Cliente {c['external_id']}",
            segment=c["segment"],
            state=c["state"],
        )
        for c in spec
    )
    assignments, orders, interactions = [], [], []
    naive_clients, naive_orders, naive_interactions, naive_assignments = [], [], [], []
    number = 0
    for c, client in zip(spec, clients, strict=True):
        naive_clients.append(
            {
                "client_id": client.pk,
                "external_id": c["external_id"],
                "name": client.name,
                "segment": c["segment"] or None,
                "region": c["state"] or None,
                "created_date": None,
            }
        )
        if c["first"] is not None:
            seller, start = sellers[c["first"]], None
            for when, to in c["moves"]:
                end = day(when)
                assignments.append(Assignment(client=client, seller=seller, start_date=start,
                                              end_date=end))  # fmt: skip
                naive_assignments.append((client.pk, seller.pk, start, end))
                seller, start = sellers[to], end
            assignments.append(Assignment(client=client, seller=seller, start_date=start))
            naive_assignments.append((client.pk, seller.pk, start, None))
        for offset, amount, margin, cancelled in c["orders"]:
            number += 1
            orders.append(
                Order(
                    external_id=f"P{number:05d}",
                    client=client,
                    date=day(offset),
                    amount=money(amount),
                    margin=money(margin),
                    status="cancelled" if cancelled else "valid",
                )
            )
            naive_orders.append((client.pk, day(offset), amount, margin, cancelled))
        for offset, successful in c["interactions"]:
            interactions.append(Interaction(client=client, date=day(offset), channel="phone",
                                            successful=successful))  # fmt: skip
            naive_interactions.append((client.pk, day(offset), successful))
    Assignment.objects.bulk_create(assignments)
    Order.objects.bulk_create(orders)
    Interaction.objects.bulk_create(interactions)
    return make_input(
        clients=naive_clients,
        orders=naive_orders,
        interactions=naive_interactions,
        assignments=naive_assignments,
        sellers=[(s.pk, s.team_id) for s in sellers],
    )


def stored_rows(run) -> dict[int, dict]:
    fields = (
        "client_id", "seller_id", "status", "status_previous", "abc",
        "days_since_last_purchase", "last_purchase_date", "first_purchase_date",
        "purchases_in_frequency_window", "revenue_in_abc_window", "margin_in_abc_window",
        "revenue_in_period", "purchases_in_period", "revenue_at_risk", "rfm", "positivated",
        "covered", "active_threshold_days", "inactive_threshold_days",
    )  # fmt: skip
    return {row["client_id"]: row for row in ClientSnapshot.objects.filter(run=run).values(*fields)}


def expected_row(want: dict) -> dict:
    """The naive row in the shape a stored ClientSnapshot has (money in units, "" for none)."""
    return {
        "client_id": want["client_id"],
        "seller_id": want["seller_id"],
        "status": want["status"],
        "status_previous": want["status_previous"],
        "abc": want["abc"] or "",
        "days_since_last_purchase": want["days_since_last_purchase"],
        "last_purchase_date": want["last_purchase_date"],
        "first_purchase_date": want["first_purchase_date"],
        "purchases_in_frequency_window": want["purchases_in_frequency_window"],
        "revenue_in_abc_window": money(want["revenue_in_abc_window_cents"]),
        "margin_in_abc_window": money(want["margin_in_abc_window_cents"]),
        "revenue_in_period": money(want["revenue_period_cents"]),
        "purchases_in_period": want["purchases_period"],
        "revenue_at_risk": money(want["revenue_at_risk_cents"]),
        "rfm": want["rfm"] or "",
        "positivated": want["positivated"],
        "covered": want["covered"],
        "active_threshold_days": want["active_threshold_days"],
        "inactive_threshold_days": want["inactive_threshold_days"],
    }


@pytest.fixture
def sellers(db) -> list[Seller]:
    sul = Team.objects.create(name="Equipe Sul")
    return [
        Seller.objects.create(external_id="V1", name="Ana", team=sul),
        Seller.objects.create(external_id="V2", name="Bruno", team=sul),
        Seller.objects.create(external_id="V3", name="Carla"),
    ]


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(spec=portfolios(), which=st.sampled_from(sorted(RULES)))
def test_stored_snapshot_equals_the_naive_reading_of_the_same_rows(sellers, spec, which):
    what_if = RULES[which]
    rules = what_if or DEFAULT_RULES
    with transaction.atomic():  # a savepoint per example, rolled back at the end
        data = write(spec, sellers)
        assert engine_input.can_use_adbc() is False  # inside the test transaction: Django's reader
        run = do_snapshot(T, what_if=what_if, use_adbc=False)
        expected = naive.read(data, T, rules)
        stored = stored_rows(run)
        assert set(stored) == set(expected)
        for client_id, want in expected.items():
            assert stored[client_id] == expected_row(want), (which, want["external_id"])
        overall = GroupSnapshot.objects.get(run=run, by="", key="").figures
        want_kpis = naive.kpis(list(expected.values()), rules)
        assert set(overall) == set(want_kpis)
        for name, value in want_kpis.items():
            if value is None or isinstance(value, int):
                assert overall[name] == value, name
            else:
                assert overall[name] == pytest.approx(value, rel=1e-12), name
        transaction.set_rollback(True)


FIXED = [
    {"external_id": "K1", "segment": "varejo", "state": "SP", "first": 0, "moves": [(40, 1)],
     "orders": [(0, 100_000, 25_000, False), (0, 5_000, None, False), (10, -10_050, None, False),
                (95, 30_000, 7_500, False), (-3, 999_999, None, False)],
     "interactions": [(3, True), (-1, True)]},
    {"external_id": "K2", "segment": "", "state": "RJ", "first": 2, "moves": [(-10, 0)],
     "orders": [(181, 20_000, None, False), (5, 99_999, None, True)],
     "interactions": [(5, False)]},
    {"external_id": "K3", "segment": "indústria", "state": "", "first": None, "moves": [],
     "orders": [(d, 12_345, 1_000, False) for d in (30, 37, 44, 51, 58)], "interactions": []},
    {"external_id": "K4", "segment": "varejo", "state": "SP", "first": 1, "moves": [],
     "orders": [], "interactions": [(1, True)]},
]  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_the_adbc_reader_and_the_django_reader_give_the_same_reading(sellers):
    from carteira_core.engine import indicators, read_portfolio

    if connection.vendor == "sqlite":
        # Known hazard, left open: a second ADBC read of the SQLite test database in one
        # process (test_snapshot.py's) then fails with "disk I/O error" (ADBC links its
        # own SQLite). Until that is fixed, the ADBC = Django check runs on PostgreSQL.
        pytest.skip("ADBC on the SQLite test database twice per process: disk I/O error")
    data = write(FIXED, sellers)
    via_django = engine_input.load_input(T, use_adbc=False)
    via_adbc = engine_input.load_input(T, use_adbc=True)
    for rules in (DEFAULT_RULES, *filter(None, RULES.values())):
        left = read_portfolio(via_django, T, rules)
        right = read_portfolio(via_adbc, T, rules)
        assert left.clients.equals(right.clients)
        assert indicators(left).equals(indicators(right))
        # and both are the naive reading of what was written
        expected = naive.read(data, T, rules)
        for row in left.clients.iter_rows(named=True):
            assert row["status"] == expected[row["client_id"]]["status"]
            assert row["abc"] == expected[row["client_id"]]["abc"]
