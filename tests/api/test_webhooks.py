"""Webhooks: signed deliveries to a real local receiver, retries with backoff, events
only about clients the subscriber may see, and SSRF targets refused."""

import datetime as dt
import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import call_command
from django.utils import timezone, translation

from carteira.agenda.models import Task
from carteira.api.events import emit_overdue_tasks
from carteira.api.models import WebhookDelivery, WebhookSubscription
from carteira.api.ssrf import UnsafeTarget, resolve_target
from carteira.api.webhooks import deliver_due, do_subscribe
from carteira.clients.services import do_assign_client

pytestmark = pytest.mark.django_db


class Receiver:
    """An HTTP server on 127.0.0.1 that records requests and answers ``statuses`` in turn."""

    def __init__(self, statuses=(200,)):
        self.statuses = list(statuses)
        self.requests: list[tuple[dict, bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append((dict(self.headers), body))
                status = receiver.statuses.pop(0) if len(receiver.statuses) > 1 else (
                    receiver.statuses[0])  # fmt: skip
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/carteira"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(settings):
    settings.CARTEIRA_WEBHOOK_ALLOW_PRIVATE = True
    made = []

    def make(statuses=(200,)):
        made.append(Receiver(statuses))
        return made[-1]

    yield make
    for server in made:
        server.close()


def new_task(client, title="Visitar"):
    return Task.objects.create(client=client, seller=client.seller, title=title,
                               due_date=dt.date(2026, 7, 1), origin="manual")  # fmt: skip


def test_a_delivery_reaches_a_real_receiver_with_a_verifiable_signature(
    receiver, portfolio, seller_ana
):
    server = receiver()
    sub = do_subscribe(owner=seller_ana.user, url=server.url, events=["task.created"])
    task = new_task(portfolio["A1"])
    assert deliver_due() == 1
    ((headers, body),) = server.requests
    expected = "sha256=" + hmac.new(sub.secret.encode(), body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers["X-Carteira-Signature"], expected)
    message = json.loads(body)
    assert message["event"] == "task.created"
    assert message["data"]["task_id"] == task.pk
    assert str(message["timestamp"]) == headers["X-Carteira-Timestamp"]
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("delivered", 1, 200)


def test_a_failed_delivery_is_retried_later_with_exponential_backoff(
    receiver, portfolio, seller_ana, settings
):
    settings.CARTEIRA_WEBHOOK_RETRY_SECONDS = 60
    server = receiver(statuses=(500, 500, 200))
    do_subscribe(owner=seller_ana.user, url=server.url, events=["task.created"])
    new_task(portfolio["A1"])
    now = timezone.now()
    deliver_due(now=now)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("pending", 1, 500)
    assert delivery.next_attempt_at == now + dt.timedelta(seconds=60)
    assert deliver_due(now=now + dt.timedelta(seconds=30)) == 0
    deliver_due(now=now + dt.timedelta(seconds=61))
    delivery.refresh_from_db()
    assert delivery.next_attempt_at == now + dt.timedelta(seconds=61 + 120)
    deliver_due(now=now + dt.timedelta(seconds=200))
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("delivered", 3, 200)
    assert len(server.requests) == 3


def test_after_the_last_attempt_a_delivery_is_marked_failed(
    receiver, portfolio, seller_ana, settings
):
    settings.CARTEIRA_WEBHOOK_MAX_ATTEMPTS = 2
    settings.CARTEIRA_WEBHOOK_RETRY_SECONDS = 0
    server = receiver(statuses=(503,))
    do_subscribe(owner=seller_ana.user, url=server.url, events=["task.created"])
    new_task(portfolio["A1"])
    deliver_due()
    deliver_due()
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("failed", 2, "HTTP 503")


def test_a_redirect_is_not_followed(receiver, portfolio, seller_ana):
    server = receiver(statuses=(302,))
    do_subscribe(owner=seller_ana.user, url=server.url, events=["task.created"])
    new_task(portfolio["A1"])
    deliver_due()
    assert WebhookDelivery.objects.get().response_code == 302
    assert len(server.requests) == 1


def test_a_subscriber_hears_only_of_clients_in_their_portfolio(portfolio, seller_ana, settings):
    settings.CARTEIRA_WEBHOOK_ALLOW_PRIVATE = True
    do_subscribe(owner=seller_ana.user, url="http://127.0.0.1:9/", events=["task.created"])
    new_task(portfolio["A1"])
    new_task(portfolio["B1"])
    assert [d.payload["client_id"] for d in WebhookDelivery.objects.all()] == [portfolio["A1"].pk]


def test_a_reassignment_is_an_event_for_whoever_sees_the_client(
    portfolio, manager_sul, seller_bruno, settings
):
    settings.CARTEIRA_WEBHOOK_ALLOW_PRIVATE = True
    do_subscribe(owner=manager_sul, url="http://127.0.0.1:9/", events=["client.reassigned"])
    do_assign_client(portfolio["A1"], seller_bruno, start=dt.date(2026, 6, 1))
    (delivery,) = WebhookDelivery.objects.all()
    assert delivery.event == "client.reassigned"
    assert delivery.payload == {"client_id": portfolio["A1"].pk, "client_external_id": "A1",
                                "seller_from": "V001", "seller_to": "V002"}  # fmt: skip


def test_status_changes_of_an_official_snapshot_are_events(portfolio, director, settings):
    from carteira.orders.models import Order
    from carteira.portfolio.services import do_snapshot

    settings.CARTEIRA_WEBHOOK_ALLOW_PRIVATE = True
    Order.objects.create(external_id="P1", client=portfolio["A1"], date=dt.date(2026, 1, 10),
                         amount="100.00")  # fmt: skip
    do_snapshot(dt.date(2026, 2, 1))
    do_subscribe(owner=director, url="http://127.0.0.1:9/", events=["client.status_changed"])
    do_snapshot(dt.date(2026, 6, 1))
    payloads = [d.payload for d in WebhookDelivery.objects.filter(event="client.status_changed")]
    assert [(p["client_external_id"], p["from"], p["to"]) for p in payloads] == [
        ("A1", "active", "pre_inactive")
    ]


def test_overdue_tasks_are_announced_once(portfolio, seller_ana, settings):
    settings.CARTEIRA_WEBHOOK_ALLOW_PRIVATE = True
    do_subscribe(owner=seller_ana.user, url="http://127.0.0.1:9/", events=["task.overdue"])
    new_task(portfolio["A1"])
    new_task(portfolio["B1"])
    assert emit_overdue_tasks(dt.date(2026, 7, 2)) == 1
    assert emit_overdue_tasks(dt.date(2026, 7, 3)) == 0


def test_the_webhooks_command_delivers_what_is_due(receiver, portfolio, seller_ana, capsys):
    server = receiver()
    do_subscribe(owner=seller_ana.user, url=server.url, events=["task.created"])
    new_task(portfolio["A1"])
    with translation.override("en"):
        call_command("webhooks")
    assert "attempted 1 delivery" in capsys.readouterr().out
    assert len(server.requests) == 1


@pytest.mark.parametrize("url", ["http://127.0.0.1:5432/", "http://169.254.169.254/latest/",
                                 "http://10.0.0.1/", "file:///etc/passwd", "gopher://x/",
                                 "http://[::1]/", "http://0.0.0.0/", "http://user:pw@8.8.8.8/",
                                 "http://224.0.0.1/"])  # fmt: skip
def test_unsafe_targets_are_refused_at_subscription(url, seller_ana):
    with pytest.raises(ValueError, match="URL refused"):
        do_subscribe(owner=seller_ana.user, url=url, events=["task.created"])
    assert WebhookSubscription.objects.count() == 0


def test_metadata_addresses_stay_refused_even_when_private_targets_are_allowed(settings):
    settings.CARTEIRA_WEBHOOK_ALLOW_PRIVATE = True
    with pytest.raises(UnsafeTarget):
        resolve_target("http://169.254.169.254/")
    assert resolve_target("http://127.0.0.1:8080/x")[3] == ["127.0.0.1"]


def test_a_target_that_became_private_is_refused_at_delivery_and_never_contacted(
    receiver, portfolio, seller_ana, settings
):
    server = receiver()
    do_subscribe(owner=seller_ana.user, url=server.url, events=["task.created"])
    new_task(portfolio["A1"])
    settings.CARTEIRA_WEBHOOK_ALLOW_PRIVATE = False  # as if the name now resolved to loopback
    deliver_due()
    delivery = WebhookDelivery.objects.get()
    assert delivery.last_error.startswith("refused: address 127.0.0.1")
    assert server.requests == []


def test_the_api_refuses_an_unsafe_url_with_422(ana):
    response = ana.post("/webhooks", {"url": "http://10.0.0.1/", "events": ["task.created"]})
    assert response.status_code == 422
    assert "URL refused" in response.json()["detail"]


def test_the_api_returns_the_signing_secret_once(ana, settings):
    settings.CARTEIRA_WEBHOOK_ALLOW_PRIVATE = True
    created = ana.post("/webhooks", {"url": "http://127.0.0.1:9/", "events": ["task.created"]})
    assert created.status_code == 201
    assert len(created.json()["secret"]) == 64
    listed = ana.get("/webhooks").json()["results"]
    assert "secret" not in listed[0]


def test_tasks_of_a_central_batch_are_announced_though_bulk_created(
    portfolio, seller_ana, analyst, settings
):
    from carteira.agenda.services import do_send_batch

    settings.CARTEIRA_WEBHOOK_ALLOW_PRIVATE = True
    do_subscribe(owner=seller_ana.user, url="http://127.0.0.1:9/", events=["task.created"])
    do_send_batch(clients=[portfolio["A1"], portfolio["B1"]], title="Ligar", instructions="",
                  deadline=dt.date(2026, 7, 1), filter_description={}, by=analyst)  # fmt: skip
    payloads = [d.payload for d in WebhookDelivery.objects.filter(event="task.created")]
    assert [p["client_id"] for p in payloads] == [portfolio["A1"].pk]
