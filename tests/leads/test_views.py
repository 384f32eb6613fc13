import csv
import datetime as dt
import io

import pytest
from django.test import Client as Browser
from django.urls import reverse

from carteira.clients.models import Client
from carteira.leads.models import Lead, LossReason
from tests.leads.factories import make_lead

pytestmark = pytest.mark.django_db


def _as(user) -> Browser:
    browser = Browser()
    browser.force_login(user)
    return browser


def test_the_list_shows_a_sellers_own_leads_best_icp_first(seller_ana, seller_bruno):
    make_lead("Mercado Baixo", seller_ana, icp_score=20)
    make_lead("Mercado Alto", seller_ana, icp_score=90)
    make_lead("Mercado Bruno", seller_bruno, icp_score=99)
    page = _as(seller_ana.user).get(reverse("leads:list")).content.decode()
    assert "Mercado Bruno" not in page
    assert page.index("Mercado Alto") < page.index("Mercado Baixo")
    assert "2 leads" in page or "2 leads" in page.replace("\xa0", " ")


def test_the_list_filters_by_stage_and_answers_htmx_with_the_results_only(seller_ana):
    make_lead("Listado", seller_ana)
    lead = make_lead("Contatado", seller_ana)
    Lead.objects.filter(pk=lead.pk).update(stage="contacted")
    response = _as(seller_ana.user).get(reverse("leads:list") + "?stage=contacted",
                                        HTTP_HX_REQUEST="true")  # fmt: skip
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="results">')
    assert "Contatado" in body and "Listado" not in body


def test_a_new_lead_that_matches_a_client_by_cnpj_is_held_until_confirmed(portfolio, seller_ana):
    Client.objects.filter(pk=portfolio["B1"].pk).update(document="12ABC34501DE35")
    data = {"name": "Outra Razão", "document": "12.ABC.345/01DE-35", "source": "list",
            "city": "Canoas", "state": "RS", "seller": seller_ana.pk}  # fmt: skip
    browser = _as(seller_ana.user)
    held = browser.post(reverse("leads:new"), data)
    assert held.status_code == 200
    assert "B1" in held.content.decode()
    assert Lead.objects.count() == 0
    done = browser.post(reverse("leads:new"), data | {"confirm_duplicate": "1"})
    lead = Lead.objects.get()
    assert done["Location"] == reverse("leads:detail", args=[lead.pk])
    assert (lead.seller, lead.stage, lead.document) == (seller_ana, "listed", "12ABC34501DE35")


def test_a_seller_cannot_give_a_lead_to_another_sellers_name(seller_ana, seller_bruno):
    data = {"name": "Loja", "source": "list", "seller": seller_bruno.pk}
    response = _as(seller_ana.user).post(reverse("leads:new"), data)
    assert response.status_code == 200
    assert Lead.objects.count() == 0


def test_the_board_moves_a_lead_with_htmx_and_refuses_a_loss_without_reason(seller_ana):
    lead = make_lead("Padaria", seller_ana)
    browser = _as(seller_ana.user)
    moved = browser.post(reverse("leads:move", args=[lead.pk]), {"stage": "contacted"},
                         HTTP_HX_REQUEST="true")  # fmt: skip
    assert moved.status_code == 200
    assert 'id="board"' in moved.content.decode()
    lead.refresh_from_db()
    assert lead.stage == "contacted"
    refused = browser.post(reverse("leads:move", args=[lead.pk]), {"stage": "lost"},
                           HTTP_HX_REQUEST="true")  # fmt: skip
    assert "message-error" in refused.content.decode()
    lead.refresh_from_db()
    assert lead.stage == "contacted"
    reason = LossReason.objects.create(name="Sem crédito")
    browser.post(reverse("leads:move", args=[lead.pk]), {"stage": "lost",
                                                         "loss_reason": reason.pk})  # fmt: skip
    lead.refresh_from_db()
    assert (lead.stage, lead.loss_reason) == ("lost", reason)


def test_converting_from_the_lead_page_opens_the_new_clients_page(seller_ana):
    lead = make_lead("Farmácia", seller_ana)
    response = _as(seller_ana.user).post(reverse("leads:convert", args=[lead.pk]))
    lead.refresh_from_db()
    assert response["Location"] == reverse("clients:detail", args=[lead.client_id])
    assert lead.client.seller == seller_ana


def test_the_export_has_every_filtered_lead_of_the_scope(seller_ana, seller_bruno):
    make_lead("=HYPERLINK(1)", seller_ana, city="Canoas", state="RS")
    make_lead("Bruno's", seller_bruno)
    response = _as(seller_ana.user).get(reverse("leads:export", args=["csv"]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["external_id", "name", "document"]
    assert [r[1] for r in rows[1:]] == ["'=HYPERLINK(1)"]


def test_the_funnel_page_is_for_managers(seller_ana, manager_sul):
    make_lead("Loja", seller_ana)
    assert _as(seller_ana.user).get(reverse("leads:funnel")).status_code == 403
    page = _as(manager_sul).get(reverse("leads:funnel") + "?start=2026-11-01&end=2026-11-30")
    assert page.status_code == 200
    assert 'id="kpi-leads">1<' in page.content.decode()


def test_saving_a_lead_keeps_its_next_steps_date(seller_ana):
    lead = make_lead("Com data", seller_ana, next_step="Ligar", next_step_date=dt.date(2026, 12, 3))
    browser = _as(seller_ana.user)
    page = browser.get(reverse("leads:detail", args=[lead.pk])).content.decode()
    assert 'name="next_step_date" value="2026-12-03"' in page
    form = {
        "name": "Com data",
        "source": "list",
        "seller": seller_ana.pk,
        "notes": "nova nota",
        "next_step": "Ligar",
        "next_step_date": "2026-12-03",
        "next_step_channel": "phone",
    }
    assert browser.post(reverse("leads:detail", args=[lead.pk]), form).status_code == 302
    lead.refresh_from_db()
    assert (lead.notes, lead.next_step_date) == ("nova nota", dt.date(2026, 12, 3))
