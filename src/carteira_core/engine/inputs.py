"""The engine's input contract: Polars frames with fixed column names and types."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import polars as pl

__all__ = [
    "ASSIGNMENT_SCHEMA",
    "CLIENT_SCHEMA",
    "INTERACTION_OPTIONAL",
    "INTERACTION_SCHEMA",
    "ORDER_SCHEMA",
    "SELLER_SCHEMA",
    "SPEND_SCHEMA",
    "ClientPositions",
    "PortfolioInput",
    "day_number",
]

CLIENT_SCHEMA = {
    "client_id": pl.Int64,
    "external_id": pl.Utf8,
    "name": pl.Utf8,
    "segment": pl.Utf8,
    "region": pl.Utf8,
    "created_date": pl.Date,
}
ASSIGNMENT_SCHEMA = {
    "client_id": pl.Int64,
    "seller_id": pl.Int64,
    "start_date": pl.Date,
    "end_date": pl.Date,
}
SELLER_SCHEMA = {
    "seller_id": pl.Int64,
    "external_id": pl.Utf8,
    "name": pl.Utf8,
    "team_id": pl.Int64,
    "team": pl.Utf8,
}
ORDER_SCHEMA = {
    "client_id": pl.Int64,
    "date": pl.Date,
    "amount_cents": pl.Int64,
    "margin_cents": pl.Int64,
    "cancelled": pl.Boolean,
}
INTERACTION_SCHEMA = {"client_id": pl.Int64, "date": pl.Date, "successful": pl.Boolean}
# May be left out (then false): a visit none of whose check-ins was verified (or that has
# none), which coverage leaves out when ``indicators.verified_visits_only`` says so.
INTERACTION_OPTIONAL = {"unverified_visit": pl.Boolean}
SPEND_SCHEMA = {"date": pl.Date, "amount_cents": pl.Int64}

_EPOCH = date(1970, 1, 1)


def day_number(day: date) -> int:
    """Days since 1970-01-01: the physical value of a Polars/Arrow ``Date``."""
    return (day - _EPOCH).days


def _as_frame(
    name: str, data: Any, schema: Mapping[str, pl.DataType | type[pl.DataType]]
) -> pl.DataFrame:
    frame = data if isinstance(data, pl.DataFrame) else pl.from_arrow(data)
    if not isinstance(frame, pl.DataFrame):
        raise TypeError(f"{name} must be a Polars DataFrame or an Arrow table")
    missing = [column for column in schema if column not in frame.columns]
    if missing:
        raise ValueError(f"{name} lacks column(s): {', '.join(missing)}")
    casts = [
        pl.col(column).cast(dtype)
        for column, dtype in schema.items()
        if frame.schema[column] != dtype
    ]
    frame = frame.select(list(schema))
    return frame.with_columns(casts) if casts else frame


def _optional(data: Any, schema: Mapping[str, pl.DataType | type[pl.DataType]]) -> list:
    """The optional columns of ``data`` typed, each false where it is absent."""
    columns = data.columns if isinstance(data, pl.DataFrame) else data.column_names
    return [
        pl.Series(name, data[name]).cast(dtype).fill_null(False)
        if name in columns
        else pl.lit(False, dtype=dtype).alias(name)
        for name, dtype in schema.items()
    ]


@dataclass(frozen=True, slots=True)
class PortfolioInput:
    """Everything a reading needs. Arrow tables are accepted and converted to Polars.

    Orders and interactions of client ids absent from ``clients`` are ignored; a null
    ``margin_cents`` counts as 0 and a null ``cancelled`` as not cancelled.
    """

    clients: pl.DataFrame
    assignments: pl.DataFrame
    sellers: pl.DataFrame
    orders: pl.DataFrame
    interactions: pl.DataFrame
    spend: pl.DataFrame | None = None
    # numpy columns derived from the frames, shared by readings at several dates
    cache: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for name, schema in (
            ("clients", CLIENT_SCHEMA),
            ("assignments", ASSIGNMENT_SCHEMA),
            ("sellers", SELLER_SCHEMA),
            ("orders", ORDER_SCHEMA),
            ("interactions", INTERACTION_SCHEMA),
            ("spend", SPEND_SCHEMA),
        ):
            value = getattr(self, name)
            if value is None and name == "spend":
                continue
            frame = _as_frame(name, value, schema)
            if name == "interactions":
                frame = frame.with_columns(_optional(value, INTERACTION_OPTIONAL))
            object.__setattr__(self, name, frame)
        ids = self.clients["client_id"]
        if ids.null_count() or ids.n_unique() != ids.len():
            raise ValueError("clients.client_id must be unique and not null")

    @classmethod
    def empty(cls) -> PortfolioInput:
        """Inputs with no rows (a starting point for tests and demos)."""
        return cls(
            clients=pl.DataFrame(schema=CLIENT_SCHEMA),
            assignments=pl.DataFrame(schema=ASSIGNMENT_SCHEMA),
            sellers=pl.DataFrame(schema=SELLER_SCHEMA),
            orders=pl.DataFrame(schema=ORDER_SCHEMA),
            interactions=pl.DataFrame(schema=INTERACTION_SCHEMA),
        )


class ClientPositions:
    """Maps client ids to dense positions (rows in ``clients``); ``n`` (one past the last
    row: an overflow slot the kernels ignore) for ids that are not clients. Built once per
    reading, then applied to the orders block by block."""

    def __init__(self, client_ids: np.ndarray) -> None:
        self.n = n = len(client_ids)
        self._offset = 0
        self._table: np.ndarray | None = None
        self._order: np.ndarray | None = None
        self._sorted: np.ndarray | None = None
        if n == 0:
            return
        low, high = int(client_ids.min()), int(client_ids.max())
        if high - low <= 4 * n + 1024 and -(2**62) < low <= high < 2**62:
            # a lookup table is one gather: much faster than a binary search per order. Its
            # first and last slots are not clients: ids outside [low, high] clip onto them
            # (with |offset| < 2**62, an id whose ``wanted - offset`` wraps lands at least
            # 2**62 past the other end, clipped too); ids from 1, the usual case, index it
            # as they are
            self._offset = offset = low - 1
            table = np.full(high - offset + 2, n, dtype=np.int32)
            table[client_ids - offset] = np.arange(n, dtype=np.int32)
            self._table = table
            return
        self._order = np.argsort(client_ids, kind="stable")
        self._sorted = client_ids[self._order]

    def __call__(self, wanted: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """Positions of ``wanted`` (int32), written into ``out`` when given."""
        if out is None:
            out = np.empty(len(wanted), dtype=np.int32)
        if self.n == 0:
            out[...] = 0
        elif self._table is not None:
            index = wanted - self._offset if self._offset else wanted
            np.take(self._table, index, mode="clip", out=out)
        else:
            assert self._order is not None and self._sorted is not None
            at = np.minimum(np.searchsorted(self._sorted, wanted), self.n - 1)
            found = self._sorted[at] == wanted
            out[...] = np.where(found, self._order[at], self.n)
        return out


def client_positions(client_ids: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Dense position (row in ``clients``) of every id in ``wanted``; ``len(client_ids)``
    for ids that are not clients (an overflow slot the kernels ignore)."""
    return ClientPositions(client_ids)(wanted)
