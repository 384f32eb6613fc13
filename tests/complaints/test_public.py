"""What the client reaches without a login: the web form of its signed link, and the
satisfaction survey e-mailed when its complaint closes (detractors become tasks)."""

import datetime as dt
import re

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from carteira.agenda.models import Task
from carteira.clients.models import Client as Record
from carteira.complaints import public
from carteira.complaints.measures import complaint_measures
from carteira.complaints.models import Complaint
from carteira.complaints.services import TASK_PRIORITY
from tests.complaints.conftest import FRIDAY_4PM, at
from tests.complaints.test_services import open_for, order, walk

PDF = b"%PDF-1.7\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                    "OPTIONS": {"location": str(tmp_path / "media")}},
    }  # fmt: skip


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def sent(client, **extra):
    values = {"reporter": "Joana Prado", "reporter_email": "joana@cliente.com.br",
              "category": "Produto avariado", "description": "Chegaram 3 caixas amassadas.",
              "orders": "P-100"}  # fmt: skip
    url = path_of(public.form_url(client))
    return Client().post(url, values | extra)


@pytest.mark.django_db
@time_machine.travel(FRIDAY_4PM, tick=False)
def test_the_client_writes_a_complaint_through_its_link_without_a_login(portfolio, seller_ana):
    order(portfolio["A1"], "P-100")
    photo = SimpleUploadedFile("caixas.pdf", PDF, content_type="application/pdf")
    response = sent(portfolio["A1"], attachments=[photo])
    assert response.status_code == 200
    assert "Reclamação recebida" in response.content.decode()
    complaint = Complaint.objects.get()
    assert (complaint.client, complaint.channel, complaint.severity, complaint.status) == (
        portfolio["A1"], "web", "medium", "open"
    )  # fmt: skip
    assert (complaint.reporter, complaint.reporter_email, complaint.opened_by) == (
        "Joana Prado", "joana@cliente.com.br", None
    )  # fmt: skip
    assert complaint.owner == seller_ana.user
    assert list(complaint.orders.values_list("external_id", flat=True)) == ["P-100"]
    assert list(complaint.attachments.values_list("name", flat=True)) == ["caixas.pdf"]
    # Medium: 8 working hours from Friday 16:00 → Tuesday 14:00 (Monday 2 is a holiday).
    assert complaint.first_response_due == at(3, 14)
    task = Task.objects.get(plan_key=f"complaint:{complaint.pk}")
    assert (task.seller, task.priority) == (seller_ana, TASK_PRIORITY)


@pytest.mark.django_db
def test_a_forged_link_or_another_clients_order_saves_nothing(portfolio):
    forged = path_of(public.form_url(portfolio["A1"]))[:-3] + "xyz/"
    assert Client().get(forged).status_code == 404
    response = sent(portfolio["A1"], orders="P-999")
    assert response.status_code == 422
    assert response.context["form"].non_field_errors() == ["Não é pedido deste cliente: P-999."]
    assert Complaint.objects.count() == 0


@pytest.mark.django_db
def test_a_link_takes_a_few_complaints_a_day_and_then_says_so(portfolio, settings):
    settings.CARTEIRA_CLIENT_COMPLAINTS_PER_DAY = 2
    order(portfolio["A1"], "P-100")
    statuses = [sent(portfolio["A1"]).status_code for _ in range(3)]
    assert statuses == [200, 200, 422]
    third = sent(portfolio["A1"])
    assert third.context["form"].non_field_errors() == [
        "Este link já recebeu 2 reclamações hoje: escreva de novo amanhã ou fale com o seu "
        "vendedor."
    ]
    assert Complaint.objects.count() == 2
    assert sent(portfolio["A2"], orders="").status_code == 200  # another client's link


@pytest.mark.django_db
def test_the_seller_gets_the_link_of_her_clients_only(portfolio, seller_ana):
    ana = Client()
    ana.force_login(seller_ana.user)
    page = ana.get(reverse("complaints:form_link", args=[portfolio["A1"].pk]))
    assert page.context["url"] == public.form_url(portfolio["A1"])
    assert ana.get(reverse("complaints:form_link", args=[portfolio["B1"].pk])).status_code == 404


@pytest.mark.django_db
def test_closing_emails_the_survey_and_a_detractor_becomes_a_task(
    portfolio, seller_ana, smtp, django_capture_on_commit_callbacks
):
    complaint = open_for(seller_ana.user, portfolio["A1"])
    Complaint.objects.filter(pk=complaint.pk).update(reporter_email="joana@cliente.com.br")
    with django_capture_on_commit_callbacks(execute=True):
        walk(complaint, seller_ana.user, upto="close")
    ((rcpt, message),) = smtp.messages
    assert rcpt == ["joana@cliente.com.br"]
    assert message["Subject"] == "Cliente A1 LTDA: como tratamos a sua reclamação?"
    link = re.search(r"http://\S+/complaints/survey/\S+/", message.get_content()).group(0)
    anonymous = Client()
    assert "Como nos saímos?" in anonymous.get(path_of(link)).content.decode()
    answered = anonymous.post(path_of(link), {"score": "2", "comment": "Demorou demais."})
    assert "Obrigado pela sua resposta" in answered.content.decode()
    complaint.refresh_from_db()
    assert (complaint.survey_score, complaint.survey_comment) == (2, "Demorou demais.")
    task = Task.objects.get(plan_key=f"complaint-survey:{complaint.pk}")
    assert (task.seller, task.priority, task.title) == (
        seller_ana, TASK_PRIORITY, "Insatisfeito após uma reclamação (2/5): ligue para o cliente"
    )  # fmt: skip
    again = anonymous.post(path_of(link), {"score": "5"})
    assert "Obrigado pela sua resposta" in again.content.decode()
    assert Complaint.objects.get(pk=complaint.pk).survey_score == 2
    november = {"start": dt.date(2026, 11, 1), "end": dt.date(2026, 11, 30)}
    total = complaint_measures(Complaint.objects.all(), Record.objects.all(), **november)["total"]
    assert (total["survey_answers"], total["survey_score_avg"], total["csat_pct"]) == (
        1, 2.0, 0.0
    )  # fmt: skip


@pytest.mark.django_db
def test_the_survey_goes_to_a_reachable_contact_once_and_its_link_expires(
    portfolio, seller_ana, smtp, django_capture_on_commit_callbacks
):
    client = portfolio["A1"]
    client.contacts.create(name="Bloqueado", email="bloq@cliente.com.br",
                           blocked_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))  # fmt: skip
    client.contacts.create(name="Compras", email="compras@cliente.com.br")
    complaint = open_for(seller_ana.user, client)
    with django_capture_on_commit_callbacks(execute=True):
        walk(complaint, seller_ana.user, upto="close")
    assert [rcpt for rcpt, _m in smtp.messages] == [["compras@cliente.com.br"]]
    assert public.do_send_survey(complaint.pk) is False  # once
    link = path_of(public.survey_url(complaint))
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(days=31)):
        assert Client().get(link).status_code == 404
