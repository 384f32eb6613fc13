"""The order columns as blocks of numpy views over the frame's own memory.

A reader (Parquet, Arrow, the database's ADBC batches) hands the orders over in tens of
chunks. Copying each column into one numpy array, then masking and rewriting it, touched
some 340 MB of fresh memory at 10M orders, and those first touches (page faults) were
half the compute's CPU time. The kernels read the orders a block at a time instead: every
block is a row range inside one chunk of every column, so its columns are views (no
copy); only what must change is copied, one block at a time (nulls filled, Arrow's packed
booleans unpacked), and the kernels' temporaries are block-sized buffers reused from
block to block, warm in the cache.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import accumulate, pairwise

import numpy as np
import polars as pl

from carteira_core.engine.inputs import ClientPositions

__all__ = [
    "BLOCK_ROWS",
    "FAR_DAY",
    "NO_DAY",
    "OrderBlock",
    "OrderColumns",
    "order_blocks",
    "order_columns",
]

NO_DAY = np.iinfo(np.int32).min
FAR_DAY = np.iinfo(np.int32).max
# 64k rows: a block's int64 column is 512 KB, its int32 temporaries 256 KB
BLOCK_ROWS = 1 << 16


@dataclass(frozen=True, slots=True)
class OrderBlock:
    """One row range of the orders. A row counts only where ``kept`` (not cancelled, its
    client and amount known); a null date is ``FAR_DAY``, later than any reading."""

    client_id: np.ndarray  # int64 (0 where null: never counted, ``kept`` is false)
    day: np.ndarray  # int32 day number
    amount: np.ndarray  # int64 cents (0 where null)
    margin: np.ndarray | None  # int64 cents, 0 where null; None when every margin is null
    kept: np.ndarray | None  # bool; None when every row is kept

    def __len__(self) -> int:
        return len(self.day)


_COLUMNS = ("client_id", "date", "amount_cents", "margin_cents", "cancelled")


def _cuts(columns: dict[str, pl.Series], height: int, block_rows: int) -> list[int]:
    """Row offsets where a block starts: every column's chunk boundary, and no block
    longer than ``block_rows``."""
    bounds = {0, height}
    for series in columns.values():
        bounds.update(accumulate(series.chunk_lengths()))
    ordered = sorted(bounds)
    cuts: list[int] = []
    for start, end in pairwise(ordered):
        cuts.extend(range(start, end, block_rows))
    return [*cuts, height]


def _values(series: pl.Series, null: int) -> np.ndarray:
    """The block's values: a view where it has no null, else a filled copy."""
    if series.null_count():
        series = series.fill_null(null)
    return series.to_numpy()


def _block(
    columns: dict[str, pl.Series],
    start: int,
    rows: int,
    *,
    with_margin: bool,
    any_cancelled: bool,
    any_null: bool,
) -> OrderBlock:
    # each column sliced on its own: a frame's slice may realign (copy) the chunks
    ids = columns["client_id"].slice(start, rows)
    amount = columns["amount_cents"].slice(start, rows)
    kept = None
    if any_null or any_cancelled:
        dropped = None
        if any_cancelled:
            dropped = columns["cancelled"].slice(start, rows).fill_null(False)
        for series in (ids, amount):
            if series.null_count():
                missing = series.is_null()
                dropped = missing if dropped is None else dropped | missing
        if dropped is not None:
            kept = (~dropped).to_numpy()
    margin = columns["margin_cents"].slice(start, rows) if with_margin else None
    return OrderBlock(
        client_id=_values(ids, 0),
        day=_values(columns["date"].slice(start, rows).to_physical(), FAR_DAY),
        amount=_values(amount, 0),
        margin=None if margin is None else _values(margin, 0),
        kept=kept,
    )


def order_blocks(orders: pl.DataFrame, block_rows: int | None = None) -> list[OrderBlock]:
    """The orders (``ORDER_SCHEMA``) as blocks of at most ``block_rows`` rows
    (``BLOCK_ROWS`` unless given)."""
    columns = {name: orders.get_column(name) for name in _COLUMNS}
    margin = columns["margin_cents"]
    with_margin = margin.null_count() < margin.len()
    any_cancelled = bool(columns["cancelled"].any())
    any_null = bool(columns["client_id"].null_count() or columns["amount_cents"].null_count())
    cuts = _cuts(columns, orders.height, block_rows or BLOCK_ROWS)
    flags = {"with_margin": with_margin, "any_cancelled": any_cancelled, "any_null": any_null}
    return [_block(columns, start, end - start, **flags) for start, end in pairwise(cuts)]


def _concatenated(arrays: Iterable[np.ndarray], dtype: type) -> np.ndarray:
    """One array of the parts; a lone part as it is (a read-only view, never copied)."""
    parts = list(arrays)
    if len(parts) == 1:
        return parts[0]
    return np.concatenate(parts) if parts else np.zeros(0, dtype=dtype)


@dataclass(frozen=True, slots=True)
class OrderColumns:
    """The orders as whole numpy columns (for the kernels that sort them: cycle mode, the
    purchase history); rows that never count point at the overflow slot ``n``."""

    pos: np.ndarray  # int32 client position; n for rows that never count
    day: np.ndarray  # int32 day number
    amount: np.ndarray  # int64 cents
    margin: np.ndarray | None  # int64 cents, None when every margin is null


def _positions_kept(block: OrderBlock, positions: ClientPositions) -> np.ndarray:
    pos = positions(block.client_id)
    if block.kept is not None:
        pos[~block.kept] = positions.n
    return pos


def order_columns(blocks: list[OrderBlock], positions: ClientPositions) -> OrderColumns:
    """The blocks joined into whole columns."""
    pos = _concatenated((_positions_kept(b, positions) for b in blocks), np.int32)
    margin = None
    if blocks and blocks[0].margin is not None:
        margin = _concatenated((b.margin for b in blocks if b.margin is not None), np.int64)
    return OrderColumns(
        pos=pos,
        day=_concatenated((b.day for b in blocks), np.int32),
        amount=_concatenated((b.amount for b in blocks), np.int64),
        margin=margin,
    )
