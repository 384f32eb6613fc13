"""The set-based portfolio engine: Polars frames in, a per-client reading out.

Entry points (see ``docs/spec/portfolio-rules.md`` for every definition):

- ``read_portfolio(data: PortfolioInput, as_of: date, rules, period=None) -> PortfolioReading``:
  one row per client (``CLIENT_COLUMNS``), status at ``T`` and on the eve of the period.
- ``Period`` (``periods``): the window the indicators cover — the rules' rolling
  ``period_days`` by default, ``month_to_date``/``quarter_to_date``/``rolling(as_of, n)``
  or ``parse_period("month"|"quarter"|"days:N", as_of, period_days)`` (ADR 12).
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
    INTERACTION_OPTIONAL,
    INTERACTION_SCHEMA,
    ORDER_SCHEMA,
    SELLER_SCHEMA,
    SPEND_SCHEMA,
    PortfolioInput,
)
from carteira_core.engine.periods import (
    Period,
    month_to_date,
    parse_period,
    quarter_to_date,
    rolling,
    whole_month,
    whole_quarter,
)
from carteira_core.engine.reading import CLIENT_COLUMNS, PortfolioReading, read_portfolio
from carteira_core.engine.summaries import (
    CUSTOMER,
    GROUPS,
    KPI_COLUMNS,
    LOST,
    churned_statuses,
    indicator_counts,
    indicators,
    matrix,
    transitions,
)

__all__ = [
    "ASSIGNMENT_SCHEMA",
    "CLIENT_COLUMNS",
    "CLIENT_SCHEMA",
    "CUSTOMER",
    "GROUPS",
    "INTERACTION_OPTIONAL",
    "INTERACTION_SCHEMA",
    "KPI_COLUMNS",
    "LOST",
    "ORDER_SCHEMA",
    "SELLER_SCHEMA",
    "SPEND_SCHEMA",
    "Period",
    "PortfolioInput",
    "PortfolioReading",
    "churned_statuses",
    "indicator_counts",
    "indicators",
    "matrix",
    "month_to_date",
    "parse_period",
    "quarter_to_date",
    "read_portfolio",
    "rolling",
    "transitions",
    "whole_month",
    "whole_quarter",
]
