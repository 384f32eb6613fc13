"""The seller's open tasks are planned on working days within the daily capacity; what
does not fit is the backlog the manager sees, with its value."""

import datetime as dt
from collections import Counter
from decimal import Decimal

import pytest
import time_machine

from carteira.agenda.models import CompanyDayOff, Task, TimeOff, WorkSchedule
from carteira.agenda.scheduling import backlog_by_seller, do_schedule, working_time
from carteira.agenda.services import do_send_batch
from carteira.clients.services import do_assign_client
from tests.personas import make_client

D = dt.date
SUNDAY = D(2026, 12, 20)
MONDAY = D(2026, 12, 21)


def tasks_for(seller, n, *, channel="phone", due=SUNDAY, every=30, value="0", priority=100):
    made = []
    for i in range(n):
        client = make_client(f"{seller.external_id}-{len(made)}-{due:%m%d}-{i}", seller, state="SP")
        made.append(
            Task.objects.create(
                client=client,
                seller=seller,
                title="Ligar",
                channel=channel,
                due_date=due,
                origin=Task.Origin.PLAN,
                plan_key=f"cell:{i}",
                priority=priority,
                revenue_at_risk=Decimal(value),
                frequency_days=every,
            )
        )
    return made


def days_of(seller) -> Counter:
    return Counter(
        Task.objects.filter(seller=seller, status="open").values_list("scheduled_date", flat=True)
    )


def planned_on(*sellers) -> list:
    return [WorkSchedule.objects.get(seller=seller).planned_on for seller in sellers]


@pytest.fixture
def ana(seller_ana):
    seller_ana.weekly_capacity = 10  # two contacts a day, Monday to Friday
    seller_ana.save()
    return seller_ana


