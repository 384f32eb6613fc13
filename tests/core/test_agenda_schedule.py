"""Tasks into working days within capacity, by priority; the rest is the backlog."""

import datetime as dt

from carteira_core.agenda.calendar import seller_calendar
from carteira_core.agenda.schedule import (
    CALL,
    VISIT,
    Capacity,
    Job,
    default_capacity,
    schedule,
)

D = dt.date
MONDAY = D(2026, 12, 21)  # the week of Christmas (Friday 25th)
CALENDAR = seller_calendar(years=[2026, 2027])
YEAR_END = D(2026, 12, 31)


def job(key, kind=CALL, *, earliest=MONDAY, latest=None, priority=0, cents=0, due=None):
    return Job(key, kind, earliest, due or earliest, latest, priority, cents)


def plan(jobs, capacity, *, today=MONDAY, end=YEAR_END):
    return schedule(jobs, calendar=CALENDAR, capacity=capacity, today=today, horizon_end=end)


def test_no_day_holds_more_than_its_capacity_and_no_task_lands_on_a_holiday_or_weekend():
    jobs = [job(key) for key in range(12)]
    result = plan(jobs, Capacity(visits=0, calls=3))
    days = sorted(result.days.values())
    assert (
        days == [MONDAY] * 3 + [D(2026, 12, 22)] * 3 + [D(2026, 12, 23)] * 3 + [D(2026, 12, 24)] * 3
    )
    assert result.backlog == []


def test_visits_and_calls_have_separate_capacities():
    jobs = [job(1, VISIT), job(2, VISIT), job(3, CALL), job(4, CALL)]
    result = plan(jobs, Capacity(visits=1, calls=2))
    assert result.days == {1: MONDAY, 2: D(2026, 12, 22), 3: MONDAY, 4: MONDAY}


def test_the_more_important_task_gets_the_earlier_day():
    jobs = [
        job(1, priority=100),  # class C
        job(2, priority=300),  # class A
        job(3, priority=100, cents=500_00),  # class C with revenue at risk
        job(4, priority=100, due=D(2026, 12, 1)),  # class C, 20 days overdue
    ]
    result = plan(jobs, Capacity(visits=0, calls=1))
    assert [key for key, _day in sorted(result.days.items(), key=lambda kv: kv[1])] == [
        2,
        3,
        4,
        1,
    ]


def test_a_task_is_never_planned_before_its_due_date():
    result = plan([job(1, earliest=D(2026, 12, 23))], Capacity(visits=0, calls=5))
    assert result.days == {1: D(2026, 12, 23)}


def test_a_task_due_on_christmas_moves_to_the_next_working_day():
    result = plan([job(1, earliest=D(2026, 12, 25))], Capacity(visits=0, calls=5))
    assert result.days == {1: D(2026, 12, 28)}


def test_what_does_not_fit_before_its_last_day_is_the_backlog_not_dropped():
    jobs = [job(1, latest=MONDAY, priority=300), job(2, latest=MONDAY, priority=100)]
    result = plan(jobs, Capacity(visits=0, calls=1))
    assert result.days == {1: MONDAY}
    assert [late.key for late in result.backlog] == [2]


def test_a_day_with_zero_capacity_takes_nothing():
    capacity = {MONDAY: Capacity(0, 0), D(2026, 12, 22): Capacity(0, 1)}
    result = plan([job(1), job(2)], capacity)
    assert result.days == {1: D(2026, 12, 22)}
    assert [late.key for late in result.backlog] == [2]


def test_the_load_counts_each_kind_per_day():
    jobs = [job(1, VISIT), job(2, CALL), job(3, CALL)]
    result = plan(jobs, Capacity(visits=2, calls=2))
    assert result.load(jobs) == {(MONDAY, VISIT): 1, (MONDAY, CALL): 2}


def test_the_default_capacity_splits_the_weekly_contacts_by_the_share_of_visits():
    assert default_capacity(60, 5, 0.25) == Capacity(visits=3, calls=9)
    assert default_capacity(60, 5, 0.0) == Capacity(visits=0, calls=12)
    assert default_capacity(0, 5, 0.5) == Capacity(visits=0, calls=0)
    assert default_capacity(60, 0, 1.0) == Capacity(visits=60, calls=0)


def test_a_pinned_job_keeps_its_day_and_the_others_are_planned_around_it():
    wednesday = D(2026, 12, 23)
    jobs = [
        job(1, VISIT, priority=300),
        job(2, VISIT, priority=100),
        Job(3, VISIT, MONDAY, MONDAY, None, 100, 0, pinned=wednesday),
    ]
    result = plan(jobs, Capacity(visits=1, calls=0))
    assert result.days == {1: MONDAY, 2: D(2026, 12, 22), 3: wednesday}


def test_a_pin_on_a_day_off_or_a_full_day_is_not_kept():
    christmas = D(2026, 12, 25)
    jobs = [
        Job(1, VISIT, MONDAY, MONDAY, None, 300, 0, pinned=MONDAY),
        Job(2, VISIT, MONDAY, MONDAY, None, 100, 0, pinned=MONDAY),  # Monday is full
        Job(3, VISIT, MONDAY, MONDAY, None, 100, 0, pinned=christmas),
    ]
    result = plan(jobs, Capacity(visits=1, calls=0))
    assert result.days == {1: MONDAY, 2: D(2026, 12, 22), 3: D(2026, 12, 23)}


def test_an_office_day_takes_calls_but_no_visits():
    tuesday = D(2026, 12, 22)
    capacity = {MONDAY: Capacity(0, 1), tuesday: Capacity(1, 1)}
    result = plan([job(1, VISIT), job(2, CALL)], capacity)
    assert result.days == {1: tuesday, 2: MONDAY}


def test_the_clients_expected_value_ranks_after_the_class_and_before_revenue_at_risk():
    jobs = [
        Job(1, CALL, MONDAY, MONDAY, None, 100, 900_00, value_cents=10_00),
        Job(2, CALL, MONDAY, MONDAY, None, 100, 0, value_cents=5_000_00),
        Job(3, CALL, MONDAY, MONDAY, None, 300, 0, value_cents=0),
    ]
    result = plan(jobs, Capacity(visits=0, calls=1))
    assert [key for key, _day in sorted(result.days.items(), key=lambda kv: kv[1])] == [3, 2, 1]
