"""Order history, vectorised: no Python loop over clients or orders.

Each client's orders are a renewal process (gamma gaps around its own rhythm), thinned
by a seasonal acceptance (December up, February down), cut at the client's last day.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from carteira_core.demo.profile import BACK, HISTORY_DAYS, NEW, STEADY_ACQUIRED, Profiles

# Relative demand per month (January first): Carnival February down, Christmas up.
SEASON = np.array([0.92, 0.78, 0.97, 0.98, 1.0, 0.97, 0.96, 1.0, 0.99, 1.03, 1.08, 1.28])
GAP_SHAPE = 2.0  # gamma shape of the gaps between orders: fairly regular buyers
CANCELLED_SHARE = 0.015
RETURN_SHARE = 0.01


@dataclass(frozen=True)
class Ownership:
    """Who owned each client when: ``first`` until ``change_day`` (exclusive), then
    ``current``. ``change_day`` is a large number where the owner never changed."""

    first: np.ndarray
    current: np.ndarray
    change_day: np.ndarray

    def seller_at(self, client: np.ndarray, day: np.ndarray) -> np.ndarray:
        return np.where(day < self.change_day[client], self.first[client], self.current[client])


def month_of(day: np.ndarray) -> np.ndarray:
    """0-11 for days since 1970-01-01."""
    return day.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64) % 12


def _segment_offsets(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(owner index per element, position within its owner) for a flat array of groups."""
    owner = np.repeat(np.arange(len(counts)), counts)
    starts = np.cumsum(counts) - counts
    return owner, np.arange(counts.sum()) - starts[owner]


def _regular_orders(
    rng: np.random.Generator, p: Profiles, today: int
) -> tuple[np.ndarray, np.ndarray]:
    """(client, day) of every regular order."""
    buyers = np.flatnonzero(p.buyer)
    acceptance = SEASON / SEASON.max()
    gap = p.gap[buyers] * acceptance.mean()
    history_start = today - HISTORY_DAYS
    # Clients older than the history start at a random phase of their rhythm; the
    # others buy on their first day.
    starts_inside = np.isin(p.story[buyers], (NEW, STEADY_ACQUIRED)) | (
        p.first_day[buyers] >= history_start
    )
    begin = np.where(starts_inside, p.first_day[buyers], history_start)
    span = np.maximum(0, p.last_day[buyers] - begin)
    draws = np.ceil(span / gap * 1.4 + 4).astype(np.int64)

    owner, position = _segment_offsets(draws)
    gaps = rng.gamma(GAP_SHAPE, 1.0, size=len(owner)) * (gap / GAP_SHAPE)[owner]
    first = position == 0
    gaps[first] = np.where(starts_inside[owner[first]], 0.0, rng.random(first.sum()) * gap)
    elapsed = np.cumsum(gaps)
    elapsed -= np.repeat(elapsed[np.cumsum(draws) - draws] - gaps[first], draws)
    day = begin[owner] + np.floor(elapsed).astype(np.int64)
    keep = day <= p.last_day[buyers][owner]
    # Seasonal thinning; a client's first order always stays (it makes it a client).
    keep &= first | (rng.random(len(day)) < acceptance[month_of(day)])
    return buyers[owner[keep]], day[keep]


def _comebacks(rng: np.random.Generator, p: Profiles, today: int) -> tuple[np.ndarray, ...]:
    """Churners' explicit last order, and the returning clients' orders this month."""
    churners = np.flatnonzero(p.stop_day >= 0)
    back = np.flatnonzero(p.story == BACK)
    back = np.repeat(back, rng.integers(1, 3, size=len(back)))
    client = np.concatenate([churners, back])
    day = np.concatenate([p.stop_day[churners], today - rng.integers(0, 30, size=len(back))])
    return client, day


def make_orders(
    rng: np.random.Generator, p: Profiles, owners: Ownership, today: int
) -> pl.DataFrame:
    regular_client, regular_day = _regular_orders(rng, p, today)
    extra_client, extra_day = _comebacks(rng, p, today)
    client = np.concatenate([regular_client, extra_client])
    day = np.concatenate([regular_day, extra_day])
    regular = np.arange(len(client)) < len(regular_client)

    n = len(client)
    season = 0.85 + 0.15 * SEASON[month_of(day)] / SEASON.mean()
    amount = np.round(p.ticket_cents[client] * rng.lognormal(0, 0.35, n) * season).astype(np.int64)
    amount = np.maximum(amount, 1500)
    rate = np.clip(p.margin_rate[client] + rng.normal(0, 0.02, n), 0.08, 0.30)
    margin = np.round(amount * rate).astype(np.int64)
    # Cancel some regular orders that are not a client's first (keeps clients clients).
    first_of_client = np.zeros(n, dtype=bool)
    order = np.lexsort((day, client))
    first_of_client[order[np.r_[True, client[order][1:] != client[order][:-1]]]] = True
    cancelled = regular & ~first_of_client & (rng.random(n) < CANCELLED_SHARE)

    # Returns: a credit note a few days after a valid order, for part of it.
    source = np.flatnonzero(~cancelled & (rng.random(n) < RETURN_SHARE))
    fraction = rng.uniform(0.05, 0.4, len(source))
    ret_day = np.minimum(today, day[source] + rng.integers(2, 21, len(source)))

    client = np.concatenate([client, client[source]])
    day = np.concatenate([day, ret_day])
    amount = np.concatenate([amount, -np.round(amount[source] * fraction).astype(np.int64)])
    margin = np.concatenate([margin, -np.round(margin[source] * fraction).astype(np.int64)])
    status = np.concatenate([np.where(cancelled, 1, 0), np.zeros(len(source), dtype=np.int64)])

    order = np.lexsort((client, day))
    frame = pl.DataFrame(
        {
            "client_idx": client[order].astype(np.int32),
            "seller_idx": owners.seller_at(client[order], day[order]).astype(np.int32),
            "date": pl.Series(day[order].astype(np.int32)).cast(pl.Date),
            "amount_cents": amount[order],
            "margin_cents": margin[order],
            "status": pl.Series(status[order]).replace_strict(
                {0: "valid", 1: "cancelled"}, return_dtype=pl.String
            ),
        }
    )
    number = pl.int_range(1, pl.len() + 1, dtype=pl.Int64).cast(pl.String).str.zfill(8)
    return frame.select((pl.lit("PED-") + number).alias("external_id"), pl.all())
