"""How often to contact a client that buys on a rhythm: every that many days, within the
rules' bounds (``AgendaRules``), so the seller arrives before the shelf runs out."""

from __future__ import annotations

import math


def rhythm_cadence(rhythm_days: float | None, *, low: int, high: int) -> int | None:
    """``rhythm_days`` (the median gap between purchase days, possibly a half day) rounded
    half up to whole days and kept within [``low``, ``high``]; None without a rhythm."""
    if rhythm_days is None:
        return None
    return min(max(math.floor(rhythm_days + 0.5), low), high)
