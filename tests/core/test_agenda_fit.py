"""Visits a day's route cannot take move to the nearest later day that takes them; a visit
is never dropped: one no day takes stays on its day, flagged."""

import datetime as dt

from carteira_core.agenda.fit import PlannedVisit, fit_routes
from carteira_core.agenda.route import Stop, day_unfit, plan_route

D = dt.date
MON, TUE, WED, THU, FRI = (D(2026, 12, 14) + dt.timedelta(days=n) for n in range(5))
HOME = (-23.55, -46.63)


def visit(key, day, *, last=FRI, pinned=False, priority=10):
    return PlannedVisit(Stop(key, HOME, 30, None, priority), day, last, pinned)


def at_most(n, *, impossible=()):
    """A day's route that takes the ``n`` stops of the highest priority (then lowest key)."""
    seen = []

    def check(day, stops):
        seen.append((day, sorted(stop.key for stop in stops)))
        bad = [stop.key for stop in stops if stop.key in impossible]
        rest = sorted((s for s in stops if s.key not in impossible),
                      key=lambda s: (-s.priority, s.key))  # fmt: skip
        return [stop.key for stop in rest[n:]] + bad, tuple(bad)

    check.seen = seen
    return check


def test_a_visit_that_does_not_fit_moves_to_the_nearest_later_day_with_room():
    visits = [visit(1, MON), visit(2, MON), visit(3, MON), visit(4, TUE)]
    check = at_most(2)
    fit = fit_routes(visits, room={MON: 0, TUE: 0, WED: 1, THU: 1}, check=check)
    # Tuesday is full (no room): Wednesday takes visit 3.
    assert (fit.days, fit.moved, fit.unfit) == ({3: WED}, {3: MON}, set())
    assert check.seen == [(MON, [1, 2, 3]), (TUE, [4]), (WED, [3])]


def test_a_visit_moved_in_yields_to_the_days_own_visits_and_moves_on():
    visits = [visit(1, MON), visit(2, MON), visit(3, TUE)]
    fit = fit_routes(visits, room={TUE: 1, WED: 1}, check=at_most(1))
    # Monday keeps 1; 2 moves to Tuesday, whose route keeps its own 3 (priority 10 > 9):
    # 2 moves on to Wednesday, still said to come from Monday.
    assert (fit.days, fit.moved, fit.unfit) == ({2: WED}, {2: MON}, set())


def test_pinned_visits_hours_that_never_fit_and_days_run_out_stay_flagged():
    visits = [
        visit(1, MON, priority=20),
        visit(2, MON, pinned=True),
        visit(3, MON),
        visit(4, MON, last=TUE),
        visit(5, MON),
    ]
    fit = fit_routes(visits, room={TUE: 0, WED: 1}, check=at_most(1, impossible={3}))
    # 1 is kept; 2 is pinned there, 3's hours never fit, 4 may not go past Tuesday (full):
    # flagged on Monday. 5 takes Wednesday's one slot.
    assert (fit.days, fit.unfit) == ({5: WED}, {2, 3, 4})


def test_a_day_whose_visits_fit_by_a_quick_order_is_not_solved():
    stops = [Stop(key, (-23.55 + 0.01 * key, -46.63), 30) for key in range(1, 9)]
    assert day_unfit(HOME, stops) == ([], ())


def test_the_solver_decides_when_no_quick_order_fits_and_agrees_with_the_route():
    # 5.5 h + 4.5 h of visits and the travel do not fit between 08:00 and 18:00: the nearer
    # client is kept (the same number of visits for less travel).
    near, far = Stop(1, (-23.56, -46.63), 330), Stop(2, (-23.58, -46.63), 270)
    assert day_unfit(HOME, [near, far]) == ([2], ())
    assert plan_route(HOME, [near, far]).unfit == [2]


def test_a_higher_priority_visit_is_kept_when_not_all_fit():
    near, far = Stop(1, (-23.56, -46.63), 330), Stop(2, (-23.58, -46.63), 270, None, 100)
    assert plan_route(HOME, [near, far]).unfit == [1]


def test_a_visit_too_far_to_go_and_come_back_within_the_day_is_one_no_day_takes():
    # 300 km out: 585 road minutes each way at 40 km/h x 1.3.
    near, far = Stop(1, (-23.56, -46.63), 30), Stop(2, (-26.25, -46.63), 30)
    assert day_unfit(HOME, [near, far]) == ([2], (2,))
