"""Predictive value: P(alive), expected purchases and CLV per client (issue 17, ADR 15).

numpy/scipy only. ``purchase_history(data, as_of)`` reduces the engine's input to the
models' summary (x, t_x, T in days, mean repeat spend); ``value_clients(history, ...)``
fits BG/NBD or Pareto/NBD and Gamma-Gamma by maximum likelihood and scores every client.
Definitions: docs/portfolio-rules.md, "Predictive value".
"""

from carteira_core.value.fitting import DEGENERATE, INSUFFICIENT, OK, REASONS, Fit
from carteira_core.value.purchases import (
    PurchaseHistory,
    purchase_history,
    purchase_history_from_days,
)
from carteira_core.value.valuation import (
    DAYS_PER_MONTH,
    DEFAULT_EXPECTATION_DAYS,
    DEFAULT_HORIZON_MONTHS,
    DEFAULT_MONTHLY_RATE,
    MIN_REPEAT_BUYERS,
    ClientValues,
    Model,
    discounted_value,
    value_clients,
)

__all__ = [
    "DAYS_PER_MONTH",
    "DEFAULT_EXPECTATION_DAYS",
    "DEFAULT_HORIZON_MONTHS",
    "DEFAULT_MONTHLY_RATE",
    "DEGENERATE",
    "INSUFFICIENT",
    "MIN_REPEAT_BUYERS",
    "OK",
    "REASONS",
    "ClientValues",
    "Fit",
    "Model",
    "PurchaseHistory",
    "discounted_value",
    "purchase_history",
    "purchase_history_from_days",
    "value_clients",
]
