"""BG/NBD (Fader, Hardie & Lee 2005): buy at a Poisson rate, drop out after any purchase.

While alive a client buys at rate λ ~ Gamma(r, α); after each purchase it drops out with
probability p ~ Beta(a, b). A client is summarised by its repeat purchases ``x``, the time
of its last purchase ``t_x`` and its age ``T`` (both from its first purchase, in any one
time unit: days in the product, weeks in the CDNOW tests).
"""

from __future__ import annotations

import numpy as np

from carteira_core.value import special as sp
from carteira_core.value.fitting import (
    Fit,
    codes,
    distinct_rows,
    fit_log_parameters,
    on_distinct_pairs,
    purchase_inputs,
    warm_start,
)

__all__ = [
    "NAMES",
    "conditional_expected_purchases",
    "expected_rate_if_alive",
    "fit",
    "log_likelihood",
    "p_alive",
    "purchases_if_alive",
]

NAMES = ("r", "alpha", "a", "b")
# above 4x this many clients the fit starts where it ends on a sample of this many
WARM_CLIENTS = 50_000


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
        sp.gammaln(r + x)
        - sp.gammaln(r)
        + r * np.log(alpha)
        + sp.betaln(a, b + x)
        - sp.betaln(a, b)
        + np.logaddexp(log_a3, log_a4)
    )
    w = sp.expit(log_a4 - log_a3)  # the weight of the "dropped out after t_x" branch
    log_alpha_t = np.log(alpha + big_t)
    log_alpha_tx = np.log(alpha + t_x)
    d_r = (
        sp.digamma(r + x) - sp.digamma(r) + np.log(alpha) - (1 - w) * log_alpha_t - w * log_alpha_tx
    )
    d_alpha = r / alpha - (r + x) * ((1 - w) / (alpha + big_t) + w / (alpha + t_x))
    d_a = sp.digamma(a + b) - sp.digamma(a + b + x) + w / a
    with np.errstate(divide="ignore", invalid="ignore"):
        tail = np.where(x > 0, w / (b + x - 1), 0.0)
    d_b = sp.digamma(a + b) + sp.digamma(b + x) - sp.digamma(b) - sp.digamma(a + b + x) - tail
    gradient = np.stack([d_r * r, d_alpha * alpha, d_a * a, d_b * b], axis=1)
    return value, gradient


def summed_objective(x: np.ndarray, t_x: np.ndarray, big_t: np.ndarray):
    """The mean negative log-likelihood and its gradient as one function of the log
    parameters: ``log_likelihood`` summed, with equal histories evaluated once, every
    special function and logarithm evaluated once per distinct x, t_x or T (hundreds, not
    millions), and the clients without a repeat purchase — whose likelihood depends on T
    alone — added up per distinct T."""
    (x, t_x, big_t), weight = distinct_rows(x, t_x, big_t)
    n = float(weight.sum())
    distinct_x, at = codes(x)
    x_weight = np.bincount(at, weights=weight)
    # x = 0: -r log(α + T) per client, by distinct T
    once = x == 0
    t_once, at_t_once = codes(big_t[once])
    w_once = np.bincount(at_t_once, weights=weight[once])
    # x > 0: by distinct T, t_x and x - 1 (b + x - 1)
    repeat = ~once
    w_rep = weight[repeat]
    x_rep = x[repeat]
    t_rep, at_t = codes(big_t[repeat])
    tx_rep, at_tx = codes(t_x[repeat])
    xm1_rep, at_x = codes(x_rep - 1)

    def objective(theta: np.ndarray) -> tuple[float, np.ndarray]:
        r, alpha, a, b = np.exp(theta)
        per_x = (sp.gammaln(r + distinct_x) + sp.betaln(a, b + distinct_x)) @ x_weight
        d_r_x = sp.digamma(r + distinct_x) @ x_weight
        d_ab_x = sp.digamma(a + b + distinct_x) @ x_weight
        d_b_x = sp.digamma(b + distinct_x) @ x_weight
        # the clients with one purchase only: no dropout branch (w = 0)
        log_t_once = np.log(alpha + t_once)
        once_log = log_t_once @ w_once
        once_inv = (1 / (alpha + t_once)) @ w_once
        # the repeat buyers: logaddexp and its weight w = sp.expit(log_a4 - log_a3) from one
        # exponential of -|log_a4 - log_a3|
        log_t = np.log(alpha + t_rep)[at_t]
        log_tx = np.log(alpha + tx_rep)[at_tx]
        rx = r + x_rep
        log_a3 = -rx * log_t
        log_a4 = (np.log(a) - np.log(b + xm1_rep))[at_x] - rx * log_tx
        d = log_a4 - log_a3
        e = np.exp(-np.abs(d))
        branch = (np.maximum(log_a3, log_a4) + np.log1p(e)) @ w_rep
        w = np.where(d > 0, 1.0, e) / (1 + e)
        ww = w * w_rep
        w1 = w_rep - ww  # (1 - w) × weight
        value = (
            per_x
            - r * once_log
            + branch
            + n * (r * np.log(alpha) - sp.gammaln(r) - sp.betaln(a, b))
        )
        d_r = d_r_x + n * (np.log(alpha) - sp.digamma(r)) - once_log - log_t @ w1 - log_tx @ ww
        inv_t = (1 / (alpha + t_rep))[at_t]
        inv_tx = (1 / (alpha + tx_rep))[at_tx]
        d_alpha = n * r / alpha - r * once_inv - (rx * inv_t) @ w1 - (rx * inv_tx) @ ww
        w_total = ww.sum()
        d_a = n * sp.digamma(a + b) - d_ab_x + w_total / a
        d_b = (
            n * (sp.digamma(a + b) - sp.digamma(b))
            + d_b_x
            - d_ab_x
            - (1 / (b + xm1_rep))[at_x] @ ww
        )
        gradient = np.array([d_r * r, d_alpha * alpha, d_a * a, d_b * b])
        return -float(value) / n, -gradient / n

    return objective


