"""The holdout check: fit on the history up to a calibration date, predict the purchases
of the days after it, and compare with what the clients actually bought."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from carteira_core.value import bgnbd, pareto
from carteira_core.value.fitting import Fit
from carteira_core.value.purchases import PurchaseHistory
from carteira_core.value.valuation import MIN_REPEAT_BUYERS, Model

__all__ = ["HoldoutCheck", "HoldoutRow", "holdout_check"]

_MODELS = {"bgnbd": bgnbd, "pareto": pareto}
TOP_BUCKET = 7  # calibration frequencies 7 and more share the last row


@dataclass(frozen=True, slots=True)
class HoldoutRow:
    repeat_purchases: str  # "0".."6", "7+"
    clients: int
    predicted: float  # mean predicted purchases in the holdout days
    actual: float  # mean actual purchases


@dataclass(frozen=True, slots=True)
class HoldoutCheck:
    calibration_end: date
    holdout_days: int
    fit: Fit
    rows: tuple[HoldoutRow, ...]
    predicted_total: float
    actual_total: int


def holdout_check(
    calibration: PurchaseHistory,
    full: PurchaseHistory,
    *,
    model: Model = "bgnbd",
    min_repeat_buyers: int = MIN_REPEAT_BUYERS,
) -> HoldoutCheck:
    """``calibration`` and ``full`` are the same clients' histories at the calibration end
    and at the as-of date. Clients who first bought after the calibration end are left out
    (the model knows nothing of them)."""
    days = (full.as_of - calibration.as_of).days
    if days <= 0:
        raise ValueError("the as-of date must be after the calibration end")
    module = _MODELS[model]
    rows = calibration.bought
    x = calibration.x[rows].astype(float)
    t_x = calibration.t_x[rows].astype(float)
    big_t = calibration.big_t[rows].astype(float)
    fit = module.fit(x, t_x, big_t, min_repeat=min_repeat_buyers)
    if not fit.ok:
        return HoldoutCheck(calibration.as_of, days, fit, (), 0.0, 0)
    predicted = module.conditional_expected_purchases(fit.params, float(days), x, t_x, big_t)
    actual = full.x[rows] - calibration.x[rows]
    bucket = np.minimum(x.astype(int), TOP_BUCKET)
    table = []
    for value in range(TOP_BUCKET + 1):
        here = bucket == value
        if not here.any():
            continue
        label = f"{value}+" if value == TOP_BUCKET else str(value)
        table.append(
            HoldoutRow(
                label,
                int(here.sum()),
                float(predicted[here].mean()),
                float(actual[here].mean()),
            )
        )
    return HoldoutCheck(
        calibration.as_of,
        days,
        fit,
        tuple(table),
        float(predicted.sum()),
        int(actual.sum()),
    )


def calibration_end(as_of: date, holdout_days: int) -> date:
    return as_of - timedelta(days=holdout_days)
