# ruff: noqa: F811 -- the plan stories' fixtures (readings, smtp) are imported by name
"""Text is text (issue 24): a client named with HTML metacharacters arrives in every e-mail
exactly as typed (plain text is rendered without HTML escaping), and control characters
(CR, LF) typed into names and titles are cleaned at every door, so a reminder never raises
on a header with a line break and the web action never answers 500."""

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from carteira.agenda.models import TaskBatch
from carteira.clients.models import Client
from carteira.plans.notify import send_batch_reminders, send_plan_notices
from carteira.plans.planner import do_plan
from carteira.portfolio.services import do_snapshot
from tests.api.conftest import caller_for
from tests.plans.story import T, order, readings, smtp  # noqa: F401

HOSTILE = 'Ramos & Alves <b>"O\'Brien"</b>'
ESCAPED = ("&amp;", "&lt;", "&gt;", "&quot;", "&#x27;", "&#39;")
AFTER_DEADLINE = dt.datetime(2026, 7, 10, 15, 0, tzinfo=dt.UTC)


def rename(client: Client, name: str) -> None:
    client.name = name
    client.save()


def assert_verbatim(message) -> None:
    body = message.get_content()
    assert HOSTILE in body, body
    assert not any(entity in body for entity in ESCAPED), body


@pytest.mark.django_db
def test_the_digest_names_a_hostile_client_exactly(readings, smtp):
    rename(readings["A1"], HOSTILE)
    do_plan(T)
    call_command("plan", "--digest", "--as-of", T.isoformat(), "--no-color")
    (message,) = [m for rcpt, m in smtp.messages if rcpt == ["ana@exemplo.com.br"]]
    assert_verbatim(message)


@pytest.mark.django_db
def test_the_escalation_names_a_hostile_client_exactly(portfolio, director, manager_sul, smtp):
    rename(portfolio["A1"], HOSTILE)
    order(portfolio["A1"], 200, "9000.00")  # inactivated: escalated to the director
    do_snapshot(T)
    assert send_plan_notices(do_plan(T).notices) == 2
    assert sorted(rcpt for rcpt, _m in smtp.messages) == [
        ["diretor@exemplo.com.br"], ["marta@exemplo.com.br"]
    ]  # fmt: skip
    for _rcpt, message in smtp.messages:
        assert_verbatim(message)


@pytest.mark.django_db
class TestBatchTitles:
    def send(self, client, analyst, title):
        client.force_login(analyst)
        return client.post(
            reverse("plans:batch_new"),
            {"status": "pre_inactive", "title": title, "instructions": "Ligar.\r\nOferecer.",
             "deadline": "2026-07-05"},
        )  # fmt: skip

    def test_a_title_with_a_line_break_is_stored_as_one_line_and_the_reminder_goes(
        self,
        client,
        readings,
        analyst,
        smtp,
    ):
        rename(readings["B1"], HOSTILE)
        assert (
            self.send(client, analyst, "Recuperar\r\npré-inativos\r\nBcc: x@y.z").status_code == 302
        )
        batch = TaskBatch.objects.get()
        assert batch.title == "Recuperar pré-inativos Bcc: x@y.z"
        assert batch.instructions == "Ligar.\nOferecer."  # notes keep their lines
        with time_machine.travel(AFTER_DEADLINE, tick=False):
            response = client.post(reverse("plans:batch_remind", args=[batch.pk]))
        assert response.status_code == 302
        recipients = sorted(rcpt for rcpt, _m in smtp.messages)
        assert recipients == [["ana@exemplo.com.br"], ["bruno@exemplo.com.br"]]
        for _rcpt, message in smtp.messages:
            assert (
                message["Subject"]
                == 'Carteira: tarefas atrasadas em "Recuperar pré-inativos Bcc: x@y.z"'
            )
            assert message["Bcc"] is None
        (bruno,) = [m for rcpt, m in smtp.messages if rcpt == ["bruno@exemplo.com.br"]]
        assert_verbatim(bruno)

    def test_a_title_written_around_the_doors_still_sends_a_one_line_subject(
        self,
        client,
        readings,
        analyst,
        smtp,
    ):
        self.send(client, analyst, "Recuperar")
        TaskBatch.objects.update(title="Recuperar\rpré-inativos")  # raw SQL, no door
        with time_machine.travel(AFTER_DEADLINE, tick=False):
            assert send_batch_reminders(TaskBatch.objects.get(), AFTER_DEADLINE.date()) == 2
        subjects = {m["Subject"] for _r, m in smtp.messages}
        assert subjects == {'Carteira: tarefas atrasadas em "Recuperar pré-inativos"'}


@pytest.mark.django_db
class TestApiDoors:
    def test_a_client_created_with_line_breaks_in_its_name_is_stored_on_one_line(
        self, portfolio, seller_ana
    ):
        ana = caller_for(seller_ana.user)
        response = ana.post("/clients", {"external_id": "N1", "name": "Ramos &\r\nAlves\t"})
        assert response.status_code == 201, response.content
        assert response.json()["name"] == "Ramos & Alves"
        assert Client.objects.get(external_id="N1").name == "Ramos & Alves"

    def test_an_edit_with_a_carriage_return_is_stored_on_one_line(self, portfolio, seller_ana):
        ana = caller_for(seller_ana.user)
        a1 = portfolio["A1"]
        response = ana.patch(f"/clients/{a1.pk}", {"version": a1.version,
                                                   "trade_name": "Boa\rVista"})  # fmt: skip
        assert response.status_code == 200, response.content
        a1.refresh_from_db()
        assert a1.trade_name == "Boa Vista"

    def test_a_hostile_name_round_trips_exactly(self, portfolio, seller_ana):
        ana = caller_for(seller_ana.user)
        response = ana.post("/clients", {"external_id": "N2", "name": HOSTILE})
        assert response.status_code == 201
        assert ana.get(f"/clients/{response.json()['id']}").json()["name"] == HOSTILE
