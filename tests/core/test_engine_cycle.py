from datetime import timedelta
from decimal import Decimal

from carteira_core.engine import read_portfolio
from carteira_core.rules import LifecycleRules, PortfolioRules
from tests.core.conftest import T, ago, make_input

CYCLE = PortfolioRules(lifecycle=LifecycleRules(mode="cycle"))
FIXED = PortfolioRules()


def weekly_buyer_who_stopped(days_ago: int, purchases: int = 10):
    orders = [(1, ago(days_ago + 7 * k), 100) for k in range(purchases)]
    return make_input(clients=[1], orders=orders)


def row(data, rules) -> dict:
    return read_portfolio(data, T, rules).clients.row(0, named=True)


def test_cycle_mode_flags_a_weekly_buyer_who_stopped_30_days_ago_while_fixed_mode_does_not():
    data = weekly_buyer_who_stopped(30)
    assert row(data, FIXED)["status"] == "active"
    cycle = row(data, CYCLE)
    assert cycle["status"] == "pre_inactive"
    assert (cycle["active_threshold_days"], cycle["inactive_threshold_days"]) == (21, 42)


def test_cycle_mode_inactivates_a_weekly_buyer_after_its_own_inactive_threshold():
    assert row(weekly_buyer_who_stopped(42), CYCLE)["status"] == "pre_inactive"
    assert row(weekly_buyer_who_stopped(43), CYCLE)["status"] == "inactivated"
    assert row(weekly_buyer_who_stopped(72), CYCLE)["status"] == "inactivated"
    assert row(weekly_buyer_who_stopped(73), CYCLE)["status"] == "inactive"


def test_a_client_with_too_few_purchase_days_falls_back_to_fixed_thresholds():
    data = weekly_buyer_who_stopped(30, purchases=3)
    got = row(data, CYCLE)
    assert got["status"] == "active"
    assert (got["active_threshold_days"], got["inactive_threshold_days"]) == (90, 180)


def test_purchases_on_one_day_count_as_one_purchase_day():
    orders = [(1, ago(30), 100)] * 3 + [(1, ago(37), 100)]
    got = row(make_input(clients=[1], orders=orders), CYCLE)
    assert got["active_threshold_days"] == 90


def test_the_median_of_an_even_number_of_gaps_is_the_mean_of_the_middle_two():
    days = [10, 14, 24, 34, 44]  # gaps 4, 10, 10, 10 -> median 10
    got = row(make_input(clients=[1], orders=[(1, ago(d), 1) for d in days]), CYCLE)
    assert got["active_threshold_days"] == 30
    days = [10, 13, 17, 22, 28]  # gaps 3, 4, 5, 6 -> median 4.5 -> 3 x 4.5 = 13.5 -> 14
    rules = PortfolioRules(lifecycle=LifecycleRules(mode="cycle", cycle_floor_days=1))
    got = row(make_input(clients=[1], orders=[(1, ago(d), 1) for d in days]), rules)
    assert (got["active_threshold_days"], got["inactive_threshold_days"]) == (14, 27)


def test_cycle_thresholds_are_at_least_the_floor_and_at_most_the_fixed_ones():
    daily = make_input(clients=[1], orders=[(1, ago(d), 1) for d in range(10)])
    assert row(daily, CYCLE)["active_threshold_days"] == 14
    assert row(daily, CYCLE)["inactive_threshold_days"] == 14
    monthly = make_input(clients=[1], orders=[(1, ago(60 * k), 1) for k in range(6)])
    got = row(monthly, CYCLE)
    assert (got["active_threshold_days"], got["inactive_threshold_days"]) == (90, 180)


def test_only_purchases_in_the_lookback_set_the_rhythm():
    old = [(1, ago(400 + 7 * k), 1) for k in range(10)]
    data = make_input(clients=[1], orders=[*old, (1, ago(20), 1)])
    assert row(data, CYCLE)["active_threshold_days"] == 90


def test_fractional_factors_round_the_threshold_up():
    rules = PortfolioRules(
        lifecycle=LifecycleRules(
            mode="cycle", cycle_active_factor=Decimal("2.5"), cycle_floor_days=1
        )
    )
    got = row(weekly_buyer_who_stopped(1), rules)
    assert got["active_threshold_days"] == 18  # 2.5 x 7 = 17.5


def test_the_previous_status_uses_the_thresholds_of_the_previous_date():
    data = weekly_buyer_who_stopped(0)
    assert row(data, CYCLE)["status_previous"] == "active"
    late = make_input(
        clients=[1], orders=[(1, T - timedelta(days=50 + 7 * k), 1) for k in range(10)]
    )
    got = row(late, CYCLE)
    assert (got["status_previous"], got["status"]) == ("active", "inactivated")
