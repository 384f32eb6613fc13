"""Each client's story: when it started buying, how often, how much, and whether it
stopped (and came back). Everything is a numpy array with one entry per client.

Clients are dealt into stories by shares, so every lifecycle status appears today in
realistic proportions, even for a small demo. Days are integers since 1970-01-01.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from carteira_core.demo.vocabulary import SEGMENTS

HISTORY_DAYS = 800  # a little more than two years of orders

# story code: (name, share of clients)
PROSPECT, NEW, STEADY_OLD, STEADY_ACQUIRED, CHURN_PRE, CHURN_RECENT, CHURN_OLD, BACK = range(8)
STORIES = {
    PROSPECT: ("prospect", 0.07),
    NEW: ("new", 0.015),
    CHURN_PRE: ("stopped 91-180 days ago", 0.05),
    CHURN_RECENT: ("stopped 181-210 days ago", 0.02),
    CHURN_OLD: ("stopped more than 210 days ago", 0.19),
    BACK: ("stopped long ago, came back this month", 0.01),
    STEADY_ACQUIRED: ("first bought during the history", 0.15),
    STEADY_OLD: ("buying since before the history", 0.0),  # the rest
}
CHURNED = (CHURN_PRE, CHURN_RECENT, CHURN_OLD, BACK)


@dataclass(frozen=True)
class Profiles:
    story: np.ndarray  # int8 story code
    size: np.ndarray  # relative size (1 = the segment's median client)
    first_day: np.ndarray  # first order (only meaningful for buyers)
    last_day: np.ndarray  # last regular order allowed (inclusive)
    stop_day: np.ndarray  # churners: an explicit order on that day; -1 otherwise
    gap: np.ndarray  # median days between orders
    ticket_cents: np.ndarray  # median order amount
    margin_rate: np.ndarray
    created_day: np.ndarray

    @property
    def buyer(self) -> np.ndarray:
        return self.story != PROSPECT


def deal_stories(rng: np.random.Generator, n: int) -> np.ndarray:
    """Shares become exact counts (at least one each when n allows), dealt at random."""
    story = np.full(n, STEADY_OLD, dtype=np.int8)
    order = rng.permutation(n)
    start = 0
    for code, (_, share) in STORIES.items():
        if share == 0:
            continue
        count = max(1, round(share * n)) if n >= 50 else round(share * n)
        story[order[start : start + count]] = code
        start += count
    return story


def _uniform_days(rng: np.random.Generator, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """An integer day in [low, high] per element (high >= low)."""
    return low + np.floor(rng.random(len(low)) * (high - low + 1)).astype(np.int64)


def make_profiles(rng: np.random.Generator, segment: np.ndarray, today: int) -> Profiles:
    n = len(segment)
    story = deal_stories(rng, n)
    specs = list(SEGMENTS.values())
    base_ticket = np.array([s[1] for s in specs])[segment]
    base_gap = np.array([s[2] for s in specs])[segment]
    base_margin = np.array([s[3] for s in specs])[segment]

    # Client size: lognormal, so revenue concentrates (ABC comes out Pareto-like).
    size = rng.lognormal(0.0, 0.85, n)
    at_risk = np.isin(story, (CHURN_PRE, CHURN_RECENT)) & (rng.random(n) < 0.2)
    size = np.where(at_risk, size * 4, size)  # some big clients at risk
    gap = np.clip(base_gap * size**-0.25 * rng.lognormal(0.0, 0.55, n), 5, 95)
    ticket = np.round(base_ticket * size * 100).astype(np.int64)
    margin = np.clip(base_margin + rng.normal(0, 0.03, n), 0.08, 0.30)

    history_start = today - HISTORY_DAYS
    ones = np.ones(n, dtype=np.int64)
    # Churners: the day of the last purchase, by how long ago it should be today.
    ago = np.select(
        [story == CHURN_PRE, story == CHURN_RECENT, np.isin(story, (CHURN_OLD, BACK))],
        [
            _uniform_days(rng, 91 * ones, 180 * ones),
            _uniform_days(rng, 181 * ones, 209 * ones),
            _uniform_days(rng, 240 * ones, (HISTORY_DAYS - 60) * ones),
        ],
        default=-1,
    )
    stop_day = np.where(ago >= 0, today - ago, -1)

    old_start = history_start - _uniform_days(rng, 0 * ones, 2500 * ones)
    acquired_start = _uniform_days(rng, history_start * ones, (today - 31) * ones)
    # A churner may have been acquired during the history, if it had time to buy.
    churner_acquired = (ago >= 0) & (rng.random(n) < 0.3)
    churner_start = np.where(
        churner_acquired,
        _uniform_days(rng, history_start * ones, np.maximum(history_start, stop_day - 90)),
        old_start,
    )
    first_day = np.select(
        [story == NEW, story == STEADY_ACQUIRED, ago >= 0],
        [_uniform_days(rng, (today - 29) * ones, today * ones), acquired_start, churner_start],
        default=old_start,
    )
    last_day = np.where(ago >= 0, stop_day - 1, today)
    created_day = np.where(
        story == PROSPECT,
        today - _uniform_days(rng, 0 * ones, 400 * ones),
        first_day - _uniform_days(rng, 0 * ones, 60 * ones),
    )
    return Profiles(
        story=story,
        size=size,
        first_day=first_day,
        last_day=last_day,
        stop_day=stop_day,
        gap=gap,
        ticket_cents=ticket,
        margin_rate=margin,
        created_day=created_day,
    )
