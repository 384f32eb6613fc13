from datetime import date

import pytest

from carteira_core.engine import read_portfolio
from carteira_core.rules import LifecycleRules, PortfolioRules
from tests.core.conftest import T, ago, make_input


def one(data, rules=None, as_of=T) -> dict:
    reading = read_portfolio(data, as_of, rules or PortfolioRules())
    return reading.clients.row(0, named=True)


def status_after(days: int, **lifecycle) -> str:
    data = make_input(clients=[1], orders=[(1, ago(days), 100)])
    return one(data, PortfolioRules(lifecycle=LifecycleRules(**lifecycle)))["status"]


@pytest.mark.parametrize(
    ("days", "status"),
    [
        (0, "active"),
        (90, "active"),
        (91, "pre_inactive"),
        (180, "pre_inactive"),
        (181, "inactivated"),
        (210, "inactivated"),
        (211, "inactive"),
        (400, "inactive"),
    ],
)
def test_status_follows_days_since_the_last_purchase(days, status):
    assert status_after(days) == status


def test_a_client_without_purchases_is_a_prospect_with_empty_recency():
    row = one(make_input(clients=[1]))
    assert row["status"] == "prospect"
    assert row["days_since_last_purchase"] is None
    assert row["last_purchase_date"] is None
    assert (row["abc"], row["rfm"]) == (None, None)


def test_a_purchase_on_the_as_of_day_gives_zero_days():
    row = one(make_input(clients=[1], orders=[(1, T, 100)]))
    assert (row["days_since_last_purchase"], row["last_purchase_date"]) == (0, T)


def test_the_last_purchase_is_the_latest_one():
    row = one(make_input(clients=[1], orders=[(1, ago(100), 5), (1, ago(20), 5), (1, ago(50), 5)]))
    assert row["days_since_last_purchase"] == 20
    assert row["first_purchase_date"] == ago(100)


def test_cancelled_orders_are_ignored_everywhere():
    data = make_input(clients=[1], orders=[(1, ago(3), 100, 40, True)])
    row = one(data)
    assert row["status"] == "prospect"
    assert row["revenue_in_abc_window_cents"] == 0
    assert row["margin_in_abc_window_cents"] == 0


def test_a_return_is_no_purchase_but_enters_revenue_and_margin():
    data = make_input(clients=[1], orders=[(1, ago(200), 500, 100), (1, ago(3), -120, -30)])
    row = one(data)
    assert row["status"] == "inactivated"
    assert row["days_since_last_purchase"] == 200
    assert row["revenue_in_abc_window_cents"] == 380
    assert row["margin_in_abc_window_cents"] == 70
    assert row["revenue_period_cents"] == -120
    assert row["purchases_period"] == 0


def test_an_order_of_zero_is_not_a_purchase():
    assert one(make_input(clients=[1], orders=[(1, ago(1), 0)]))["status"] == "prospect"


def test_orders_after_the_as_of_date_are_ignored():
    data = make_input(clients=[1], orders=[(1, ago(100), 100), (1, ago(-1), 999)])
    row = one(data)
    assert row["status"] == "pre_inactive"
    assert row["revenue_in_abc_window_cents"] == 100


def test_a_recent_buyer_failing_the_frequency_rule_is_pre_inactive():
    assert status_after(10, min_purchases=2) == "pre_inactive"


def test_several_purchases_on_one_day_each_count_for_frequency():
    data = make_input(clients=[1], orders=[(1, ago(10), 100), (1, ago(10), 50)])
    row = one(data, PortfolioRules(lifecycle=LifecycleRules(min_purchases=2)))
    assert row["status"] == "active"
    assert row["purchases_in_frequency_window"] == 2


@pytest.mark.parametrize(("old", "status"), [(364, "active"), (365, "pre_inactive")])
def test_frequency_window_includes_364_days_ago_and_excludes_365(old, status):
    data = make_input(clients=[1], orders=[(1, ago(10), 100), (1, ago(old), 50)])
    rules = PortfolioRules(lifecycle=LifecycleRules(min_purchases=2))
    assert one(data, rules)["status"] == status


