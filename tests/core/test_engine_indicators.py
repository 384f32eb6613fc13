import pytest

from carteira_core.engine import indicator_counts, indicators, read_portfolio
from carteira_core.rules import IndicatorRules, PortfolioRules
from tests.core.conftest import T, ago, client, make_input


def kpis(data, by=None, rules=None) -> list[dict]:
    return indicators(read_portfolio(data, T, rules or PortfolioRules()), by).to_dicts()


def overall(data, rules=None) -> dict:
    (row,) = kpis(data, rules=rules)
    return row


def test_120_of_200_clients_with_orders_gives_positivation_of_60_percent():
    orders = [(i, ago(60), 100) for i in range(1, 201)]  # all customers, none new
    orders += [(i, ago(5), 100) for i in range(1, 121)]
    row = overall(make_input(clients=range(1, 201), orders=orders))
    assert (row["portfolio"], row["positivation"]) == (200, 0.6)


def test_50_of_100_clients_contacted_successfully_gives_coverage_of_50_percent():
    orders = [(i, ago(60), 100) for i in range(1, 101)]
    contacts = [(i, ago(3), True) for i in range(1, 51)]
    contacts += [(i, ago(3), False) for i in range(51, 101)]
    row = overall(make_input(clients=range(1, 101), orders=orders, interactions=contacts))
    assert row["coverage"] == 0.5


@pytest.mark.parametrize(("days", "counted"), [(29, True), (30, False)])
def test_the_period_includes_29_days_ago_and_excludes_30(days, counted):
    orders = [(1, ago(100), 100), (1, ago(days), 100)]
    contacts = [(1, ago(days), True)]
    row = overall(make_input(clients=[1], orders=orders, interactions=contacts))
    assert (row["positivation"], row["coverage"]) == ((1.0, 1.0) if counted else (0.0, 0.0))


def test_a_purchase_counts_as_contact_only_when_the_setting_says_so():
    data = make_input(clients=[1], orders=[(1, ago(1), 100)])
    assert overall(data)["coverage"] == 0.0
    rules = PortfolioRules(indicators=IndicatorRules(purchase_counts_as_contact=True))
    assert overall(data, rules)["coverage"] == 1.0


def test_prospects_are_outside_the_portfolio_unless_the_setting_includes_them():
    data = make_input(clients=[1, 2, 3, 4], orders=[(1, ago(1), 100)])
    assert overall(data)["portfolio"] == 1
    assert overall(data)["positivation"] == 1.0
    rules = PortfolioRules(indicators=IndicatorRules(include_prospects=True))
    assert (overall(data, rules)["portfolio"], overall(data, rules)["positivation"]) == (4, 0.25)


def test_average_ticket_is_net_period_revenue_per_purchase():
    orders = [(1, ago(1), 300), (1, ago(2), 100), (2, ago(3), 200), (2, ago(4), -150)]
    orders += [(2, ago(40), 999)]
    row = overall(make_input(clients=[1, 2], orders=orders))
    assert (row["revenue"], row["purchases"], row["average_ticket"]) == (450, 3, 150.0)


def test_rates_without_denominator_are_null():
    row = overall(make_input(clients=[1]))
    assert row == {
        "portfolio": 0,
        "positivation": None,
        "coverage": None,
        "average_ticket": None,
        "churn_rate": None,
        "reactivated": 0,
        "reactivation_rate": None,
        "new_clients": 0,
        "conversion_rate": 0.0,
        "revenue": 0,
        "purchases": 0,
        "ltv": None,
        "cac": None,
    }


def test_churn_is_inactivated_now_over_active_or_pre_inactive_a_period_ago():
    orders = [(1, ago(185), 100), (2, ago(100), 100), (3, ago(10), 100), (4, ago(250), 100)]
    data = make_input(clients=[1, 2, 3, 4], orders=orders)
    # a period ago: 1 pre_inactive (155 days), 2 active (70), 3 prospect, 4 inactive (220)
    counts = indicator_counts(read_portfolio(data, T)).row(0, named=True)
    assert (counts["churn_base"], counts["churned"]) == (2, 1)
    assert overall(data)["churn_rate"] == 0.5


