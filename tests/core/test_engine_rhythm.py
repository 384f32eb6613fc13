"""A client's buying rhythm, as cycle mode measures it (the cycle report's column)."""

from __future__ import annotations

import itertools
import statistics
from datetime import timedelta

from hypothesis import HealthCheck, given, settings

from carteira_core.engine.rhythm import purchase_rhythm
from carteira_core.rules import LifecycleRules, PortfolioRules
from tests.core.conftest import T, ago, make_input
from tests.core.test_engine_properties import portfolios, rules

CYCLE = PortfolioRules(lifecycle=LifecycleRules(mode="cycle", cycle_min_purchases=3))


def test_weekly_buyer_has_a_rhythm_of_7_days_and_counts_the_year_before_the_last_purchase():
    orders = [(1, ago(d), 100) for d in (30, 37, 44, 51)]
    orders += [(1, ago(400), 100), (1, ago(37), 50), (1, ago(10), -40)]  # same day, a return
    orders += [(2, ago(5), 100), (2, ago(20), 100)]  # two purchase days: no rhythm
    rows = purchase_rhythm(make_input(clients=[1, 2, 3], orders=orders), T, CYCLE).to_dicts()
    assert rows == [
        {"client_id": 1, "rhythm_days": 7.0, "purchases_prior_year": 5},
        {"client_id": 2, "rhythm_days": None, "purchases_prior_year": 2},
    ]


def test_an_even_number_of_gaps_takes_the_mean_of_the_two_middle_ones():
    orders = [(1, ago(d), 100) for d in (0, 7, 15, 30)]  # gaps 7, 8, 15
    orders += [(2, ago(d), 100) for d in (0, 7, 15)]  # gaps 7, 8 -> 7.5
    rows = purchase_rhythm(make_input(clients=[1, 2], orders=orders), T, CYCLE).to_dicts()
    assert [row["rhythm_days"] for row in rows] == [8.0, 7.5]


def _naive(data, rules) -> list[dict]:
    """The cycle report's former per-client loop (plain Python), for comparison."""
    lc = rules.lifecycle
    known = set(data.clients["client_id"].to_list())
    days: dict[int, list] = {}
    for o in data.orders.iter_rows(named=True):
        if (
            o["cancelled"]
            or o["date"] is None
            or o["amount_cents"] is None
            or o["amount_cents"] <= 0
            or o["date"] > T
            or o["client_id"] not in known
        ):
            continue  # fmt: skip
        days.setdefault(o["client_id"], []).append(o["date"])
    rows = []
    for client_id in sorted(days):
        mine = sorted(days[client_id])
        last = mine[-1]
        distinct = sorted({d for d in mine if d > T - timedelta(days=lc.cycle_lookback_days)})
        gaps = [(b - a).days for a, b in itertools.pairwise(distinct)]
        rhythm = statistics.median(gaps) if len(distinct) >= lc.cycle_min_purchases else None
        rows.append({
            "client_id": client_id,
            "rhythm_days": None if rhythm is None else float(rhythm),
            "purchases_prior_year": sum(1 for d in mine if d > last - timedelta(days=365)),
        })  # fmt: skip
    return rows


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=portfolios(), rules=rules())
def test_the_rhythm_equals_a_plain_reading_of_each_client(data, rules):
    got = purchase_rhythm(data, T, rules).sort("client_id").to_dicts()
    assert got == _naive(data, rules)
