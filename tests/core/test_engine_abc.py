from decimal import Decimal

from carteira_core.engine import read_portfolio
from carteira_core.rules import AbcRules, PortfolioRules
from tests.core.conftest import T, ago, client, make_input


def classes(amounts: dict[str, int], **abc) -> dict[str, str | None]:
    clients = [client(i, external_id=name) for i, name in enumerate(amounts, start=1)]
    orders = [(i, ago(1), amount, amount) for i, amount in enumerate(amounts.values(), start=1)]
    data = make_input(
        clients=clients, orders=[(i, ago(2), 1) for i in range(1, len(amounts) + 1)] + orders
    )
    rules = PortfolioRules(abc=AbcRules(**abc))
    rows = read_portfolio(data, T, rules).clients
    return dict(zip(rows["external_id"], rows["abc"], strict=True))


def test_the_client_crossing_80_percent_is_still_a():
    assert classes({"x": 69, "y": 19, "z": 9}) == {"x": "A", "y": "A", "z": "B"}


def test_a_client_starting_exactly_at_80_percent_is_b():
    # totals include the 1-cent purchase each client made the day before
    got = classes({"a": 79, "b": 9, "c": 4, "d": 4})
    assert got == {"a": "A", "b": "B", "c": "B", "d": "C"}


def test_ties_are_ranked_by_external_id():
    got = classes({"m": 49, "k": 49}, a_share=Decimal("0.5"), b_share=Decimal("0.15"))
    assert got == {"m": "B", "k": "A"}


def test_a_client_with_basis_zero_or_less_is_always_c():
    got = classes({"a": 99, "b": -1, "c": -50}, a_share=Decimal(1), b_share=Decimal(0))
    assert got == {"a": "A", "b": "C", "c": "C"}


def test_when_no_client_has_a_positive_basis_all_are_c():
    assert classes({"a": -1, "b": -3}) == {"a": "C", "b": "C"}


def test_prospects_have_no_class():
    data = make_input(clients=[1, 2], orders=[(1, ago(1), 10), (2, ago(1), -10)])
    rows = read_portfolio(data, T, PortfolioRules()).clients
    assert rows["abc"].to_list() == ["A", None]


def test_margin_basis_ranks_by_margin():
    clients = [client(1, external_id="a"), client(2, external_id="b")]
    orders = [(1, ago(1), 1000, 10), (2, ago(1), 100, 90)]
    data = make_input(clients=clients, orders=orders)
    rules = PortfolioRules(abc=AbcRules(basis="margin", a_share=Decimal("0.5"), b_share=Decimal(0)))
    rows = read_portfolio(data, T, rules).clients
    assert rows["abc"].to_list() == ["C", "A"]


def test_abc_window_includes_364_days_ago_and_excludes_365():
    data = make_input(clients=[1], orders=[(1, ago(364), 7), (1, ago(365), 100), (1, ago(3), 1)])
    row = read_portfolio(data, T, PortfolioRules()).clients.row(0, named=True)
    assert row["revenue_in_abc_window_cents"] == 8


def test_rfm_scores_are_quintiles_of_the_customers():
    clients = [client(i) for i in range(1, 6)]
    orders = [(i, ago(10 * i), 100 * i) for i in range(1, 6)] + [(5, ago(60), 1)]
    data = make_input(clients=[*clients, client(6)], orders=orders)
    rows = read_portfolio(data, T, PortfolioRules()).clients
    assert rows["r_score"].to_list() == [5, 4, 3, 2, 1, None]
    assert rows["f_score"].to_list() == [1, 1, 1, 1, 5, None]
    assert rows["m_score"].to_list() == [1, 2, 3, 4, 5, None]
    assert rows["rfm"].to_list() == ["511", "412", "313", "214", "155", None]


def test_equal_values_share_the_lowest_rfm_score():
    data = make_input(clients=[1, 2, 3, 4], orders=[(i, ago(5), 100) for i in (1, 2, 3, 4)])
    rows = read_portfolio(data, T, PortfolioRules()).clients
    assert rows["rfm"].to_list() == ["111"] * 4
