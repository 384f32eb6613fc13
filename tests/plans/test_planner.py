"""do_plan: which tasks the plan wants, when they are due, and what it cancels."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import translation

from carteira.agenda.models import Task
from carteira.interactions.models import Interaction
from carteira.plans.planner import do_plan, due_date
from carteira.portfolio.services import do_snapshot
from tests.plans.story import T, cell, order


def test_a_task_is_due_a_frequency_after_the_last_successful_contact():
    assert due_date(dt.date(2026, 6, 20), 15, T) == dt.date(2026, 7, 5)


def test_an_overdue_or_never_contacted_client_is_due_on_the_planning_day():
    assert due_date(dt.date(2026, 1, 1), 15, T) == T
    assert due_date(None, 15, T) == T


def open_tasks():
    return sorted(
        Task.objects.filter(status="open").values_list(
            "client__external_id", "origin", "channel", "due_date"
        )
    )


@pytest.mark.django_db
class TestDoPlan:
    def test_without_a_reading_the_plan_does_nothing(self, portfolio):
        out = io.StringIO()
        with translation.override("en"):
            call_command("plan", "--as-of", T.isoformat(), stdout=out)
        assert out.getvalue() == "plan 2026-06-30: no official reading yet (run `snapshot`)\n"
        assert Task.objects.count() == 0

    def test_each_client_gets_the_task_of_its_cell_with_the_defaults(self, readings, manager_sul):
        Interaction.objects.create(client=readings["C1"], date=T - dt.timedelta(days=5),
                                   channel="phone", successful=True)  # fmt: skip
        result = do_plan(T)
        assert (result.created, result.kept, result.cancelled) == (8, 0, 0)
        assert open_tasks() == [
            ("A1", "escalation", "visit", T), ("A1", "plan", "visit", T),
            ("A2", "plan", "phone", T),
            ("B1", "escalation", "visit", T), ("B1", "plan", "visit", T),
            ("B2", "plan", "phone", T),
            ("C1", "plan", "phone", T + dt.timedelta(days=55)),  # C × active: every 60 days
            ("C2", "plan", "phone", T),
        ]  # fmt: skip
        assert list(result.notices) == [manager_sul.pk]
        assert len(result.notices[manager_sul.pk]) == 2

    def test_a_status_change_cancels_the_old_cells_tasks_and_creates_the_new_ones(self, readings):
        do_plan(T)
        later = T + dt.timedelta(days=1)
        order(readings["A1"], 0, "2000.00", on=later)  # A1 buys again: active
        do_snapshot(later)
        result = do_plan(later)
        assert (result.created, result.kept, result.cancelled) == (1, 6, 2)
        a1 = Task.objects.filter(client=readings["A1"])
        assert sorted(a1.values_list("plan_key", "status")) == sorted([
            (cell("A", "pre_inactive").task_key, "cancelled"),
            (cell("A", "pre_inactive").escalation_key, "cancelled"),
            (cell("A", "active").task_key, "open"),
        ])  # fmt: skip

    def test_a_segment_cell_wins_over_the_all_segment_cell(self, readings):
        from carteira.plans.services import do_create_cell

        special = do_create_cell(
            abc="C", status="active", segment="farmácias", by=None,
            channels=["whatsapp"], frequency_days=10, objective="upsell",
        )  # fmt: skip
        do_plan(T)
        a2 = Task.objects.get(client=readings["A2"])  # A2 is a farmácia
        c1 = Task.objects.get(client=readings["C1"])  # C1 is a supermercado
        assert (a2.plan_key, a2.channel) == (special.task_key, "whatsapp")
        assert (c1.plan_key, c1.channel) == (cell("C", "active").task_key, "phone")

    def test_an_inactivated_a_client_goes_to_the_director_and_the_manager_hears(
        self, portfolio, director, manager_sul
    ):
        order(portfolio["A1"], 200, "9000.00")  # inactivated: 181..210 days
        do_snapshot(T)
        result = do_plan(T)
        escalation = Task.objects.get(client=portfolio["A1"], origin="escalation")
        assert escalation.assignee_user == director
        assert sorted(result.notices) == sorted([director.pk, manager_sul.pk])

    def test_an_inactive_cell_creates_nothing(self, readings):
        type(cell("C", "active")).objects.filter(pk=cell("C", "active").pk).update(active=False)
        do_plan(T)
        assert Task.objects.filter(client__external_id__in=["A2", "C1"]).count() == 0

    def test_the_defaults_load_only_what_is_missing(self, db):
        cell("A", "active").delete()
        out = io.StringIO()
        with translation.override("en"):
            call_command("plan", "--load-defaults", stdout=out)
            assert out.getvalue() == "default cells added: 1\n"
            call_command("plan", "--load-defaults", stdout=out)
        assert out.getvalue().endswith("default cells added: 0\n")
