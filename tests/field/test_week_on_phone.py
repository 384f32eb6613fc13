"""The week on the seller's phone says what the agenda page says: a visit its day's route
could not take is on a later day with the day it was moved from, and a visit too far for
a day trip is among the calls with the reason — on the phone's calendar at any hour."""

import datetime as dt
import json

import pytest
import time_machine

from carteira.agenda.models import ClientVisitHours, Task, WorkSchedule
from carteira.agenda.scheduling import do_schedule
from tests.field.test_offline_browser import (
    SAO_PAULO,
    open_app_online,
    phone,  # noqa: F401 (the fixture)
)
from tests.field.test_sync_api import API
from tests.field.test_sync_api import phone as phone_client
from tests.personas import make_client

MONDAY, THURSDAY = dt.date(2026, 12, 14), dt.date(2026, 12, 17)
MONDAY_NOON = dt.datetime(2026, 12, 14, 15, tzinfo=dt.UTC)
HOME = (-30.0346, -51.2177)  # Porto Alegre
FLORIANOPOLIS = (-27.5954, -48.548)


def a_week_with_a_moved_and_a_far_visit(seller) -> tuple[Task, Task]:
    """Monday: a 6-hour and a 4-hour visit near home (with the travel they do not both fit:
    the second moves to Thursday, Tuesday and Wednesday being full) and a visit to
    Florianópolis (376 km: planned as a call)."""
    seller.home_latitude, seller.home_longitude = HOME
    seller.save()
    WorkSchedule.objects.create(seller=seller, daily_visits=2, daily_calls=2)
    tasks = []
    places = [(HOME[0] + 0.01 * (i + 1), HOME[1]) for i in range(6)] + [FLORIANOPOLIS]
    for i, (lat, lon) in enumerate(places):
        client = make_client(f"V{i}", seller, name=f"Loja V{i}", latitude=lat, longitude=lon)
        tasks.append(Task.objects.create(
            client=client, seller=seller, title=f"Visitar Loja V{i}", channel="visit",
            due_date=MONDAY, origin=Task.Origin.PLAN, plan_key="cell:v",
            priority=900 - 10 * i, frequency_days=30,
        ))  # fmt: skip
    ClientVisitHours.objects.create(client=tasks[0].client, visit_minutes=360)
    ClientVisitHours.objects.create(client=tasks[1].client, visit_minutes=240)
    do_schedule(today=MONDAY, seller_ids=[seller.pk])
    moved, far = Task.objects.get(pk=tasks[1].pk), Task.objects.get(pk=tasks[6].pk)
    assert (moved.scheduled_date, moved.moved_from) == (THURSDAY, MONDAY)
    assert (far.scheduled_date, far.planned_as_call) == (MONDAY, True)
    return moved, far


@pytest.mark.django_db
def test_the_downloaded_week_says_where_a_moved_visit_came_from_and_why_a_visit_is_a_call(
    seller_ana,
):
    with time_machine.travel(MONDAY_NOON, tick=False):
        moved, far = a_week_with_a_moved_and_a_far_visit(seller_ana)
        body = json.loads(phone_client(seller_ana.user).get(f"{API}/download").content)
    days = {day["date"]: day for day in body["changed"]["week"]["days"]}
    thursday = {row["task"]: row for row in days["2026-12-17"]["visits"]}
    assert thursday[moved.pk]["moved_from"] == "2026-12-14"
    assert thursday[moved.pk]["note"] is None
    monday = days["2026-12-14"]
    assert [row["task"] for row in monday["calls"]] == [far.pk]
    assert monday["calls"][0]["moved_from"] is None
    assert monday["calls"][0]["note"] == (
        "376 km de distância, longe demais para ir e voltar no dia: planejada como ligação"
    )
    assert far.pk not in {row["task"] for day in days.values() for row in day["unrouted"]}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_phone_shows_the_day_a_visit_was_moved_from_late_in_the_evening(
    phone,  # noqa: F811
    live_server,
    seller_ana,
):
    """At 23:30 on Monday in Brasília the UTC day is already Tuesday: the phone still
    names Monday as the day the visit was moved from."""
    with time_machine.travel(MONDAY_NOON, tick=True):
        moved, far = a_week_with_a_moved_and_a_far_visit(seller_ana)
        context = phone()
        context.clock.set_fixed_time(dt.datetime.combine(MONDAY, dt.time(23, 30),
                                                         tzinfo=SAO_PAULO))  # fmt: skip
        page = open_app_online(context, live_server.url)
        thursday = page.locator("details.day[data-date='2026-12-17']")
        line = thursday.locator("li", has_text=moved.title)
        assert line.locator("small.moved").text_content() == (
            " · movida de seg., 14/12: não cabia na rota"
        )
        monday = page.locator("details.day[data-date='2026-12-14']")
        call = monday.locator("li", has_text=far.title)
        assert call.locator("small.moved").text_content() == (
            " · 376 km de distância, longe demais para ir e voltar no dia: planejada como ligação"
        )
