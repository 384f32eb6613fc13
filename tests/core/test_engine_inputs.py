import dataclasses
from datetime import date

import numpy as np
import polars as pl
import pytest

from carteira_core.engine import ORDER_SCHEMA, PortfolioInput, read_portfolio
from carteira_core.engine.blocks import order_blocks
from carteira_core.engine.inputs import client_positions
from carteira_core.rules import PortfolioRules
from tests.core.conftest import T, ago, make_input


def test_arrow_tables_are_accepted_as_inputs():
    frames = make_input(clients=[1], orders=[(1, ago(3), 100)])
    data = PortfolioInput(
        clients=frames.clients.to_arrow(),
        assignments=frames.assignments.to_arrow(),
        sellers=frames.sellers.to_arrow(),
        orders=frames.orders.to_arrow(),
        interactions=frames.interactions.to_arrow(),
    )
    assert read_portfolio(data, T, PortfolioRules()).clients["status"].to_list() == ["active"]


def test_a_missing_column_is_named():
    frames = make_input(clients=[1])
    with pytest.raises(ValueError, match="orders lacks column"):
        PortfolioInput(
            clients=frames.clients,
            assignments=frames.assignments,
            sellers=frames.sellers,
            orders=frames.orders.drop("cancelled"),
            interactions=frames.interactions,
        )


def test_duplicate_client_ids_are_refused():
    frames = make_input(clients=[1])
    with pytest.raises(ValueError, match="client_id must be unique"):
        PortfolioInput(
            clients=pl.concat([frames.clients, frames.clients]),
            assignments=frames.assignments,
            sellers=frames.sellers,
            orders=frames.orders,
            interactions=frames.interactions,
        )


def test_rows_with_missing_values_do_not_count():
    orders = pl.DataFrame(
        [
            {"client_id": None, "date": ago(1), "amount_cents": 5, "cancelled": False},
            {"client_id": 1, "date": None, "amount_cents": 5, "cancelled": False},
            {"client_id": 1, "date": ago(2), "amount_cents": None, "cancelled": False},
            {"client_id": 1, "date": ago(3), "amount_cents": 7, "cancelled": None},
        ],
        schema=ORDER_SCHEMA,
    )
    frames = make_input(clients=[1], interactions=[(None, ago(1), True), (1, None, True)])
    data = PortfolioInput(
        clients=frames.clients,
        assignments=frames.assignments,
        sellers=frames.sellers,
        orders=orders,
        interactions=frames.interactions,
    )
    row = read_portfolio(data, T, PortfolioRules()).clients.row(0, named=True)
    assert (row["days_since_last_purchase"], row["revenue_in_abc_window_cents"]) == (3, 7)
    assert row["covered"] is False


def test_client_ids_far_apart_map_correctly():
    data = make_input(
        clients=[5, 10**12, -3],
        orders=[(10**12, ago(1), 100), (-3, ago(100), 100), (42, ago(1), 100)],
    )
    rows = read_portfolio(data, T, PortfolioRules()).clients
    assert rows["status"].to_list() == ["prospect", "active", "pre_inactive"]


def test_ids_around_dense_client_ids_are_not_clients_however_far_out():
    # dense ids go through a lookup table; ids just outside it, and ids at the ends of
    # int64 (whose offset from the table wraps), must all miss
    ids = np.array([3, 1, 2], dtype=np.int64)
    wanted = np.array([1, 2, 3, 0, 4, -1, 2**63 - 1, -(2**63)], dtype=np.int64)
    assert client_positions(ids, wanted).tolist() == [1, 2, 0, 3, 3, 3, 3, 3]
    shifted = np.array([2**61 + 7, 2**61 + 5], dtype=np.int64)
    wanted = np.array([2**61 + 5, 2**61 + 6, 2**61 + 4, -(2**63), 2**63 - 1], dtype=np.int64)
    assert client_positions(shifted, wanted).tolist() == [1, 2, 2, 2, 2]


def test_the_reading_keeps_the_client_order_and_states_its_period():
    data = make_input(clients=[3, 1, 2])
    reading = read_portfolio(data, date(2024, 6, 30), PortfolioRules())
    assert reading.clients["client_id"].to_list() == [3, 1, 2]
    assert (reading.as_of, reading.period_start) == (date(2024, 6, 30), date(2024, 6, 1))


