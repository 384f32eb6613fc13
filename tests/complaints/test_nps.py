"""The periodic NPS of active clients: one question by a signed link to a reachable
contact, every 90 days at most; a detractor becomes a task; the answers show on the
client page and in the measures."""

import datetime as dt
import io
import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from carteira.agenda.models import Task
from carteira.clients.models import Client as Record
from carteira.complaints.measures import complaint_measures
from carteira.complaints.models import ClientSurvey, Complaint
from carteira.complaints.nps import do_send_nps
from carteira.portfolio.models import ClientSnapshot, SnapshotRun

pytestmark = pytest.mark.django_db


@pytest.fixture
def reading(portfolio):
    run = SnapshotRun.objects.create(as_of=timezone.localdate(), period_start=dt.date(2026, 8, 1),
                                     rules={})  # fmt: skip
    for code, status in {"A1": "active", "A2": "pre_inactive", "B1": "active"}.items():
        client = portfolio[code]
        ClientSnapshot.objects.create(run=run, client=client, seller=client.seller,
                                      status=status)  # fmt: skip
    portfolio["A1"].contacts.create(name="Compras", email="compras@a1.com.br")
    portfolio["A2"].contacts.create(name="Dono", email="dono@a2.com.br")
    return portfolio


def link_in(message) -> str:
    url = re.search(r"http://\S+/complaints/nps/\S+/", message.get_content()).group(0)
    return re.sub(r"^https?://[^/]+", "", url)


def test_active_clients_with_a_reachable_contact_are_asked_once_in_90_days(reading, smtp):
    out = io.StringIO()
    with translation.override("pt-br"):
        call_command("complaints", "nps", stdout=out)
        call_command("complaints", "nps", stdout=out)
    assert out.getvalue().splitlines() == [
        "nps: 1 clientes consultados, 1 sem contato alcançável",  # B1 has no contact
        "nps: 0 clientes consultados, 1 sem contato alcançável",
    ]
    ((rcpt, message),) = smtp.messages
    assert rcpt == ["compras@a1.com.br"]
    assert message["Subject"] == "Cliente A1 LTDA: você nos recomendaria?"
    assert list(ClientSurvey.objects.values_list("client__external_id", "email")) == [
        ("A1", "compras@a1.com.br")
    ]


def test_a_detractor_answer_becomes_a_task_and_shows_on_the_client_page(reading, seller_ana, smtp):
    do_send_nps()
    link = link_in(smtp.messages[0][1])
    anonymous = Client()
    assert "Você nos recomendaria?" in anonymous.get(link).content.decode()
    anonymous.post(link, {"score": "3", "comment": "Entregas atrasam."})
    assert "Obrigado pela sua resposta" in anonymous.post(link, {"score": "10"}).content.decode()
    survey = ClientSurvey.objects.get()
    assert (survey.score, survey.comment) == (3, "Entregas atrasam.")
    task = Task.objects.get(plan_key=f"nps:{survey.pk}")
    assert (task.seller, task.priority, task.title) == (
        seller_ana, 1000, "Detrator no NPS (3/10): ligue para o cliente"
    )  # fmt: skip
    ana = Client()
    ana.force_login(seller_ana.user)
    page = ana.get(reverse("clients:detail", args=[reading["A1"].pk])).content.decode()
    assert f"NPS: 3/10 em {timezone.localdate():%d/%m/%Y} — “Entregas atrasam.”" in page
    today = timezone.localdate()
    nps = complaint_measures(Complaint.objects.all(), Record.objects.all(), start=today,
                             end=today)["nps"]  # fmt: skip
    assert nps == {"answers": 1, "promoters_pct": 0.0, "detractors_pct": 100.0, "nps": -100.0}


def test_a_forged_or_foreign_nps_link_is_a_404(reading, smtp):
    do_send_nps()
    link = link_in(smtp.messages[0][1])
    assert Client().get(link[:-4] + "abc/").status_code == 404
    assert ClientSurvey.objects.get().answered_at is None
