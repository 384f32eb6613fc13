"""The set-based portfolio engine: Polars frames in, a per-client reading out.

Entry points (see ``docs/spec/portfolio-rules.md`` for every definition):

- ``read_portfolio(data: PortfolioInput, as_of: date, rules) -> PortfolioReading``:
  one row per client (``CLIENT_COLUMNS``), status at ``T`` and at ``T - period_days``.
- ``indicators(reading, by=None)``: the KPIs of ``report kpis`` per group (``KPI_COLUMNS``),
  ``indicator_counts(reading, by=None)`` their exact integer numerators/denominators.
- ``matrix(reading, by=None)``: ABC class x status (x group) cells.
- ``transitions(previous, current)``: clients whose status changed between two readings.

No Python loop runs over orders or clients: per-client facts come from numpy scatter
kernels over dense client positions and int32 day numbers (``kernels``), classification
is vectorised (``classify``), summaries are Polars group-bys (``summaries``).
"""

from carteira_core.engine.inputs import (
    ASSIGNMENT_SCHEMA,
    CLIENT_SCHEMA,
    INTERACTION_SCHEMA,
    ORDER_SCHEMA,
    SELLER_SCHEMA,
    SPEND_SCHEMA,
    PortfolioInput,
)
from carteira_core.engine.reading import CLIENT_COLUMNS, PortfolioReading, read_portfolio
from carteira_core.engine.summaries import (
    GROUPS,
    KPI_COLUMNS,
    indicator_counts,
    indicators,
    matrix,
    transitions,
)

__all__ = [
    "ASSIGNMENT_SCHEMA",
    "CLIENT_COLUMNS",
    "CLIENT_SCHEMA",
    "GROUPS",
    "INTERACTION_SCHEMA",
    "KPI_COLUMNS",
    "ORDER_SCHEMA",
    "SELLER_SCHEMA",
    "SPEND_SCHEMA",
    "PortfolioInput",
    "PortfolioReading",
    "indicator_counts",
    "indicators",
    "matrix",
    "read_portfolio",
    "transitions",
]
