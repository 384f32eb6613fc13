"""How often to contact a client: on its purchase rhythm (every that many days, within the
rules' bounds, ``AgendaRules``) and, when its sell-out is imported, before its shelf runs
out (days of cover = stock on hand / average daily sell-out)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass


def rhythm_cadence(rhythm_days: float | None, *, low: int, high: int) -> int | None:
    """``rhythm_days`` (the median gap between purchase days, possibly a half day) rounded
    half up to whole days and kept within [``low``, ``high``]; None without a rhythm."""
    if rhythm_days is None:
        return None
    return min(max(math.floor(rhythm_days + 0.5), low), high)


# The sell-out of the last this many days (to the stock's date) gives the average day.
COVER_WINDOW_DAYS = 28


@dataclass(frozen=True)
class Cover:
    """How long a product's stock on the client's shelf lasts at its recent sell-out."""

    product: str  # "" for the client's whole line
    stock: float  # on hand on ``as_of``, in the unit of ``daily``
    daily: float  # the average sell-out a day over the window (units, else money)
    as_of: dt.date  # the stock's date
    in_units: bool  # False: stock and sell-out in money (the file gave no quantity)

    @property
    def days(self) -> float:
        return self.stock / self.daily

    @property
    def whole_days(self) -> int:
        """The whole days the stock lasts from ``as_of``."""
        return math.floor(self.days)

    @property
    def runs_out(self) -> dt.date:
        return self.as_of + dt.timedelta(days=self.whole_days)


# One sell-out row: (date, product, quantity sold, value sold, stock on hand).
SellOutRow = tuple[dt.date, str, float | None, float | None, float | None]


def stock_cover(rows: Iterable[SellOutRow], *, window: int = COVER_WINDOW_DAYS) -> Cover | None:
    """The product whose shelf runs out first: for each product, its latest stock on hand
    divided by its average daily sell-out (the sold total over the days reported in the
    ``window`` days to that date, first report to the stock's date, both included), in
    units when the product's rows give quantities, else in money. None when no product
    has both a stock and a sell-out."""
    by_product: dict[str, list[SellOutRow]] = {}
    for row in rows:
        by_product.setdefault(row[1], []).append(row)
    covers = [
        cover for product, own in by_product.items() if (cover := _cover(product, own, window))
    ]
    return min(covers, key=lambda c: (c.runs_out, c.days, c.product), default=None)


def _cover(product: str, rows: list[SellOutRow], window: int) -> Cover | None:
    stocked = [(day, stock) for day, _p, _q, _v, stock in rows if stock is not None]
    if not stocked:
        return None
    as_of, stock = max(stocked, key=lambda row: row[0])
    in_units = any(quantity is not None for _d, _p, quantity, _v, _s in rows)
    since = as_of - dt.timedelta(days=window)
    recent = [
        (day, quantity if in_units else value)
        for day, _p, quantity, value, _s in rows
        if since < day <= as_of and (quantity if in_units else value) is not None
    ]
    if not recent:
        return None
    span = (as_of - min(day for day, _sold in recent)).days + 1
    daily = sum(float(sold or 0) for _day, sold in recent) / span
    if daily <= 0:
        return None
    return Cover(product, float(stock), daily, as_of, in_units)


def brought_forward(due: dt.date, cover: Cover | None, *, today: dt.date,
                    lead_days: int) -> dt.date | None:  # fmt: skip
    """The day the next contact should be due instead of ``due`` so the seller arrives
    ``lead_days`` before the shelf runs out (an order takes time to arrive); None when
    ``due`` is early enough already (or there is no cover)."""
    if cover is None:
        return None
    target = max(cover.runs_out - dt.timedelta(days=lead_days), today)
    return target if due > target else None
