"""Interactions and task statuses written through the API go through the services:
credited to the client's seller, audited once, and a no-op PATCH writes nothing."""

import datetime as dt

import pytest

from carteira.agenda.models import Task
from carteira.audit.models import AuditEvent
from carteira.interactions.models import Interaction
from tests.api.conftest import caller_for, checksum

pytestmark = pytest.mark.django_db


def test_an_interaction_recorded_by_a_manager_is_credited_to_the_clients_seller(
    portfolio, manager_sul, seller_ana
):
    marta = caller_for(manager_sul)
    body = {"client_id": portfolio["A1"].pk, "date": "2026-05-04", "channel": "visit",
            "successful": True}  # fmt: skip
    assert marta.post("/interactions", body).status_code == 201
    interaction = Interaction.objects.get()
    assert (interaction.seller_id, interaction.recorded_by_id) == (seller_ana.pk, manager_sul.pk)
    event = AuditEvent.objects.get(action="interaction.created")
    assert event.details == {"client": portfolio["A1"].pk, "via": "api"}


def test_finishing_a_task_stamps_it_once_and_a_repeat_writes_nothing(ana, portfolio, seller_ana):
    task = Task.objects.create(client=portfolio["A1"], seller=seller_ana, title="Ligar",
                               due_date=dt.date(2026, 7, 1), origin="manual")  # fmt: skip
    assert ana.patch(f"/tasks/{task.pk}", {"status": "done"}).json()["status"] == "done"
    task.refresh_from_db()
    assert task.completed_at is not None
    before = checksum(), AuditEvent.objects.count()
    assert ana.patch(f"/tasks/{task.pk}", {"status": "done"}).status_code == 200
    assert (checksum(), AuditEvent.objects.count()) == before
    assert AuditEvent.objects.filter(action="task.status_changed").count() == 1
