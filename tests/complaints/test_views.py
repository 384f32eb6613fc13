"""The complaint pages as each persona sees them."""

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from carteira.complaints.models import Complaint
from tests.complaints.conftest import FRIDAY_4PM, at
from tests.complaints.test_services import open_for


def browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_the_seller_records_a_complaint_by_client_code_and_lands_on_its_flow(portfolio, seller_ana):
    response = browser(seller_ana.user).post(reverse("complaints:new"), {
        "client_code": "A1", "category": "Produto avariado", "severity": "high",
        "channel": "phone", "description": "Caixas amassadas.", "orders": "",
    })  # fmt: skip
    complaint = Complaint.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("complaints:detail", args=[complaint.pk])
    assert (complaint.client, complaint.category, complaint.opened_by) == (
        portfolio["A1"], "Produto avariado", seller_ana.user
    )  # fmt: skip


@pytest.mark.django_db
def test_a_complaint_for_a_client_outside_the_portfolio_is_refused_on_the_form(
    portfolio, seller_ana
):
    response = browser(seller_ana.user).post(reverse("complaints:new"), {
        "client_code": "B1", "category": "Produto avariado", "severity": "high",
        "channel": "phone", "description": "Caixas amassadas.",
    })  # fmt: skip
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Nenhum cliente com o código B1 na sua carteira: você não pode registrar uma "
        "reclamação para ele."
    ]
    assert Complaint.objects.count() == 0


@pytest.mark.django_db
def test_another_sellers_complaint_is_a_404_and_its_step_changes_nothing(portfolio, seller_ana,
                                                                        seller_bruno):  # fmt: skip
    complaint = open_for(seller_bruno.user, portfolio["B1"])
    ana = browser(seller_ana.user)
    assert ana.get(reverse("complaints:detail", args=[complaint.pk])).status_code == 404
    url = reverse("complaints:step", args=[complaint.pk, "acknowledge"])
    assert ana.post(url, {"apology": "x", "promise": "y"}).status_code == 404
    complaint.refresh_from_db()
    assert (complaint.status, complaint.acknowledged_at) == ("open", None)


@pytest.mark.django_db
def test_the_queue_shows_each_persona_only_the_complaints_in_their_scope(
    portfolio, seller_ana, seller_bruno, seller_carla, manager_sul, analyst
):
    for seller, code in ((seller_ana, "A1"), (seller_bruno, "B1"), (seller_carla, "C1")):
        open_for(seller.user, portfolio[code])

    def names(user):
        rows = browser(user).get(reverse("complaints:queue")).context["rows"]
        return sorted(row.complaint.client.external_id for row in rows)

    with time_machine.travel(at(3, 9), tick=False):
        assert names(seller_ana.user) == ["A1"]
        assert names(manager_sul) == ["B1", "A1"][::-1]
        assert names(analyst) == ["A1", "B1", "C1"]


@pytest.mark.django_db
def test_the_queue_shows_age_and_the_sla_clock_most_urgent_first(portfolio, seller_ana, analyst):
    late = open_for(seller_ana.user, portfolio["A1"])  # first response due Tue 10:00
    calm = open_for(seller_ana.user, portfolio["A2"], severity="low", now=at(3, 8))
    with time_machine.travel(at(3, 11), tick=False):
        response = browser(analyst).get(reverse("complaints:queue"))
    rows = response.context["rows"]
    assert [row.complaint.pk for row in rows] == [late.pk, calm.pk]
    assert [(row.clock.state, row.clock.hours_left, row.age_hours) for row in rows] == [
        ("breached", -1.0, 5.0), ("ok", 13.0, 3.0)
    ]  # fmt: skip
    assert "Atrasada em 1,0 h" in response.content.decode()


@pytest.mark.django_db
def test_the_guided_flow_takes_the_first_response_from_the_page(portfolio, seller_ana):
    complaint = open_for(seller_ana.user, portfolio["A1"])
    url = reverse("complaints:step", args=[complaint.pk, "acknowledge"])
    with time_machine.travel(at(3, 9), tick=False):
        response = browser(seller_ana.user).post(
            url, {"apology": "Sentimos muito.", "promise": "Troca até quinta."}
        )
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert (complaint.status, complaint.acknowledged_at) == ("acknowledged", at(3, 9))


@pytest.mark.django_db
def test_closing_from_the_page_without_a_root_cause_shows_the_reason_and_keeps_it_open(
    portfolio, seller_ana
):
    complaint = open_for(seller_ana.user, portfolio["A1"])
    Complaint.objects.filter(pk=complaint.pk).update(status="confirmed")
    url = reverse("complaints:step", args=[complaint.pk, "close"])
    response = browser(seller_ana.user).post(url, {"root_cause": ""})
    assert response.status_code == 422
    assert response.context["error"] == "Uma reclamação é encerrada com a causa raiz: escreva-a."
    assert Complaint.objects.get().status == "confirmed"


@pytest.mark.django_db
def test_the_client_page_lists_the_open_complaint_first(portfolio, seller_ana):
    old = open_for(seller_ana.user, portfolio["A1"], now=FRIDAY_4PM.replace(month=9))
    Complaint.objects.filter(pk=old.pk).update(status="resolved", closed_on=at(1, 0).date())
    current = open_for(seller_ana.user, portfolio["A1"], now=FRIDAY_4PM.replace(month=8))
    response = browser(seller_ana.user).get(reverse("clients:detail", args=[portfolio["A1"].pk]))
    block = response.context["complaints"]
    assert ([c.pk for c in block.latest], block.total, block.open) == ([current.pk, old.pk], 2, 1)


@pytest.mark.django_db
def test_the_client_list_filters_clients_with_an_open_complaint(portfolio, seller_ana, manager_sul):
    open_for(seller_ana.user, portfolio["A2"])
    closed = open_for(seller_ana.user, portfolio["A1"])
    Complaint.objects.filter(pk=closed.pk).update(status="resolved", closed_on=at(1, 0).date())
    response = browser(manager_sul).get(reverse("clients:list"), {"complaint": "1"})
    assert [c.external_id for c in response.context["page"].object_list] == ["A2"]
