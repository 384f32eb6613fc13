"""What the portfolio would be worth if the clients behaved a little differently.

Both levers are exact changes of the BG/NBD process from the as-of date on, scored on each
client's own history (x, t_x, T) and expected spend:

- **frequency +f %**: every client buys (1 + f) times as often. Dropout in BG/NBD happens
  only at purchases, so buying c times faster is the same process on a clock c times
  faster: the expected purchases by month m are the model's expected purchases by c·m
  months, each month still discounted as month m.
- **churn −k points**: the chance of leaving after each purchase, p ~ Beta(a, b), has its
  mean a / (a + b) lowered by k percentage points with a + b (how alike the clients are)
  kept; P(alive) and the expected purchases are recomputed on the same histories.

**Recovering** a client who has left (P(alive) < 1) is worth what it would buy if it were
still a client minus what is expected of it now: CLV / P(alive) − CLV (the expected
purchases of a BG/NBD client are P(alive) × the purchases it makes alive).
"""

from __future__ import annotations

import numpy as np

from carteira_core.value.valuation import discounted_value

__all__ = ["lower_churn", "recovery_value", "scaled_value"]


def scaled_value(
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
    """Each client's discounted value over the horizon (BG/NBD), buying ``frequency_factor``
    times as often from the as-of date on; with factor 1 it is ``discounted_value``."""
    return discounted_value(
        "bgnbd",
        params,
        spend,
        x,
        t_x,
        big_t,
        horizon_months=horizon_months,
        monthly_rate=monthly_rate,
        frequency_factor=frequency_factor,
    )


def lower_churn(params: dict[str, float], points: float) -> dict[str, float]:
    """BG/NBD parameters with the mean dropout chance a / (a + b) lowered by ``points``
    percentage points (a + b kept); ValueError when it would not stay above 0."""
    a, b = params["a"], params["b"]
    mean = a / (a + b) - points / 100
    if not 0 < mean < 1:
        raise ValueError("the dropout chance would leave (0, 1)")
    return {**params, "a": mean * (a + b), "b": (1 - mean) * (a + b)}


def recovery_value(clv: np.ndarray, p_alive: np.ndarray) -> np.ndarray:
    """CLV / P(alive) − CLV: what winning the client back is worth (nan where P(alive) is
    0 or unknown)."""
    clv = np.asarray(clv, dtype=float)
    p = np.asarray(p_alive, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(p > 0, clv / p - clv, np.nan)
