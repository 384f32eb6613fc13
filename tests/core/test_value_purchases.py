"""The purchase definitions the models read, from the engine's input frames, and the
workspaces that are too thin to fit: a clear status, no crash, nothing fake."""

from __future__ import annotations

import numpy as np
import pytest

from carteira_core.value import purchase_history, value_clients
from tests.core.conftest import T, ago, make_input


def row(history, client_id):
    at = int(np.flatnonzero(history.client_id == client_id)[0])
    return {
        "bought": bool(history.bought[at]),
        "x": int(history.x[at]),
        "t_x": int(history.t_x[at]),
        "T": int(history.big_t[at]),
        "mean": float(history.mean_repeat_cents[at]),
    }


def test_orders_of_one_day_are_one_purchase_and_returns_net_against_them():
    data = make_input(
        clients=[1],
        orders=[
            (1, ago(100), 5_000),
            (1, ago(40), 3_000),
            (1, ago(40), 2_000),  # same day: one purchase worth 5,000
            (1, ago(10), 4_000),
            (1, ago(10), -1_000),  # a return the same day: worth 3,000
        ],
    )
    assert row(purchase_history(data, T), 1) == {
        "bought": True,
        "x": 2,
        "t_x": 90,
        "T": 100,
        "mean": 4_000.0,
    }


def test_a_day_that_a_return_cancels_out_and_cancelled_orders_are_no_purchase():
    data = make_input(
        clients=[1],
        orders=[
            (1, ago(100), 5_000),
            (1, ago(50), 2_000),
            (1, ago(50), -2_000),  # nets to zero
            (1, ago(20), 9_000, None, True),  # cancelled
            (1, ago(5), -700),  # a lone return
        ],
    )
    assert row(purchase_history(data, T), 1)["x"] == 0
    assert row(purchase_history(data, T), 1)["T"] == 100


def test_orders_after_the_date_are_not_seen_and_age_runs_to_the_date():
    data = make_input(
        clients=[1, 2], orders=[(1, ago(30), 100), (1, ago(-5), 100), (2, ago(-1), 1)]
    )
    history = purchase_history(data, T)
    assert row(history, 1) == {
        "bought": True,
        "x": 0,
        "t_x": 0,
        "T": 30,
        "mean": pytest.approx(np.nan, nan_ok=True),
    }
    assert row(history, 2)["bought"] is False


def test_a_workspace_with_no_orders_says_there_is_no_history():
    values = value_clients(purchase_history(make_input(clients=[1, 2]), T))
    assert (values.purchase_fit.status, values.purchase_fit.reason) == (
        "insufficient_data",
        "no_history",
    )
    assert (values.spend_fit.status, values.spend_fit.reason) == (
        "insufficient_data",
        "no_history",
    )
    assert values.portfolio_value_cents is None
    assert np.isnan(values.p_alive).all()


def test_one_purchase_per_client_is_too_few_repeat_buyers():
    data = make_input(clients=range(1, 51), orders=[(c, ago(c), 1_000) for c in range(1, 51)])
    values = value_clients(purchase_history(data, T))
    assert values.purchase_fit.reason == "few_repeat_buyers"
    assert values.spend_fit.reason == "few_repeat_buyers"
    assert np.isnan(values.clv_cents).all()


@pytest.mark.parametrize("day", [T, ago(200)])
def test_everybody_buying_on_one_day_gives_no_prediction_and_says_so(day):
    data = make_input(clients=range(1, 41), orders=[(c, day, 1_000) for c in range(1, 41)])
    values = value_clients(purchase_history(data, T))
    assert (values.purchase_fit.status, values.purchase_fit.reason) == (
        "insufficient_data",
        "no_spread",
    )
    assert values.portfolio_value_cents is None


def simulated(clients: int = 400, seed: int = 3):
    """Clients buying at Gamma-distributed Poisson rates over up to two years, dying at
    Gamma-distributed rates, each with its own mean spend (the models' own story)."""
    rng = np.random.default_rng(seed)
    orders = []
    for client in range(1, clients + 1):
        rate = rng.gamma(0.8, 1 / 20)  # purchases a day
        life = rng.exponential(1 / rng.gamma(1.0, 1 / 400))
        mean_spend = rng.gamma(3, 2_000)
        start = int(rng.integers(200, 730))
        day = 0.0
        while True:
            day += rng.exponential(1 / rate)
            if day > min(life, start):
                break
            orders.append((client, ago(start - int(day)), int(rng.gamma(5, mean_spend / 5))))
        orders.append((client, ago(start), int(rng.gamma(5, mean_spend / 5)) + 1))
    return make_input(clients=range(1, clients + 1), orders=orders)