@pytest.mark.django_db
class TestScheduling:
    def test_thirty_calls_due_on_a_sunday_fill_working_days_two_a_day_skipping_christmas(self, ana):
        tasks_for(ana, 30)
        (plan,) = do_schedule(today=SUNDAY, seller_ids=[ana.pk])
        days = days_of(ana)
        assert (plan.planned, plan.backlog) == (30, 0)
        assert set(days.values()) == {2}
        assert sorted(days)[:5] == [MONDAY, D(2026, 12, 22), D(2026, 12, 23), D(2026, 12, 24),
                                    D(2026, 12, 28)]  # fmt: skip
        assert D(2026, 12, 25) not in days and D(2026, 12, 27) not in days
        assert D(2027, 1, 1) not in days

    def test_what_cannot_be_done_within_the_plans_frequency_is_the_backlog_with_its_value(
        self, ana
    ):
        tasks_for(ana, 30, every=7, value="100.00")
        (plan,) = do_schedule(today=SUNDAY, seller_ids=[ana.pk])
        # Monday to Thursday before Christmas, two a day; the next contact is due by Sunday.
        assert (plan.planned, plan.backlog, plan.backlog_value) == (8, 22, Decimal("2200.00"))
        assert backlog_by_seller([ana.pk]) == {ana.pk: (22, Decimal("2200.00"))}
        assert days_of(ana)[None] == 22

    def test_the_most_valuable_tasks_are_planned_first_and_the_cheap_ones_wait(self, ana):
        cheap = tasks_for(ana, 4, every=7, value="10.00")
        dear = tasks_for(ana, 4, every=7, value="900.00", due=D(2026, 12, 19))
        do_schedule(today=SUNDAY, seller_ids=[ana.pk])
        planned = dict(Task.objects.values_list("pk", "scheduled_date"))
        tue, wed, thu = D(2026, 12, 22), D(2026, 12, 23), D(2026, 12, 24)
        assert [planned[task.pk] for task in dear] == [MONDAY, MONDAY, tue, tue]
        assert [planned[task.pk] for task in cheap] == [wed, wed, thu, thu]

    def test_company_days_off_time_off_and_a_set_capacity_are_respected(self, ana):
        CompanyDayOff.objects.create(date=MONDAY, name="Inventário")
        TimeOff.objects.create(seller=ana, start=D(2026, 12, 22), end=D(2026, 12, 23))
        WorkSchedule.objects.create(seller=ana, daily_calls=3, daily_visits=0)
        tasks_for(ana, 4)
        do_schedule(today=SUNDAY, seller_ids=[ana.pk])
        assert days_of(ana) == {D(2026, 12, 24): 3, D(2026, 12, 28): 1}

    def test_the_holidays_are_those_of_the_state_where_most_of_the_sellers_clients_are(self, ana):
        tasks_for(ana, 1, due=D(2026, 7, 9))  # a São Paulo holiday, a Thursday
        time = working_time(ana, today=D(2026, 7, 1))
        assert time.state == "SP"
        do_schedule(today=D(2026, 7, 1), seller_ids=[ana.pk])
        assert days_of(ana) == {D(2026, 7, 10): 1}

    def test_visits_default_to_their_share_of_the_weekly_capacity(self, ana):
        ana.weekly_capacity = 60
        ana.save()
        tasks_for(ana, 1, channel="visit")
        tasks_for(ana, 3, channel="whatsapp", due=MONDAY)
        capacity = working_time(ana, today=MONDAY).capacity
        assert (capacity.visits, capacity.calls) == (3, 9)

    def test_a_central_team_list_is_planned_before_its_deadline(self, ana, analyst):
        clients = [make_client(f"L{i}", ana, state="SP") for i in range(3)]
        batch = do_send_batch(clients=clients, title="Pesquisa", instructions="", by=analyst,
                              deadline=D(2026, 12, 31), filter_description={})  # fmt: skip
        days = sorted(batch.tasks.values_list("scheduled_date", flat=True))
        assert all(day is not None and day <= D(2026, 12, 31) for day in days)
        assert all(day.weekday() < 5 and day != D(2026, 12, 25) for day in days)

    def test_a_seller_without_working_weekdays_has_everything_in_the_backlog(self, ana):
        WorkSchedule.objects.create(seller=ana, weekdays="")
        tasks_for(ana, 2)
        (plan,) = do_schedule(today=SUNDAY, seller_ids=[ana.pk])
        assert (plan.planned, plan.backlog) == (0, 2)

    def test_moving_a_client_without_open_tasks_re_plans_no_week(self, ana, seller_bruno):
        taskless = make_client("SEM-TAREFA", ana, state="SP")
        (moved,) = tasks_for(ana, 1)
        with time_machine.travel(dt.datetime(2026, 12, 20, 15, tzinfo=dt.UTC), tick=False):
            do_schedule(today=SUNDAY)
        with time_machine.travel(dt.datetime(2026, 12, 21, 15, tzinfo=dt.UTC), tick=False):
            do_assign_client(taskless, seller_bruno, start=MONDAY)
            assert planned_on(ana, seller_bruno) == [SUNDAY, SUNDAY]
            do_assign_client(moved.client, seller_bruno, start=MONDAY)
            assert planned_on(ana, seller_bruno) == [MONDAY, MONDAY]

    def test_a_reassigned_clients_task_is_planned_in_the_new_sellers_week(self, ana, seller_bruno):
        WorkSchedule.objects.create(seller=seller_bruno, daily_visits=0, daily_calls=1)
        tasks_for(seller_bruno, 1)
        (moved,) = tasks_for(ana, 1, priority=300)
        with time_machine.travel(dt.datetime(2026, 12, 20, 15, tzinfo=dt.UTC), tick=False):
            do_schedule(today=SUNDAY)
            do_assign_client(moved.client, seller_bruno, start=SUNDAY)
        moved.refresh_from_db()
        # The class A task takes Bruno's Monday; his own moves to Tuesday.
        assert (moved.seller, moved.scheduled_date) == (seller_bruno, MONDAY)
        assert days_of(seller_bruno) == {MONDAY: 1, D(2026, 12, 22): 1}
