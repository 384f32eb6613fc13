import datetime as dt

import pytest

from carteira.leads.models import Lead, LossReason
from carteira.leads.services import do_move_lead
from tests.api.conftest import caller_for
from tests.leads.factories import make_lead

pytestmark = pytest.mark.django_db


def test_a_seller_lists_and_reads_only_their_own_leads(seller_ana, seller_bruno):
    own = make_lead("Mercado Ana", seller_ana)
    other = make_lead("Mercado Bruno", seller_bruno)
    ana = caller_for(seller_ana.user)
    listed = ana.get("/leads").json()
    assert (listed["count"], [r["name"] for r in listed["results"]]) == (1, ["Mercado Ana"])
    assert ana.get(f"/leads/{own.pk}").json()["stage"] == "listed"
    assert ana.get(f"/leads/{other.pk}").status_code == 404
    assert ana.post(f"/leads/{other.pk}/move", {"stage": "contacted"}).status_code == 404
    assert Lead.objects.get(pk=other.pk).stage == "listed"


def test_creating_a_lead_by_api_catches_duplicates_unless_allowed(portfolio, seller_ana):
    ana = caller_for(seller_ana.user)
    body = {"name": "Cliente A1 LTDA", "city": "porto alegre", "state": "RS",
            "source": "Indicação", "stage": "Pesquisado"}  # fmt: skip
    refused = ana.post("/leads", body)
    assert refused.status_code == 409
    assert "client A1" in refused.json()["detail"]
    assert Lead.objects.count() == 0
    created = ana.post("/leads", body | {"allow_duplicate": True})
    assert created.status_code == 201
    data = created.json()
    assert (data["source"], data["stage"], data["seller_id"]) == ("referral", "researched",
                                                                  seller_ana.pk)  # fmt: skip


def test_moves_by_api_need_a_listed_loss_reason(seller_ana):
    lead = make_lead("Loja", seller_ana)
    ana = caller_for(seller_ana.user)
    assert ana.post(f"/leads/{lead.pk}/move", {"stage": "lost"}).status_code == 422
    LossReason.objects.create(name="Preço")
    moved = ana.post(f"/leads/{lead.pk}/move", {"stage": "Perdido", "loss_reason": "preço"})
    assert (moved.status_code, moved.json()["stage"], moved.json()["loss_reason"]) == (
        200, "lost", "Preço")  # fmt: skip


def test_the_api_funnel_is_the_pages_and_the_clis(seller_ana, manager_sul):
    lead = make_lead("Loja", seller_ana, on=dt.date(2026, 11, 3))
    do_move_lead(lead, "contacted", by=None, on=dt.date(2026, 11, 5))
    data = caller_for(manager_sul).get("/leads/funnel?start=2026-11-01&end=2026-11-30").json()
    assert data["leads"] == 1
    assert data["stages"][0] | {"label": ""} == {
        "stage": "listed", "label": "", "outcome": "open", "entered": 1, "now": 0,
        "conversion": 1.0, "days": 2.0}  # fmt: skip
    assert caller_for(manager_sul).get("/leads/funnel?by=region").status_code == 422


def test_a_contact_recorded_by_api_moves_the_lead_and_sets_the_cadences_next_step(seller_ana):
    lead = make_lead("Pelo ERP", seller_ana, stage="contacted")
    api = caller_for(seller_ana.user)
    response = api.post(f"/leads/{lead.pk}/contacts",
                        {"channel": "phone", "on": "2026-11-30", "note": "Pediu proposta",
                         "move_to": "Qualificado"})  # fmt: skip
    assert response.status_code == 201
    assert (response.json()["channel"], response.json()["note"]) == ("phone", "Pediu proposta")
    read = api.get(f"/leads/{lead.pk}").json()
    fields = ("stage", "next_step", "next_step_date", "next_step_channel")
    assert [read[f] for f in fields] == ["qualified", "Agendar a reunião", "2026-12-02", "phone"]
    early = {"channel": "phone", "on": "2026-11-30", "next_step_date": "2026-11-01"}
    refused = api.post(f"/leads/{lead.pk}/contacts", early)
    assert refused.status_code == 422
    assert lead.contacts.count() == 1


def test_a_lead_created_with_an_empty_stage_starts_at_the_first_one(seller_ana):
    created = caller_for(seller_ana.user).post(
        "/leads", {"name": "Armazém Novo", "city": "Pelotas", "state": "RS", "stage": ""}
    )
    assert created.status_code == 201, created.content  # was a 500 (stage given twice)
    assert created.json()["stage"] == "listed"