def test_a_simulated_portfolio_is_fitted_and_every_buyer_gets_a_value():
    values = value_clients(purchase_history(simulated(), T))
    assert values.purchase_fit.status == "ok"
    assert values.spend_fit.status == "ok"
    assert values.scored.all()
    assert ((values.p_alive >= 0) & (values.p_alive <= 1)).all()
    assert (values.clv_cents >= 0).all()
    assert values.portfolio_value_cents == int(np.rint(values.clv_cents).sum())
    assert values.next_purchase_date(0) > T


def test_a_longer_horizon_is_worth_more_and_a_higher_rate_less():
    history = purchase_history(simulated(), T)
    base = value_clients(history).portfolio_value_cents
    assert value_clients(history, horizon_months=24).portfolio_value_cents > base
    assert value_clients(history, monthly_rate=0.05).portfolio_value_cents < base


def test_pareto_is_a_choice_and_scores_the_same_clients():
    values = value_clients(purchase_history(simulated(), T), model="pareto")
    assert values.purchase_fit.model == "pareto"
    assert values.purchase_fit.status == "ok"
    assert values.scored.all()


def test_an_unknown_model_or_a_negative_rate_is_refused():
    history = purchase_history(simulated(50), T)
    with pytest.raises(ValueError, match="unknown model"):
        value_clients(history, model="nbd")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="rate"):
        value_clients(history, monthly_rate=-0.1)


def _sorted_history(as_of, client_id, pos, day, amount, positive_only):
    """The history by ``np.unique`` of every (client, day) key and a scatter of the amounts
    (the implementation before the packed sort), as the reference."""
    from carteira_core.engine.inputs import day_number

    n = len(client_id)
    today = day_number(as_of)
    keep = (pos < n) & (day <= today)
    pos, day, amount = pos[keep].astype(np.int64), day[keep].astype(np.int64), amount[keep]
    base = int(day.min()) if len(day) else 0
    key = pos * (today - base + 1) + (day - base)
    keys, inverse = np.unique(key, return_inverse=True)
    net = np.zeros(len(keys), dtype=np.int64)
    np.add.at(net, inverse, amount.astype(np.int64))
    purchase = net > 0 if positive_only else np.ones(len(net), dtype=bool)
    keys, net = keys[purchase], net[purchase]
    who = keys // (today - base + 1)
    when = keys % (today - base + 1) + base
    count = np.bincount(who, minlength=n)
    bought = count > 0
    ends = np.cumsum(count)
    starts = ends - count
    first = np.zeros(n, dtype=np.int64)
    last = np.zeros(n, dtype=np.int64)
    first[bought] = when[starts[bought]]
    last[bought] = when[ends[bought] - 1]
    total = np.bincount(who, weights=net, minlength=n)
    first_spend = np.zeros(n)
    first_spend[bought] = net[starts[bought]]
    x = np.where(bought, count - 1, 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean_repeat = np.where(x > 0, (total - first_spend) / x, np.nan)
    return {
        "bought": bought,
        "first_day": first.astype(np.int32),
        "x": x,
        "t_x": np.where(bought, last - first, 0),
        "big_t": np.where(bought, today - first, 0),
        "mean_repeat_cents": mean_repeat,
        "total_cents": total.astype(np.int64),
    }


@pytest.mark.parametrize("positive_only", [True, False])
@pytest.mark.parametrize("scale", [1, 2**36])  # amounts packed beside the key, or too wide
def test_the_history_by_one_sort_is_np_uniques_bit_for_bit(positive_only, scale):
    """3,000 clients, 60,000 order rows in no order: several orders a day, returns that
    cancel a day out or leave it negative, rows after the date and of no client."""
    from carteira_core.engine.inputs import day_number
    from carteira_core.value import purchase_history_from_days

    rng = np.random.default_rng(7)
    n, rows = 3_000, 60_000
    client_id = np.arange(10, 10 + n, dtype=np.int64)
    pos = rng.integers(0, n + 1, rows).astype(np.int32)  # n: the overflow slot
    today = day_number(T)
    day = (today - rng.integers(-30, 900, rows)).astype(np.int32)
    amount = rng.integers(-5_000, 90_000, rows) * scale
    amount[::17] = -amount[1::17][: len(amount[::17])]
    found = purchase_history_from_days(T, client_id, pos, day, amount, positive_only=positive_only)
    expected = _sorted_history(T, client_id, pos, day, amount, positive_only)
    assert found.repeat_buyers > 1_000
    for name, column in expected.items():
        np.testing.assert_array_equal(getattr(found, name), column, err_msg=name)
        assert getattr(found, name).dtype == column.dtype, name
