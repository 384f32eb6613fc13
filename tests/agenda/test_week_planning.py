"""The seller's hand on the week: a task moved to another day stays there (pinned) and the
rest is re-planned around it; an office day takes calls but no visits; a client's hours
and visit length shape the day's route; the client's predicted value ranks the tasks of
one class."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from carteira.agenda import hooks
from carteira.agenda.models import ClientVisitHours, OfficeDay, Task, TimeOff, WorkSchedule
from carteira.agenda.planning import (
    PlanRefused,
    do_move_task,
    do_set_office_day,
    do_unpin_task,
)
from carteira.agenda.scheduling import do_schedule
from carteira.agenda.selectors import agenda_tasks
from carteira.agenda.services import do_new_feed
from carteira.agenda.week import seller_week, week_as_json, week_routes
from carteira.audit.models import AuditEvent
from carteira.leads.models import Lead
from carteira.portfolio.models import SnapshotRun
from carteira.value.models import ClientValue, ValueFit
from carteira.value.selectors import predicted_values
from tests.personas import make_client

D = dt.date
MONDAY = D(2026, 12, 14)  # a week without a holiday
TUESDAY, WEDNESDAY, THURSDAY, FRIDAY = (MONDAY + dt.timedelta(days=n) for n in range(1, 5))
MONDAY_NOON = dt.datetime(2026, 12, 14, 15, tzinfo=dt.UTC)
HOME = (-30.0346, -51.2177)  # Porto Alegre


def visits(seller, n, *, prefix="V"):
    """``n`` visits due on Monday, most important first (priority 900, 890, …)."""
    made = []
    for i in range(n):
        client = make_client(f"{prefix}{i}", seller, name=f"Loja {prefix}{i}", state="RS",
                             latitude=HOME[0] + 0.01 * (i + 1), longitude=HOME[1])  # fmt: skip
        made.append(Task.objects.create(
            client=client, seller=seller, title="Visitar", channel="visit", due_date=MONDAY,
            origin=Task.Origin.PLAN, plan_key="cell:v", priority=900 - 10 * i, frequency_days=30,
        ))  # fmt: skip
    return made


def calls(seller, n):
    for i in range(n):
        client = make_client(f"C{i}", seller, state="RS")
        Task.objects.create(client=client, seller=seller, title="Ligar", channel="phone",
                            due_date=MONDAY, origin=Task.Origin.PLAN, plan_key="cell:c",
                            priority=100, frequency_days=30)  # fmt: skip


def planned(tasks) -> list:
    return [Task.objects.get(pk=task.pk).scheduled_date for task in tasks]


@pytest.fixture
def ana(seller_ana):
    seller_ana.home_latitude, seller_ana.home_longitude = HOME
    seller_ana.save()
    WorkSchedule.objects.create(seller=seller_ana, daily_visits=2, daily_calls=2)
    return seller_ana


@pytest.fixture
def six(ana):
    tasks = visits(ana, 6)
    do_schedule(today=MONDAY, seller_ids=[ana.pk])
    assert planned(tasks) == [MONDAY, MONDAY, TUESDAY, TUESDAY, WEDNESDAY, WEDNESDAY]
    return tasks


@pytest.mark.django_db
class TestMovingATask:
    def test_a_visit_moved_to_monday_stays_there_and_the_others_make_room(self, ana, six):
        do_move_task(six[5], MONDAY, by=ana.user, today=MONDAY)
        assert planned(six) == [MONDAY, TUESDAY, TUESDAY, WEDNESDAY, WEDNESDAY, MONDAY]
        assert Task.objects.get(pk=six[5].pk).pinned is True
        do_schedule(today=MONDAY, seller_ids=[ana.pk])  # re-planning keeps the pin
        assert planned(six) == [MONDAY, TUESDAY, TUESDAY, WEDNESDAY, WEDNESDAY, MONDAY]
        event = AuditEvent.objects.get(action="task.moved")
        assert event.details == {"from": "2026-12-16", "to": "2026-12-14"}

    def test_a_visit_dragged_to_thursday_is_on_thursdays_route(self, ana, six):
        do_move_task(six[0], THURSDAY, by=ana.user, today=MONDAY)
        week = seller_week(ana, tasks=agenda_tasks(user=ana.user, seller=ana), monday=MONDAY,
                           today=MONDAY)  # fmt: skip
        thursday = week.days[3]
        assert [row.task.pk for row in thursday.visits] == [six[0].pk]
        assert thursday.visits[0].arrival == "08:03"  # 1.1 km × 1.3 at 40 km/h: 2.2 min
        assert thursday.distance_km == 2.2
        route = week_routes(week)["2026-12-17"]
        assert [stop["name"] for stop in route["stops"]] == ["Loja V0"]
        assert route["start"] == list(HOME)

    @pytest.mark.parametrize(
        ("day", "message"),
        [
            (D(2026, 12, 11), "passou"),
            (D(2026, 12, 19), "não é dia útil"),
            (D(2026, 12, 25), "Natal"),
            (D(2027, 12, 1), "longe demais"),
        ],
    )
    def test_a_past_day_a_day_off_or_a_day_too_far_is_refused_and_nothing_changes(
        self, ana, six, day, message
    ):
        with pytest.raises(PlanRefused, match=message):
            do_move_task(six[5], day, by=ana.user, today=MONDAY)
        assert planned(six) == [MONDAY, MONDAY, TUESDAY, TUESDAY, WEDNESDAY, WEDNESDAY]
        assert not Task.objects.filter(pinned=True).exists()

    def test_a_day_whose_capacity_is_all_pinned_refuses_another_pin(self, ana, six):
        do_move_task(six[4], TUESDAY, by=ana.user, today=MONDAY)
        do_move_task(six[5], TUESDAY, by=ana.user, today=MONDAY)
        with pytest.raises(PlanRefused, match="cheio"):
            do_move_task(six[0], TUESDAY, by=ana.user, today=MONDAY)
        assert Task.objects.get(pk=six[0].pk).scheduled_date == MONDAY
        assert not Task.objects.get(pk=six[0].pk).pinned

    def test_let_go_of_a_pin_the_plan_places_the_task_by_its_priority_again(self, ana, six):
        do_move_task(six[5], MONDAY, by=ana.user, today=MONDAY)
        do_unpin_task(six[5], by=ana.user, today=MONDAY)
        assert planned(six) == [MONDAY, MONDAY, TUESDAY, TUESDAY, WEDNESDAY, WEDNESDAY]
        assert not Task.objects.filter(pinned=True).exists()

    def test_a_pinned_day_that_becomes_time_off_lets_the_pin_go(self, ana, six):
        do_move_task(six[5], FRIDAY, by=ana.user, today=MONDAY)
        TimeOff.objects.create(seller=ana, start=FRIDAY, end=FRIDAY, reason="Curso")
        do_schedule(today=MONDAY, seller_ids=[ana.pk])
        task = Task.objects.get(pk=six[5].pk)
        assert (task.scheduled_date, task.pinned) == (WEDNESDAY, False)


@pytest.mark.django_db
class TestOfficeDays:
    def test_an_office_day_moves_its_visits_and_keeps_its_calls(self, ana, six):
        calls(ana, 2)
        do_schedule(today=MONDAY, seller_ids=[ana.pk])
        do_set_office_day(ana, MONDAY, office=True, by=ana.user, today=MONDAY)
        assert planned(six) == [TUESDAY, TUESDAY, WEDNESDAY, WEDNESDAY, THURSDAY, THURSDAY]
        assert Task.objects.filter(channel="phone", scheduled_date=MONDAY).count() == 2
        with pytest.raises(PlanRefused, match="escritório"):
            do_move_task(six[0], MONDAY, by=ana.user, today=MONDAY)
        week = seller_week(ana, tasks=agenda_tasks(user=ana.user, seller=ana), monday=MONDAY,
                           today=MONDAY)  # fmt: skip
        assert (week.days[0].office, week.days[0].capacity.visits) == (True, 0)
        do_set_office_day(ana, MONDAY, office=False, by=ana.user, today=MONDAY)
        assert planned(six) == [MONDAY, MONDAY, TUESDAY, TUESDAY, WEDNESDAY, WEDNESDAY]
        assert not OfficeDay.objects.exists()

    def test_a_pinned_visit_on_a_day_that_becomes_an_office_day_is_moved(self, ana, six):
        do_move_task(six[5], MONDAY, by=ana.user, today=MONDAY)
        do_set_office_day(ana, MONDAY, office=True, by=ana.user, today=MONDAY)
        task = Task.objects.get(pk=six[5].pk)
        assert task.scheduled_date != MONDAY and task.pinned is False


@pytest.mark.django_db
class TestPlanningPages:
    def post(self, client, user, url, **data):
        with time_machine.travel(MONDAY_NOON, tick=False):
            client.force_login(user)
            return client.post(url, data)

    def test_a_seller_moves_a_visit_from_the_week_and_comes_back_to_that_week(
        self, client, ana, six
    ):
        response = self.post(client, ana.user, reverse("agenda:move", args=[six[0].pk]),
                             day="2026-12-17")  # fmt: skip
        assert response.status_code == 302
        assert response["Location"] == "/agenda/?week=2026-12-17"
        assert Task.objects.get(pk=six[0].pk).scheduled_date == THURSDAY

    def test_a_refused_move_says_why_on_the_week_and_changes_nothing(self, client, ana, six):
        response = self.post(client, ana.user, reverse("agenda:move", args=[six[0].pk]),
                             day="2026-12-20")  # fmt: skip
        with time_machine.travel(MONDAY_NOON, tick=False):
            page = client.get(response["Location"]).content.decode()
        assert "20/12/2026 não é dia útil" in page
        assert planned(six)[0] == MONDAY

    def test_another_seller_cannot_move_the_task_nor_mark_the_office_day(
        self, client, ana, six, seller_bruno
    ):
        response = self.post(client, seller_bruno.user, reverse("agenda:move", args=[six[0].pk]),
                             day="2026-12-17")  # fmt: skip
        assert response.status_code == 404
        response = self.post(client, seller_bruno.user, reverse("agenda:office_day"),
                             seller=ana.pk, day="2026-12-15")  # fmt: skip
        assert response.status_code == 404
        assert planned(six)[0] == MONDAY and not OfficeDay.objects.exists()

    def test_the_manager_plans_the_sellers_week_and_stays_on_it(
        self, client, ana, six, manager_sul
    ):
        response = self.post(client, manager_sul, reverse("agenda:office_day"),
                             seller=ana.pk, day="2026-12-15")  # fmt: skip
        assert response.status_code == 302
        assert response["Location"] == f"/agenda/?week=2026-12-15&seller={ana.pk}"
        assert list(OfficeDay.objects.values_list("seller", "date")) == [(ana.pk, TUESDAY)]

    def test_the_week_page_offers_moves_and_draws_each_days_route(self, client, ana, six):
        with time_machine.travel(MONDAY_NOON, tick=False):
            client.force_login(ana.user)
            response = client.get(reverse("agenda:mine"))
        page = response.content.decode()
        assert page.count('class="move-form"') == 6
        assert page.count('class="route-map"') == 3
        routes = response.context["routes"]
        assert sorted(routes) == ["2026-12-14", "2026-12-15", "2026-12-16"]
        assert [stop["n"] for stop in routes["2026-12-14"]["stops"]] == [1, 2]


@pytest.mark.django_db
class TestClientHours:
    def week(self, ana):
        return seller_week(ana, tasks=agenda_tasks(user=ana.user, seller=ana), monday=MONDAY,
                           today=MONDAY)  # fmt: skip

    def test_a_client_that_receives_from_14h_is_visited_then_and_its_own_length_counts(
        self, ana, six
    ):
        ClientVisitHours.objects.create(client=six[0].client, opens=dt.time(14))
        ClientVisitHours.objects.create(client=six[1].client, visit_minutes=90)
        monday = self.week(ana).days[0]
        arrivals = {row.task.pk: row.arrival for row in monday.visits}
        # Loja V1 first (2.2 km: 08:05), 90 minutes there, then V0 when it opens: back
        # home at 14:33, not at 16:06 (V0 at 14:00, then V1 until 16:03).
        assert arrivals == {six[1].pk: "08:05", six[0].pk: "14:00"}

    def test_hours_that_leave_no_time_for_the_visit_are_said_on_the_week(self, ana, six):
        ClientVisitHours.objects.create(client=six[0].client, opens=dt.time(7),
                                        closes=dt.time(8, 20))  # fmt: skip
        week = self.week(ana)
        monday = week.days[0]
        assert [row.task.pk for row in monday.unfit] == [six[0].pk]
        assert monday.impossible == {six[0].pk}
        assert any("horário" in message and "08:00–18:00" in message for message in week.messages)

    def test_the_sellers_own_day_hours_set_the_first_arrival(self, ana, six):
        WorkSchedule.objects.filter(seller=ana).update(day_starts=dt.time(7), day_ends=dt.time(16))
        monday = self.week(ana).days[0]
        assert [row.arrival for row in monday.visits] == ["07:03", "07:36"]


@pytest.mark.django_db
class TestPredictedValue:
    def test_within_a_class_the_client_worth_more_is_planned_first(self, ana, monkeypatch):
        a, b = visits(ana, 2)
        Task.objects.filter(pk__in=[a.pk, b.pk]).update(priority=300)
        monkeypatch.setattr(hooks, "_values", [lambda ids: {b.client_id: 900_000_00}])
        WorkSchedule.objects.filter(seller=ana).update(daily_visits=1)
        do_schedule(today=MONDAY, seller_ids=[ana.pk])
        assert planned([b, a]) == [MONDAY, TUESDAY]

    def test_the_value_app_gives_the_clv_of_the_latest_reliable_fit(self, ana):
        a, b = visits(ana, 2)
        run = SnapshotRun.objects.create(as_of=MONDAY, period_start=D(2025, 12, 14), rules={})
        fit = ValueFit.objects.create(
            run=run, status="ok", spend_status="ok", horizon_months=12,
            monthly_rate=Decimal("0.01"), expectation_days=90,
        )  # fmt: skip
        ClientValue.objects.create(fit=fit, client=a.client, frequency=3, recency_days=10,
                                   age_days=300, p_alive=0.9, expected_purchases=2.0,
                                   clv=Decimal("1234.56"))  # fmt: skip
        assert predicted_values([a.client_id, b.client_id]) == {a.client_id: 123456}
        assert hooks.client_values([a.client_id]) == {a.client_id: 123456}
        ValueFit.objects.filter(pk=fit.pk).update(spend_status="degenerate")
        assert predicted_values([a.client_id]) == {}


@pytest.mark.django_db
class TestVisitHoursPage:
    def test_the_seller_sets_a_clients_hours_and_the_week_shows_and_routes_them(
        self, client, ana, six
    ):
        url = reverse("agenda:visit_hours", args=[six[0].client_id]) + "?week=2026-12-14"
        with time_machine.travel(MONDAY_NOON, tick=False):
            client.force_login(ana.user)
            assert client.get(url).status_code == 200
            response = client.post(url, {"opens": "14:00", "closes": "17:30", "visit_minutes": ""})
            assert response.status_code == 302
            assert response["Location"] == "/agenda/?week=2026-12-14"
            page = client.get(response["Location"]).content.decode()
        hours = ClientVisitHours.objects.get(client=six[0].client)
        assert (hours.opens, hours.closes, hours.visit_minutes) == (dt.time(14), dt.time(17, 30),
                                                                     None)  # fmt: skip
        assert "atende 14:00–17:30" in page
        assert '<time class="arrival">14:00</time>' in page

    def test_closing_before_opening_is_refused_and_nothing_is_saved(self, client, ana, six):
        url = reverse("agenda:visit_hours", args=[six[0].client_id])
        client.force_login(ana.user)
        response = client.post(url, {"opens": "14:00", "closes": "09:00", "visit_minutes": "3"})
        assert response.status_code == 422
        page = response.content.decode()
        assert "O cliente precisa fechar depois de abrir." in page
        assert "Certifique-se que este valor seja maior ou igual a 5." in page
        assert not ClientVisitHours.objects.exists()

    def test_all_empty_clears_the_hours(self, client, ana, six):
        ClientVisitHours.objects.create(client=six[0].client, opens=dt.time(9))
        client.force_login(ana.user)
        url = reverse("agenda:visit_hours", args=[six[0].client_id])
        assert client.post(url, {"opens": "", "closes": "", "visit_minutes": ""}).status_code == 302
        assert not ClientVisitHours.objects.exists()

    def test_another_sellers_client_is_not_found(self, client, ana, six, seller_bruno):
        client.force_login(seller_bruno.user)
        url = reverse("agenda:visit_hours", args=[six[0].client_id])
        assert client.get(url).status_code == 404
        assert client.post(url, {"opens": "08:00"}).status_code == 404
        assert not ClientVisitHours.objects.exists()


@pytest.mark.django_db
class TestCalendarFeedOfTheWeek:
    def test_this_weeks_visits_are_timed_at_their_arrival_with_the_clients_place(
        self, client, ana, six
    ):
        feed = do_new_feed(ana, by=ana.user)
        ClientVisitHours.objects.create(client=six[0].client, visit_minutes=50)
        far = Task.objects.create(client=six[5].client, seller=ana, title="Depois",
                                  channel="visit", due_date=D(2027, 2, 1),
                                  origin=Task.Origin.MANUAL)  # fmt: skip
        do_schedule(today=MONDAY, seller_ids=[ana.pk])
        with time_machine.travel(MONDAY_NOON, tick=False):
            text = client.get(reverse("agenda:feed", args=[feed.token])).content.decode()
        events = text.split("BEGIN:VEVENT")[1:]
        first = next(event for event in events if f"task-{six[0].pk}@" in event)
        # Loja V0: 1.1 km from home (08:03), 50 minutes there.
        assert "DTSTART:20261214T080300\r\n" in first and "DTEND:20261214T085300\r\n" in first
        assert "GEO:-30.024600;-51.217700\r\n" in first
        assert "LOCATION:" in first
        later = next(event for event in events if f"task-{far.pk}@" in event)
        assert "DTSTART;VALUE=DATE:20270201" in later


@pytest.mark.django_db
def test_a_lead_visit_with_coordinates_is_on_the_days_route_between_the_clients(ana):
    """Issue 18's leads: a meeting at a prospect 2.2 km out is a stop of Monday's route,
    timed, drawn on the map and counted in the km; one without coordinates is listed."""
    near, far = visits(ana, 2)  # 1.1 and 2.2 km north of home
    between = Lead.objects.create(name="Mercado Novo", seller=ana, source="list",
                                  stage="contacted", next_step="Reunião", created_date=MONDAY,
                                  next_step_date=MONDAY, next_step_channel="visit",
                                  latitude=HOME[0] + 0.015, longitude=HOME[1])  # fmt: skip
    nowhere = Lead.objects.create(name="Sem Endereço", seller=ana, source="list",
                                  stage="contacted", next_step="Reunião", created_date=MONDAY,
                                  next_step_date=TUESDAY, next_step_channel="visit")  # fmt: skip
    WorkSchedule.objects.filter(seller=ana).update(daily_visits=3)
    do_schedule(today=MONDAY, seller_ids=[ana.pk])
    week = seller_week(ana, tasks=agenda_tasks(user=ana.user, seller=ana), monday=MONDAY,
                       today=MONDAY)  # fmt: skip
    monday = week.days[0]
    assert [stop["name"] for stop in monday.stops] == [
        "Loja V0", "Lead: Mercado Novo", "Loja V1"]  # fmt: skip
    assert [row.task.pk for row in monday.visits] == [near.pk, far.pk]
    lead = next(lead for lead in monday.prospects if lead.pk == between.pk)
    # Home → V0 3 min, 30 min there, → lead (0.56 km) 2 min, 30 min there, → V1 2 min.
    assert (monday.visits[0].arrival, lead.arrival, monday.visits[1].arrival) == (
        "08:03", "08:35", "09:07")  # fmt: skip
    assert monday.distance_km == 4.4  # out 2.2 km and back
    assert week_routes(week)["2026-12-14"]["stops"][1]["lead"] is True
    assert week_as_json(week)["days"][0]["leads"] == [
        {"lead": f"L{between.pk}", "kind": "visit", "arrival": "08:35"}]  # fmt: skip
    tuesday = week.days[1]
    assert (tuesday.stops, [lead.routed for lead in tuesday.prospects]) == ([], [False])
    assert [lead.pk for lead in tuesday.prospects] == [nowhere.pk]
