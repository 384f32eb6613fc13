"""The CDNOW sample (tests/fixtures/cdnow) reduced by our own purchase definitions."""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path

import numpy as np

from carteira_core.engine.inputs import day_number
from carteira_core.value import PurchaseHistory, purchase_history_from_days

SAMPLE = Path(__file__).parents[1] / "fixtures" / "cdnow" / "CDNOW_sample.txt"
CALIBRATION_END = date(1997, 9, 30)


@cache
def cdnow_history() -> PurchaseHistory:
    return history_at(CALIBRATION_END)


@cache
def history_at(as_of: date) -> PurchaseHistory:
    """Columns: customer id, index, yyyymmdd, CDs, dollars. The sample has $0 transactions
    (8 customers start with one); the published summaries count them as purchases."""
    ids, days, cents = [], [], []
    for line in SAMPLE.read_text().splitlines():
        customer, _index, day, _cds, dollars = line.split()
        ids.append(int(customer))
        days.append(day_number(date(int(day[:4]), int(day[4:6]), int(day[6:]))))
        cents.append(round(float(dollars) * 100))
    ids_array = np.array(ids)
    client_ids, pos = np.unique(ids_array, return_inverse=True)
    return purchase_history_from_days(
        as_of,
        client_ids,
        pos.astype(np.int32),
        np.array(days, dtype=np.int32),
        np.array(cents, dtype=np.int64),
        positive_only=False,
    )


def weeks(history: PurchaseHistory) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return history.x.astype(float), history.t_x / 7, history.big_t / 7