def fit(x: np.ndarray, t_x: np.ndarray, big_t: np.ndarray, *, min_repeat: int = 1) -> Fit:
    """Maximum likelihood. ``min_repeat``: fewer clients with a repeat purchase is
    ``insufficient_data`` (the dropout process cannot be seen)."""
    x, t_x, big_t, refusal = purchase_inputs("bgnbd", x, t_x, big_t, min_repeat=min_repeat)
    if refusal is not None:
        return refusal
    n = len(x)

    # start where the mean purchase rate r/α is the observed x/T (from 1, 1, 1, 1 a fit in
    # days spends most of its evaluations finding the scale of α)
    start = np.log([1.0, max(float(big_t.mean()), 1.0) / max(float(x.mean()), 0.1), 1.0, 1.0])
    hess_inv0 = None
    if n > 4 * WARM_CLIENTS:
        # most of the optimiser's steps are taken on a fixed sample of the clients, then a
        # few on all of them from there (1M clients: ~30 full evaluations → ~10)
        sample = np.random.default_rng(0).choice(n, WARM_CLIENTS, replace=False)
        start, hess_inv0 = warm_start(
            summed_objective(x[sample], t_x[sample], big_t[sample]), start
        )
    objective = summed_objective(x, t_x, big_t)
    result = fit_log_parameters("bgnbd", NAMES, objective, n, start, hess_inv0)
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
    return sp.expit(-_odds_dropped(params, x, t_x, big_t))


def purchases_if_alive(
    params: dict[str, float], days: np.ndarray, x: np.ndarray, big_t: np.ndarray
) -> np.ndarray:
    """E[purchases in (T, T + t]] of a client still alive at T, for each t in ``days``
    (columns): the numerator of equation 10 of the paper, whose denominator is 1 / P(alive).
    Depends on x and T only."""
    r, alpha, a, b = (params[name] for name in NAMES)
    x, big_t = x[:, None], big_t[:, None]
    t = np.asarray(days, dtype=float)[None, :]
    z = t / (alpha + big_t + t)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        head = (a + b + x - 1) / (a - 1)
        hyper = sp.hyp2f1(r + x, b + x, a + b + x - 1, z)
        body = 1 - np.exp((r + x) * np.log((alpha + big_t) / (alpha + big_t + t))) * hyper
        value = head * body
    return np.clip(np.nan_to_num(value, nan=0.0, posinf=0.0), 0.0, None)


def conditional_expected_purchases(
    params: dict[str, float], t: float, x: np.ndarray, t_x: np.ndarray, big_t: np.ndarray
) -> np.ndarray:
    """E[purchases in (T, T + t] | x, t_x, T] (equation 10 of the paper)."""
    if t <= 0:
        return np.zeros(len(x))
    alive = on_distinct_pairs(
        lambda xs, ts: purchases_if_alive(params, np.array([t]), xs, ts)[:, 0], x, big_t
    )
    return alive * p_alive(params, x, t_x, big_t)


def expected_rate_if_alive(
    params: dict[str, float], x: np.ndarray, big_t: np.ndarray
) -> np.ndarray:
    """Posterior mean purchase rate of a client that is still alive: (r + x) / (α + T)."""
    return (params["r"] + x) / (params["alpha"] + big_t)
