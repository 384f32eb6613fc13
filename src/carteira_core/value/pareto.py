"""Pareto/NBD (Schmittlein, Morrison & Colombo 1987; Fader & Hardie's 2005 note).

While alive a client buys at rate λ ~ Gamma(r, α) and dies at rate μ ~ Gamma(s, β), at any
time (not only after a purchase as in BG/NBD). The likelihood involves Gauss's
hypergeometric function, whose derivatives in its parameters have no closed form: the
gradient is taken by central differences of the exact log-likelihood (in log parameters).
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit, gammaln, hyp2f1

from carteira_core.value.fitting import (
    LOG_BOUND,
    Fit,
    distinct_rows,
    fit_log_parameters,
    purchase_inputs,
)

__all__ = [
    "NAMES",
    "conditional_expected_purchases",
    "expected_rate_if_alive",
    "fit",
    "log_likelihood",
    "p_alive",
]

NAMES = ("r", "alpha", "s", "beta")
_STEP = 1e-6
_WALL = 1e10


def _log_a0(params: tuple[float, ...], x: np.ndarray, t_x: np.ndarray, big_t: np.ndarray):
    """log A0, the integral over the unobserved death time in (t_x, T]."""
    r, alpha, s, beta = params
    total = r + s + x
    second: float | np.ndarray = s + 1 if alpha >= beta else r + x
    scale = alpha if alpha >= beta else beta
    gap = abs(alpha - beta)
    with np.errstate(divide="ignore", invalid="ignore"):
        first = np.log(hyp2f1(total, second, total + 1, gap / (scale + t_x))) - total * np.log(
            scale + t_x
        )
        last = np.log(hyp2f1(total, second, total + 1, gap / (scale + big_t))) - total * np.log(
            scale + big_t
        )
        return first + np.log1p(-np.exp(last - first))


def _log_alive_branch(params: tuple[float, ...], x: np.ndarray, big_t: np.ndarray):
    r, alpha, s, beta = params
    return -(r + x) * np.log(alpha + big_t) - s * np.log(beta + big_t)


def _log_dead_branch(params, x, t_x, big_t):
    r, _alpha, s, _beta = params
    return np.log(s) - np.log(r + s + x) + _log_a0(params, x, t_x, big_t)


def _values(theta: np.ndarray, x: np.ndarray, t_x: np.ndarray, big_t: np.ndarray) -> np.ndarray:
    params = tuple(np.exp(theta))
    r, alpha, s, beta = params
    return (
        gammaln(r + x)
        - gammaln(r)
        + r * np.log(alpha)
        + s * np.log(beta)
        + np.logaddexp(_log_alive_branch(params, x, big_t), _log_dead_branch(params, x, t_x, big_t))
    )


def log_likelihood(
    theta: np.ndarray, x: np.ndarray, t_x: np.ndarray, big_t: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per-client log-likelihood and its gradient in log parameters (central differences)."""
    value = _values(theta, x, t_x, big_t)
    gradient = np.empty((len(x), len(theta)))
    for k in range(len(theta)):
        shift = np.zeros(len(theta))
        shift[k] = _STEP
        gradient[:, k] = (
            _values(theta + shift, x, t_x, big_t) - _values(theta - shift, x, t_x, big_t)
        ) / (2 * _STEP)
    return value, gradient


def fit(x: np.ndarray, t_x: np.ndarray, big_t: np.ndarray, *, min_repeat: int = 1) -> Fit:
    x, t_x, big_t, refusal = purchase_inputs("pareto", x, t_x, big_t, min_repeat=min_repeat)
    if refusal is not None:
        return refusal
    n = len(x)

    mean_t = max(float(big_t.mean()), 1.0)
    start = np.log([1.0, mean_t / max(float(x.mean()), 0.1), 1.0, mean_t])
    (x, t_x, big_t), weight = distinct_rows(x, t_x, big_t)

    def objective(theta: np.ndarray) -> tuple[float, np.ndarray]:
        if np.max(np.abs(theta)) > LOG_BOUND + 1:
            # past the bound the hypergeometric function gets very slow and inexact: a wall
            # the line search backs off from (the fit is reported at its limit anyway)
            return _WALL, np.zeros(len(theta))
        with np.errstate(all="ignore"):
            value, gradient = log_likelihood(theta, x, t_x, big_t)
            total, slope = -float(weight @ value) / n, -(weight @ gradient) / n
        if not (np.isfinite(total) and np.all(np.isfinite(slope))):
            return _WALL, np.zeros(len(theta))
        return total, slope

    return fit_log_parameters("pareto", NAMES, objective, n, start)


def _params(params: dict[str, float]) -> tuple[float, ...]:
    return tuple(params[name] for name in NAMES)


def p_alive(
    params: dict[str, float], x: np.ndarray, t_x: np.ndarray, big_t: np.ndarray
) -> np.ndarray:
    values = _params(params)
    log_odds = _log_dead_branch(values, x, t_x, big_t) - _log_alive_branch(values, x, big_t)
    return expit(-np.nan_to_num(log_odds, nan=-np.inf))


def conditional_expected_purchases(
    params: dict[str, float], t: float, x: np.ndarray, t_x: np.ndarray, big_t: np.ndarray
) -> np.ndarray:
    r, alpha, s, beta = _params(params)
    if t <= 0:
        return np.zeros(len(x))
    head = (r + x) * (beta + big_t) / (alpha + big_t)
    if abs(s - 1) < 1e-9:
        body = np.log((beta + big_t + t) / (beta + big_t))
    else:
        body = (1 - ((beta + big_t) / (beta + big_t + t)) ** (s - 1)) / (s - 1)
    return head * body * p_alive(params, x, t_x, big_t)


def expected_rate_if_alive(
    params: dict[str, float], x: np.ndarray, big_t: np.ndarray
) -> np.ndarray:
    return (params["r"] + x) / (params["alpha"] + big_t)
