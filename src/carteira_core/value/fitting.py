"""Maximum likelihood on log parameters, and the checks that keep a bad fit from showing.

Every model here is fitted the same way: minimise the mean negative log-likelihood over
the logarithms of the (positive) parameters with L-BFGS-B and an analytic gradient, then
look at the result before anybody reads it. A fit is ``ok`` only when the optimiser
converged to an interior point whose curvature is clear in every direction; otherwise the
status says why (``Fit.reason`` is a stable code, the web layer words it for people).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

__all__ = [
    "DEGENERATE",
    "INSUFFICIENT",
    "LOG_BOUND",
    "OK",
    "REASONS",
    "Fit",
    "codes",
    "distinct_rows",
    "fit_log_parameters",
    "on_distinct_pairs",
    "warm_start",
]

OK = "ok"
DEGENERATE = "degenerate"
INSUFFICIENT = "insufficient_data"

# A parameter whose logarithm runs past this (e^±12 ≈ 1.6e5 or 6e-6) is not estimated: the
# likelihood keeps improving along a ridge towards a limit model, so no value is "the" fit.
LOG_BOUND = 12.0
# The Hessian of the mean log-likelihood (log parameters) must be clearly negative
# definite: its flattest direction at least this curved relative to the steepest.
MIN_CURVATURE_RATIO = 1e-9

REASONS: dict[str, str] = {
    "no_history": "no client has a purchase on or before the date",
    "few_repeat_buyers": "too few clients bought more than once to estimate the model",
    "no_spread": "every client's first purchase is on the same day: no time to learn from",
    "not_converged": "the optimiser did not converge",
    "parameter_at_limit": "a parameter ran to a limit (a ridge: the data do not pin it down)",
    "dropout_vanishes": "the dropout parameter a tends to 0: the data show no dropout",
    "flat_ridge": "the likelihood is flat along a direction: parameters are not identified",
    "spend_depends_on_frequency": (
        "spend per purchase and number of purchases are correlated: the spend model's "
        "independence assumption does not hold"
    ),
    "spend_not_positive": "a repeat buyer's mean spend is not positive",
}


@dataclass(frozen=True, slots=True)
class Fit:
    """A fitted model: named parameters, log-likelihood (sum over clients) and status."""

    model: str
    params: dict[str, float]
    log_likelihood: float
    status: str = OK
    reason: str = ""
    n: int = 0
    iterations: int = 0
    extra: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status == OK

    @property
    def reason_text(self) -> str:
        return REASONS.get(self.reason, self.reason)

    def with_status(self, status: str, reason: str) -> Fit:
        return Fit(
            self.model,
            self.params,
            self.log_likelihood,
            status,
            reason,
            self.n,
            self.iterations,
            self.extra,
        )


def purchase_inputs(
    model: str, x: np.ndarray, t_x: np.ndarray, big_t: np.ndarray, *, min_repeat: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, Fit | None]:
    """A purchase model's inputs as floats, and the ``insufficient_data`` fit when they
    cannot show a purchase process (no clients, too few repeat buyers, no time spread)."""
    x = np.asarray(x, dtype=float)
    t_x = np.asarray(t_x, dtype=float)
    big_t = np.asarray(big_t, dtype=float)
    n = len(x)
    refusal = None
    if n == 0:
        refusal = Fit(model, {}, 0.0, INSUFFICIENT, "no_history")
    elif not (x > 0).any() and float(np.ptp(big_t)) == 0:
        # everybody bought on one and the same day: say that, not just "too few repeat"
        refusal = Fit(model, {}, 0.0, INSUFFICIENT, "no_spread", n=n)
    elif int((x > 0).sum()) < max(min_repeat, 1):
        refusal = Fit(model, {}, 0.0, INSUFFICIENT, "few_repeat_buyers", n=n)
    elif float(big_t.max()) <= 0:
        refusal = Fit(model, {}, 0.0, INSUFFICIENT, "no_spread", n=n)
    return x, t_x, big_t, refusal


def distinct_rows(*columns: np.ndarray) -> tuple[tuple[np.ndarray, ...], np.ndarray]:
    """The distinct (x, t_x, T) rows and how many clients share each: the likelihood is a
    sum over clients, so equal histories are evaluated once (day-level histories repeat a
    lot: CDNOW's 2,357 customers are 1,016 rows)."""
    if len(columns[0]) == 0:
        return columns, np.zeros(0)
    packed = _packed_key(columns)
    if packed is not None:  # one int64 sort instead of a lexsort of three columns
        key, radixes = packed
        keys, counts = np.unique(key, return_counts=True)
        decoded = []
        for radix in reversed(radixes):
            keys, digit = np.divmod(keys, radix)
            decoded.append(digit.astype(float))
        return tuple(reversed(decoded)), counts.astype(float)
    order = np.lexsort(columns[::-1])  # np.unique(axis=0) is 7x slower at 1M rows
    ordered = [column[order] for column in columns]
    changed = np.zeros(len(order), dtype=bool)
    changed[0] = True
    for column in ordered:
        changed[1:] |= column[1:] != column[:-1]
    starts = np.flatnonzero(changed)
    counts = np.diff(np.append(starts, len(order)))
    return tuple(column[starts] for column in ordered), counts.astype(float)


def _packed_key(columns: tuple[np.ndarray, ...]) -> tuple[np.ndarray, list[int]] | None:
    """The rows as one int64 (mixed radix, the first column most significant) and the
    radixes, when every column holds whole numbers from 0 and the product of their ranges
    fits; None otherwise."""
    key = np.zeros(len(columns[0]), dtype=np.int64)
    span = 1
    radixes = []
    for column in columns:
        low, high = float(column.min()), float(column.max())
        if low < 0 or high >= 2**40:
            return None
        whole = column.astype(np.int64)
        if not np.array_equal(whole, column):
            return None
        span *= int(high) + 1
        if span >= 2**62:
            return None
        key = key * (int(high) + 1) + whole
        radixes.append(int(high) + 1)
    return key, radixes


def codes(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct values, sorted, and each row's index into them (``np.unique`` with
    ``return_inverse``); whole numbers from 0 up to a few million by a lookup table
    instead of a sort."""
    if len(values) and values.min() >= 0 and values.max() < 4_000_000:
        whole = values.astype(np.int64)
        if np.array_equal(whole, values):
            present = np.zeros(int(whole.max()) + 1, dtype=bool)
            present[whole] = True
            position = np.cumsum(present) - 1
            return np.flatnonzero(present).astype(values.dtype), position[whole]
    return np.unique(values, return_inverse=True)


def on_distinct_pairs(
    function: Callable[[np.ndarray, np.ndarray], np.ndarray], x: np.ndarray, big_t: np.ndarray
) -> np.ndarray:
    """``function(x, T)`` evaluated once per distinct (x, T) pair and given back row by row.
    What a client is expected to buy while alive depends on x and T only (t_x enters through
    P(alive)), and a million clients hold some tens of thousands of pairs."""
    if len(x) == 0:
        return function(x, big_t)
    packed = _packed_key((x, big_t))
    if packed is not None:
        key, (_, radix) = packed
        keys, inverse = codes(key)
        pair_x, pair_t = np.divmod(keys, radix)
        values = function(pair_x.astype(float), pair_t.astype(float))
    else:
        pairs, inverse = np.unique(np.stack([x, big_t], axis=1), axis=0, return_inverse=True)
        values = function(pairs[:, 0], pairs[:, 1])
    return values[inverse.ravel()]


def _bfgs(
    objective: Callable[[np.ndarray], tuple[float, np.ndarray]],
    x0: np.ndarray,
    *,
    gtol: float,
    hess_inv0: np.ndarray | None = None,
):
    limit = LOG_BOUND + 3

    def clipped(theta: np.ndarray) -> tuple[float, np.ndarray]:
        # a ridge walks the parameters to infinity: keep exp() finite, the check after the
        # fit reports the parameter at its limit
        return objective(np.clip(theta, -limit, limit))

    options: dict[str, object] = {"maxiter": 2000, "gtol": gtol}
    if hess_inv0 is not None:
        options["hess_inv0"] = hess_inv0
    # BFGS rather than L-BFGS-B: with four parameters its pure-numpy steps cost nothing,
    # where L-BFGS-B's BLAS threads cost 5x the likelihood on a busy machine
    from scipy.optimize import minimize  # heavy: every command would pay it at start

    return minimize(clipped, x0, jac=True, method="BFGS", options=options)


def warm_start(
    objective: Callable[[np.ndarray], tuple[float, np.ndarray]], start: np.ndarray
) -> tuple[np.ndarray, np.ndarray | None]:
    """Where the optimiser ends on a cheaper objective (a sample of the clients) and its
    inverse-Hessian estimate: a start from which the full fit needs a few steps. Only the
    start changes; the fit is still the full data's maximum."""
    result = _bfgs(objective, start, gtol=1e-6)
    hess_inv = (result.hess_inv + result.hess_inv.T) / 2
    if not np.all(np.isfinite(hess_inv)) or np.linalg.eigvalsh(hess_inv).min() <= 0:
        return result.x, None
    return result.x, hess_inv


def _hessian(
    gradient: Callable[[np.ndarray], np.ndarray], at: np.ndarray, at_gradient: np.ndarray
) -> np.ndarray:
    """Forward differences of the analytic gradient (symmetrised): enough to tell a clear
    curvature from a flat direction, at half the evaluations of central differences."""
    size = len(at)
    hessian = np.empty((size, size))
    step = 1e-5
    for k in range(size):
        shift = np.zeros(size)
        shift[k] = step
        hessian[k] = (gradient(at + shift) - at_gradient) / step
    return (hessian + hessian.T) / 2


def fit_log_parameters(
    model: str,
    names: tuple[str, ...],
    objective: Callable[[np.ndarray], tuple[float, np.ndarray]],
    n: int,
    start: np.ndarray | None = None,
    hess_inv0: np.ndarray | None = None,
) -> Fit:
    """Minimise ``objective`` (mean negative log-likelihood and its gradient, both in log
    parameters) and judge the result. ``n`` turns the mean back into a total;
    ``hess_inv0``: the optimiser's first inverse-Hessian (``warm_start``)."""
    x0 = np.zeros(len(names)) if start is None else start
    limit = LOG_BOUND + 3
    result = _bfgs(objective, x0, gtol=1e-8, hess_inv0=hess_inv0)
    theta = np.clip(result.x, -limit, limit)
    params = {name: float(np.exp(value)) for name, value in zip(names, theta, strict=True)}
    value, at_gradient = objective(theta)
    value = float(value)
    fit = Fit(model, params, -value * n, n=n, iterations=int(result.nit))
    if not np.isfinite(value):
        return fit.with_status(DEGENERATE, "not_converged")
    if np.any(np.abs(theta) > LOG_BOUND):
        return fit.with_status(DEGENERATE, "parameter_at_limit")
    gradient_norm = float(np.max(np.abs(at_gradient)))
    if not result.success and gradient_norm > 1e-5:
        return fit.with_status(DEGENERATE, "not_converged")
    eigenvalues = np.linalg.eigvalsh(_hessian(lambda t: objective(t)[1], theta, at_gradient))
    steepest = float(np.max(np.abs(eigenvalues)))
    if eigenvalues.min() <= MIN_CURVATURE_RATIO * max(steepest, 1e-300):
        return fit.with_status(DEGENERATE, "flat_ridge")
    return fit
