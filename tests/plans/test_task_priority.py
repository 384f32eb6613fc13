"""One priority for every list of tasks: the planner's order (class, then the client's
predicted value — the CLV that weighs P(alive) —, then revenue at risk) also orders the
agenda's lists, a manager's escalations and the central team's lists."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from carteira.agenda import hooks
from carteira.agenda.models import Task
from carteira.agenda.priority import by_importance
from carteira.agenda.scheduling import _job
from carteira.agenda.services import do_send_batch
from carteira.plans.planner import do_plan
from carteira_core.agenda.calendar import seller_calendar
from carteira_core.agenda.schedule import Capacity, schedule
from tests.plans.story import T

NOON_AT_T = dt.datetime(2026, 6, 30, 15, 0, tzinfo=dt.UTC)  # a Tuesday


@pytest.fixture
def predicted(monkeypatch):
    """The value app's predicted values (cents) for the clients named, as it registers them."""

    def use(values: dict[int, int]) -> None:
        monkeypatch.setattr(hooks, "_values", [lambda ids: {k: v for k, v in values.items()
                                                            if k in set(ids)}])  # fmt: skip

    return use


def task(pk, client_id, priority, *, at_risk="0", objective="retain", context=None) -> Task:
    return Task(pk=pk, client_id=client_id, priority=priority, objective=objective,
                revenue_at_risk=Decimal(at_risk), due_date=T, channel="phone",
                origin=Task.Origin.PLAN, context=context or {}, frequency_days=30)  # fmt: skip


def test_within_a_priority_the_clients_predicted_value_comes_before_revenue_at_risk(predicted):
    predicted({1: 50_000, 2: 9_000_000})
    small, large, class_a = task(10, 1, 100, at_risk="900"), task(11, 2, 100), task(12, 3, 300)
    assert by_importance([small, large, class_a], T) == [class_a, large, small]


def test_an_upsell_task_ranks_by_its_room_to_grow_others_by_their_clients_value(predicted):
    predicted({1: 2_000_000, 2: 100})
    retain = task(10, 1, 100)  # CLV R$ 20.000
    upsell = task(11, 2, 100, objective="upsell",
                  context={"value": {"kind": "upsell", "amount": "35600.00"}})  # fmt: skip
    assert by_importance([retain, upsell], T) == [upsell, retain]


def test_the_planner_places_tasks_in_the_same_order_as_every_list(predicted):
    predicted({1: 50_000, 2: 9_000_000, 4: 9_500_000})  # 4: upsell, ranked by its gap
    tasks = [task(10, 1, 100, at_risk="900"), task(11, 2, 100), task(12, 3, 300),
             task(13, 4, 100, objective="upsell",
                  context={"value": {"kind": "upsell", "amount": "1000.00"}})]  # fmt: skip
    values = hooks.client_values([1, 2, 3, 4])
    calendar = seller_calendar(years=[2026], state="RS", weekdays=frozenset(range(5)),
                               company_days_off={}, time_off=[])  # fmt: skip
    days = [T + dt.timedelta(days=n) for n in range(8)]
    plan = schedule(
        [_job(t, T, values) for t in tasks],
        calendar=calendar,
        capacity={day: Capacity(visits=0, calls=1) for day in days},
        today=T,
        horizon_end=days[-1],
    )
    placed = sorted(tasks, key=lambda t: plan.days[t.pk])
    assert placed == by_importance(tasks, T)
    assert [t.pk for t in placed] == [12, 11, 13, 10]


@pytest.mark.django_db
class TestCentralTeamAndEscalations:
    def test_a_central_team_list_gives_each_task_its_clients_class_priority(
        self, readings, analyst
    ):
        batch = do_send_batch(
            clients=[readings[code] for code in ("A1", "C1", "B2")],
            title="Ligar", instructions="", deadline=dt.date(2026, 7, 10),
            filter_description={}, by=analyst,
        )  # fmt: skip
        assert dict(batch.tasks.values_list("client__external_id", "priority")) == {
            "A1": 300,  # class A
            "C1": 100,  # class C
            "B2": 0,  # a prospect: no class
        }

    def test_a_managers_escalations_come_by_the_clients_predicted_value(
        self, client, readings, manager_sul, predicted
    ):
        # A1 and B1: class A, pre-inactive, escalated to the manager; A1 has more revenue
        # at risk, B1 the larger predicted value
        predicted({readings["A1"].pk: 100_000, readings["B1"].pk: 5_000_000})
        with time_machine.travel(NOON_AT_T, tick=False):
            do_plan(T)
            client.force_login(manager_sul)
            page = client.get(reverse("agenda:mine"))
        rows = page.context["today_rows"]
        assert [(row.task.client.external_id, row.task.origin) for row in rows] == [
            ("B1", "escalation"),
            ("A1", "escalation"),
        ]
        at_risk = {row.task.client.external_id: row.task.revenue_at_risk for row in rows}
        assert at_risk["A1"] > at_risk["B1"]  # the old order would have put A1 first
