"""A client's buying rhythm, as cycle mode measures it (for the cycle-versus-fixed report).

``purchase_rhythm(data, as_of, rules)`` gives, per client with a purchase by ``as_of``:

- ``rhythm_days``: the median gap (days) between consecutive distinct purchase days in the
  cycle lookback window ``(as_of - cycle_lookback_days, as_of]`` — the very median cycle
  mode turns into thresholds (``kernels.median_gaps_twice``) — or null with fewer than
  ``cycle_min_purchases`` purchase days;
- ``purchases_prior_year``: purchases in the 365 days up to the client's last purchase.

A purchase is a valid (not cancelled) order with a positive amount, as everywhere in the
engine.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl

from carteira_core.engine import kernels
from carteira_core.engine.inputs import PortfolioInput, day_number
from carteira_core.engine.reading import _order_columns
from carteira_core.rules import PortfolioRules

__all__ = ["RHYTHM_COLUMNS", "purchase_rhythm"]

RHYTHM_COLUMNS = ("client_id", "rhythm_days", "purchases_prior_year")
YEAR_DAYS = 365


def purchase_rhythm(data: PortfolioInput, as_of: date, rules: PortfolioRules) -> pl.DataFrame:
    """One row per client that bought by ``as_of`` (``RHYTHM_COLUMNS``), by client_id."""
    lc = rules.lifecycle
    t = day_number(as_of)
    client_ids = data.clients["client_id"].to_numpy()
    n = len(client_ids)
    orders = _order_columns(data, client_ids, t)
    (gap_twice,) = kernels.median_gaps_twice(
        orders, n, [t], lc.cycle_lookback_days, lc.cycle_min_purchases
    )
    bought = (orders.pos < n) & (orders.amount > 0)
    pos, day = orders.pos[bought], orders.day[bought].astype(np.int64)
    last = np.full(n, kernels.NO_DAY, dtype=np.int64)
    np.maximum.at(last, pos, day)
    prior_year = np.bincount(pos[day > last[pos] - YEAR_DAYS], minlength=n)
    known = gap_twice >= 0
    rhythm = pl.Series("rhythm_days", np.where(known, gap_twice, 0) / 2).scatter(
        np.flatnonzero(~known), None
    )
    frame = pl.DataFrame(
        {"client_id": client_ids, "purchases_prior_year": prior_year.astype(np.int64)}
    ).with_columns(rhythm)
    return frame.filter(pl.Series(last != kernels.NO_DAY)).select(RHYTHM_COLUMNS)
