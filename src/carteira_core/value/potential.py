"""What each client could buy in a year, and the gap to what it buys ("ele poderia ter
gasto mais?").

A client's **potential** is the one its ERP record gives (a monthly potential × 12) or,
without one, the ``quantile`` (default the upper quartile) of the yearly revenue of its
**peers**: the clients that bought in the year, of its segment and state when there are at
least ``min_peers`` of them, else of its segment, else of the whole portfolio. The client's
own revenue is among its peers'. Quantiles interpolate linearly between the sorted values
(numpy's default). **Share of wallet** = revenue / potential; **gap** = potential − revenue
when positive, else 0. Money in integer cents.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["NONE", "SOURCES", "WalletShare", "wallet_share"]

# how a client's potential was found (stored as these codes)
NONE, ERP, SEGMENT_STATE, SEGMENT, PORTFOLIO = "", "erp", "segment_state", "segment", "portfolio"
SOURCES = (ERP, SEGMENT_STATE, SEGMENT, PORTFOLIO)


@dataclass(frozen=True, slots=True)
class WalletShare:
    potential_cents: np.ndarray  # float: nan where no potential could be estimated
    source: np.ndarray  # object: one of SOURCES, or NONE
    peers: np.ndarray  # int: how many peers the quantile was taken over (0 for erp/none)
    gap_cents: np.ndarray  # float: max(potential - revenue, 0); nan without potential
    share: np.ndarray  # float: revenue / potential; nan without a positive potential


def _peer_quantiles(
    keys: np.ndarray, revenue: np.ndarray, buyer: np.ndarray, quantile: float
) -> tuple[np.ndarray, np.ndarray]:
    """Per client: the quantile of its key group's buyers' revenue, and that group's size."""
    groups, at = np.unique(keys, return_inverse=True)
    value = np.full(len(groups), np.nan)
    size = np.bincount(at[buyer], minlength=len(groups))
    order = np.argsort(at[buyer], kind="stable")
    sorted_revenue = revenue[buyer][order]
    ends = np.cumsum(size)
    for group in np.flatnonzero(size):
        start = ends[group] - size[group]
        value[group] = np.quantile(sorted_revenue[start : ends[group]], quantile)
    return value[at], size[at]


def wallet_share(
    revenue_cents: np.ndarray,
    segment: np.ndarray,
    state: np.ndarray,
    erp_potential_cents: np.ndarray,
    *,
    quantile: float = 0.75,
    min_peers: int = 5,
) -> WalletShare:
    """``revenue_cents``: each client's revenue of the last year; ``segment``/``state``:
    its labels ("" when unknown: an unknown segment has no segment peers);
    ``erp_potential_cents``: the ERP's yearly potential, nan when none."""
    revenue = np.asarray(revenue_cents, dtype=float)
    segment = np.asarray(segment, dtype=object)
    state = np.asarray(state, dtype=object)
    n = len(revenue)
    buyer = revenue > 0
    potential = np.full(n, np.nan)
    source = np.full(n, NONE, dtype=object)
    peers = np.zeros(n, dtype=np.int64)
    known_segment = segment != ""
    steps = (
        (SEGMENT_STATE, segment + "\x1f" + state, known_segment & (state != "")),
        (SEGMENT, segment, known_segment),
        (PORTFOLIO, np.zeros(n, dtype=object), np.ones(n, dtype=bool)),
    )
    for name, keys, usable in steps:
        todo = np.isnan(potential) & usable
        if not todo.any():
            continue
        value, size = _peer_quantiles(keys.astype(str), revenue, buyer, quantile)
        enough = todo & (size >= min_peers)
        potential[enough] = value[enough]
        source[enough] = name
        peers[enough] = size[enough]
    erp = np.asarray(erp_potential_cents, dtype=float)
    from_erp = ~np.isnan(erp)
    potential[from_erp] = erp[from_erp]
    source[from_erp] = ERP
    peers[from_erp] = 0
    with np.errstate(invalid="ignore", divide="ignore"):
        gap = np.where(np.isnan(potential), np.nan, np.maximum(potential - revenue, 0.0))
        share = np.where(potential > 0, revenue / potential, np.nan)
    return WalletShare(potential, source, peers, gap, share)
