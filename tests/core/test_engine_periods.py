"""Indicators over a named window: the rules' rolling period, a calendar month or quarter."""

from __future__ import annotations

from datetime import date

import pytest

from carteira_core.engine import (
    Period,
    indicator_counts,
    indicators,
    month_to_date,
    parse_period,
    quarter_to_date,
    read_portfolio,
    rolling,
    whole_month,
    whole_quarter,
)
from carteira_core.rules import PortfolioRules
from tests.core.conftest import make_input

RULES = PortfolioRules()  # active 90, inactive 180, period 30 days
OCT_31 = date(2026, 10, 31)


def test_month_runs_from_the_first_of_the_as_of_month_to_the_as_of_date():
    period = month_to_date(date(2026, 12, 7))
    assert (period.start, period.end, period.days, period.eve) == (
        date(2026, 12, 1), date(2026, 12, 7), 7, date(2026, 11, 30),
    )  # fmt: skip


def test_quarter_runs_from_the_first_day_of_the_as_of_quarter():
    period = quarter_to_date(date(2026, 11, 15))
    assert (period.start, period.end, period.days) == (date(2026, 10, 1), date(2026, 11, 15), 46)


def test_the_rolling_window_of_30_days_at_31_october_starts_on_2_october():
    period = rolling(OCT_31, 30)
    assert (period.start, period.eve, period.key) == (date(2026, 10, 2), date(2026, 10, 1),
                                                      "days:30")  # fmt: skip


@pytest.mark.parametrize(
    ("text", "start", "key"),
    [
        ("", date(2026, 10, 2), "days:30"),
        ("month", date(2026, 10, 1), "month"),
        ("Quarter", date(2026, 10, 1), "quarter"),
        ("days:7", date(2026, 10, 25), "days:7"),
    ],
)
def test_a_period_is_parsed_from_month_quarter_or_days(text, start, key):
    period = parse_period(text, OCT_31, 30)
    assert (period.start, period.end, period.key) == (start, OCT_31, key)


@pytest.mark.parametrize("text", ["week", "days:0", "days:", "days:x", "2026-10"])
def test_any_other_period_is_refused(text):
    with pytest.raises(ValueError, match="unknown period"):
        parse_period(text, OCT_31, 30)


@pytest.mark.parametrize(
    ("period", "previous"),
    [
        (whole_month(2026, 10), (date(2026, 9, 1), date(2026, 9, 30))),
        (whole_month(2026, 3), (date(2026, 2, 1), date(2026, 2, 28))),
        (month_to_date(date(2026, 12, 7)), (date(2026, 11, 1), date(2026, 11, 7))),
        (month_to_date(date(2026, 3, 30)), (date(2026, 2, 1), date(2026, 2, 28))),
        (whole_quarter(2026, 2), (date(2026, 1, 1), date(2026, 3, 31))),
        (quarter_to_date(date(2026, 12, 7)), (date(2026, 7, 1), date(2026, 9, 7))),
        (rolling(OCT_31, 30), (date(2026, 9, 2), date(2026, 10, 1))),
    ],
)
def test_the_previous_period_is_the_same_kind_just_before(period, previous):
    before = period.previous()
    assert (before.kind, before.start, before.end) == (period.kind, *previous)


def test_a_period_that_does_not_end_on_the_as_of_date_is_refused():
    data = make_input(clients=[1])
    with pytest.raises(ValueError, match="not on the as-of date"):
        read_portfolio(data, OCT_31, RULES, whole_month(2026, 9))


def test_a_period_cannot_end_before_it_starts():
    with pytest.raises(ValueError, match="cannot start"):
        Period("month", date(2026, 10, 2), date(2026, 10, 1))


