"""The agenda goes through the client gate: a seller sees and closes only their tasks."""

import datetime as dt

import pytest
from django.urls import reverse

from carteira.agenda.models import Task
from carteira.clients.services import do_assign_client
from carteira.interactions.models import Interaction
from carteira.plans.planner import do_plan
from tests.plans.story import T


@pytest.fixture
def planned(readings):
    do_plan(T)
    return readings


def seller_task(client_obj) -> Task:
    return Task.objects.get(client=client_obj, assignee_user=None, status="open")


@pytest.mark.django_db
class TestAgendaAccess:
    def test_a_seller_cannot_open_another_sellers_agenda(self, client, planned, seller_ana,
                                                         seller_bruno):  # fmt: skip
        client.force_login(seller_ana.user)
        response = client.get(reverse("agenda:mine"), {"seller": seller_bruno.pk})
        assert response.status_code == 404

    def test_a_seller_cannot_close_another_sellers_task_and_nothing_changes(
        self, client, planned, seller_ana
    ):
        task = seller_task(planned["B1"])
        client.force_login(seller_ana.user)
        prefix = f"t{task.pk}"
        response = client.post(
            reverse("agenda:close", args=[task.pk]),
            {f"{prefix}-channel": "visit", f"{prefix}-successful": "yes"},
        )
        assert response.status_code == 404
        task.refresh_from_db()
        assert (task.status, task.outcome_id) == ("open", None)
        assert Interaction.objects.count() == 0
        assert Task.objects.filter(client=planned["B1"]).count() == 2

    def test_a_manager_reads_the_agenda_of_each_seller_of_their_team(
        self, client, planned, manager_sul, seller_bruno, seller_carla
    ):
        client.force_login(manager_sul)
        response = client.get(reverse("agenda:mine"), {"seller": seller_bruno.pk})
        clients = [row.task.client.external_id for row in response.context["today_rows"]]
        assert clients == ["B1", "B2"]
        assert client.get(reverse("agenda:mine"), {"seller": seller_carla.pk}).status_code == 404

    def test_reassigning_a_client_moves_its_open_tasks_but_not_the_escalation(
        self, client, planned, seller_ana, manager_sul
    ):
        do_assign_client(planned["B1"], seller_ana, start=T)
        assert seller_task(planned["B1"]).seller == seller_ana
        escalation = Task.objects.get(client=planned["B1"], origin="escalation")
        assert (escalation.assignee_user, escalation.seller_id) == (
            manager_sul,
            escalation.seller_id,
        )
        client.force_login(seller_ana.user)
        response = client.get(reverse("agenda:mine"))
        clients = [row.task.client.external_id for row in response.context["today_rows"]]
        assert clients == ["A1", "B1", "A2"]

    def test_an_unsuccessful_call_with_a_reason_closes_the_task_and_uses_the_chosen_date(
        self, client, planned, seller_ana
    ):
        from carteira.interactions.models import InactivityReason

        task = seller_task(planned["A2"])
        reason = InactivityReason.objects.get(code="concorrente")
        client.force_login(seller_ana.user)
        prefix = f"t{task.pk}"
        response = client.post(
            reverse("agenda:close", args=[task.pk]),
            {f"{prefix}-channel": "phone", f"{prefix}-successful": "no",
             f"{prefix}-reason": reason.pk, f"{prefix}-next_date": "2026-07-03"},
            headers={"HX-Request": "true"},
        )  # fmt: skip
        assert response.status_code == 200
        interaction = Interaction.objects.get()
        assert (interaction.successful, interaction.reason, interaction.channel) == (
            False, reason, "phone"
        )  # fmt: skip
        assert seller_task(planned["A2"]).due_date == dt.date(2026, 7, 3)


@pytest.mark.django_db
def test_the_outcome_form_loads_on_demand_and_only_for_a_visible_task(client, planned, seller_ana):
    client.force_login(seller_ana.user)
    own = seller_task(planned["A1"])
    response = client.get(reverse("agenda:close", args=[own.pk]), headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert f'name="t{own.pk}-channel"'.encode() in response.content
    assert client.get(reverse("agenda:close", args=[own.pk])).status_code == 200
    other = seller_task(planned["B1"])
    assert client.get(reverse("agenda:close", args=[other.pk])).status_code == 404
