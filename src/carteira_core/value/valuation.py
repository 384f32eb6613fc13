"""Per-client predictions and the portfolio's value from a purchase history.

``value_clients`` fits the purchase model (BG/NBD or Pareto/NBD) and the spend model
(Gamma-Gamma) on a ``PurchaseHistory`` and scores every client that has bought:

- ``p_alive``: the probability that the client is still a client at the as-of date;
- ``expected_purchases``: expected purchase days in the next ``expectation_days`` days;
- ``next_purchase_days``: if still a client, days from the as-of date to its next purchase
  at its estimated rate ((α + T) / (r + x)), rounded up;
- ``expected_spend_cents``: expected net value of one purchase (Gamma-Gamma);
- ``clv_cents``: expected net value bought over the next ``horizon_months`` months, each
  month's expected purchases × expected spend discounted at ``monthly_rate`` (month m
  divided by (1 + rate)^m; a month is 365.25 / 12 days).

A purchase fit that is not ``ok`` gives no prediction at all; a spend fit that is not ``ok``
gives P(alive) and expected purchases but no spend and no CLV. Nothing fake is returned.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

import numpy as np

from carteira_core.value import bgnbd, gamma_gamma, pareto
from carteira_core.value.fitting import Fit, on_distinct_pairs
from carteira_core.value.purchases import PurchaseHistory

__all__ = [
    "DAYS_PER_MONTH",
    "DEFAULT_EXPECTATION_DAYS",
    "DEFAULT_HORIZON_MONTHS",
    "DEFAULT_MONTHLY_RATE",
    "MIN_REPEAT_BUYERS",
    "ClientValues",
    "Model",
    "discounted_value",
    "value_clients",
]

Model = Literal["bgnbd", "pareto"]

DEFAULT_HORIZON_MONTHS = 12
DEFAULT_MONTHLY_RATE = 0.01  # about 12.7 % a year
DEFAULT_EXPECTATION_DAYS = 90
# Below this many clients with a repeat purchase the models are not fitted.
MIN_REPEAT_BUYERS = 20
DAYS_PER_MONTH = 365.25 / 12

_MODELS = {"bgnbd": bgnbd, "pareto": pareto}


@dataclass(frozen=True, slots=True)
class ClientValues:
    """The fits and one row per client of the history (nan where there is no prediction)."""

    history: PurchaseHistory
    purchase_fit: Fit
    spend_fit: Fit
    horizon_months: int
    monthly_rate: float
    expectation_days: int
    p_alive: np.ndarray
    expected_purchases: np.ndarray
    next_purchase_days: np.ndarray
    expected_spend_cents: np.ndarray
    clv_cents: np.ndarray

    @property
    def scored(self) -> np.ndarray:
        """Clients with a P(alive) (bought, and the purchase fit is ok)."""
        return ~np.isnan(self.p_alive)

    @property
    def portfolio_value_cents(self) -> int | None:
        """Sum of the clients' discounted CLV, each rounded to the cent first (so the total
        is the sum of the values shown); None when there is no CLV to add."""
        if not (self.purchase_fit.ok and self.spend_fit.ok):
            return None
        return int(np.rint(self.clv_cents[~np.isnan(self.clv_cents)]).sum())

    def next_purchase_date(self, row: int) -> date | None:
        days = self.next_purchase_days[row]
        if np.isnan(days):
            return None
        return self.history.as_of + timedelta(days=int(days))


def discounted_value(
    model: Model,
    params: dict[str, float],
    spend: np.ndarray,
    x: np.ndarray,
    t_x: np.ndarray,
    big_t: np.ndarray,
    *,
    horizon_months: int,
    monthly_rate: float,
    frequency_factor: float = 1.0,
) -> np.ndarray:
    """Σ over months m = 1..H of E[purchases in month m] × spend / (1 + rate)^m.

    One pass: the expected purchases while alive by the end of each month, their monthly
    increments and the discounted sum are taken once per distinct (x, T) pair, then
    multiplied by each client's P(alive) and spend. ``frequency_factor`` (the what-if):
    month m's purchases are those the model expects by ``factor`` × m months."""
    module = _MODELS[model]
    months = np.arange(1, horizon_months + 1)
    days = months * DAYS_PER_MONTH * frequency_factor
    discount = (1 + monthly_rate) ** -months.astype(float)

    def per_pair(pair_x: np.ndarray, pair_t: np.ndarray) -> np.ndarray:
        upto = module.purchases_if_alive(params, days, pair_x, pair_t)
        return np.maximum(np.diff(upto, axis=1, prepend=0.0), 0.0) @ discount

    alive = module.p_alive(params, x, t_x, big_t)
    return on_distinct_pairs(per_pair, x, big_t) * alive * spend


def value_clients(
    history: PurchaseHistory,
    *,
    model: Model = "bgnbd",
    horizon_months: int = DEFAULT_HORIZON_MONTHS,
    monthly_rate: float = DEFAULT_MONTHLY_RATE,
    expectation_days: int = DEFAULT_EXPECTATION_DAYS,
    min_repeat_buyers: int = MIN_REPEAT_BUYERS,
) -> ClientValues:
    if model not in _MODELS:
        raise ValueError(f"unknown model {model!r}: bgnbd or pareto")
    if horizon_months < 1 or not math.isfinite(monthly_rate) or monthly_rate < 0:
        raise ValueError("the horizon must be at least one month and the rate not negative")
    module = _MODELS[model]
    rows = history.bought
    x = history.x[rows].astype(float)
    t_x = history.t_x[rows].astype(float)
    big_t = history.big_t[rows].astype(float)
    mean = history.mean_repeat_cents[rows]
    if not rows.any():
        purchase_fit = Fit(model, {}, 0.0, "insufficient_data", "no_history")
    else:
        purchase_fit = module.fit(x, t_x, big_t, min_repeat=min_repeat_buyers)
    spend_fit = gamma_gamma.fit(x, mean, min_repeat=min_repeat_buyers)
    n = len(history.client_id)
    nan = np.full(n, np.nan)
    p_alive, expected, next_days, spend, clv = (nan.copy() for _ in range(5))
    if purchase_fit.ok:
        params = purchase_fit.params
        p_alive[rows] = module.p_alive(params, x, t_x, big_t)
        expected[rows] = module.conditional_expected_purchases(
            params, float(expectation_days), x, t_x, big_t
        )
        next_days[rows] = np.ceil(1 / module.expected_rate_if_alive(params, x, big_t))
        if spend_fit.ok:
            spend[rows] = gamma_gamma.expected_spend(spend_fit.params, x, mean)
            clv[rows] = discounted_value(
                model,
                params,
                spend[rows],
                x,
                t_x,
                big_t,
                horizon_months=horizon_months,
                monthly_rate=monthly_rate,
            )
    return ClientValues(
        history=history,
        purchase_fit=purchase_fit,
        spend_fit=spend_fit,
        horizon_months=horizon_months,
        monthly_rate=monthly_rate,
        expectation_days=expectation_days,
        p_alive=p_alive,
        expected_purchases=expected,
        next_purchase_days=next_days,
        expected_spend_cents=spend,
        clv_cents=clv,
    )
