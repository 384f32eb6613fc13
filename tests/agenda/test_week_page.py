"""The agenda page is the week by day within capacity; the manager sees the backlog."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from carteira.agenda.models import Task, TimeOff, WorkSchedule
from carteira.agenda.scheduling import do_schedule
from tests.personas import make_client

MONDAY_NOON = dt.datetime(2026, 12, 21, 15, tzinfo=dt.UTC)
MONDAY = dt.date(2026, 12, 21)


def calls(seller, n, *, value="0", every=30, due=dt.date(2026, 12, 20)):
    for i in range(n):
        client = make_client(f"{seller.external_id}-{i}", seller, state="RS")
        Task.objects.create(client=client, seller=seller, title="Ligar", channel="phone",
                            due_date=due, origin=Task.Origin.PLAN,
                            plan_key="cell:1", revenue_at_risk=Decimal(value),
                            frequency_days=every)  # fmt: skip


def page(client, user, **params):
    with time_machine.travel(MONDAY_NOON, tick=False):
        client.force_login(user)
        response = client.get(reverse("agenda:mine"), params)
    assert response.status_code == 200
    return response


@pytest.mark.django_db
class TestWeekPage:
    def test_a_seller_sees_the_week_by_day_within_capacity_and_christmas_off(
        self, client, seller_ana
    ):
        WorkSchedule.objects.create(seller=seller_ana, daily_visits=0, daily_calls=3)
        calls(seller_ana, 14)
        response = page(client, seller_ana.user)
        week = response.context["week"]
        loads = [(day.date.day, len(day.calls), day.working) for day in week.days]
        assert loads == [(21, 3, True), (22, 3, True), (23, 3, True), (24, 3, True),
                         (25, 0, False), (26, 0, False), (27, 0, False)]  # fmt: skip
        assert week.days[4].why_off == "Natal"
        assert len(response.context["today_rows"]) == 3
        html = response.content.decode()
        assert "Natal" in html and "3/3" in html
        following = page(client, seller_ana.user, week="2026-12-28").context["week"]
        assert [len(day.calls) for day in following.days] == [2, 0, 0, 0, 0, 0, 0]

    def test_opening_the_agenda_replans_what_yesterday_left_undone(self, client, seller_ana):
        WorkSchedule.objects.create(seller=seller_ana, daily_visits=0, daily_calls=3)
        calls(seller_ana, 2, due=dt.date(2026, 12, 17))
        do_schedule(today=dt.date(2026, 12, 18), seller_ids=[seller_ana.pk])
        assert set(Task.objects.values_list("scheduled_date", flat=True)) == {dt.date(2026, 12, 18)}
        page(client, seller_ana.user)
        assert set(Task.objects.values_list("scheduled_date", flat=True)) == {MONDAY}

    def test_time_off_entered_today_replans_the_week_on_the_next_visit(self, client, seller_ana):
        WorkSchedule.objects.create(seller=seller_ana, daily_visits=0, daily_calls=3)
        calls(seller_ana, 2)
        page(client, seller_ana.user)
        assert set(Task.objects.values_list("scheduled_date", flat=True)) == {MONDAY}
        TimeOff.objects.create(seller=seller_ana, start=MONDAY, end=MONDAY, reason="Médico")
        week = page(client, seller_ana.user).context["week"]
        assert set(Task.objects.values_list("scheduled_date", flat=True)) == {dt.date(2026, 12, 22)}
        assert (week.days[0].working, week.days[0].why_off) == (False, "Médico")

    def test_the_manager_sees_each_sellers_backlog_and_its_value(
        self, client, manager_sul, seller_ana, seller_bruno
    ):
        WorkSchedule.objects.create(seller=seller_ana, daily_visits=0, daily_calls=1)
        calls(seller_ana, 6, value="250.00", every=7)
        calls(seller_bruno, 1)
        with time_machine.travel(MONDAY_NOON, tick=False):
            do_schedule(today=MONDAY)
        response = page(client, manager_sul)
        backlog = [(row["seller"].name, row["count"], row["value"])
                   for row in response.context["team_backlog"]]  # fmt: skip
        # Ana: one call a day, Monday to Thursday before the next contact is due.
        assert backlog == [("Ana Souza", 2, Decimal("500.00")), ("Bruno Lima", 0, Decimal(0))]
        assert "R$\xa0500,00" in response.content.decode()

    def test_a_manager_reading_a_sellers_week_sees_that_sellers_backlog(
        self, client, manager_sul, seller_ana
    ):
        WorkSchedule.objects.create(seller=seller_ana, daily_visits=0, daily_calls=1)
        calls(seller_ana, 6, value="250.00", every=7)
        week = page(client, manager_sul, seller=seller_ana.pk).context["week"]
        assert (week.backlog, week.backlog_value, week.planned) == (2, Decimal("500.00"), 4)


@pytest.mark.django_db
def test_a_days_calls_come_in_the_one_order_of_importance(client, seller_ana):
    # Same priority: the upsell call with R$ 35.600,00 of room to grow comes before the one
    # with more revenue at risk (the database's order would put it second).
    WorkSchedule.objects.create(seller=seller_ana, daily_visits=0, daily_calls=3)
    risk = make_client("RISCO", seller_ana, state="RS")
    room = make_client("ESPACO", seller_ana, state="RS")
    for client_, revenue, objective, context in (
        (risk, "500", "", {}),
        (room, "100", "upsell", {"value": {"kind": "upsell", "amount": "35600.00"}}),
    ):
        Task.objects.create(client=client_, seller=seller_ana, title="Ligar", channel="phone",
                            due_date=MONDAY, origin=Task.Origin.PLAN, plan_key="cell:1",
                            revenue_at_risk=Decimal(revenue), objective=objective,
                            context=context)  # fmt: skip
    week = page(client, seller_ana.user).context["week"]
    assert [row.task.client.external_id for row in week.days[0].calls] == ["ESPACO", "RISCO"]
