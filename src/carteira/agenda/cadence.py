"""The contact cadence from the client's own purchase rhythm (``[agenda] cadence =
"rhythm"``): an active client that buys on a rhythm is contacted every that many days
(the median gap between its purchase days, as cycle mode measures it: the engine's
``purchase_rhythm``), bounded by the rules, instead of its plan cell's frequency. The
action plan asks it per client; the task keeps why in its context, the agenda shows it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from carteira.portfolio.engine_input import load_input
from carteira_core.agenda.cadence import rhythm_cadence
from carteira_core.engine.rhythm import purchase_rhythm
from carteira_core.rules import PortfolioRules

ACTIVE = "active"  # only a client buying on its rhythm keeps it; recovery follows the plan


@dataclass(frozen=True)
class Cadence:
    rhythm_days: float  # the median days between purchase days
    every: int  # contact every this many days (the rhythm within the rules' bounds)
    low: int  # the rules' bounds
    high: int

    def as_context(self, cell_days: int) -> dict:
        """What the task keeps to explain itself (JSON)."""
        return {"rhythm_days": self.rhythm_days, "every": self.every, "cell_days": cell_days,
                "min_days": self.low, "max_days": self.high}  # fmt: skip


def client_cadences(as_of: dt.date, rules: PortfolioRules) -> dict[int, Cadence]:
    """Each client with a purchase rhythm on ``as_of`` and its cadence; empty unless the
    rules ask for the rhythm (reading the orders costs a pass over the portfolio)."""
    if rules.agenda.cadence != "rhythm":
        return {}
    low, high = rules.agenda.cadence_min_days, rules.agenda.cadence_max_days
    rows = purchase_rhythm(load_input(as_of), as_of, rules)
    cadences = {}
    for client_id, rhythm in rows.select("client_id", "rhythm_days").iter_rows():
        every = rhythm_cadence(rhythm, low=low, high=high)
        if every is not None:
            cadences[client_id] = Cadence(rhythm, every, low, high)
    return cadences


def cadence_for(reading_status: str, cadences: dict[int, Cadence], client_id: int):
    """The client's rhythm cadence when it applies (an active client with a rhythm)."""
    return cadences.get(client_id) if reading_status == ACTIVE else None
