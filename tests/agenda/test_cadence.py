"""The contact cadence from the client's purchase rhythm ([agenda] cadence = "rhythm"): an
active client that buys every 14 days is contacted every 14 days, not every 45 as its class
cell says (45 for B x active); the task says why and the agenda shows it."""

import dataclasses
import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from carteira.agenda.models import Task
from carteira.interactions.models import Interaction
from carteira.plans.planner import do_plan
from carteira.portfolio.rules_store import do_save_rules
from carteira.portfolio.services import do_snapshot
from carteira_core.agenda.cadence import rhythm_cadence
from carteira_core.rules import DEFAULT_RULES, AgendaRules, RulesError
from tests.plans.story import T, order


def test_the_cadence_is_the_rhythm_rounded_half_up_within_the_bounds():
    assert rhythm_cadence(10.5, low=7, high=90) == 11
    assert rhythm_cadence(14.0, low=7, high=90) == 14
    assert rhythm_cadence(3.0, low=7, high=90) == 7
    assert rhythm_cadence(200.0, low=7, high=90) == 90
    assert rhythm_cadence(None, low=7, high=90) is None


def test_the_bounds_must_be_in_order():
    with pytest.raises(RulesError) as error:
        AgendaRules(cadence="rhythm", cadence_min_days=30, cadence_max_days=14)
    assert str(error.value) == "agenda.cadence_min_days must not exceed agenda.cadence_max_days"


@pytest.fixture
def rhythm(portfolio):
    """A2 (Ana, class B, active) bought every 14 days; C1 (Carla) once: no rhythm."""
    for days in (6, 20, 34, 48, 62):
        order(portfolio["A2"], days, "300.00")
    order(portfolio["C1"], 10, "500.00")
    order(portfolio["A1"], 100, "10000.00")
    do_snapshot(T)
    for client in (portfolio["A2"], portfolio["C1"]):
        Interaction.objects.create(client=client, date=T - dt.timedelta(days=5),
                                   channel="phone", successful=True)  # fmt: skip
    return portfolio


def plan_task(client) -> Task:
    return Task.objects.get(client=client, origin=Task.Origin.PLAN, status=Task.Status.OPEN)


@pytest.mark.django_db
def test_by_default_the_class_cell_sets_the_frequency(rhythm):
    do_plan(T)
    task = plan_task(rhythm["A2"])
    assert (task.frequency_days, task.due_date) == (45, T + dt.timedelta(days=40))
    assert "cadence" not in task.context


@pytest.mark.django_db
def test_with_the_rhythm_an_active_client_is_contacted_on_its_own_rhythm(rhythm):
    do_save_rules(dataclasses.replace(DEFAULT_RULES, agenda=AgendaRules(cadence="rhythm")))
    do_plan(T)
    task = plan_task(rhythm["A2"])
    assert (task.frequency_days, task.due_date) == (14, T + dt.timedelta(days=9))
    assert task.context["cadence"] == {"rhythm_days": 14.0, "every": 14, "cell_days": 45,
                                       "min_days": 7, "max_days": 90}  # fmt: skip
    # One purchase is no rhythm: the cell's 60 days stand.
    other = plan_task(rhythm["C1"])
    assert (other.frequency_days, "cadence" in other.context) == (60, False)


@pytest.mark.django_db
def test_the_bounds_hold_a_weekly_minimum(rhythm):
    rules = AgendaRules(cadence="rhythm", cadence_min_days=21, cadence_max_days=90)
    do_save_rules(dataclasses.replace(DEFAULT_RULES, agenda=rules))
    do_plan(T)
    assert plan_task(rhythm["A2"]).frequency_days == 21


@pytest.mark.django_db
def test_the_agenda_explains_the_cadence(rhythm, client, seller_ana):
    do_save_rules(dataclasses.replace(DEFAULT_RULES, agenda=AgendaRules(cadence="rhythm")))
    with time_machine.travel(dt.datetime(2026, 6, 30, 15, tzinfo=dt.UTC), tick=False):
        do_plan(T)
    task = plan_task(rhythm["A2"])
    with time_machine.travel(dt.datetime(2026, 7, 9, 15, tzinfo=dt.UTC), tick=False):
        client.force_login(seller_ana.user)
        response = client.get(reverse("agenda:mine"), {"week": task.scheduled_date.isoformat()})
    text = " ".join(response.content.decode().split())
    assert task.scheduled_date == dt.date(2026, 7, 9)
    assert "a cada 14 dias: compra a cada 14 dias (mediana entre compras)" in text
    assert "entre 7 e 90 dias; a célula do plano diz a cada 45 dias" in text
