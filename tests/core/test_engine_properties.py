"""The engine agrees with the naive per-client reading on random small portfolios."""

from __future__ import annotations

import dataclasses
import os
from datetime import timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from carteira_core.engine import indicators, matrix, read_portfolio
from carteira_core.engine.periods import rolling
from carteira_core.rules import AbcRules, IndicatorRules, LifecycleRules, PortfolioRules
from tests.core import naive
from tests.core.conftest import T, client, make_input

EDGES = [0, 1, 6, 7, 29, 30, 31, 59, 60, 61, 89, 90, 91, 179, 180, 181, 209, 210, 211]
EDGES += [239, 240, 241, 364, 365, 366, 394, 395, 396]
offsets = st.one_of(st.sampled_from(EDGES), st.integers(-10, 420))
amounts = st.one_of(st.sampled_from([-100, 0, 100, 100, 250]), st.integers(-500, 2000))


@st.composite
def rules(draw) -> PortfolioRules:
    active, inactive = draw(st.sampled_from([(90, 180), (30, 60), (60, 60)]))
    lifecycle = LifecycleRules(
        mode=draw(st.sampled_from(["fixed", "cycle"])),
        active_days=active,
        inactive_days=inactive,
        frequency_window_days=draw(st.sampled_from([365, 60])),
        period_days=draw(st.sampled_from([30, 7, 60])),
        min_purchases=draw(st.integers(1, 3)),
        cycle_min_purchases=draw(st.integers(2, 4)),
        cycle_lookback_days=draw(st.sampled_from([365, 90])),
        cycle_floor_days=draw(st.sampled_from([1, 14])),  # never above active_days
        cycle_active_factor=draw(st.sampled_from([Decimal(3), Decimal("1.5")])),
        cycle_inactive_factor=Decimal(6),
    )
    a_share = draw(st.sampled_from([Decimal("0.80"), Decimal("0.5"), Decimal(1)]))
    abc = AbcRules(
        basis=draw(st.sampled_from(["revenue", "margin"])),
        window_days=draw(st.sampled_from([365, 90])),
        a_share=a_share,
        b_share=min(Decimal("0.15"), 1 - a_share),
    )
    flags = IndicatorRules(
        include_prospects=draw(st.booleans()), purchase_counts_as_contact=draw(st.booleans())
    )
    return PortfolioRules(lifecycle=lifecycle, abc=abc, indicators=flags)


@st.composite
def portfolios(draw):
    n = draw(st.integers(0, 8))
    ids = draw(st.permutations(range(1, 9)))[:n]
    labels = draw(st.permutations(["a", "b", "B", "c1", "c10", "c2", "z", "é"]))
    clients = [
        client(
            cid,
            external_id=labels[i],
            segment=draw(st.sampled_from([None, "retail", "industry"])),
            region=draw(st.sampled_from([None, "SP", "RJ"])),
        )
        for i, cid in enumerate(ids)
    ]
    known = [*ids, 99]  # 99 is not a client: its rows are ignored
    when = offsets.map(lambda d: T - timedelta(days=d))
    orders = []
    for cid in known:
        # a buying rhythm (regular gaps) plus a few loose orders, so every status, every
        # event and the cycle-mode thresholds all occur
        start = draw(offsets)
        gap = draw(st.sampled_from([1, 3, 7, 14, 30, 45, 240, 250]))
        days = [start + i * gap for i in range(draw(st.integers(0, 8)))]
        days += draw(st.lists(offsets, max_size=4))
        for day in days:
            orders.append(
                (
                    cid,
                    T - timedelta(days=day),
                    draw(amounts),
                    draw(st.one_of(st.none(), amounts)),
                    draw(st.sampled_from([False, False, False, False, True])),
                )
            )
    interactions = draw(
        st.lists(st.tuples(st.sampled_from(known), when, st.booleans()), max_size=15)
    )
    maybe_date = st.one_of(st.none(), when)
    assignments = []
    for cid in known:
        first = draw(st.sampled_from([None, None, None, 1, 2, 3]))
        if first is not None:
            assignments.append((cid, first, draw(st.one_of(st.none(), when)), None))
        assignments += draw(
            st.lists(
                st.tuples(st.just(cid), st.sampled_from([1, 2, 3, 4]), maybe_date, maybe_date),
                max_size=2,
            )
        )
    sellers = [(1, 10), (2, 10), (3, None)]  # seller 4 is unknown
    spend = draw(st.one_of(st.none(), st.lists(st.tuples(when, st.integers(0, 1000)), max_size=3)))
    return make_input(
        clients=clients,
        orders=orders,
        interactions=interactions,
        assignments=assignments,
        sellers=sellers,
        spend=spend,
    )


