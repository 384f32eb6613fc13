"""Set-based numpy kernels: per-client facts from the order and interaction columns.

Clients are dense positions ``0..n-1`` (their row in ``clients``) plus one overflow slot
``n`` for rows of unknown clients and orders that never count; rows after ``T`` are left
out by the kernels themselves. Dates are int32 day numbers. The orders come as blocks of
views over the frame's own memory (``blocks``): no whole-column copy, and each kernel's
temporaries are block-sized buffers reused from block to block. The order facts are two
independent passes over the blocks, run side by side in threads on large inputs:

- the purchase days over every row: one ``np.maximum.at`` into two slots per client (up to
  the eve of the period, after it) gives both last purchase days, one ``np.minimum.at``
  the first;
- the window sums over the rows of the widest window only (most orders are older; they
  are picked block by block): purchases, net amount and margin per (client, day bucket)
  by ``np.add.at`` (exact int64), the buckets cut at every window edge, each window then a
  sum of adjacent buckets.

``ufunc.at`` scatters at about the cost of a sorted ``reduceat`` (numpy >= 2), so the
orders are never sorted: a sort of 10M rows costs more than every pass together.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from carteira_core.engine.blocks import FAR_DAY, NO_DAY, OrderBlock, OrderColumns
from carteira_core.engine.inputs import ClientPositions

__all__ = [
    "FAR_DAY",
    "NO_DAY",
    "OrderColumns",
    "OrderFacts",
    "count_in_period",
    "median_gaps_twice",
    "order_facts",
]


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


def _largest(blocks: Sequence[OrderBlock]) -> int:
    return max((len(block) for block in blocks), default=0)


def _purchase_days(
    blocks: Sequence[OrderBlock], positions: ClientPositions, as_of: int, previous: int
) -> _Days:
    """Last purchase day up to ``T`` and up to the eve ``T0``, first purchase day, per
    client, over some of the blocks (groups of blocks run in parallel threads: numpy
    releases the GIL inside ``ufunc.at``)."""
    n = positions.n
    first_day = np.full(n + 1, FAR_DAY, dtype=np.int32)
    # two slots per client, purchases up to the eve and after it: one pass, both last days
    last = np.full(2 * (n + 1), NO_DAY, dtype=np.int32)
    size = _largest(blocks)
    slots, counted_rows, flag_rows = (
        np.empty(size, dtype=np.int32),
        np.empty(size, dtype=bool),
        np.empty(size, dtype=bool),
    )
    overflow = np.int32(n)
    for block in blocks:
        rows = len(block)
        day = block.day
        slot = positions(block.client_id, out=slots[:rows])
        counted = np.greater(block.amount, 0, out=counted_rows[:rows])
        counted &= np.less_equal(day, as_of, out=flag_rows[:rows])
        if block.kept is not None:
            counted &= block.kept
        np.logical_not(counted, out=counted)
        np.copyto(slot, overflow, where=counted)
        np.minimum.at(first_day, slot, day)
        slot *= np.int32(2)
        slot += np.greater(day, previous, out=flag_rows[:rows])
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


def _window_sums(
    blocks: Sequence[OrderBlock], positions: ClientPositions, bounds: list[int]
) -> _Sums:
    """Purchases, amounts and margins per client and bucket. Only rows inside the widest
    window count, so each block picks them first (most orders are older) and the three
    sums scatter over those rows alone."""
    n, width = positions.n, len(bounds) - 1
    # client-major: a client's buckets are adjacent, one cache line per scattered row;
    # the overflow client's row last
    counts = np.zeros((n + 1) * width, dtype=np.int32)
    money = np.zeros((n + 1) * width, dtype=np.int64)
    with_margin = bool(blocks) and blocks[0].margin is not None
    margin_sums = np.zeros((n + 1) * width, dtype=np.int64) if with_margin else None
    size = _largest(blocks)
    inside_rows, flag_rows = np.empty(size, dtype=bool), np.empty(size, dtype=bool)
    for block in blocks:
        rows = len(block)
        inside = np.greater(block.day, bounds[0], out=inside_rows[:rows])
        inside &= np.less_equal(block.day, bounds[-1], out=flag_rows[:rows])
        if block.kept is not None:
            inside &= block.kept
        picked = np.flatnonzero(inside)
        if not len(picked):
            continue
        day = block.day[picked]
        key = positions(block.client_id[picked])
        key *= np.int32(width)
        for edge in bounds[1:-1]:
            key += day > edge
        amount = block.amount[picked]
        # same-dtype operands keep ufunc.at on its fast path
        np.add.at(counts, key, (amount > 0).astype(np.int32))
        np.add.at(money, key, amount)
        if margin_sums is not None and block.margin is not None:
            np.add.at(margin_sums, key, block.margin[picked])
    margin = None if margin_sums is None else margin_sums.reshape(n + 1, width)[:n]
    return _Sums(counts.reshape(n + 1, width)[:n], money.reshape(n + 1, width)[:n], margin)


_PARALLEL_ROWS = 2_000_000
_ROWS_PER_SLOT = 2


def _groups(blocks: Sequence[OrderBlock], slots: int) -> list[Sequence[OrderBlock]] | None:
    """The blocks in consecutive groups of about equal rows, one per thread of the
    purchase-days pass beside the window sums' thread; None to run both passes in this
    thread. Each group fills its own result arrays: worth it only with many rows per slot,
    and one group per core left by the window sums (on 2 cores one group: two groups
    cost ~0.09 s more CPU at 10M orders for the same wall time)."""
    total = sum(len(block) for block in blocks)
    cores = os.cpu_count() or 1
    if cores < 2 or total < max(_PARALLEL_ROWS, _ROWS_PER_SLOT * slots):
        return None
    count = max(1, min(cores - 1, 3, len(blocks)))
    groups: list[list[OrderBlock]] = [[] for _ in range(count)]
    done = 0
    for block in blocks:
        groups[min(done * count // total, count - 1)].append(block)
        done += len(block)
    return [group for group in groups if group]


def order_facts(
    blocks: Sequence[OrderBlock],
    positions: ClientPositions,
    as_of: int,
    period_days: int,
    frequency_days: int,
    window_days: int,
) -> OrderFacts:
    """The per-client facts in two independent passes over the order blocks: the purchase
    days over every row (in groups of blocks) and the window sums over the rows of the
    widest window, side by side in threads when the orders are many. Rows after ``as_of``
    never count."""
    n = positions.n
    previous = as_of - period_days
    bounds = sorted(
        {as_of - frequency_days, previous - frequency_days, as_of - window_days, previous, as_of}
    )
    groups = _groups(blocks, 3 * (n + 1))
    if groups is None:
        days = _purchase_days(blocks, positions, as_of, previous)
        sums = _window_sums(blocks, positions, bounds)
    else:
        with ThreadPoolExecutor(len(groups) + 1) as pool:
            pending = pool.submit(_window_sums, blocks, positions, bounds)
            days = _merge_days(
                list(pool.map(lambda g: _purchase_days(g, positions, as_of, previous), groups))
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
