"""`carteira agenda`: the seller's planned week, in route order, as a table or JSON."""

import datetime as dt
import io
import json

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils import translation

from carteira.agenda.models import Task, WorkSchedule
from carteira.agenda.week import seller_week
from carteira_core.agenda.route import great_circle_km
from tests.personas import make_client

HOME = (-30.03, -51.23)  # Porto Alegre
SUNDAY_NOON = dt.datetime(2026, 12, 20, 15, tzinfo=dt.UTC)


def task(seller, code, channel, *, point=None, priority=100):
    latitude, longitude = point or (None, None)
    client = make_client(code, seller, state="RS", latitude=latitude, longitude=longitude)
    return Task.objects.create(client=client, seller=seller, title=code, channel=channel,
                               due_date=dt.date(2026, 12, 18), origin=Task.Origin.PLAN,
                               plan_key="cell:1", priority=priority, frequency_days=30)  # fmt: skip


def agenda(*args) -> str:
    out, err = io.StringIO(), io.StringIO()
    with time_machine.travel(SUNDAY_NOON, tick=False), translation.override("en"):
        call_command("agenda", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def ana_week(seller_ana):
    seller_ana.home_latitude, seller_ana.home_longitude = HOME
    seller_ana.save()
    WorkSchedule.objects.create(seller=seller_ana, daily_visits=2, daily_calls=1)
    # The far client is the more important: the route still visits the near one first.
    task(seller_ana, "FAR", "visit", point=(-29.83, -51.23), priority=300)
    task(seller_ana, "NEAR", "visit", point=(-29.93, -51.23), priority=100)
    task(seller_ana, "LATER", "visit", point=(-29.93, -51.13), priority=50)
    task(seller_ana, "CALL1", "phone", priority=300)
    task(seller_ana, "CALL2", "whatsapp", priority=100)
    return seller_ana


@pytest.mark.django_db
class TestAgendaCommand:
    def test_the_json_week_has_the_routes_in_order_from_home_and_back(self, ana_week):
        out, err = agenda("--seller", "V001", "--week", "2026-12-23", "--format", "json")
        week = json.loads(out)
        assert err == ""
        assert week["seller"] == "V001" and week["backlog"] == 0
        assert [day["date"] for day in week["days"]] == [f"2026-12-{day}" for day in range(21, 28)]
        monday, tuesday = week["days"][0], week["days"][1]
        start = {"latitude": HOME[0], "longitude": HOME[1]}
        # 11.1 km a leg × 1.3 at 40 km/h = 22 minutes; 30 minutes at each client.
        assert monday == {
            "date": "2026-12-21",
            "start": start,
            "visits": [
                {"client": "NEAR", "latitude": -29.93, "longitude": -51.23, "arrival": "08:22"},
                {"client": "FAR", "latitude": -29.83, "longitude": -51.23, "arrival": "09:14"},
            ],
            "calls": [{"client": "CALL1"}],
            "capacity": {"visits": 2, "calls": 1},
            "office": False,
            "distance_km": round(2 * great_circle_km(HOME, (-29.83, -51.23)), 1),
            "leads": [],
        }
        assert [visit["client"] for visit in tuesday["visits"]] == ["LATER"]
        assert tuesday["calls"] == [{"client": "CALL2"}]
        christmas = week["days"][4]
        assert (christmas["visits"], christmas["calls"], christmas["capacity"]) == (
            [], [], {"visits": 0, "calls": 0}
        )  # fmt: skip

    def test_the_table_lists_each_day_and_says_why_a_day_is_off(self, ana_week):
        out, _err = agenda("--seller", "V001", "--week", "2026-12-21")
        lines = out.splitlines()
        assert lines[0] == "Week of 12/21/2026 to 12/27/2026 — Ana Souza (V001)"
        assert lines[2:5] == ["  08:22  NEAR  Cliente NEAR LTDA", "  09:14  FAR  Cliente FAR LTDA",
                              "  calls: CALL1"]  # fmt: skip
        assert "Fri 12/25/2026  — Natal" in lines
        assert lines[-1] == "Backlog: 0 tasks (R$0.00 at risk)"

    def test_a_client_without_coordinates_is_listed_not_dropped_and_the_seller_told(self, ana_week):
        Task.objects.filter(client__external_id="FAR").update(priority=10)
        task(ana_week, "NOWHERE", "visit", priority=400)
        out, err = agenda("--seller", "V001", "--week", "2026-12-21", "--format", "json")
        monday = json.loads(out)["days"][0]
        assert monday["visits"] == [
            {"client": "NEAR", "latitude": -29.93, "longitude": -51.23, "arrival": "08:22"},
            {"client": "NOWHERE", "latitude": None, "longitude": None, "arrival": None},
        ]
        assert "1 visit is to a client without coordinates: geocode it to route it." in err

    def test_a_seller_without_a_home_gets_a_message_and_a_null_start(self, ana_week):
        ana_week.home_latitude = ana_week.home_longitude = None
        ana_week.save()
        out, err = agenda("--seller", "V001", "--week", "2026-12-21", "--format", "json")
        assert json.loads(out)["days"][0]["start"] is None
        assert "Ana Souza has no start location" in err

    def test_an_unknown_seller_is_a_clear_error(self, db):
        with pytest.raises(CommandError, match="no seller with the code 'V999'"):
            agenda("--seller", "V999")

    def test_a_malformed_week_is_a_clear_error(self, ana_week):
        with pytest.raises(CommandError, match="--week must be a date as YYYY-MM-DD"):
            agenda("--seller", "V001", "--week", "21/12/2026")


@pytest.mark.django_db
def test_each_days_route_opens_in_a_maps_app_from_home_through_the_visits_and_back(ana_week):
    tasks = Task.objects.filter(seller=ana_week, status="open")
    with time_machine.travel(SUNDAY_NOON, tick=False):
        call_command("agenda", "--seller", "V001", stdout=io.StringIO(), stderr=io.StringIO())
        week = seller_week(ana_week, tasks=tasks, monday=dt.date(2026, 12, 21),
                           today=dt.date(2026, 12, 20))  # fmt: skip
    assert week.days[0].route_url == (
        "https://www.google.com/maps/dir/?api=1&origin=-30.030000%2C-51.230000"
        "&destination=-30.030000%2C-51.230000"
        "&waypoints=-29.930000%2C-51.230000%7C-29.830000%2C-51.230000&travelmode=driving"
    )
    assert week.days[4].route_url is None  # Christmas
