"""What would change if other rules were in force: clients moving between statuses
and classes, computed on the same data without storing anything."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from carteira.portfolio import engine_input
from carteira_core.engine import read_portfolio
from carteira_core.rules import PortfolioRules


@dataclass(frozen=True)
class RulesPreview:
    as_of: dt.date
    clients: int
    status_moves: list[tuple[str, str, int]]  # from, to, clients (only changes)
    abc_moves: list[tuple[str | None, str | None, int]]
    status_before: dict[str, int]
    status_after: dict[str, int]

    @property
    def moved(self) -> int:
        return sum(n for _, _, n in self.status_moves)


def _moves(frame: pl.DataFrame) -> list[tuple]:
    changed = frame.filter(pl.col("before").ne_missing(pl.col("after")))
    rows = changed.group_by("before", "after").len().sort("len", descending=True)
    return [(r["before"], r["after"], r["len"]) for r in rows.iter_rows(named=True)]


def preview_rules(
    current: PortfolioRules, candidate: PortfolioRules, as_of: dt.date
) -> RulesPreview:
    data = engine_input.load_input(as_of)
    before = read_portfolio(data, as_of, current).clients
    after = read_portfolio(data, as_of, candidate).clients
    joined = before.select("client_id", "status", "abc").join(
        after.select("client_id", "status", "abc"), on="client_id", suffix="_new"
    )
    status = joined.select(pl.col("status").alias("before"), pl.col("status_new").alias("after"))
    abc = joined.select(pl.col("abc").alias("before"), pl.col("abc_new").alias("after"))
    count = lambda frame: dict(frame.group_by("status").len().iter_rows())  # noqa: E731
    return RulesPreview(
        as_of=as_of,
        clients=before.height,
        status_moves=_moves(status),
        abc_moves=_moves(abc),
        status_before=count(before),
        status_after=count(after),
    )
