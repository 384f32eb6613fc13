"""The set-based portfolio engine: Polars frames in, a per-client reading out.

``read_portfolio(data, as_of, rules)`` classifies every client; ``indicators``, ``matrix``
and ``transitions`` summarise a reading. See ``docs/spec/portfolio-rules.md``.
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