CHECKED = [
    "seller_id",
    "seller_external_id",
    "team_id",
    "status",
    "status_previous",
    "in_portfolio",
    "abc",
    "rfm",
    "r_score",
    "f_score",
    "m_score",
    "days_since_last_purchase",
    "last_purchase_date",
    "first_purchase_date",
    "purchases_in_frequency_window",
    "revenue_in_abc_window_cents",
    "margin_in_abc_window_cents",
    "revenue_period_cents",
    "purchases_period",
    "positivated",
    "covered",
    "is_new",
    "is_reactivated",
    "converted",
    "active_threshold_days",
    "inactive_threshold_days",
    "revenue_at_risk_cents",
]
GROUP_KEYS = {
    "seller": "seller_id",
    "team": "team_id",
    "segment": "segment",
    "region": "region",
    "abc": "abc",
    "status": "status",
}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=portfolios(), rules=rules())
def test_engine_reads_every_client_like_the_naive_reading(data, rules):
    expected = naive.read(data, T, rules)
    reading = read_portfolio(data, T, rules)
    assert reading.clients.height == len(expected)
    for row in reading.clients.iter_rows(named=True):
        want = expected[row["client_id"]]
        got = {k: row[k] for k in CHECKED}
        assert got == {k: want[k] for k in CHECKED}, row["client_id"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=portfolios(),
    rules=rules(),
    by=st.sampled_from([None, *GROUP_KEYS]),
    window=st.sampled_from([None, 1, 30, 31, 91, 92]),
)
def test_engine_kpis_equal_the_naive_kpis_in_every_group(data, rules, by, window):
    rows = list(naive.read(data, T, rules, window).values())
    period = rolling(T, window) if window else None
    reading = read_portfolio(data, T, rules, period)
    got = indicators(reading, by)
    if by is None:
        spend = reading.acquisition_spend_cents
        assert got.to_dicts() == [naive.kpis(rows, rules, spend, window)]
        return
    key = GROUP_KEYS[by]
    groups = {r[key] for r in rows}
    assert got.height == len(groups)
    for group in got.to_dicts():
        members = [r for r in rows if r[key] == group[key]]
        want = {key: group[key], **naive.kpis(members, rules, window_days=window)}
        assert group == want


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=portfolios(), rules=rules(), block_rows=st.sampled_from([1, 2, 3, 5]))
def test_orders_read_in_blocks_and_parallel_groups_give_the_same_reading(data, rules, block_rows):
    from carteira_core.engine import blocks, kernels

    serial = read_portfolio(data, T, rules).clients
    limits = kernels._PARALLEL_ROWS, kernels._ROWS_PER_SLOT, blocks.BLOCK_ROWS, os.cpu_count
    kernels._PARALLEL_ROWS, kernels._ROWS_PER_SLOT, blocks.BLOCK_ROWS = 1, 0, block_rows
    os.cpu_count = lambda: 4  # three groups of blocks beside the window sums' thread
    try:
        fresh = dataclasses.replace(data)  # no blocks kept from the serial reading
        parallel = read_portfolio(fresh, T, rules).clients
        cut = fresh.cache["order_blocks"]
        assert sum(len(block) for block in cut) == data.orders.height
        if data.orders.height:
            assert len(kernels._groups(cut, 100) or ()) == min(len(cut), 3)
    finally:
        kernels._PARALLEL_ROWS, kernels._ROWS_PER_SLOT, blocks.BLOCK_ROWS, os.cpu_count = limits
    assert parallel.equals(serial)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=portfolios(), rules=rules(), by=st.sampled_from([None, "seller", "region"]))
def test_matrix_cells_sum_the_naive_client_rows(data, rules, by):
    rows = list(naive.read(data, T, rules).values())
    key = GROUP_KEYS.get(by)
    cells: dict[tuple, list[int]] = {}
    for r in rows:
        cell = cells.setdefault((r["abc"], r["status"], r[key] if key else None), [0, 0, 0])
        cell[0] += 1
        cell[1] += r["revenue_in_abc_window_cents"]
        cell[2] += r["revenue_at_risk_cents"]
    got = {
        (c["abc"], c["status"], c[key] if key else None): [
            c["clients"],
            c["revenue"],
            c["revenue_at_risk"],
        ]
        for c in matrix(read_portfolio(data, T, rules), by).to_dicts()
    }
    assert got == cells


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=portfolios(), rules=rules())
def test_the_reading_a_period_earlier_matches_the_previous_statuses(data, rules):
    now = read_portfolio(data, T, rules).clients
    before = read_portfolio(data, T - timedelta(days=rules.lifecycle.period_days), rules).clients
    assert before["status"].to_list() == now["status_previous"].to_list()
