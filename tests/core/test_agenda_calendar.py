"""Working days: the seller's weekdays minus Brazil's holidays, the state's, the
company's days off and the seller's time off."""

import datetime as dt

from carteira_core.agenda.calendar import brazil_holidays, seller_calendar

D = dt.date


def test_christmas_and_the_national_black_consciousness_day_are_not_worked():
    calendar = seller_calendar(years=[2026])
    assert calendar.is_working(D(2026, 12, 25)) is False
    assert calendar.why_off(D(2026, 12, 25)) == "Natal"
    assert calendar.is_working(D(2026, 11, 20)) is False
    assert calendar.is_working(D(2026, 12, 24)) is True


def test_a_state_holiday_is_off_only_for_a_seller_of_that_state():
    # 9 July 2026 (a Thursday): Revolução Constitucionalista, São Paulo only.
    assert seller_calendar(years=[2026], state="SP").is_working(D(2026, 7, 9)) is False
    assert seller_calendar(years=[2026], state="RJ").is_working(D(2026, 7, 9)) is True
    assert seller_calendar(years=[2026], state="sp").is_working(D(2026, 7, 9)) is False


def test_an_unknown_state_falls_back_to_the_national_holidays():
    assert brazil_holidays([2026], "XX") == brazil_holidays([2026])
    assert len(brazil_holidays([2026])) == 10


def test_weekends_company_days_off_and_time_off_are_not_worked():
    calendar = seller_calendar(
        years=[2026],
        company_days_off={D(2026, 12, 24): "Véspera de Natal"},
        time_off=[(D(2026, 12, 28), D(2026, 12, 30), "Férias")],
    )
    december = list(calendar.working_days(D(2026, 12, 21), D(2026, 12, 31)))
    assert december == [D(2026, 12, 21), D(2026, 12, 22), D(2026, 12, 23), D(2026, 12, 31)]
    assert calendar.why_off(D(2026, 12, 29)) == "Férias"


def test_a_seller_who_works_saturdays_has_them_as_working_days():
    calendar = seller_calendar(years=[2026], weekdays=range(6))
    assert calendar.is_working(D(2026, 12, 12)) is True
    assert calendar.is_working(D(2026, 12, 13)) is False


def test_the_next_working_day_after_a_sunday_before_a_holiday_monday_is_tuesday():
    # 2 November 2026 (Finados) is a Monday.
    calendar = seller_calendar(years=[2026])
    assert calendar.next_working_day(D(2026, 11, 1)) == D(2026, 11, 3)


def test_a_seller_with_no_working_weekday_has_no_next_working_day():
    assert seller_calendar(years=[2026], weekdays=[]).next_working_day(D(2026, 1, 5)) is None
