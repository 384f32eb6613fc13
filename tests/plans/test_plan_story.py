"""The issue's "done when": a manager changes a cell; the plan fills the agendas."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from carteira.agenda.models import Task
from carteira.interactions.models import Interaction
from carteira.plans.models import ActionPlanChange
from tests.plans.story import T, cell

NOON_AT_T = dt.datetime(2026, 6, 30, 15, 0, tzinfo=dt.UTC)


def plan(*args) -> str:
    out = io.StringIO()
    with translation.override("en"):  # the assertions read the English source messages
        call_command("plan", "--as-of", T.isoformat(), *args, stdout=out)
    return out.getvalue()


def agenda(client, user, **params):
    client.force_login(user)
    response = client.get(reverse("agenda:mine"), params)
    assert response.status_code == 200
    return [
        (row.task.client.external_id, row.task.channel, row.task.context["status"])
        for row in response.context["today_rows"]
    ], response


@pytest.mark.django_db
def test_a_manager_changes_a_pre_inactive_cell_and_the_plan_runs_itself(
    client, readings, manager_sul, seller_ana, seller_bruno, analyst, smtp
):
    # The company started with a gentler plan for A × pre-inactive.
    target = cell("A", "pre_inactive")
    type(target).objects.filter(pk=target.pk).update(
        channels=["phone"],
        frequency_days=30,
        escalation="none",
        notify_manager=False,
        script="Ligar.",
    )
    client.force_login(manager_sul)
    response = client.post(
        reverse("plans:cell", args=[target.pk]),
        {"channels": ["visit"], "frequency_days": "15", "objective": "recover",
         "script": "Entender a queda nas compras.", "escalation": "manager",
         "notify_manager": "on", "active": "on"},
        headers={"HX-Request": "true"},
    )  # fmt: skip
    assert response.status_code == 200
    change = ActionPlanChange.objects.get(cell=target)
    assert change.changed_by == manager_sul
    assert change.changes == {
        "channels": [["phone"], ["visit"]],
        "frequency_days": [30, 15],
        "script": ["Ligar.", "Entender a queda nas compras."],
        "escalation": ["none", "manager"],
        "notify_manager": [False, True],
    }

    with time_machine.travel(NOON_AT_T, tick=False):
        assert "created 8, kept 0, cancelled 0; 1 e-mail sent" in plan()

        rows, response = agenda(client, seller_ana.user)
        assert rows == [("A1", "visit", "pre_inactive"), ("A2", "phone", "active")]
        why = response.context["today_rows"][0]
        assert why.days_since_last_purchase == 100
        assert why.task.objective == "recover"
        assert why.task.script == "Entender a queda nas compras."
        assert why.task.due_date == T
        assert b"Entender a queda nas compras." in response.content
        rows, _ = agenda(client, seller_bruno.user)
        assert rows == [("B1", "visit", "pre_inactive"), ("B2", "phone", "prospect")]
        rows, _ = agenda(client, manager_sul)
        assert rows == [("A1", "visit", "pre_inactive"), ("B1", "visit", "pre_inactive")]

        ((recipients, message),) = smtp.messages
        assert recipients == ["marta@exemplo.com.br"]
        body = message.get_content()
        assert "Cliente A1 LTDA" in body and "Cliente B1 LTDA" in body
        assert "Cliente A2 LTDA" not in body

        assert "created 0, kept 8, cancelled 0; 0 e-mails sent" in plan()
        assert Task.objects.count() == 8
        assert len(smtp.messages) == 1

        visit = Task.objects.get(client=readings["A1"], assignee_user=None)
        client.force_login(seller_ana.user)
        prefix = f"t{visit.pk}"
        response = client.post(
            reverse("agenda:close", args=[visit.pk]),
            {f"{prefix}-channel": "visit", f"{prefix}-successful": "yes",
             f"{prefix}-notes": "Comprador voltará a pedir em julho."},
        )  # fmt: skip
        assert response.status_code == 302
        visit.refresh_from_db()
        assert visit.status == Task.Status.DONE
        assert visit.outcome == Interaction.objects.get(client=readings["A1"])
        assert (visit.outcome.channel, visit.outcome.successful, visit.outcome.date) == (
            "visit", True, T
        )  # fmt: skip
        following = Task.objects.get(client=readings["A1"], assignee_user=None, status="open")
        assert following.due_date == T + dt.timedelta(days=15)
        assert following.plan_key == visit.plan_key

        client.force_login(analyst)
        response = client.get(reverse("plans:follow_up"))
        assert response.status_code == 200
        progress = {
            row.seller_name: (row.total, row.done, row.successful, row.overdue)
            for row in response.context["progress"]
        }
        assert progress == {
            "Ana Souza": (2, 1, 1, 0),
            "Bruno Lima": (2, 0, 0, 0),
            "Carla Dias": (2, 0, 0, 0),
        }
        assert response.context["progress"][0].success_rate == 1.0

        # The next visit counts as the plan's task for A1: nothing new.
        assert "created 0, kept 8, cancelled 0" in plan()
