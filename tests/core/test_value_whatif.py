"""The what-if levers are exact changes of the BG/NBD process."""

import numpy as np
import pytest

from carteira_core.value import bgnbd, discounted_value
from carteira_core.value.whatif import lower_churn, recovery_value, scaled_value

PARAMS = {"r": 0.243, "alpha": 4.414 * 7, "a": 0.793, "b": 2.426}  # CDNOW, in days
X = np.array([0.0, 1.0, 4.0, 10.0])
TX = np.array([0.0, 30.0, 200.0, 250.0])
BIG_T = np.array([100.0, 300.0, 300.0, 260.0])
SPEND = np.array([5_000.0, 8_000.0, 12_000.0, 3_000.0])


def test_a_factor_of_one_is_the_portfolios_value():
    plain = discounted_value("bgnbd", PARAMS, SPEND, X, TX, BIG_T, horizon_months=12,
                             monthly_rate=0.01)  # fmt: skip
    same = scaled_value(PARAMS, SPEND, X, TX, BIG_T, horizon_months=12, monthly_rate=0.01)
    assert same.tolist() == plain.tolist()


def test_buying_twice_as_often_without_discount_is_the_value_over_twice_the_horizon():
    # undiscounted, 6 months at double speed = the purchases of the first 12 months
    fast = scaled_value(PARAMS, SPEND, X, TX, BIG_T, horizon_months=6, monthly_rate=0.0,
                        frequency_factor=2.0)  # fmt: skip
    twelve = bgnbd.conditional_expected_purchases(PARAMS, 12 * 365.25 / 12, X, TX, BIG_T)
    assert fast == pytest.approx(twelve * SPEND, rel=1e-12)


def test_one_point_less_churn_lowers_the_mean_dropout_by_exactly_one_point():
    lower = lower_churn(PARAMS, 1.0)
    mean = PARAMS["a"] / (PARAMS["a"] + PARAMS["b"])
    assert lower["a"] / (lower["a"] + lower["b"]) == pytest.approx(mean - 0.01, abs=1e-15)
    assert lower["a"] + lower["b"] == pytest.approx(PARAMS["a"] + PARAMS["b"], abs=1e-12)
    assert (lower["r"], lower["alpha"]) == (PARAMS["r"], PARAMS["alpha"])
    # and every repeat buyer is more likely alive
    assert (bgnbd.p_alive(lower, X, TX, BIG_T)[1:] > bgnbd.p_alive(PARAMS, X, TX, BIG_T)[1:]).all()


def test_churn_cannot_go_below_zero():
    with pytest.raises(ValueError):
        lower_churn(PARAMS, 30.0)  # the mean is 24.6 %


def test_recovering_a_client_is_worth_its_value_if_alive_minus_its_value_now():
    assert recovery_value(np.array([100.0, 50.0, 10.0]), np.array([0.25, 1.0, 0.0])).tolist()[
        :2
    ] == [300.0, 0.0]
    assert np.isnan(recovery_value(np.array([10.0]), np.array([0.0]))[0])
