"""Set-based numpy kernels: per-client facts from the order and interaction columns.

Clients are dense positions ``0..n-1`` (their row in ``clients``) plus one overflow slot
``n`` for rows of unknown clients and cancelled orders; rows after ``T`` are left out by
the kernels themselves. Dates are int32 day numbers. The order facts are two independent
passes, run side by side in threads on large inputs:

- the purchase days over every row: one ``np.maximum.at`` into two slots per client (up to
  the eve of the period, after it) gives both last purchase days, one ``np.minimum.at``
  the first;
- the window sums over the rows of the widest window only (most orders are older; they
  are picked once): purchases, net amount and margin per (client, day bucket) by
  ``np.add.at`` (exact int64), the buckets cut at every window edge, each window then a
  sum of adjacent buckets.

``ufunc.at`` scatters at about the cost of a sorted ``reduceat`` (numpy >= 2), so the
orders are never sorted: a sort of 10M rows costs more than every pass together.
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
    """Per-client sum over days in (start, end]: the columns of the buckets in between."""
    columns = per_bucket[:, bounds.index(start) : bounds.index(end)]
    return columns.sum(axis=1, dtype=np.int64)


@dataclass(frozen=True, slots=True)
class _Days:
    last_day: np.ndarray  # length n + 1, the overflow slot last
    last_day_previous: np.ndarray
    first_day: np.ndarray


def _purchase_days(orders: OrderColumns, rows: slice, n: int, as_of: int, previous: int) -> _Days:
    """Last purchase day up to ``T`` and up to the eve ``T0``, first purchase day, per
    client, over one slice of the orders (slices run in parallel threads: numpy releases
    the GIL inside ``ufunc.at``)."""
    pos, day = orders.pos[rows], orders.day[rows]
    # in place where it can be: each fresh 10M-row array costs page faults as well
    counted = orders.amount[rows] > 0
    counted &= day <= as_of
    slot = np.where(counted, pos, np.int32(n))
    first_day = np.full(n + 1, FAR_DAY, dtype=np.int32)
    np.minimum.at(first_day, slot, day)
    # two slots per client, purchases up to the eve and after it: one pass, both last days
    slot *= np.int32(2)
    slot += day > previous
    last = np.full(2 * (n + 1), NO_DAY, dtype=np.int32)
    np.maximum.at(last, slot, day)
    last_previous = last[0::2]
    return _Days(np.maximum(last_previous, last[1::2]), last_previous, first_day)


def _merge_days(parts: list[_Days]) -> _Days:
    head, *rest = parts
    for part in rest:
        np.maximum(head.last_day, part.last_day, out=head.last_day)
        np.maximum(head.last_day_previous, part.last_day_previous, out=head.last_day_previous)
        np.minimum(head.first_day, part.first_day, out=head.first_day)
    return head


@dataclass(frozen=True, slots=True)
class _Sums:
    """Per (client, bucket), shape (n, len(bounds) - 1): bucket j holds the days in
    (bounds[j], bounds[j + 1]]."""

    counts: np.ndarray  # purchases
    money: np.ndarray  # net amount
    margin: np.ndarray | None


def _window_sums(orders: OrderColumns, n: int, bounds: list[int]) -> _Sums:
    """Purchases, amounts and margins per client and bucket. Only rows inside the widest
    window count, so they are picked once (most orders are older) and the three sums
    scatter over those rows alone."""
    width = len(bounds) - 1
    day = orders.day
    rows = np.flatnonzero((day > bounds[0]) & (day <= bounds[-1]) & (orders.pos < n))
    day = day[rows]
    bucket = np.zeros(len(rows), dtype=np.int32)
    for edge in bounds[1:-1]:
        bucket += day > edge
    # client-major: a client's buckets are adjacent, one cache line per scattered row
    key = orders.pos[rows]
    key *= np.int32(width)
    key += bucket
    amount = orders.amount[rows]
    # same-dtype operands keep ufunc.at on its fast path
    counts = np.zeros(n * width, dtype=np.int32)
    np.add.at(counts, key, (amount > 0).astype(np.int32))
    money = np.zeros(n * width, dtype=np.int64)
    np.add.at(money, key, amount)
    margin = None
    if orders.margin is not None:
        margin_sums = np.zeros(n * width, dtype=np.int64)
        np.add.at(margin_sums, key, orders.margin[rows])
        margin = margin_sums.reshape(n, width)
    return _Sums(counts.reshape(n, width), money.reshape(n, width), margin)


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
    """The per-client facts in two independent passes: the purchase days over every row
    (in row slices) and the window sums over the rows of the widest window, side by side
    in threads when the orders are many. Rows after ``as_of`` never count."""
    previous = as_of - period_days
    bounds = sorted(
        {as_of - frequency_days, previous - frequency_days, as_of - window_days, previous, as_of}
    )
    slices = _slices(len(orders.day), 3 * (n + 1))
    if len(slices) == 1:
        days = _purchase_days(orders, slices[0], n, as_of, previous)
        sums = _window_sums(orders, n, bounds)
    else:
        with ThreadPoolExecutor(len(slices)) as pool:
            pending = pool.submit(_window_sums, orders, n, bounds)
            days = _merge_days(
                list(pool.map(lambda r: _purchase_days(orders, r, n, as_of, previous), slices))
            )
            sums = pending.result()
    if sums.margin is not None:
        margin_window = _window(sums.margin, bounds, as_of - window_days, as_of)
    else:
        margin_window = np.zeros(n, dtype=np.int64)
    return OrderFacts(
        last_day=days.last_day[:n],
        last_day_previous=days.last_day_previous[:n],
        first_day=days.first_day[:n],
        frequency=_window(sums.counts, bounds, as_of - frequency_days, as_of),
        frequency_previous=_window(sums.counts, bounds, previous - frequency_days, previous),
        purchases_period=_window(sums.counts, bounds, previous, as_of),
        revenue_window=_window(sums.money, bounds, as_of - window_days, as_of),
        margin_window=margin_window,
        revenue_period=_window(sums.money, bounds, previous, as_of),
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