def test_reactivation_counts_lost_clients_buying_again():
    orders = [(1, ago(300), 100), (1, ago(3), 100), (2, ago(200), 100), (3, ago(400), 100)]
    row = overall(make_input(clients=[1, 2, 3], orders=orders))
    assert (row["reactivated"], row["reactivation_rate"]) == (1, 0.5)


def test_conversion_is_new_customers_over_prospects_a_period_ago():
    orders = [(1, ago(3), 100), (2, ago(45), 100)]
    row = overall(make_input(clients=[1, 2, 3, 4], orders=orders))
    assert (row["new_clients"], row["conversion_rate"]) == (1, 1 / 3)


def test_cac_is_period_spend_per_new_client():
    spend = [(ago(1), 600), (ago(29), 300), (ago(30), 5000), (ago(-1), 7000)]
    data = make_input(clients=[1, 2, 3], orders=[(1, ago(3), 1), (2, ago(4), 1)], spend=spend)
    assert overall(data)["cac"] == 450.0
    assert kpis(data, "segment")[0]["cac"] is None


def test_ltv_is_yearly_revenue_per_client_over_yearly_churn():
    # a period ago: 1 and 2 active or pre_inactive; now 2 is inactivated -> churn 1/2
    orders = [(1, ago(40), 3650), (2, ago(185), 3650)]
    row = overall(make_input(clients=[1, 2], orders=orders))
    assert row["churn_rate"] == 0.5
    # yearly revenue per client 3650; yearly churn 0.5 * 365 / 30 -> LTV = 3650 * 60 / 365
    assert row["ltv"] == 600.0


SELLERS = [(10, 1), (20, 1), (30, None)]


def grouped_input():
    clients = [
        client(1, segment="retail", region="SP"),
        client(2, segment="retail", region="RJ"),
        client(3, segment="industry", region="SP"),
        client(4, segment=None, region=None),
    ]
    orders = [(1, ago(1), 500), (2, ago(100), 300), (3, ago(50), 200), (4, ago(2), -5)]
    assignments = [
        (1, 10, None, None),
        (2, 20, None, ago(200)),
        (2, 30, ago(200), None),
        (3, 20, None, None),
    ]
    return make_input(clients=clients, orders=orders, assignments=assignments, sellers=SELLERS)


def portfolio_by(by) -> dict:
    key = {"seller": "seller_id", "team": "team_id"}.get(by, by)
    return {row[key]: row["portfolio"] for row in kpis(grouped_input(), by)}


def test_kpis_by_seller_use_the_seller_at_the_as_of_date():
    assert portfolio_by("seller") == {10: 1, 20: 1, 30: 1, None: 0}


def test_kpis_by_team_group_the_teams_sellers():
    assert portfolio_by("team") == {1: 2, None: 1}


def test_kpis_by_segment_region_abc_and_status():
    assert portfolio_by("segment") == {"industry": 1, "retail": 2, None: 0}
    assert portfolio_by("region") == {"RJ": 1, "SP": 2, None: 0}
    assert portfolio_by("abc") == {"A": 2, "B": 1, None: 0}
    assert portfolio_by("status") == {"active": 2, "pre_inactive": 1, "prospect": 0}


def test_kpis_group_rows_carry_the_key_then_every_kpi():
    row = kpis(grouped_input(), "seller")[0]
    assert list(row) == [
        "seller_id",
        "portfolio",
        "positivation",
        "coverage",
        "average_ticket",
        "churn_rate",
        "reactivated",
        "reactivation_rate",
        "new_clients",
        "conversion_rate",
        "revenue",
        "purchases",
        "ltv",
        "cac",
    ]


def test_an_unknown_grouping_is_refused():
    with pytest.raises(ValueError, match="cannot group by 'city'"):
        kpis(grouped_input(), "city")
