"""BG/NBD (Fader, Hardie & Lee 2005): buy at a Poisson rate, drop out after any purchase.

While alive a client buys at rate λ ~ Gamma(r, α); after each purchase it drops out with
probability p ~ Beta(a, b). A client is summarised by its repeat purchases ``x``, the time
of its last purchase ``t_x`` and its age ``T`` (both from its first purchase, in any one
time unit: days in the product, weeks in the CDNOW tests).
"""

from __future__ import annotations

import numpy as np
from scipy.special import betaln, digamma, expit, gammaln, hyp2f1

from carteira_core.value.fitting import INSUFFICIENT, Fit, distinct_rows, fit_log_parameters

__all__ = [
    "NAMES",
    "conditional_expected_purchases",
    "expected_rate_if_alive",
    "fit",
    "log_likelihood",
    "p_alive",
]

NAMES = ("r", "alpha", "a", "b")


def _terms(
    theta: np.ndarray, x: np.ndarray, t_x: np.ndarray, big_t: np.ndarray
) -> tuple[np.ndarray, np.ndarray, tuple[float, ...]]:
    r, alpha, a, b = np.exp(theta)
    log_a3 = -(r + x) * np.log(alpha + big_t)
    repeat = x > 0
    log_a4 = np.full(len(x), -np.inf)
    log_a4[repeat] = (
        np.log(a) - np.log(b + x[repeat] - 1) - (r + x[repeat]) * np.log(alpha + t_x[repeat])
    )
    return log_a3, log_a4, (r, alpha, a, b)


def log_likelihood(
    theta: np.ndarray, x: np.ndarray, t_x: np.ndarray, big_t: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per-client log-likelihood and its gradient (rows: clients, columns: log r, log α,
    log a, log b)."""
    log_a3, log_a4, (r, alpha, a, b) = _terms(theta, x, t_x, big_t)
    value = (
        gammaln(r + x)
        - gammaln(r)
        + r * np.log(alpha)
        + betaln(a, b + x)
        - betaln(a, b)
        + np.logaddexp(log_a3, log_a4)
    )
    w = expit(log_a4 - log_a3)  # the weight of the "dropped out after t_x" branch
    log_alpha_t = np.log(alpha + big_t)
    log_alpha_tx = np.log(alpha + t_x)
    d_r = digamma(r + x) - digamma(r) + np.log(alpha) - (1 - w) * log_alpha_t - w * log_alpha_tx
    d_alpha = r / alpha - (r + x) * ((1 - w) / (alpha + big_t) + w / (alpha + t_x))
    d_a = digamma(a + b) - digamma(a + b + x) + w / a
    with np.errstate(divide="ignore", invalid="ignore"):
        tail = np.where(x > 0, w / (b + x - 1), 0.0)
    d_b = digamma(a + b) + digamma(b + x) - digamma(b) - digamma(a + b + x) - tail
    gradient = np.stack([d_r * r, d_alpha * alpha, d_a * a, d_b * b], axis=1)
    return value, gradient


def fit(x: np.ndarray, t_x: np.ndarray, big_t: np.ndarray, *, min_repeat: int = 1) -> Fit:
    """Maximum likelihood. ``min_repeat``: fewer clients with a repeat purchase is
    ``insufficient_data`` (the dropout process cannot be seen)."""
    x = np.asarray(x, dtype=float)
    t_x = np.asarray(t_x, dtype=float)
    big_t = np.asarray(big_t, dtype=float)
    n = len(x)
    if n == 0:
        return Fit("bgnbd", {}, 0.0, INSUFFICIENT, "no_history")
    if int((x > 0).sum()) < max(min_repeat, 1):
        return Fit("bgnbd", {}, 0.0, INSUFFICIENT, "few_repeat_buyers", n=n)
    if float(big_t.max()) <= 0:
        return Fit("bgnbd", {}, 0.0, INSUFFICIENT, "no_spread", n=n)

    (x, t_x, big_t), weight = distinct_rows(x, t_x, big_t)

    def objective(theta: np.ndarray) -> tuple[float, np.ndarray]:
        value, gradient = log_likelihood(theta, x, t_x, big_t)
        return -float(weight @ value) / n, -(weight @ gradient) / n

    result = fit_log_parameters("bgnbd", NAMES, objective, n)
    if result.ok and result.params["a"] < 1e-4:
        return result.with_status("degenerate", "dropout_vanishes")
    return result


def _odds_dropped(params: dict[str, float], x: np.ndarray, t_x: np.ndarray, big_t: np.ndarray):
    r, alpha, a, b = (params[name] for name in NAMES)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        log_odds = (
            np.log(a) - np.log(b + x - 1) + (r + x) * (np.log(alpha + big_t) - np.log(alpha + t_x))
        )
    return np.where(x > 0, log_odds, -np.inf)


def p_alive(
    params: dict[str, float], x: np.ndarray, t_x: np.ndarray, big_t: np.ndarray
) -> np.ndarray:
    """P(still a client at T | x, t_x, T); 1 for a client with no repeat purchase (in
    BG/NBD a client can only drop out right after a purchase)."""
    return expit(-_odds_dropped(params, x, t_x, big_t))


def conditional_expected_purchases(
    params: dict[str, float], t: float, x: np.ndarray, t_x: np.ndarray, big_t: np.ndarray
) -> np.ndarray:
    """E[purchases in (T, T + t] | x, t_x, T] (equation 10 of the paper)."""
    r, alpha, a, b = (params[name] for name in NAMES)
    if t <= 0:
        return np.zeros(len(x))
    z = t / (alpha + big_t + t)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        head = (a + b + x - 1) / (a - 1)
        hyper = hyp2f1(r + x, b + x, a + b + x - 1, z)
        body = 1 - np.exp((r + x) * np.log((alpha + big_t) / (alpha + big_t + t))) * hyper
        value = head * body * p_alive(params, x, t_x, big_t)
    return np.clip(np.nan_to_num(value, nan=0.0, posinf=0.0), 0.0, None)


def expected_rate_if_alive(
    params: dict[str, float], x: np.ndarray, big_t: np.ndarray
) -> np.ndarray:
    """Posterior mean purchase rate of a client that is still alive: (r + x) / (α + T)."""
    return (params["r"] + x) / (params["alpha"] + big_t)
