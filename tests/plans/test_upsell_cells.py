"""A cell whose objective is upsell takes the value model's upsell list: its clients are
worked in order of their room to grow (potential − what they buy a year), largest first,
and the task says the gap in reais."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from carteira.agenda.models import Task, WorkSchedule
from carteira.agenda.priority import by_importance
from carteira.plans.planner import do_plan
from carteira.plans.value_feed import UPSELL_KEY
from carteira.portfolio.services import do_snapshot
from tests.personas import make_client
from tests.plans.story import T, cell, order

NOON_AT_T = dt.datetime(2026, 6, 30, 15, 0, tzinfo=dt.UTC)  # a Tuesday


@pytest.fixture
def upsell_story(portfolio, seller_ana):
    """Ana's three active class C clients (cell C × active: upsell), each with the ERP's
    monthly potential: A2 buys 300 of 12,000 a year, A3 400 of 36,000, A4 200 of 1,200."""
    a3 = make_client("A3", seller_ana, segment="farmácias", state="RS", potential=Decimal(3000))
    a4 = make_client("A4", seller_ana, segment="farmácias", state="RS", potential=Decimal(100))
    clients = {**portfolio, "A3": a3, "A4": a4}
    for code, monthly in (("A1", 800), ("B1", 600), ("C1", 100), ("A2", 1000)):
        clients[code].potential = Decimal(monthly)
        clients[code].save(update_fields=["potential"])
    order(clients["A1"], 100, "10000.00")
    order(clients["B1"], 120, "8000.00")
    order(clients["C1"], 10, "500.00")
    order(clients["A2"], 20, "300.00")
    order(a3, 15, "400.00")
    order(a4, 25, "200.00")
    WorkSchedule.objects.update_or_create(
        seller=seller_ana, defaults={"daily_visits": 1, "daily_calls": 1}
    )
    with time_machine.travel(NOON_AT_T, tick=False):
        do_snapshot(T)
        do_plan(T)
    return clients


def cell_tasks(clients, codes):
    key = cell("C", "active").task_key
    return {
        code: Task.objects.get(client=clients[code], plan_key=key, status="open") for code in codes
    }


@pytest.mark.django_db
class TestUpsellCells:
    def test_each_task_of_an_upsell_cell_carries_its_clients_yearly_gap(self, upsell_story):
        tasks = cell_tasks(upsell_story, ["A2", "A3", "A4"])
        assert {code: task.context["value"] for code, task in tasks.items()} == {
            "A2": {"kind": "upsell", "amount": "11700.00", "gap": "11700.00", "share": 0.025,
                   "source": "erp"},
            "A3": {"kind": "upsell", "amount": "35600.00", "gap": "35600.00", "share": 0.0111,
                   "source": "erp"},
            "A4": {"kind": "upsell", "amount": "1000.00", "gap": "1000.00", "share": 0.1667,
                   "source": "erp"},
        }  # fmt: skip
        assert (
            tasks["A3"]
            .script.replace("\xa0", " ")
            .startswith("Espaço para crescer: R$ 35.600,00 por ano. Compra 1 % do que poderia")
        )
        # the cell's own checklist follows the reason
        assert tasks["A3"].script.endswith(cell("C", "active").script)

    def test_the_cells_clients_are_planned_largest_gap_first(self, upsell_story):
        tasks = cell_tasks(upsell_story, ["A2", "A3", "A4"])
        # one call a day from Tuesday: the created order (A2, A3, A4) would be by client
        assert {code: task.scheduled_date for code, task in tasks.items()} == {
            "A3": dt.date(2026, 6, 30),
            "A2": dt.date(2026, 7, 1),
            "A4": dt.date(2026, 7, 2),
        }
        ranked = by_importance(tasks.values(), T)
        assert [task.client.external_id for task in ranked] == ["A3", "A2", "A4"]

    def test_the_feed_gives_an_upsell_cells_client_no_second_upsell_task(self, upsell_story):
        assert not Task.objects.filter(
            plan_key=UPSELL_KEY, client__external_id__in=["A2", "A3", "A4", "C1"]
        ).exists()

    def test_planning_again_keeps_the_tasks_and_their_gap(self, upsell_story):
        with time_machine.travel(NOON_AT_T, tick=False):
            again = do_plan(T)
        assert (again.created, again.cancelled) == (0, 0)
        assert cell_tasks(upsell_story, ["A3"])["A3"].context["value"]["amount"] == "35600.00"

    def test_the_agenda_shows_the_gap_in_reais(self, client, upsell_story, seller_ana):
        client.force_login(seller_ana.user)
        with time_machine.travel(NOON_AT_T, tick=False):
            page = client.get(reverse("agenda:mine")).content.decode().replace("\xa0", " ")
        assert "espaço para crescer R$ 35.600,00 por ano" in page
        assert "espaço para crescer R$ 11.700,00 por ano" in page
