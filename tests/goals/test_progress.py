"""Goals read against the engine's official runs, on day 12 of November 2026."""

from decimal import Decimal
from fractions import Fraction

from carteira.goals.models import Goal
from carteira.goals.periods import parse_period
from carteira.goals.scopes import Scope
from carteira.goals.selectors import Reader, goal_for, goal_progress
from carteira.goals.services import do_set_goal
from goals.conftest import D12

NOV = parse_period("2026-11")


def _goal(indicator, target, **scope):
    return Goal.objects.create(indicator=indicator, period_start=NOV.start, period_end=NOV.end,
                               target=Decimal(target), **scope)  # fmt: skip


def test_revenue_so_far_ignores_cancelled_and_later_orders_and_projects_to_the_goal(
    november, seller_ana
):
    progress = goal_progress(_goal("revenue", "100000", seller=seller_ana), D12)
    assert progress.actual == 40000
    assert progress.pace == 100000
    assert progress.attainment == Fraction(2, 5)
    assert progress.on_pace is True


def test_positivation_of_one_client_in_two_attains_62_5_percent_of_an_80_percent_goal(
    november, seller_ana
):
    progress = goal_progress(_goal("positivation", "0.80", seller=seller_ana), D12)
    assert progress.actual == Fraction(1, 2)
    assert progress.pace == Fraction(1, 2)
    assert progress.attainment == Fraction(5, 8)


def test_sums_by_team_region_and_key_client(november, team_sul, team_norte, seller_bruno):
    team_sul.region = "Sul"
    team_sul.save()
    reader = Reader(NOV, D12)
    sul = Scope("team", str(team_sul.pk))
    assert reader.value("reactivated", Scope("seller", str(seller_bruno.pk))) == 1
    assert reader.value("reactivated", sul) == 1
    assert reader.value("new_clients", Scope("team", str(team_norte.pk))) == 1
    assert reader.value("new_clients", sul) == 0
    assert reader.value("revenue", Scope("region", "Sul")) == 40800
    assert reader.value("revenue", Scope("client", str(november["A1"].pk))) == 40000


def test_tasks_on_time_counts_done_by_the_due_date_over_all_due(november, seller_ana):
    assert Reader(NOV, D12).value("tasks_on_time", Scope("seller", str(seller_ana.pk))) == (
        Fraction(1, 3)
    )


def test_setting_a_goal_twice_keeps_one_and_clearing_removes_it(db, seller_ana):
    scope = Scope("seller", str(seller_ana.pk))
    do_set_goal(scope=scope, indicator="revenue", period=NOV, target=Decimal(1), by=None)
    do_set_goal(scope=scope, indicator="revenue", period=NOV, target=Decimal(2), by=None)
    assert goal_for("revenue", scope, NOV).target == 2
    assert Goal.objects.count() == 1
    do_set_goal(scope=scope, indicator="revenue", period=NOV, target=None, by=None)
    assert Goal.objects.count() == 0
