"""The dashboard's predictive-value section (registered through ``portfolio.hooks``): the
three-dimensional reading in value — class × status, the expected value of each cell and
its value at risk (the expected value of the clients whose P(alive) fell by at least 10
points since the eve of the dashboard's period)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from carteira.accounts.capabilities import MANAGEMENT
from carteira.portfolio import kpis as k
from carteira.portfolio.selectors import sliced_readings
from carteira.value.models import ClientValue, ValueFit
from carteira.value.selectors import latest_fit

CLASSES = ("A", "B", "C")
STATUSES = ("active", "pre_inactive", "inactivated", "inactive")
# A fall of P(alive) counts when it is at least this large: a client between purchases
# drifts down a little every day, which is not a risk worth a call.
FELL_BY = 0.10


@dataclass
class Cell:
    clients: int = 0
    value: Decimal = Decimal(0)
    at_risk: Decimal = Decimal(0)  # expected value of the clients whose P(alive) fell
    lost: Decimal = Decimal(0)  # how much expected value those clients lost
    falling: int = 0


@dataclass
class ValueMatrix:
    fit: ValueFit
    previous: ValueFit | None
    cells: dict[tuple[str, str], Cell] = field(default_factory=dict)

    @property
    def total(self) -> Cell:
        total = Cell()
        for cell in self.cells.values():
            total.clients += cell.clients
            total.value += cell.value
            total.at_risk += cell.at_risk
            total.lost += cell.lost
            total.falling += cell.falling
        return total

    def rows(self) -> list[dict]:
        return [
            {"abc": abc, "cells": [(s, self.cells.get((abc, s))) for s in STATUSES]}
            for abc in CLASSES
        ]


def value_matrix(user, filters: Mapping[str, Any], run, before: dt.date) -> ValueMatrix | None:
    """The reading's class × status matrix in expected value for the user's slice, the
    value at risk against the latest ok fit on or before ``before``; None without an ok
    fit at the reading."""
    fit = ValueFit.objects.filter(run=run).first()
    if fit is None or not (fit.ok and fit.spend_ok):
        return None
    previous = latest_fit(before)
    if previous is not None and (previous.pk == fit.pk or not (previous.ok and previous.spend_ok)):
        previous = None
    readings = sliced_readings(k.readings_visible_to(user, run), dict(filters))
    place = {
        c: (abc, status) for c, abc, status in readings.values_list("client_id", "abc", "status")
    }
    now = ClientValue.objects.filter(fit=fit, client_id__in=readings.values("client_id"))
    before_rows = {}
    if previous is not None:
        before_rows = dict(
            (c, (clv, p))
            for c, clv, p in ClientValue.objects.filter(
                fit=previous, client_id__in=readings.values("client_id")
            ).values_list("client_id", "clv", "p_alive")
        )
    matrix = ValueMatrix(fit, previous)
    for client_id, clv, p_alive in now.values_list("client_id", "clv", "p_alive"):
        key = place.get(client_id)
        if key is None or key[1] not in STATUSES or clv is None:
            continue
        cell = matrix.cells.setdefault(key, Cell())
        cell.clients += 1
        cell.value += clv
        earlier = before_rows.get(client_id)
        if earlier is not None and p_alive <= earlier[1] - FELL_BY:
            cell.at_risk += clv
            cell.lost += max((earlier[0] or Decimal(0)) - clv, Decimal(0))
            cell.falling += 1
    return matrix


def dashboard_panel(user, filters: Mapping[str, Any], run, before: dt.date) -> dict | None:
    matrix = value_matrix(user, filters, run, before)
    if matrix is None:
        return None
    return {
        "template": "value/_dashboard.html",
        "matrix": matrix,
        "statuses": STATUSES,
        "before": matrix.previous.run.as_of if matrix.previous else None,
        "valuation_link": MANAGEMENT.held_by(user),
    }
