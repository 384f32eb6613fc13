import datetime as dt

import pytest
from django.http import Http404

from carteira.audit.models import AuditEvent
from carteira.clients.models import Client
from carteira.leads.access import access_lead, leads_visible_to
from carteira.leads.models import Lead, LossReason, StageChange
from carteira.leads.selectors import duplicates_of
from carteira.leads.services import (
    LeadError,
    do_backfill_history,
    do_convert_lead,
    do_move_lead,
    do_update_lead,
)
from carteira.leads.stages import check_source, check_stage
from tests.leads.factories import DAY, make_lead

pytestmark = pytest.mark.django_db

ALNUM_CNPJ = "12.ABC.345/01DE-35"


def test_a_seller_sees_only_their_own_leads_and_a_manager_their_teams(
    seller_ana, seller_bruno, seller_carla, manager_sul, director
):
    ana = make_lead("Mercado Ana", seller_ana)
    bruno = make_lead("Mercado Bruno", seller_bruno)
    carla = make_lead("Mercado Carla", seller_carla)
    orphan = make_lead("Sem dono", None)
    assert set(leads_visible_to(seller_ana.user)) == {ana}
    assert set(leads_visible_to(manager_sul)) == {ana, bruno}
    assert set(leads_visible_to(director)) == {ana, bruno, carla, orphan}
    with pytest.raises(Http404):
        access_lead(seller_ana.user, bruno.pk)


def test_a_new_lead_keeps_an_alphanumeric_cnpj_unmasked_and_gets_its_towns_coordinates(
    seller_ana,
):
    lead = make_lead("Atacado Novo", seller_ana, document=ALNUM_CNPJ, city="Porto Alegre",
                     state="rs")  # fmt: skip
    lead.refresh_from_db()
    assert lead.document == "12ABC34501DE35"
    assert lead.state == "RS"
    assert (round(lead.latitude, 2), round(lead.longitude, 2)) == (-30.03, -51.23)
    assert list(lead.history.values_list("stage", "on")) == [("listed", DAY)]


def test_a_lead_with_a_bad_cnpj_is_refused_and_nothing_is_written(seller_ana):
    with pytest.raises(LeadError, match=r"^CNPJ/CPF inválido: 12\.345\.678/0001-00$"):
        make_lead("Errado", seller_ana, document="12.345.678/0001-00")
    assert Lead.objects.count() == 0
    assert StageChange.objects.count() == 0


def test_moving_a_lead_records_the_day_it_entered_each_stage(seller_ana):
    lead = make_lead("Padaria", seller_ana)
    do_move_lead(lead, "contacted", by=seller_ana.user, on=DAY + dt.timedelta(3))
    do_move_lead(lead, "qualified", by=seller_ana.user, on=DAY + dt.timedelta(10))
    history = list(lead.history.order_by("on").values_list("stage", "previous", "on"))
    assert history == [
        ("listed", "", DAY),
        ("contacted", "listed", DAY + dt.timedelta(3)),
        ("qualified", "contacted", DAY + dt.timedelta(10)),
    ]
    lead.refresh_from_db()
    assert (lead.stage, lead.stage_since) == ("qualified", DAY + dt.timedelta(10))
    assert AuditEvent.objects.filter(action="lead.moved").count() == 2


def test_a_lead_is_lost_only_with_a_reason_from_the_list(seller_ana):
    lead = make_lead("Loja", seller_ana)
    with pytest.raises(LeadError):
        do_move_lead(lead, "lost", by=None)
    lead.refresh_from_db()
    assert lead.stage == "listed"
    price = LossReason.objects.create(name="Preço")
    do_move_lead(lead, "lost", by=None, loss_reason=price)
    lead.refresh_from_db()
    assert (lead.stage, lead.loss_reason) == ("lost", price)


def test_the_stage_changes_only_by_a_move(seller_ana):
    lead = make_lead("Loja", seller_ana)
    lead.stage = "won"
    with pytest.raises(LeadError):
        do_update_lead(lead, ["stage"], by=None)
    assert Lead.objects.get(pk=lead.pk).stage == "listed"


def test_stages_and_sources_are_read_by_key_or_by_label_in_any_language():
    assert check_stage("follow_up") == "follow_up"
    assert check_stage("Reunião agendada") == "meeting"
    assert check_stage("PROPOSTA") == "proposal"
    assert check_source("Indicação") == "referral"
    assert check_source("lista comprada") == "list"
    assert check_source("cold_call") == "cold_call"
    with pytest.raises(ValueError, match="xyz"):
        check_stage("xyz")


