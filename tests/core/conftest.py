"""Builders for tiny literal portfolios (no database): ``T`` and ``ago(n)`` for dates."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta

import polars as pl

from carteira_core.engine import (
    ASSIGNMENT_SCHEMA,
    CLIENT_SCHEMA,
    INTERACTION_SCHEMA,
    ORDER_SCHEMA,
    SELLER_SCHEMA,
    SPEND_SCHEMA,
    PortfolioInput,
)

T = date(2024, 6, 30)


def ago(days: int) -> date:
    return T - timedelta(days=days)


def client(client_id: int, **fields) -> dict:
    return {
        "client_id": client_id,
        "external_id": fields.pop("external_id", f"C{client_id:03d}"),
        "name": fields.pop("name", f"Client {client_id}"),
        "segment": fields.pop("segment", None),
        "region": fields.pop("region", None),
        "created_date": fields.pop("created_date", None),
    }


def make_input(
    *,
    clients: Iterable[dict | int],
    orders: Sequence[tuple] = (),
    interactions: Sequence[tuple] = (),
    assignments: Sequence[tuple] = (),
    sellers: Sequence[tuple] = (),
    spend: Sequence[tuple] | None = None,
) -> PortfolioInput:
    """orders: (client_id, date, amount[, margin[, cancelled]]); interactions:
    (client_id, date, successful); assignments: (client_id, seller_id, start, end);
    sellers: (seller_id, team_id); spend: (date, amount)."""
    client_rows = [c if isinstance(c, dict) else client(c) for c in clients]
    order_rows = [
        {
            "client_id": o[0],
            "date": o[1],
            "amount_cents": o[2],
            "margin_cents": o[3] if len(o) > 3 else None,
            "cancelled": o[4] if len(o) > 4 else False,
        }
        for o in orders
    ]
    return PortfolioInput(
        clients=pl.DataFrame(client_rows, schema=CLIENT_SCHEMA),
        assignments=pl.DataFrame(
            [dict(zip(ASSIGNMENT_SCHEMA, a, strict=True)) for a in assignments],
            schema=ASSIGNMENT_SCHEMA,
        ),
        sellers=pl.DataFrame(
            [
                {
                    "seller_id": s[0],
                    "external_id": f"S{s[0]}",
                    "name": f"Seller {s[0]}",
                    "team_id": s[1],
                    "team": None if s[1] is None else f"Team {s[1]}",
                }
                for s in sellers
            ],
            schema=SELLER_SCHEMA,
        ),
        orders=pl.DataFrame(order_rows, schema=ORDER_SCHEMA),
        interactions=pl.DataFrame(
            [dict(zip(INTERACTION_SCHEMA, i, strict=True)) for i in interactions],
            schema=INTERACTION_SCHEMA,
        ),
        spend=None
        if spend is None
        else pl.DataFrame(
            [dict(zip(SPEND_SCHEMA, s, strict=True)) for s in spend], schema=SPEND_SCHEMA
        ),
    )