def _october():
    """1: buys 3 Oct (pre-inactive on the eve); 2: buys 20 Oct for
    R$ 100 and on 1 Oct for R$ 50; 3: last bought 4 Apr (pre-inactive on 30 Sep, lost by
    31 Oct: 210 days); 4: inactive on 30 Sep and buys again on 1 Oct (reactivated);
    5: a prospect whose first purchase is on 1 Oct (new)."""
    return make_input(
        clients=range(1, 6),
        orders=[
            (1, date(2026, 6, 1), 1000), (1, date(2026, 10, 3), 30000),
            (2, date(2026, 8, 1), 1000), (2, date(2026, 10, 1), 5000),
            (2, date(2026, 10, 20), 10000),
            (3, date(2026, 4, 4), 7000),
            (4, date(2025, 12, 1), 2000), (4, date(2026, 10, 1), 4000),
            (5, date(2026, 10, 1), 9900),
        ],
        interactions=[(3, date(2026, 10, 1), True), (3, date(2026, 10, 15), False)],
    )  # fmt: skip


def test_october_counts_what_happened_from_1_to_31_october():
    reading = read_portfolio(_october(), OCT_31, RULES, whole_month(2026, 10))
    (counts,) = indicator_counts(reading).to_dicts()
    assert counts == {
        "portfolio": 5, "positivated": 4, "covered": 1, "revenue": 58900, "purchases": 5,
        "churned": 1, "churn_base": 3, "reactivated": 1, "reactivation_base": 1,
        "new_clients": 1, "converted": 1, "conversion_base": 1, "ltv_basis": 69900,
    }  # fmt: skip


def test_the_30_days_up_to_31_october_leave_out_the_first_of_the_month():
    reading = read_portfolio(_october(), OCT_31, RULES)
    (counts,) = indicator_counts(reading).to_dicts()
    # 1 Oct is the eve: clients 4 and 5 bought on it, 2's R$ 50 falls outside, 1's 3 Oct in
    assert (counts["revenue"], counts["purchases"], counts["positivated"]) == (40000, 2, 2)
    assert (counts["reactivated"], counts["new_clients"], counts["covered"]) == (0, 0, 0)


def test_the_period_never_changes_the_status_at_the_as_of_date():
    rolling_reading = read_portfolio(_october(), OCT_31, RULES)
    month = read_portfolio(_october(), OCT_31, RULES, whole_month(2026, 10))
    columns = ["client_id", "status", "abc", "rfm", "revenue_at_risk_cents"]
    assert month.clients.select(columns).equals(rolling_reading.clients.select(columns))
    assert month.clients["status_previous"].to_list() == [
        "pre_inactive", "active", "pre_inactive", "inactive", "prospect",
    ]  # fmt: skip


def test_a_client_lost_early_in_a_quarter_is_churn_of_the_quarter():
    # last purchase 1 Feb: pre-inactive on 30 Jun (149 days), inactive on 30 Sep (241 > 210)
    data = make_input(clients=[1, 2], orders=[(1, date(2026, 2, 1), 100),
                                               (2, date(2026, 5, 1), 100)])  # fmt: skip
    quarter = read_portfolio(data, date(2026, 9, 30), RULES, whole_quarter(2026, 3))
    assert quarter.clients["status"].to_list() == ["inactive", "pre_inactive"]
    assert quarter.clients["status_previous"].to_list() == ["pre_inactive", "active"]
    (row,) = indicators(quarter).to_dicts()
    assert row["churn_rate"] == 0.5


def test_ltv_uses_the_days_of_the_period():
    data = _october()
    month = read_portfolio(data, OCT_31, RULES, whole_month(2026, 10))
    (row,) = indicators(month).to_dicts()
    # basis 69 900 over 5 clients a year (365-day ABC window), churn 1/3 in 31 days
    assert row["ltv"] == pytest.approx(69900 * 31 * 3 / (5 * 365 * 1))


def test_churn_over_the_rules_window_counts_only_the_specs_inactivated():
    from carteira_core.engine import churned_statuses

    assert churned_statuses(30, 30) == ("inactivated",)
    assert churned_statuses(7, 30) == ("inactivated",)


def test_churn_over_a_longer_window_also_counts_customers_lost_early_in_it():
    from carteira_core.engine import churned_statuses

    assert churned_statuses(31, 30) == ("inactivated", "inactive")
    assert churned_statuses(92, 30) == ("inactivated", "inactive")