def test_an_empty_workspace_reads_as_empty_tables():
    from carteira_core.engine import indicators, matrix
    from carteira_core.rules import LifecycleRules

    for mode in ("fixed", "cycle"):
        rules = PortfolioRules(lifecycle=LifecycleRules(mode=mode))
        reading = read_portfolio(PortfolioInput.empty(), T, rules)
        assert reading.clients.height == 0
        assert indicators(reading)["portfolio"].to_list() == [0]
        assert indicators(reading, "seller").height == 0
        assert matrix(reading, "team").height == 0


def test_a_reading_in_cycle_mode_without_orders_uses_fixed_thresholds():
    from carteira_core.rules import LifecycleRules

    rules = PortfolioRules(lifecycle=LifecycleRules(mode="cycle"))
    row = read_portfolio(make_input(clients=[1]), T, rules).clients.row(0, named=True)
    assert (row["status"], row["active_threshold_days"]) == ("prospect", 90)


def _chunked(series: pl.Series, sizes: list[int]) -> pl.Series:
    """``series`` stored as chunks of ``sizes`` rows (as a reader hands them over)."""
    parts, start = [], 0
    for size in sizes:
        parts.append(series.slice(start, size))
        start += size
    return pl.concat(parts, rechunk=False)


def _orders_with_gaps() -> PortfolioInput:
    """Seven orders, each 1,000 times: a null client, a null amount, a cancelled one and
    one of a client that does not exist among them."""
    rows = [
        (1, ago(1), 100, 30),
        (2, ago(400), 50, None),
        (1, ago(40), -20, -5),
        (3, ago(200), 70, 7, True),
        (2, ago(10), 80, 8),
        (9, ago(2), 60, 6),
        (3, ago(100), 90, None),
    ]
    whole = make_input(clients=[1, 2, 3], orders=[row for row in rows for _ in range(1000)])
    each = np.arange(7000) // 1000
    orders = whole.orders.with_columns(
        pl.Series("client_id", [1, 2, 1, 3, None, 9, 3]).gather(each),
        pl.Series("amount_cents", [100, 50, -20, 70, 80, 60, None]).gather(each),
    )
    return dataclasses.replace(whole, orders=orders)


def test_orders_in_several_chunks_read_as_one_table():
    # a reader hands the orders over in chunks: the blocks follow them, and nulls or
    # cancellations inside a chunk still leave their rows out
    one = _orders_with_gaps()
    parts = dataclasses.replace(
        one,
        orders=pl.concat(
            [one.orders.slice(0, 2500), one.orders.slice(2500, 1000), one.orders.slice(3500)],
            rechunk=False,
        ),
    )
    assert parts.orders["date"].chunk_lengths() == [2500, 1000, 3500]
    reading = read_portfolio(parts, T, PortfolioRules())
    assert reading.clients.equals(read_portfolio(one, T, PortfolioRules()).clients)
    assert reading.clients["revenue_in_abc_window_cents"].to_list() == [80_000, 0, 0]
    assert reading.clients["margin_in_abc_window_cents"].to_list() == [25_000, 0, 0]
    assert [len(block) for block in parts.cache["order_blocks"]] == [2500, 1000, 3500]


def test_order_blocks_never_straddle_a_chunk_of_any_column():
    orders = _orders_with_gaps().orders
    cuts = {
        "client_id": [2000, 5000],
        "date": [3000, 1000, 3000],
        "amount_cents": [1000, 1000, 1000, 4000],
        "margin_cents": [7000],
        "cancelled": [4000, 3000],
    }
    chunked = pl.DataFrame([_chunked(orders[name], sizes) for name, sizes in cuts.items()])
    assert chunked["date"].chunk_lengths() == [3000, 1000, 3000]
    cut = order_blocks(chunked, block_rows=2500)
    assert [len(block) for block in cut] == [1000, 1000, 1000, 1000, 2500, 500]
    assert np.concatenate([b.day for b in cut]).tolist() == orders["date"].to_physical().to_list()
    kept = np.concatenate([b.kept for b in cut if b.kept is not None])
    assert (kept == np.repeat([True, True, True, False, False, True, False], 1000)).all()
    # views of the frame's own buffers: two cuts of it share their memory (copies would
    # not), but for the client ids of the blocks with a null id (filled copies)
    again = order_blocks(chunked, block_rows=2500)
    assert all(np.shares_memory(a.day, b.day) for a, b in zip(cut, again, strict=True))
    assert all(np.shares_memory(a.amount, b.amount) for a, b in zip(cut[:4], again, strict=False))
    shared = [np.shares_memory(a.client_id, b.client_id) for a, b in zip(cut, again, strict=True)]
    assert shared == [True] * 4 + [False, True]
