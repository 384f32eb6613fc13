"""A visit its day's route cannot fit (the client's hours, the day's hours, the travel) is
moved by the re-plan to the nearest later working day that has room and takes it on its
route, and the card says from which day and why; only one that no day takes stays on its
day, flagged, and counts in the backlog the manager sees."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from carteira.agenda.models import ClientVisitHours, OfficeDay, Task, TimeOff, WorkSchedule
from carteira.agenda.planning import do_move_task
from carteira.agenda.scheduling import backlog_by_seller, do_schedule
from carteira.agenda.selectors import agenda_tasks
from carteira.agenda.week import seller_week
from tests.agenda.test_week_planning import (
    FRIDAY,
    HOME,
    MONDAY,
    MONDAY_NOON,
    THURSDAY,
    TUESDAY,
    WEDNESDAY,
    planned,
    visits,
)
from tests.personas import make_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def ana(seller_ana):
    seller_ana.home_latitude, seller_ana.home_longitude = HOME
    seller_ana.save()
    WorkSchedule.objects.create(seller=seller_ana, daily_visits=2, daily_calls=2)
    return seller_ana


@pytest.fixture
def six(ana):
    """Two visits a day: Monday V0, V1 (1.1 and 2.2 km out); Tuesday V2, V3; Wednesday
    V4, V5; Thursday and Friday free. V0 is a 6-hour visit and V1 a 4-hour one: with the
    travel they do not both fit between 08:00 and 18:00."""
    tasks = visits(ana, 6)
    ClientVisitHours.objects.create(client=tasks[0].client, visit_minutes=360)
    ClientVisitHours.objects.create(client=tasks[1].client, visit_minutes=240)
    return tasks


def week(seller):
    return seller_week(seller, tasks=agenda_tasks(user=seller.user, seller=seller),
                       monday=MONDAY, today=MONDAY)  # fmt: skip


def test_the_visit_that_does_not_fit_moves_to_thursday_and_says_so(client, ana, six):
    plan = do_schedule(today=MONDAY, seller_ids=[ana.pk])[0]
    # Monday's route keeps V0 (less travel for as many visits); Tuesday and Wednesday
    # are full: V1 goes to Thursday, the nearest later day with room.
    assert planned(six) == [MONDAY, THURSDAY, TUESDAY, TUESDAY, WEDNESDAY, WEDNESDAY]
    v1 = Task.objects.get(pk=six[1].pk)
    assert (v1.moved_from, v1.unfit, v1.pinned) == (MONDAY, False, False)
    assert (plan.planned, plan.backlog) == (6, 0)
    days = week(ana).days
    assert [row.task.pk for row in days[0].visits] == [six[0].pk]
    assert [row.task.pk for row in days[3].visits] == [six[1].pk]
    assert (days[0].unfit, days[3].unfit) == ([], [])
    with time_machine.travel(MONDAY_NOON, tick=False):
        client.force_login(ana.user)
        page = client.get("/agenda/?week=2026-12-14").content.decode()
    assert page.count("movida de seg 14/12: não cabia na rota") == 1
    # Re-planned again, the same: the move is not undone nor repeated.
    do_schedule(today=MONDAY, seller_ids=[ana.pk])
    assert planned(six)[:2] == [MONDAY, THURSDAY]


def test_office_days_and_full_days_are_skipped(ana, six):
    OfficeDay.objects.create(seller=ana, date=THURSDAY)
    do_schedule(today=MONDAY, seller_ids=[ana.pk])
    assert planned(six)[:2] == [MONDAY, FRIDAY]


def test_a_pinned_visit_is_never_moved_the_other_one_is(ana, six):
    Task.objects.filter(pk=six[1].pk).update(scheduled_date=MONDAY, pinned=True)
    do_schedule(today=MONDAY, seller_ids=[ana.pk])
    # The seller fixed V1 on Monday: the route keeps it, V0 moves (its 6 hours fit Thursday).
    assert planned(six)[:2] == [THURSDAY, MONDAY]
    assert Task.objects.get(pk=six[0].pk).moved_from == MONDAY


def test_a_visit_no_day_takes_stays_flagged_and_counts_in_the_backlog(ana, six):
    # V1 must be seen by Wednesday (its next contact is due then), and Tuesday and
    # Wednesday are full.
    Task.objects.filter(pk=six[1].pk).update(frequency_days=3, revenue_at_risk=Decimal("1500"))
    plan = do_schedule(today=MONDAY, seller_ids=[ana.pk])[0]
    assert planned(six)[:2] == [MONDAY, MONDAY]
    v1 = Task.objects.get(pk=six[1].pk)
    assert (v1.moved_from, v1.unfit) == (None, True)
    assert (plan.planned, plan.backlog, plan.backlog_value) == (5, 1, Decimal("1500"))
    assert backlog_by_seller([ana.pk]) == {ana.pk: (1, Decimal("1500"))}
    shown = week(ana)
    assert [row.task.pk for row in shown.days[0].unfit] == [six[1].pk]
    assert shown.backlog == 1
    assert any("nenhum dia seguinte" in message for message in shown.messages)
    # A longer frequency lets it go to Thursday: the flag is cleared.
    Task.objects.filter(pk=six[1].pk).update(frequency_days=30)
    do_schedule(today=MONDAY, seller_ids=[ana.pk])
    v1.refresh_from_db()
    assert (v1.scheduled_date, v1.moved_from, v1.unfit) == (THURSDAY, MONDAY, False)


def test_setting_a_clients_hours_re_plans_the_week(client, ana, six):
    ClientVisitHours.objects.filter(client=six[1].client).update(visit_minutes=None)
    do_schedule(today=MONDAY, seller_ids=[ana.pk])
    assert planned(six)[:2] == [MONDAY, MONDAY]
    url = reverse("agenda:visit_hours", args=[six[1].client_id])
    with time_machine.travel(MONDAY_NOON, tick=False):
        client.force_login(ana.user)
        response = client.post(url, {"opens": "", "closes": "", "visit_minutes": "240"})
    assert response.status_code == 302
    assert planned(six)[:2] == [MONDAY, THURSDAY]


def test_a_day_off_is_not_a_day_to_move_to(ana, six):
    TimeOff.objects.create(seller=ana, start=THURSDAY, end=dt.date(2026, 12, 21), reason="x")
    do_schedule(today=MONDAY, seller_ids=[ana.pk])
    # Thursday to Monday 21/12 off: Tuesday 22/12 is the nearest working day with room.
    assert planned(six)[:2] == [MONDAY, dt.date(2026, 12, 22)]


FLORIANOPOLIS = (-27.5954, -48.548)  # 376 km from Ana's home in Porto Alegre


def far_visits(seller, n):
    """``n`` visits due on Monday to shops in Florianópolis, more important than V0, V1."""
    made = []
    for i in range(n):
        lat, lon = FLORIANOPOLIS[0] + 0.01 * i, FLORIANOPOLIS[1]
        shop = make_client(f"F{i}", seller, name=f"Loja F{i}", state="SC", latitude=lat,
                           longitude=lon)  # fmt: skip
        made.append(Task.objects.create(
            client=shop, seller=seller, title="Visitar", channel="visit", due_date=MONDAY,
            origin=Task.Origin.PLAN, plan_key="cell:v", priority=990 - i, frequency_days=30,
        ))  # fmt: skip
    return made


def test_a_visit_too_far_for_a_day_trip_is_planned_as_a_call_within_the_calls_capacity(client, ana):
    near, far = visits(ana, 2), far_visits(ana, 3)
    plan = do_schedule(today=MONDAY, seller_ids=[ana.pk])[0]
    # 750 km there and back: no day takes it as a visit. As calls (2 a day), two on Monday
    # and one on Tuesday; Monday's two visits are the near ones. Nothing is flagged.
    assert planned(far) == [MONDAY, MONDAY, TUESDAY]
    assert planned(near) == [MONDAY, MONDAY]
    assert [(t.planned_as_call, t.unfit, t.moved_from) for t in Task.objects.filter(
        pk__in=[t.pk for t in far])] == [(True, False, None)] * 3  # fmt: skip
    assert (plan.planned, plan.backlog) == (5, 0)
    monday = week(ana).days[0]
    assert [row.task.pk for row in monday.visits] == [near[0].pk, near[1].pk]
    assert [row.task.pk for row in monday.calls] == [far[0].pk, far[1].pk]
    assert (monday.load, monday.call_load, monday.unfit) == (2, 2, [])
    assert monday.calls[0].far_note == (
        "376 km de distância, longe demais para ir e voltar no dia: planejada como ligação"
    )
    with time_machine.travel(MONDAY_NOON, tick=False):
        client.force_login(ana.user)
        page = client.get("/agenda/?week=2026-12-14").content.decode()
    assert page.count("longe demais para ir e voltar no dia: planejada como ligação") == 3
    # The seller moves to Florianópolis: the shops there are visits again, Porto Alegre's
    # are the calls now.
    ana.home_latitude, ana.home_longitude = FLORIANOPOLIS
    ana.save()
    do_schedule(today=MONDAY, seller_ids=[ana.pk])
    assert [t.planned_as_call for t in Task.objects.filter(pk__in=[t.pk for t in far])] == [
        False] * 3  # fmt: skip
    assert [Task.objects.get(pk=t.pk).planned_as_call for t in near] == [True, True]


def test_a_visit_planned_as_a_call_may_be_moved_to_an_office_day(ana):
    (far,) = far_visits(ana, 1)
    OfficeDay.objects.create(seller=ana, date=WEDNESDAY)
    do_schedule(today=MONDAY, seller_ids=[ana.pk])
    moved = do_move_task(Task.objects.get(pk=far.pk), WEDNESDAY, by=ana.user, today=MONDAY)
    assert (moved.scheduled_date, moved.pinned, moved.planned_as_call) == (WEDNESDAY, True, True)


def test_re_planning_a_week_costs_as_many_queries_for_three_visits_as_for_nine(ana):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(n, prefix):
        visits(ana, n, prefix=prefix)
        do_schedule(today=MONDAY, seller_ids=[ana.pk])  # the week as it will be
        with CaptureQueriesContext(connection) as done:
            do_schedule(today=MONDAY, seller_ids=[ana.pk])
        return len(done)

    assert queries(3, "A") == queries(6, "B")
