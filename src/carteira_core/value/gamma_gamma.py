"""Gamma-Gamma spend model (Fader, Hardie & Lee 2005, "RFM and CLV").

A client's purchases are worth z ~ Gamma(p, ν) each, with ν ~ Gamma(q, γ) across clients;
fitted on the repeat buyers' number of repeat purchases ``x`` and their mean spend ``m``.
It assumes spend per purchase does not depend on how often the client buys: ``fit``
reports the correlation and refuses the fit when it is clearly violated.
"""

from __future__ import annotations

import math

import numpy as np

from carteira_core.value import special as sp
from carteira_core.value.fitting import (
    DEGENERATE,
    INSUFFICIENT,
    Fit,
    codes,
    fit_log_parameters,
)

__all__ = [
    "MAX_CORRELATION",
    "NAMES",
    "expected_spend",
    "fit",
    "log_likelihood",
    "summed_objective",
]

NAMES = ("p", "q", "v")
# |Pearson correlation| between repeat purchases and mean spend above which the model's
# independence assumption is taken as violated (CDNOW: 0.11).
MAX_CORRELATION = 0.3


def log_likelihood(
    theta: np.ndarray, x: np.ndarray, m: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    p, q, v = np.exp(theta)
    px = p * x
    log_total = np.log(v + m * x)
    value = (
        sp.gammaln(px + q)
        - sp.gammaln(px)
        - sp.gammaln(q)
        + q * np.log(v)
        + (px - 1) * np.log(m)
        + px * np.log(x)
        - (px + q) * log_total
    )
    d_p = x * (sp.digamma(px + q) - sp.digamma(px) + np.log(m) + np.log(x) - log_total)
    d_q = sp.digamma(px + q) - sp.digamma(q) + np.log(v) - log_total
    d_v = q / v - (px + q) / (v + m * x)
    return value, np.stack([d_p * p, d_q * q, d_v * v], axis=1)


def summed_objective(x: np.ndarray, m: np.ndarray):
    """The mean negative log-likelihood of the repeat buyers (``x > 0``, ``m > 0``) and its
    gradient in log parameters: ``log_likelihood`` summed, with the special functions taken
    once per distinct x (tens, not tens of thousands) and what does not depend on the
    parameters summed once; one logarithm per client and evaluation is left
    (log(γ + m·x))."""
    n = float(len(x))
    distinct_x, at = codes(x)
    x_weight = np.bincount(at, weights=np.ones(len(x)))
    mx = m * x
    log_m = np.log(m)
    sum_log_m = float(log_m.sum())
    sum_x_logs = float((x * (log_m + np.log(x))).sum())

    def objective(theta: np.ndarray) -> tuple[float, np.ndarray]:
        p, q, v = np.exp(theta)
        px = p * distinct_x
        log_total = np.log(v + mx)
        total_inv = 1 / (v + mx)
        x_log_total = float(x @ log_total)
        sum_log_total = float(log_total.sum())
        value = (
            (sp.gammaln(px + q) - sp.gammaln(px)) @ x_weight
            + n * (q * np.log(v) - sp.gammaln(q))
            + p * sum_x_logs
            - sum_log_m
            - p * x_log_total
            - q * sum_log_total
        )
        digamma_pxq = sp.digamma(px + q)
        d_p = (distinct_x * (digamma_pxq - sp.digamma(px))) @ x_weight + sum_x_logs - x_log_total
        d_q = digamma_pxq @ x_weight - n * sp.digamma(q) + n * np.log(v) - sum_log_total
        d_v = n * q / v - (p * (x @ total_inv) + q * float(total_inv.sum()))
        gradient = np.array([d_p * p, d_q * q, d_v * v])
        return -float(value) / n, -gradient / n

    return objective


def fit(x: np.ndarray, m: np.ndarray, *, min_repeat: int = 1) -> Fit:
    """Fit on the clients with ``x > 0`` (others are ignored)."""
    x = np.asarray(x, dtype=float)
    m = np.asarray(m, dtype=float)
    if len(x) == 0:
        return Fit("gamma_gamma", {}, 0.0, INSUFFICIENT, "no_history")
    repeat = x > 0
    x, m = x[repeat], m[repeat]
    n = len(x)
    if n < max(min_repeat, 2):
        return Fit("gamma_gamma", {}, 0.0, INSUFFICIENT, "few_repeat_buyers", n=n)
    if np.any(~(m > 0)):
        return Fit("gamma_gamma", {}, 0.0, INSUFFICIENT, "spend_not_positive", n=n)
    correlation = 0.0
    if np.ptp(x) > 0 and np.ptp(m) > 0:
        correlation = float(np.corrcoef(x, m)[0, 1])

    # γ is in money units (cents in the product): fit on spend over its median, where γ is
    # near 1, and scale it back; p, q and the log-likelihood up to n·log(scale) are unchanged
    scale = float(np.median(m))
    scaled = m / scale

    fitted = fit_log_parameters("gamma_gamma", NAMES, summed_objective(x, scaled), n)
    params = {**fitted.params, "v": fitted.params["v"] * scale}
    result = Fit(
        fitted.model,
        params,
        fitted.log_likelihood - n * math.log(scale),
        fitted.status,
        fitted.reason,
        n,
        fitted.iterations,
    )
    result.extra["correlation"] = correlation
    if abs(correlation) > MAX_CORRELATION:  # the assumption fails whatever the optimiser did
        return result.with_status(DEGENERATE, "spend_depends_on_frequency")
    return result


def expected_spend(params: dict[str, float], x: np.ndarray, m: np.ndarray) -> np.ndarray:
    """E[spend per purchase | x, m]; the population mean pγ/(q − 1) for x = 0."""
    p, q, v = (params[name] for name in NAMES)
    x = np.asarray(x, dtype=float)
    m = np.nan_to_num(np.asarray(m, dtype=float))
    return (p * (v + x * m)) / (p * x + q - 1)
