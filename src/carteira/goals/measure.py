"""Goal attainment and pace live in the core (``carteira_core.engine.attainment``): the
names the goal and review templates import are kept here."""

from carteira_core.engine.attainment import (
    CEILINGS,
    MONEY,
    RATES,
    SUMS,
    Progress,
    as_decimal,
    attainment,
    elapsed_days,
    met,
    pace,
    progress,
)

__all__ = [
    "CEILINGS",
    "MONEY",
    "RATES",
    "SUMS",
    "Progress",
    "as_decimal",
    "attainment",
    "elapsed_days",
    "met",
    "pace",
    "progress",
]
