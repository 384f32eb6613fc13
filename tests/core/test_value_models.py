"""Model properties: P(alive) bounds and monotonicity, gradients, degenerate fits."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from carteira_core.value import bgnbd, gamma_gamma, pareto
from carteira_core.value.fitting import fit_log_parameters
from tests.core.value_cdnow import cdnow_history, weeks

BG = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
PARETO = {"r": 0.553, "alpha": 10.578, "s": 0.606, "beta": 11.669}

histories = st.tuples(
    st.integers(min_value=0, max_value=60),
    st.floats(min_value=0, max_value=1),
    st.floats(min_value=0.5, max_value=400),
)


@pytest.mark.parametrize(("module", "params"), [(bgnbd, BG), (pareto, PARETO)])
@given(history=histories)
def test_p_alive_is_a_probability(module, params, history):
    x, share, big_t = history
    t_x = 0.0 if x == 0 else share * big_t
    value = module.p_alive(params, np.array([x]), np.array([t_x]), np.array([big_t]))[0]
    assert 0.0 <= value <= 1.0


@pytest.mark.parametrize(("module", "params"), [(bgnbd, BG), (pareto, PARETO)])
@given(history=histories)
def test_p_alive_grows_with_recency(module, params, history):
    """The later the last purchase (same x and T), the likelier the client is alive."""
    x, share, big_t = history
    x = max(x, 1)
    earlier, later = share * big_t * 0.5, share * big_t
    values = module.p_alive(
        params, np.array([x, x]), np.array([earlier, later]), np.array([big_t, big_t])
    )
    assert values[0] <= values[1] + 1e-12


def test_a_quiet_frequent_buyer_is_less_likely_alive_than_a_recent_one():
    alive = bgnbd.p_alive(BG, np.array([10, 10]), np.array([10.0, 38.0]), np.array([39, 39.0]))
    assert alive[0] < 0.05 < 0.9 < alive[1]


def numerical_gradient(function, theta, step=1e-6):
    return np.array(
        [
            (function(theta + step * unit) - function(theta - step * unit)) / (2 * step)
            for unit in np.eye(len(theta))
        ]
    )


def test_the_bgnbd_gradient_is_the_derivative_of_the_log_likelihood():
    x, t_x, big_t = weeks(cdnow_history())
    theta = np.log([0.3, 5.0, 0.7, 2.0])
    _, gradient = bgnbd.log_likelihood(theta, x, t_x, big_t)
    expected = numerical_gradient(lambda t: bgnbd.log_likelihood(t, x, t_x, big_t)[0].sum(), theta)
    np.testing.assert_allclose(gradient.sum(axis=0), expected, rtol=1e-6)


@pytest.mark.parametrize(
    "params",
    [
        (0.553, 10.578, 0.606, 11.669),  # the CDNOW optimum: α and β close
        (0.3, 2.0, 2.0, 80.0),  # β ≫ α
        (2.0, 90.0, 0.1, 1.0),  # α ≫ β
    ],
)
def test_the_pareto_gradient_is_the_derivative_of_the_log_likelihood(params):
    """The analytic gradient (death-time moments by quadrature) against central differences
    of the closed-form likelihood, client by client."""
    x, t_x, big_t = weeks(cdnow_history())
    theta = np.log(params)
    _, gradient = pareto.log_likelihood(theta, x, t_x, big_t)
    for k, unit in enumerate(np.eye(4) * 1e-6):
        up = pareto.log_likelihood(theta + unit, x, t_x, big_t)[0]
        down = pareto.log_likelihood(theta - unit, x, t_x, big_t)[0]
        np.testing.assert_allclose(gradient[:, k], (up - down) / 2e-6, rtol=1e-6, atol=1e-7)


def test_the_pareto_gradient_holds_on_day_histories_with_many_purchases():
    rng = np.random.default_rng(3)
    x = rng.integers(0, 120, 400).astype(float)
    big_t = rng.uniform(30, 720, 400).round()
    t_x = np.where(x > 0, (big_t * rng.uniform(0, 1, 400)).round(), 0.0)
    theta = np.log([0.8, 40.0, 0.5, 300.0])
    _, gradient = pareto.log_likelihood(theta, x, t_x, big_t)
    expected = numerical_gradient(lambda t: pareto.log_likelihood(t, x, t_x, big_t)[0].sum(), theta)
    np.testing.assert_allclose(gradient.sum(axis=0), expected, rtol=1e-6)


def test_the_gamma_gamma_gradient_is_the_derivative_of_the_log_likelihood():
    history = cdnow_history()
    repeat = history.x > 0
    x, m = history.x[repeat].astype(float), history.mean_repeat_cents[repeat] / 100
    theta = np.log([5.0, 3.0, 12.0])
    _, gradient = gamma_gamma.log_likelihood(theta, x, m)
    expected = numerical_gradient(lambda t: gamma_gamma.log_likelihood(t, x, m)[0].sum(), theta)
    np.testing.assert_allclose(gradient.sum(axis=0), expected, rtol=1e-6)


def test_bgnbd_expected_purchases_grow_with_the_horizon_and_vanish_at_zero():
    one = np.array([3.0]), np.array([20.0]), np.array([30.0])
    values = [bgnbd.conditional_expected_purchases(BG, t, *one)[0] for t in (0, 10, 40, 200)]
    assert values[0] == 0.0
    assert values[1] < values[2] < values[3]


def test_too_few_repeat_buyers_is_insufficient_data_not_a_fit():
    fit = bgnbd.fit(
        np.array([0, 0, 1.0]), np.array([0, 0, 5.0]), np.array([9, 9, 9.0]), min_repeat=20
    )
    assert (fit.status, fit.reason, fit.params) == ("insufficient_data", "few_repeat_buyers", {})


def test_a_likelihood_that_never_stops_improving_is_reported_as_a_parameter_at_its_limit():
    # every client buys at the same steady rate and none drops out: r and α run to infinity
    x = np.full(200, 10.0)
    fit = bgnbd.fit(x, np.full(200, 100.0), np.full(200, 100.0))
    assert fit.status == "degenerate"
    assert fit.reason in {"parameter_at_limit", "flat_ridge", "dropout_vanishes"}


def test_a_flat_direction_is_reported_as_a_flat_ridge():
    def objective(theta):
        # depends on theta[0] only: theta[1] is not identified
        return float((theta[0] - 1) ** 2), np.array([2 * (theta[0] - 1), 0.0])

    fit = fit_log_parameters("test", ("u", "w"), objective, 1)
    assert (fit.status, fit.reason) == ("degenerate", "flat_ridge")


def test_spend_that_rises_with_frequency_fails_the_gamma_gamma_independence_check():
    rng = np.random.default_rng(7)
    x = rng.integers(1, 30, size=500).astype(float)
    m = 10.0 * x * rng.gamma(20, 1 / 20, size=500)
    fit = gamma_gamma.fit(x, m)
    assert (fit.status, fit.reason) == ("degenerate", "spend_depends_on_frequency")
    assert fit.extra["correlation"] > 0.3


def test_expected_spend_shrinks_a_clients_mean_towards_the_population_mean():
    params = {"p": 6.25, "q": 3.74, "v": 15.44}
    population = 6.25 * 15.44 / (3.74 - 1)
    spend = gamma_gamma.expected_spend(
        params, np.array([0.0, 1.0, 50.0]), np.array([0, 100, 100.0])
    )
    assert spend[0] == pytest.approx(population)
    assert population < spend[1] < spend[2] < 100


def test_the_summed_bgnbd_objective_is_the_mean_of_the_per_client_log_likelihood():
    x, t_x, big_t = weeks(cdnow_history())
    theta = np.log([0.3, 5.0, 0.7, 2.0])
    value, gradient = bgnbd.log_likelihood(theta, x, t_x, big_t)
    summed, summed_gradient = bgnbd.summed_objective(x, t_x, big_t)(theta)
    assert summed == pytest.approx(-value.mean(), rel=1e-12)
    np.testing.assert_allclose(summed_gradient, -gradient.mean(axis=0), rtol=1e-10)


@pytest.mark.parametrize("theta", [np.log([5.0, 3.0, 12.0]), np.log([6.25, 3.74, 15.44])])
def test_the_summed_gamma_gamma_objective_is_the_mean_of_the_per_client_log_likelihood(theta):
    history = cdnow_history()
    repeat = history.x > 0
    x, m = history.x[repeat].astype(float), history.mean_repeat_cents[repeat] / 100
    value, gradient = gamma_gamma.log_likelihood(theta, x, m)
    summed, summed_gradient = gamma_gamma.summed_objective(x, m)(theta)
    assert summed == pytest.approx(-value.mean(), rel=1e-12)
    np.testing.assert_allclose(summed_gradient, -gradient.mean(axis=0), rtol=1e-10)


def test_distinct_histories_of_whole_days_are_the_same_as_by_a_lexsort():
    from carteira_core.value.fitting import codes, distinct_rows

    rng = np.random.default_rng(5)
    x = rng.integers(0, 30, 5_000).astype(float)
    t_x = rng.integers(0, 400, 5_000).astype(float)
    big_t = rng.integers(0, 400, 5_000).astype(float)
    (dx, dtx, dbt), weight = distinct_rows(x, t_x, big_t)  # packed into one int64
    (lx, ltx, lbt), lweight = distinct_rows(x + 0.5, t_x, big_t)  # not whole: lexsort
    assert (dx + 0.5).tolist() == lx.tolist()
    assert (dtx.tolist(), dbt.tolist(), weight.tolist()) == (ltx.tolist(), lbt.tolist(),
                                                             lweight.tolist())  # fmt: skip
    assert weight.sum() == 5_000
    values, at = codes(t_x)
    expected_values, expected_at = np.unique(t_x, return_inverse=True)
    assert (values.tolist(), at.tolist()) == (expected_values.tolist(), expected_at.tolist())


def test_a_large_fit_started_from_a_sample_ends_at_the_same_maximum():
    rng = np.random.default_rng(3)
    n = 240_000  # above 4 x WARM_CLIENTS: the sample's start is used
    # BG/NBD histories in whole days (CDNOW's parameters, α in days)
    big_t = rng.uniform(30, 720, n)
    rate = rng.gamma(0.243, 1 / 30.9, n)
    drop = rng.beta(0.793, 2.426, n)
    x, t_x, now = np.zeros(n), np.zeros(n), np.zeros(n)
    alive = np.ones(n, dtype=bool)
    while alive.any():
        now = now + rng.exponential(1 / np.maximum(rate, 1e-9))
        buys = alive & (now <= big_t)
        x[buys] += 1
        t_x[buys] = now[buys]
        alive &= buys & (rng.random(n) >= drop)
    t_x, big_t = np.floor(t_x), np.floor(big_t)
    warm = bgnbd.fit(x, t_x, big_t)
    objective = bgnbd.summed_objective(x, t_x, big_t)
    from carteira_core.value.fitting import fit_log_parameters

    cold = fit_log_parameters("bgnbd", bgnbd.NAMES, objective, n, np.zeros(4))
    assert warm.status == cold.status == "ok"
    for name in bgnbd.NAMES:
        assert warm.params[name] == pytest.approx(cold.params[name], rel=1e-4)
    assert warm.log_likelihood == pytest.approx(cold.log_likelihood, abs=1e-3)


@pytest.mark.parametrize(("model", "params"), [("bgnbd", BG), ("pareto", PARETO)])
@pytest.mark.parametrize("unit", ["days", "weeks"])
def test_the_one_pass_clv_is_the_sum_of_each_months_discounted_expected_purchases(
    model, params, unit
):
    """The vectorised CLV (per distinct x, T pair; whole days by a packed key, weeks by
    np.unique) equals month by month: E[purchases by month m] − E[by month m − 1],
    discounted, times the spend."""
    from carteira_core.value import discounted_value
    from carteira_core.value.valuation import DAYS_PER_MONTH

    module = {"bgnbd": bgnbd, "pareto": pareto}[model]
    rng = np.random.default_rng(11)
    x = rng.integers(0, 8, 3000).astype(float)
    big_t = rng.integers(20, 90, 3000).astype(float)
    t_x = np.where(x > 0, rng.integers(0, 90, 3000) % big_t, 0.0)
    if unit == "weeks":
        t_x, big_t = t_x / 7, big_t / 7
    spend = rng.uniform(1_000, 9_000, 3000)
    value = discounted_value(
        model, params, spend, x, t_x, big_t, horizon_months=12, monthly_rate=0.02
    )
    expected = np.zeros(3000)
    before = np.zeros(3000)
    for month in range(1, 13):
        upto = module.conditional_expected_purchases(params, month * DAYS_PER_MONTH, x, t_x, big_t)
        expected += (upto - before) / 1.02**month
        before = upto
    assert len({(a, b) for a, b in zip(x, big_t, strict=True)}) < 700  # pairs repeat
    np.testing.assert_allclose(value, expected * spend, rtol=1e-12)
    assert value.min() > 0