def test_converting_a_lead_makes_a_client_of_its_owner_and_keeps_the_lead(seller_ana):
    lead = make_lead("Farmácia Nova", seller_ana, document=ALNUM_CNPJ, city="Canoas",
                     state="RS", segment="farmácias")  # fmt: skip
    client = do_convert_lead(lead, by=seller_ana.user, on=DAY + dt.timedelta(20))
    lead.refresh_from_db()
    assert (client.name, client.document, client.seller, client.segment) == (
        "Farmácia Nova", "12ABC34501DE35", seller_ana, "farmácias")  # fmt: skip
    assert client.external_id == f"L{lead.pk}"
    assert lead.client == client
    assert lead.stage == "won"
    assert list(lead.history.values_list("stage", flat=True)) == ["listed", "won"]
    with pytest.raises(LeadError):
        do_convert_lead(lead, by=seller_ana.user)
    assert Client.objects.filter(document="12ABC34501DE35").count() == 1


def test_a_lead_whose_cnpj_is_a_clients_is_not_converted_again(portfolio, seller_ana):
    Client.objects.filter(pk=portfolio["A1"].pk).update(document="12ABC34501DE35")
    lead = make_lead("Outra", seller_ana, document=ALNUM_CNPJ)
    with pytest.raises(LeadError):
        do_convert_lead(lead, by=None)
    lead.refresh_from_db()
    assert (lead.client, lead.stage) == (None, "listed")


def test_duplicates_are_found_by_cnpj_and_by_name_and_city_across_the_company(
    portfolio, seller_ana, seller_bruno
):
    Client.objects.filter(pk=portfolio["B1"].pk).update(document="12ABC34501DE35")
    other = make_lead("Mercado São João", seller_bruno, city="Pelotas", state="RS")
    found = duplicates_of(user=seller_ana.user, name="mercado sao joao", city="PELOTAS",
                          document="12ABC34501DE35")  # fmt: skip
    assert [(d.kind, d.code, d.reason, d.visible) for d in found] == [
        ("client", "B1", "document", False),
        ("lead", f"L{other.pk}", "name_city", False),
    ]
    assert duplicates_of(user=seller_ana.user, name="Mercado", city="Pelotas", document="") == []


def test_the_backfill_walks_a_won_lead_through_every_open_stage(seller_ana):
    Lead.objects.create(name="Antigo", seller=seller_ana, source="list", stage="won",
                        created_date=DAY)  # fmt: skip
    Lead.objects.create(name="Parado", seller=seller_ana, source="list", stage="contacted",
                        created_date=DAY)  # fmt: skip
    written = do_backfill_history(today=DAY + dt.timedelta(70))
    assert written == 8 + 3
    won = Lead.objects.get(name="Antigo")
    assert list(won.history.values_list("stage", flat=True)) == [
        "listed", "researched", "contacted", "follow_up", "qualified", "meeting", "proposal",
        "won",
    ]  # fmt: skip
    assert won.history.last().on == DAY + dt.timedelta(70)
    assert do_backfill_history(today=DAY) == 0


def test_a_converted_lead_is_a_prospect_until_its_first_order_makes_it_active(seller_ana):
    from decimal import Decimal

    from carteira.orders.models import Order
    from carteira.portfolio.models import ClientSnapshot
    from carteira.portfolio.services import do_snapshot

    lead = make_lead("Farmácia Nova", seller_ana, document=ALNUM_CNPJ, city="Canoas", state="RS")
    do_move_lead(lead, "contacted", by=None, on=DAY + dt.timedelta(3))
    client = do_convert_lead(lead, by=seller_ana.user, on=DAY + dt.timedelta(20))
    do_snapshot(DAY + dt.timedelta(21))
    assert ClientSnapshot.objects.get(client=client).status == "prospect"
    Order.objects.create(external_id="P1", client=client, date=DAY + dt.timedelta(22),
                         amount=Decimal("1500.00"))  # fmt: skip
    do_snapshot(DAY + dt.timedelta(23))
    latest = ClientSnapshot.objects.filter(client=client).order_by("-run__as_of").first()
    assert latest.status == "active"
    lead.refresh_from_db()
    assert list(lead.history.values_list("stage", flat=True)) == ["listed", "contacted", "won"]
