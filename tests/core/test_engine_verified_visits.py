"""Coverage and the field app's check-ins: a visit counts only when verified, if the
rules say so (indicators.verified_visits_only)."""

import polars as pl

from carteira_core.engine import indicators, read_portfolio
from carteira_core.engine.inputs import PortfolioInput
from carteira_core.rules import IndicatorRules, PortfolioRules
from tests.core.conftest import T, ago, make_input

VERIFIED_ONLY = PortfolioRules(indicators=IndicatorRules(verified_visits_only=True))


def _with_interactions(rows: list[tuple[int, object, bool, bool]]) -> PortfolioInput:
    """Four customers; interactions as (client, date, successful, unverified visit)."""
    data = make_input(clients=[1, 2, 3, 4], orders=[(i, ago(60), 100) for i in (1, 2, 3, 4)])
    interactions = pl.DataFrame(
        rows,
        schema={
            "client_id": pl.Int64,
            "date": pl.Date,
            "successful": pl.Boolean,
            "unverified_visit": pl.Boolean,
        },
        orient="row",
    )
    return PortfolioInput(clients=data.clients, assignments=data.assignments,
                          sellers=data.sellers, orders=data.orders,
                          interactions=interactions)  # fmt: skip


def coverage(data: PortfolioInput, rules: PortfolioRules | None = None) -> float:
    (row,) = indicators(read_portfolio(data, T, rules or PortfolioRules())).to_dicts()
    return row["coverage"]


def test_a_visit_without_a_verified_check_in_covers_its_client_only_by_default():
    # 1: a verified visit; 2: a visit without a verified check-in; 3: a call; 4: nothing.
    data = _with_interactions([(1, ago(3), True, False), (2, ago(3), True, True),
                               (3, ago(3), True, False)])  # fmt: skip
    assert coverage(data) == 0.75
    assert coverage(data, VERIFIED_ONLY) == 0.5


def test_an_unverified_visit_does_not_hide_another_contact_in_the_period():
    data = _with_interactions([(2, ago(3), True, True), (2, ago(5), True, False)])
    assert coverage(data, VERIFIED_ONLY) == 0.25


def test_interactions_without_the_column_are_all_counted_as_before():
    data = make_input(clients=[1], orders=[(1, ago(60), 100)], interactions=[(1, ago(3), True)])
    assert data.interactions["unverified_visit"].to_list() == [False]
    assert coverage(data, VERIFIED_ONLY) == 1.0
