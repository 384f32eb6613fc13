"""Set-based numpy kernels: per-client facts from the order and interaction columns.

Clients are dense positions ``0..n-1`` (their row in ``clients``) plus one overflow slot
``n`` for rows of unknown clients, cancelled orders and anything after ``T``. Dates are
int32 day numbers. Every fact comes from a handful of passes over the order columns:
``np.bincount`` for counts, ``np.add.at`` (exact int64) for money and
``np.maximum.at``/``np.minimum.at`` for last and first purchase days; windows are read from
one count per (client, day bucket), the buckets being cut at every window edge. Large
inputs are cut into row slices aggregated in parallel threads and merged.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

NO_DAY = np.iinfo(np.int32).min
FAR_DAY = np.iinfo(np.int32).max


@dataclass(frozen=True, slots=True)
class OrderColumns:
    """The valid orders on or before ``T`` as numpy columns (cancelled ones removed)."""

    pos: np.ndarray  # int32 client position; n for unknown clients
    day: np.ndarray  # int32 day number
    amount: np.ndarray  # int64 cents
    margin: np.ndarray | None  # int64 cents, None when every margin is null


@dataclass(frozen=True, slots=True)
class OrderFacts:
    """Per-client arrays (length n) read at ``T`` and at ``T0 = T - period``."""

    last_day: np.ndarray  # last purchase day <= T, NO_DAY if none
    last_day_previous: np.ndarray  # last purchase day <= T0
    first_day: np.ndarray  # first purchase day, FAR_DAY if none
    frequency: np.ndarray  # purchases in (T - F, T]
    frequency_previous: np.ndarray  # purchases in (T0 - F, T0]
    purchases_period: np.ndarray  # purchases in (T0, T]
    revenue_window: np.ndarray  # net amount in (T - W, T]
    margin_window: np.ndarray  # net margin in (T - W, T]
    revenue_period: np.ndarray  # net amount in (T0, T]


def _window(per_bucket: np.ndarray, bounds: list[int], start: int, end: int) -> np.ndarray:
    """Per-client sum over days in (start, end]: the rows of the buckets in between."""
    rows = per_bucket[bounds.index(start) + 1 : bounds.index(end) + 1]
    return rows.sum(axis=0, dtype=np.int64)


@dataclass(frozen=True, slots=True)
class _Partial:
    counts: np.ndarray  # purchases per (client, bucket)
    money: np.ndarray  # net amount per (client, bucket)
    margin: np.ndarray | None
    last_day: np.ndarray
    last_day_previous: np.ndarray
    first_day: np.ndarray


def _partial(
    orders: OrderColumns, rows: slice, n: int, bounds: list[int], previous: int
) -> _Partial:
    """Scatter-aggregate one slice of the orders (slices run in parallel threads: numpy
    releases the GIL inside ``ufunc.at``)."""
    pos, day, amount = orders.pos[rows], orders.day[rows], orders.amount[rows]
    width = len(bounds)
    # bucket j holds days in (bounds[j-1], bounds[j]]; bucket 0 everything up to bounds[0];
    # rows after T sit in the overflow client slot n, whatever their bucket
    bucket = np.zeros(len(day), dtype=np.int32)
    for edge in bounds[:-1]:
        bucket += day > edge
    # bucket-major: each bucket's clients are one contiguous row of the result
    key = bucket * np.int32(n + 1) + pos
    slots = (n + 1) * width
    is_purchase = amount > 0
    # same-dtype operands keep ufunc.at on its fast path
    counts = np.zeros(slots, dtype=np.int32)
    np.add.at(counts, key, is_purchase.astype(np.int32))
    money = np.zeros(slots, dtype=np.int64)
    np.add.at(money, key, amount)
    margin = None
    if orders.margin is not None:
        margin = np.zeros(slots, dtype=np.int64)
        np.add.at(margin, key, orders.margin[rows])
    purchase_day = np.where(is_purchase, day, NO_DAY)
    last_day = np.full(n + 1, NO_DAY, dtype=np.int32)
    np.maximum.at(last_day, pos, purchase_day)
    last_previous = np.full(n + 1, NO_DAY, dtype=np.int32)
    np.maximum.at(last_previous, pos, np.where(purchase_day <= previous, purchase_day, NO_DAY))
    first_day = np.full(n + 1, FAR_DAY, dtype=np.int32)
    np.minimum.at(first_day, pos, np.where(is_purchase, day, FAR_DAY))
    return _Partial(counts, money, margin, last_day, last_previous, first_day)


def _merge(parts: list[_Partial]) -> _Partial:
    head, *rest = parts
    for part in rest:
        np.add(head.counts, part.counts, out=head.counts)
        np.add(head.money, part.money, out=head.money)
        if head.margin is not None and part.margin is not None:
            np.add(head.margin, part.margin, out=head.margin)
        np.maximum(head.last_day, part.last_day, out=head.last_day)
        np.maximum(head.last_day_previous, part.last_day_previous, out=head.last_day_previous)
        np.minimum(head.first_day, part.first_day, out=head.first_day)
    return head


_PARALLEL_ROWS = 2_000_000
_ROWS_PER_SLOT = 2


def _slices(total: int, slots: int) -> list[slice]:
    # each slice fills its own result arrays: worth it only with many rows per slot
    parallel = total >= max(_PARALLEL_ROWS, _ROWS_PER_SLOT * slots)
    chunks = min(os.cpu_count() or 1, 4) if parallel else 1
    step = -(-total // chunks) if total else 1
    return [slice(start, min(start + step, total)) for start in range(0, max(total, 1), step)]


def order_facts(
    orders: OrderColumns,
    n: int,
    as_of: int,
    period_days: int,
    frequency_days: int,
    window_days: int,
) -> OrderFacts:
    previous = as_of - period_days
    bounds = sorted(
        {as_of - frequency_days, previous - frequency_days, as_of - window_days, previous, as_of}
    )
    slices = _slices(len(orders.day), (n + 1) * len(bounds))
    if len(slices) == 1:
        total = _partial(orders, slices[0], n, bounds, previous)
    else:
        with ThreadPoolExecutor(len(slices)) as pool:
            total = _merge(
                list(pool.map(lambda rows: _partial(orders, rows, n, bounds, previous), slices))
            )
    width = len(bounds)
    counts = total.counts.reshape(width, n + 1)[:, :n]
    money = total.money.reshape(width, n + 1)[:, :n]
    if total.margin is not None:
        margin = total.margin.reshape(width, n + 1)[:, :n]
        margin_window = _window(margin, bounds, as_of - window_days, as_of)
    else:
        margin_window = np.zeros(n, dtype=np.int64)
    return OrderFacts(
        last_day=total.last_day[:n],
        last_day_previous=total.last_day_previous[:n],
        first_day=total.first_day[:n],
        frequency=_window(counts, bounds, as_of - frequency_days, as_of),
        frequency_previous=_window(counts, bounds, previous - frequency_days, previous),
        purchases_period=_window(counts, bounds, previous, as_of),
        revenue_window=_window(money, bounds, as_of - window_days, as_of),
        margin_window=margin_window,
        revenue_period=_window(money, bounds, previous, as_of),
    )


def count_in_period(pos: np.ndarray, day: np.ndarray, n: int, start: int, end: int) -> np.ndarray:
    """Number of rows per client with ``start < day <= end``."""
    keep = (day > start) & (day <= end)
    return np.bincount(pos[keep], minlength=n + 1)[:n]


def _compact_key_dtype(largest: int) -> type:
    return np.int32 if largest < np.iinfo(np.int32).max else np.int64


def median_gaps_twice(
    orders: OrderColumns, n: int, dates: list[int], lookback_days: int, min_days: int
) -> list[np.ndarray]:
    """For each reading date ``t``: twice the median gap (days) between consecutive distinct
    purchase days in ``(t - lookback_days, t]`` per client; -1 with fewer than ``min_days``
    purchase days. Twice, so that the mean of two middle gaps stays an exact integer.

    One sort of the (client, day) pairs over the union of the windows serves every date.
    """
    base = min(dates) - lookback_days
    span = max(dates) - base + 1
    keep = (orders.day > base) & (orders.day <= max(dates)) & (orders.pos < n)
    keep &= orders.amount > 0
    dtype = _compact_key_dtype((n + 1) * span)
    keys = orders.pos[keep].astype(dtype) * dtype(span) + (orders.day[keep] - base).astype(dtype)
    keys = np.sort(keys)
    keys = keys[np.concatenate((keys[:1] == keys[:1], keys[1:] != keys[:-1]))]
    client_all = keys // dtype(span)
    offset_all = keys - client_all * dtype(span)
    return [
        _median_gap_twice(client_all, offset_all, n, t - base, lookback_days, min_days)
        for t in dates
    ]


def _median_gap_twice(
    client: np.ndarray, offset: np.ndarray, n: int, end: int, lookback_days: int, min_days: int
) -> np.ndarray:
    inside = (offset > end - lookback_days) & (offset <= end)
    client, offset = client[inside], offset[inside]
    same = client[1:] == client[:-1]
    gap_client = client[1:][same]
    gaps = (offset[1:] - offset[:-1])[same]
    # sort the gaps inside each client: pairs stay grouped by client
    dtype = _compact_key_dtype((n + 1) * (lookback_days + 1))
    width = dtype(lookback_days + 1)
    gap_base = gap_client.astype(dtype) * width
    gaps = np.sort(gap_base + gaps.astype(dtype)) - gap_base
    days_per_client = np.bincount(client, minlength=n)
    gaps_per_client = np.maximum(days_per_client - 1, 0)
    starts = np.cumsum(gaps_per_client) - gaps_per_client
    result = np.full(n, -1, dtype=np.int64)
    ok = days_per_client >= min_days
    if ok.any():
        m = gaps_per_client[ok]
        low = gaps[starts[ok] + (m - 1) // 2]
        high = gaps[starts[ok] + m // 2]
        result[ok] = low.astype(np.int64) + high
    return result
