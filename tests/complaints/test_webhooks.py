"""A complaint opened, past its SLA or closed is announced to the webhook subscribers
who see its client (no free text leaves Carteira)."""

import pytest

from carteira.api.models import WebhookDelivery
from carteira.api.webhooks import do_subscribe
from carteira.complaints.escalation import do_watch_sla
from tests.complaints.conftest import at
from tests.complaints.test_services import open_for, walk

pytestmark = pytest.mark.django_db
NOWHERE = "http://127.0.0.1:9/"
EVENTS = ["complaint.opened", "complaint.breached", "complaint.closed"]


@pytest.fixture(autouse=True)
def private_targets(settings):
    settings.CARTEIRA_WEBHOOK_ALLOW_PRIVATE = True


def heard() -> list[tuple[str, str, str]]:
    rows = WebhookDelivery.objects.order_by("pk")
    return [(event, who, payload["status"]) for event, who, payload in
            rows.values_list("event", "subscription__owner__username", "payload")]  # fmt: skip


def test_open_breach_and_close_reach_the_subscribers_who_see_the_client(
    portfolio, seller_ana, manager_sul, manager_norte, smtp
):
    for user in (seller_ana.user, manager_sul, manager_norte):
        do_subscribe(owner=user, url=NOWHERE, events=EVENTS)
    complaint = open_for(seller_ana.user, portfolio["A1"])  # first response due Tue 3 10:00
    do_watch_sla(now=at(3, 10, 30))
    walk(complaint, seller_ana.user, upto="close")
    assert sorted(heard()) == [
        ("complaint.breached", "ana", "open"), ("complaint.breached", "marta", "open"),
        ("complaint.closed", "ana", "resolved"), ("complaint.closed", "marta", "resolved"),
        ("complaint.opened", "ana", "open"), ("complaint.opened", "marta", "open"),
    ]  # fmt: skip
    breached = WebhookDelivery.objects.filter(event="complaint.breached").first().payload
    assert breached == {
        "complaint_id": complaint.pk, "client_id": portfolio["A1"].pk,
        "client_external_id": "A1", "category": "Atraso na entrega", "severity": "high",
        "channel": "phone", "status": "open", "opened_at": "2026-10-30T19:00:00+00:00",
        "first_response_due": "2026-11-03T13:00:00+00:00",
        "resolution_due": "2026-11-04T15:00:00+00:00", "closed_at": None,  # 16 h: Wed 12:00
        "escalated_to": "marta",
    }  # fmt: skip


def test_steps_between_open_and_close_announce_nothing(portfolio, seller_ana, director):
    do_subscribe(owner=director, url=NOWHERE, events=EVENTS)
    walk(open_for(seller_ana.user, portfolio["A1"]), seller_ana.user, upto="confirm")
    assert [event for event, _who, _status in heard()] == ["complaint.opened"]
