import pytest

from carteira_core.engine import matrix, read_portfolio, transitions
from carteira_core.rules import PortfolioRules
from tests.core.conftest import T, ago, make_input


def portfolio():
    orders = [(1, ago(1), 600), (2, ago(100), 300), (3, ago(190), 100), (4, ago(120), 50)]
    assignments = [(1, 10, None, None), (2, 10, None, None), (3, 20, None, None)]
    return make_input(
        clients=[1, 2, 3, 4, 5],
        orders=orders,
        assignments=assignments,
        sellers=[(10, 1), (20, 1)],
    )


def test_matrix_counts_clients_revenue_and_revenue_at_risk_per_class_and_status():
    cells = matrix(read_portfolio(portfolio(), T, PortfolioRules())).to_dicts()
    assert cells == [
        {"abc": "A", "status": "active", "clients": 1, "revenue": 600, "revenue_at_risk": 0},
        {
            "abc": "A",
            "status": "pre_inactive",
            "clients": 1,
            "revenue": 300,
            "revenue_at_risk": 300,
        },
        {"abc": "B", "status": "inactivated", "clients": 1, "revenue": 100, "revenue_at_risk": 100},
        {"abc": "C", "status": "pre_inactive", "clients": 1, "revenue": 50, "revenue_at_risk": 50},
        {"abc": None, "status": "prospect", "clients": 1, "revenue": 0, "revenue_at_risk": 0},
    ]


def test_matrix_by_seller_adds_the_seller_as_third_dimension():
    cells = matrix(read_portfolio(portfolio(), T, PortfolioRules()), "seller").to_dicts()
    keyed = {(c["abc"], c["status"], c["seller_id"]): c["clients"] for c in cells}
    assert keyed == {
        ("A", "active", 10): 1,
        ("A", "pre_inactive", 10): 1,
        ("B", "inactivated", 20): 1,
        ("C", "pre_inactive", None): 1,
        (None, "prospect", None): 1,
    }


def test_transitions_list_the_clients_whose_status_changed():
    data = portfolio()
    before = read_portfolio(data, ago(30), PortfolioRules())
    now = read_portfolio(data, T, PortfolioRules())
    assert transitions(before, now).to_dicts() == [
        {"client_id": 1, "from_status": "prospect", "to_status": "active"},
        {"client_id": 2, "from_status": "active", "to_status": "pre_inactive"},
        {"client_id": 3, "from_status": "pre_inactive", "to_status": "inactivated"},
        {"client_id": 4, "from_status": "active", "to_status": "pre_inactive"},
    ]


def test_transitions_match_the_previous_status_of_the_later_reading():
    data = portfolio()
    before = read_portfolio(data, ago(30), PortfolioRules())
    now = read_portfolio(data, T, PortfolioRules())
    assert before.clients["status"].to_list() == now.clients["status_previous"].to_list()


def test_transitions_can_list_every_client():
    data = portfolio()
    rows = transitions(
        read_portfolio(data, T, PortfolioRules()).clients,
        read_portfolio(data, T, PortfolioRules()).clients,
        changed_only=False,
    )
    assert rows.height == 5


def test_matrix_refuses_a_third_dimension_it_already_has():
    reading = read_portfolio(portfolio(), T, PortfolioRules())
    for by in ("abc", "status", ["seller", "status"]):
        with pytest.raises(ValueError, match="already by ABC class and status"):
            matrix(reading, by)
