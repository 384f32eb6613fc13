"""Vectorised classification: lifecycle status, cycle thresholds, ABC class, RFM scores.

RFM: over every non-prospect client of the workspace, R scores recency (fewer days since
the last purchase score higher), F the purchases in the frequency window, M the net revenue
in the ABC window; each 1–5 by ``quintile_scores`` (equal values share a score).
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

import numpy as np

from carteira_core.engine.kernels import NO_DAY
from carteira_core.rules import AbcRules, LifecycleRules

STATUSES = ("prospect", "active", "pre_inactive", "inactivated", "inactive")
PROSPECT, ACTIVE, PRE_INACTIVE, INACTIVATED, INACTIVE = range(5)
ABC_CLASSES = ("A", "B", "C")


def cycle_thresholds(
    median_gap_twice: np.ndarray, rules: LifecycleRules
) -> tuple[np.ndarray, np.ndarray]:
    """Active and inactive thresholds per client (see the cycle mode text in ``rules``)."""
    known = median_gap_twice >= 0
    active = np.full(len(median_gap_twice), rules.active_days, dtype=np.int64)
    inactive = np.full(len(median_gap_twice), rules.inactive_days, dtype=np.int64)
    g2 = median_gap_twice[known]
    a = Fraction(rules.cycle_active_factor)
    i = Fraction(rules.cycle_inactive_factor)
    # ceil(factor * g2 / 2) in integers: -((-p * g2) // (2 q))
    active_known = -((-a.numerator * g2) // (2 * a.denominator))
    active_known = np.clip(active_known, rules.cycle_floor_days, rules.active_days)
    inactive_known = -((-i.numerator * g2) // (2 * i.denominator))
    inactive_known = np.minimum(np.maximum(inactive_known, active_known), rules.inactive_days)
    active[known] = active_known
    inactive[known] = inactive_known
    return active, inactive


def lifecycle_status(
    last_day: np.ndarray,
    frequency: np.ndarray,
    as_of: int,
    active_days: np.ndarray | int,
    inactive_days: np.ndarray | int,
    rules: LifecycleRules,
) -> np.ndarray:
    """Status code (index into ``STATUSES``) per client; the first matching rule wins."""
    d = as_of - last_day.astype(np.int64)
    status = np.full(len(last_day), INACTIVE, dtype=np.int8)
    status[d <= inactive_days + rules.period_days] = INACTIVATED
    status[d <= inactive_days] = PRE_INACTIVE
    status[(d <= active_days) & (frequency >= rules.min_purchases)] = ACTIVE
    status[last_day == NO_DAY] = PROSPECT
    return status


def _less_than(left: np.ndarray, share: Fraction, total: int) -> np.ndarray:
    """``left / total < share`` exactly, i.e. ``left * q < p * total``."""
    p, q = share.numerator, share.denominator
    bound = max(int(np.abs(left).max(initial=0)) * q, abs(total) * p)
    if bound < 2**62:
        return left * q < p * total
    return np.array([int(x) * q < p * total for x in left], dtype=bool)  # pragma: no cover


def abc_classes(
    basis: np.ndarray,
    eligible: np.ndarray,
    tie_rank: Callable[[np.ndarray], np.ndarray] | None,
    rules: AbcRules,
) -> np.ndarray:
    """ABC code per client: 0=A, 1=B, 2=C, -1 for clients without class (prospects).

    Ranking by basis descending, ties by external_id ascending: ``tie_rank(positions)``
    gives the external_id order of those clients, and is only asked for tied clients;
    ``None`` when positions already follow the external_id order (clients sorted by it).
    Only clients with a positive basis can be A or B, so only they are ranked.
    """
    result = np.where(eligible, 2, -1).astype(np.int8)
    ranked = np.flatnonzero(eligible & (basis > 0))
    if len(ranked) == 0:
        return result
    order = ranked[np.argsort(-basis[ranked], kind="stable")]
    if tie_rank is None:
        return _classify_ranked(result, basis, order, rules)
    sorted_basis = basis[order]
    equal_next = sorted_basis[1:] == sorted_basis[:-1]
    if tie_rank is not None and equal_next.any():
        tied = np.zeros(len(order), dtype=bool)
        tied[1:] |= equal_next
        tied[:-1] |= equal_next
        tie_order = np.zeros(len(order), dtype=np.int64)
        tie_order[tied] = tie_rank(order[tied])
        order = order[np.lexsort((tie_order, -sorted_basis))]
    return _classify_ranked(result, basis, order, rules)


def _classify_ranked(
    result: np.ndarray, basis: np.ndarray, order: np.ndarray, rules: AbcRules
) -> np.ndarray:
    values = basis[order]
    total = int(values.sum())
    before = np.cumsum(values) - values
    a_share = Fraction(rules.a_share)
    in_a = _less_than(before, a_share, total)
    in_b = _less_than(before, a_share + Fraction(rules.b_share), total)
    result[order] = np.where(in_a, 0, np.where(in_b, 1, 2))
    return result


def quintile_scores(values: np.ndarray, eligible: np.ndarray) -> np.ndarray:
    """1–5 score per client, 0 where not eligible; higher values score higher.

    With ``n`` eligible clients and ``k`` of them having a strictly lower value,
    score = 1 + floor(5 k / n): equal values always share a score (the lowest their
    rank allows), so the score never depends on row order.
    """
    scores = np.zeros(len(values), dtype=np.int8)
    population = values[eligible]
    n = len(population)
    if n == 0:
        return scores
    low, high = int(population.min()), int(population.max())
    if high - low <= 4 * n:
        # small integer range (days, purchase counts): count instead of sorting
        shifted = population - low
        histogram = np.bincount(shifted, minlength=high - low + 1)
        below = (np.cumsum(histogram) - histogram)[shifted]
    else:
        below = np.searchsorted(np.sort(population), population, side="left")
    scores[eligible] = 1 + (5 * below) // n
    return scores
