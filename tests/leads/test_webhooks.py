"""A lead won or lost is announced to the webhook subscribers who may see it."""

import datetime as dt

import pytest

from carteira.api.models import WebhookDelivery
from carteira.api.webhooks import do_subscribe
from carteira.leads.models import LossReason
from carteira.leads.services import do_convert_lead, do_move_lead
from tests.leads.factories import DAY, make_lead

pytestmark = pytest.mark.django_db
NOWHERE = "http://127.0.0.1:9/"


@pytest.fixture(autouse=True)
def private_targets(settings):
    settings.CARTEIRA_WEBHOOK_ALLOW_PRIVATE = True


def heard(event: str) -> list[tuple[str, dict]]:
    rows = WebhookDelivery.objects.filter(event=event).order_by("subscription__owner__username")
    return list(rows.values_list("subscription__owner__username", "payload"))


def test_a_lead_lost_is_announced_with_its_reason_to_those_who_see_it(
    seller_ana, manager_sul, manager_norte, director
):
    for user in (manager_sul, manager_norte, director):
        do_subscribe(owner=user, url=NOWHERE, events=["lead.lost", "lead.won"])
    lead = make_lead("Padaria Central", seller_ana, external_id="P-7", source="event")
    do_move_lead(lead, "contacted", by=seller_ana.user, on=DAY + dt.timedelta(3))
    assert WebhookDelivery.objects.count() == 0
    price = LossReason.objects.get_or_create(name="Preço")[0]
    do_move_lead(lead, "lost", by=seller_ana.user, on=DAY + dt.timedelta(9), loss_reason=price)
    payload = {"lead_id": lead.pk, "lead_external_id": "P-7", "name": "Padaria Central",
               "document": "", "stage": "lost", "date": "2026-11-11", "source": "event",
               "seller": "V001", "loss_reason": "Preço", "client_external_id": None}  # fmt: skip
    assert heard("lead.lost") == [(director.username, payload), (manager_sul.username, payload)]
    assert heard("lead.won") == []


def test_a_converted_lead_is_announced_won_once_with_the_client_it_became(seller_ana, director):
    do_subscribe(owner=director, url=NOWHERE, events=["lead.won"])
    lead = make_lead("Farmácia Nova", seller_ana, external_id="P-8")
    client = do_convert_lead(lead, by=seller_ana.user, on=DAY + dt.timedelta(20))
    ((who, payload),) = heard("lead.won")
    assert (who, payload["stage"], payload["date"], payload["client_external_id"]) == (
        director.username, "won", "2026-11-22", client.external_id)  # fmt: skip
    assert client.external_id == "P-8"


def test_a_subscriber_to_other_events_hears_nothing_of_leads(seller_ana, director):
    do_subscribe(owner=director, url=NOWHERE, events=["task.created"])
    do_convert_lead(make_lead("Loja", seller_ana), by=None, on=DAY)
    assert WebhookDelivery.objects.count() == 0
