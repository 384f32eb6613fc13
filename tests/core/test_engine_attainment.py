"""Attainment and pace as arithmetic: no database, numbers worked out by hand."""

import datetime as dt
from decimal import Decimal
from fractions import Fraction

from carteira_core.engine import whole_month, whole_quarter
from carteira_core.engine.attainment import attainment, elapsed_days, pace, progress

NOV = whole_month(2026, 11)


def test_revenue_sold_by_day_12_of_november_projects_linearly_over_30_days():
    # R$ 40.000,00 in 12 of 30 days → R$ 100.000,00 at the end of the month.
    p = progress("revenue", Decimal("100000.00"), Decimal("40000.00"), start=NOV.start,
                 end=NOV.end, as_of=dt.date(2026, 11, 12))  # fmt: skip
    assert p.pace == Fraction(100000)
    assert p.attainment == Fraction(2, 5)
    assert p.pace_attainment == 1
    assert p.met is False and p.on_pace is True


def test_positivation_of_63_percent_against_a_goal_of_70_is_90_percent_attained():
    assert attainment("positivation", Decimal("0.63"), Decimal("0.70")) == Fraction(9, 10)


def test_the_pace_of_a_rate_is_its_current_value():
    assert pace("positivation", Fraction(63, 100), start=NOV.start, end=NOV.end,
                as_of=dt.date(2026, 11, 5)) == Fraction(63, 100)  # fmt: skip


def test_churn_is_a_ceiling_so_attainment_is_target_over_actual():
    under = progress("churn_rate", Decimal("0.05"), Fraction(4, 100), start=NOV.start,
                     end=NOV.end, as_of=NOV.end)  # fmt: skip
    over = progress("churn_rate", Decimal("0.05"), Fraction(10, 100), start=NOV.start,
                    end=NOV.end, as_of=NOV.end)  # fmt: skip
    assert (under.attainment, under.met) == (Fraction(5, 4), True)
    assert (over.attainment, over.met) == (Fraction(1, 2), False)
    assert attainment("churn_rate", 0, Decimal("0.05")) == 1


def test_new_clients_pace_in_a_quarter_counts_all_92_days():
    q4 = whole_quarter(2026, 4)
    assert (q4.start, q4.end) == (dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    assert elapsed_days(q4.start, q4.end, dt.date(2026, 11, 15)) == 46
    assert pace("new_clients", 3, start=q4.start, end=q4.end,
                as_of=dt.date(2026, 11, 15)) == 6  # fmt: skip


def test_no_pace_before_the_period_starts_and_no_attainment_without_a_value():
    assert pace("revenue", 10, start=NOV.start, end=NOV.end, as_of=dt.date(2026, 10, 31)) is None
    assert attainment("revenue", None, 100) is None