def test_previous_status_is_read_one_period_earlier():
    data = make_input(
        clients=[1, 2], orders=[(1, ago(5), 1), (1, ago(40), 1), (2, ago(130), 1), (2, ago(5), 1)]
    )
    rows = read_portfolio(data, T, PortfolioRules()).clients
    assert rows["status"].to_list() == ["active", "active"]
    assert rows["status_previous"].to_list() == ["active", "pre_inactive"]


@pytest.mark.parametrize(("days", "new"), [(29, True), (30, False)])
def test_a_client_is_new_when_its_first_purchase_falls_in_the_period(days, new):
    row = one(make_input(clients=[1], orders=[(1, ago(days), 100)]))
    assert (row["is_new"], row["converted"], row["status_previous"]) == (
        new,
        new,
        "prospect" if new else "active",
    )


def test_a_purchase_by_a_previously_inactive_client_reactivates_it():
    data = make_input(clients=[1], orders=[(1, ago(300), 100), (1, ago(2), 100)])
    row = one(data)
    assert (row["status_previous"], row["status"], row["is_reactivated"]) == (
        "inactive",
        "active",
        True,
    )
    assert row["is_new"] is False


def test_a_purchase_by_a_pre_inactive_client_is_no_reactivation():
    data = make_input(clients=[1], orders=[(1, ago(150), 100), (1, ago(2), 100)])
    assert one(data)["is_reactivated"] is False


def test_revenue_at_risk_is_the_window_revenue_of_pre_inactive_and_inactivated_clients():
    data = make_input(
        clients=[1, 2, 3, 4],
        orders=[(1, ago(10), 100), (2, ago(100), 200), (3, ago(190), 300), (4, ago(300), 400)],
    )
    rows = read_portfolio(data, T, PortfolioRules()).clients
    assert rows["status"].to_list() == ["active", "pre_inactive", "inactivated", "inactive"]
    assert rows["revenue_at_risk_cents"].to_list() == [0, 200, 300, 0]


SELLERS = [(10, 1), (20, 2)]


def seller_on(as_of: date, assignments) -> int | None:
    data = make_input(clients=[1], assignments=assignments, sellers=SELLERS)
    return one(data, as_of=as_of)["seller_id"]


def test_a_reading_uses_the_assignment_in_force_on_its_date():
    moves = [(1, 10, None, date(2024, 3, 1)), (1, 20, date(2024, 3, 1), None)]
    assert seller_on(date(2024, 2, 29), moves) == 10
    assert seller_on(date(2024, 3, 1), moves) == 20


def test_the_first_known_seller_counts_from_the_start_of_the_history():
    assert seller_on(date(2020, 1, 1), [(1, 10, date(2024, 3, 1), None)]) == 10


def test_a_later_reassignment_takes_effect_on_its_date_only():
    moves = [(1, 10, date(2024, 1, 1), None), (1, 20, date(2024, 5, 1), None)]
    assert seller_on(date(2023, 6, 1), moves) == 10
    assert seller_on(date(2024, 4, 30), moves) == 10
    assert seller_on(date(2024, 5, 1), moves) == 20


def test_an_ended_assignment_leaves_the_client_without_seller():
    assert seller_on(T, [(1, 10, None, ago(1))]) is None


def test_the_seller_brings_its_team():
    data = make_input(clients=[1], assignments=[(1, 20, None, None)], sellers=SELLERS)
    row = one(data)
    assert (row["seller_id"], row["seller_external_id"], row["team_id"]) == (20, "S20", 2)


def test_orders_of_unknown_clients_are_ignored():
    data = make_input(clients=[1], orders=[(7, ago(1), 100)])
    assert one(data)["status"] == "prospect"


def test_the_same_date_always_gives_the_same_reading():
    data = make_input(clients=[1, 2], orders=[(1, ago(40), 100), (2, ago(-5), 100)])
    first = read_portfolio(data, ago(10), PortfolioRules()).clients
    assert first.equals(read_portfolio(data, ago(10), PortfolioRules()).clients)
    assert first["status"].to_list() == ["active", "prospect"]
