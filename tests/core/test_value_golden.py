"""The published CDNOW figures (Fader, Hardie & Lee 2005; Fader & Hardie's Pareto/NBD and
Gamma-Gamma notes), reproduced from the raw sample with our own purchase definitions."""

from __future__ import annotations

import numpy as np
import pytest

from carteira_core.value import bgnbd, gamma_gamma, pareto
from tests.core.value_cdnow import cdnow_history, weeks


def rounded(params: dict[str, float], places: int = 3) -> dict[str, float]:
    """At the published rounding."""
    return {name: round(value, places) for name, value in params.items()}


def test_the_cdnow_sample_has_2357_customers_and_946_repeat_buyers_at_the_calibration_end():
    history = cdnow_history()
    assert len(history.client_id) == 2357
    assert int(history.bought.sum()) == 2357
    assert history.repeat_buyers == 946


def test_the_first_customer_summary_matches_the_published_one():
    x, t_x, big_t = weeks(cdnow_history())
    assert (x[0], round(t_x[0], 2), round(big_t[0], 2)) == (2, 30.43, 38.86)
    assert cdnow_history().mean_repeat_cents[0] == 2234.5  # (29.73 + 14.96) / 2, "22.35"


def test_bgnbd_on_cdnow_gives_the_published_parameters_and_log_likelihood():
    fit = bgnbd.fit(*weeks(cdnow_history()))
    assert fit.status == "ok"
    assert rounded(fit.params) == {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    for name, published in {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}.items():
        assert fit.params[name] == pytest.approx(published, abs=0.0005)
    assert fit.log_likelihood == pytest.approx(-9582.4, abs=0.1)


def test_pareto_nbd_on_cdnow_gives_the_published_parameters_and_log_likelihood():
    fit = pareto.fit(*weeks(cdnow_history()))
    assert fit.status == "ok"
    published = {"r": 0.553, "alpha": 10.578, "s": 0.606, "beta": 11.669}
    assert rounded(fit.params) == published
    for name, value in published.items():
        assert fit.params[name] == pytest.approx(value, rel=1e-3)
    assert fit.log_likelihood == pytest.approx(-9595.0, abs=0.1)


def test_gamma_gamma_on_cdnow_repeat_buyers_gives_the_published_parameters():
    history = cdnow_history()
    fit = gamma_gamma.fit(history.x, history.mean_repeat_cents / 100)
    assert fit.status == "ok"
    assert fit.n == 946
    assert rounded(fit.params, 2) == {"p": 6.25, "q": 3.74, "v": 15.44}
    assert fit.extra["correlation"] == pytest.approx(0.114, abs=0.001)


def test_bgnbd_conditional_expectation_matches_hardies_spreadsheet():
    params = {"r": 0.2426, "alpha": 4.4136, "a": 0.7930, "b": 2.4259}
    one = np.array([2.0]), np.array([30.43]), np.array([38.86])
    expected = bgnbd.conditional_expected_purchases(params, 39, *one)
    assert round(float(expected[0]), 3) == 1.226


def test_pareto_conditional_expectation_matches_hardies_spreadsheet():
    params = pareto.fit(*weeks(cdnow_history())).params
    one = np.array([26.0]), np.array([30.86]), np.array([31.0])
    expected = pareto.conditional_expected_purchases(params, 52, *one)
    assert float(expected[0]) == pytest.approx(25.46, abs=0.01)


def test_the_cdnow_holdout_predicts_the_next_39_weeks_repeat_purchase_days():
    """Calibration to 1997-09-30, holdout to 1998-06-30 (273 days): the clients who had
    bought by the calibration end buy 1,882 purchase days; BG/NBD's conditional
    expectations add up to 1,653 (-12 %)."""
    import datetime as dt

    from carteira_core.value.holdout import holdout_check
    from tests.core.value_cdnow import history_at

    check = holdout_check(history_at(dt.date(1997, 9, 30)), history_at(dt.date(1998, 6, 30)))
    assert check.fit.status == "ok"
    assert check.holdout_days == 273
    assert [row.repeat_purchases for row in check.rows] == [str(n) for n in range(7)] + ["7+"]
    assert check.rows[0].clients == 1411
    assert check.actual_total == 1882
    assert check.predicted_total == pytest.approx(1653.4, abs=0.1)
