"""How much a phone downloads: a 250-client portfolio (each client with three contacts,
five orders, an open task; a tenth with an open complaint and an overdue instalment)
the first time, then with nothing changed, then after five clients changed. The figures
are printed (docs/adr/0023-offline-sync.md quotes them) and bounded here."""

import datetime as dt
import gzip
import json
from decimal import Decimal

import pytest
from django.utils import timezone

from carteira.agenda.models import Task
from carteira.clients.models import Client, Contact
from carteira.complaints.models import Complaint
from carteira.credit.models import Receivable
from carteira.orders.models import Order
from tests.field.test_sync_api import phone

CLIENTS = 250


def a_portfolio(seller):
    today = timezone.localdate()
    clients = Client.objects.bulk_create(
        Client(external_id=f"C{i:04d}", name=f"Comercial Exemplo {i} Ltda",
               trade_name=f"Mercado {i}", city="Porto Alegre", state="RS", seller=seller,
               phone="5132220000", latitude=-30 - i / 1000, longitude=-51 - i / 1000)
        for i in range(CLIENTS)
    )  # fmt: skip
    Contact.objects.bulk_create(
        Contact(client=c, name=f"Pessoa {j} de {c.trade_name}", role="Compras",
                phone="51999990000", email="pessoa@exemplo.com.br")
        for c in clients for j in range(3)
    )  # fmt: skip
    Order.objects.bulk_create(
        Order(external_id=f"P{c.pk}-{j}", client=c, seller=seller,
              date=today - dt.timedelta(days=30 * j + 1), amount=Decimal("1234.56"))
        for c in clients for j in range(5)
    )  # fmt: skip
    Task.objects.bulk_create(
        Task(client=c, seller=seller, title=f"Visitar {c.trade_name}", channel="visit",
             due_date=today + dt.timedelta(days=c.pk % 20), origin="manual")
        for c in clients
    )  # fmt: skip
    for c in clients[::10]:
        Complaint.objects.create(client=c, opened_on=today, category="Atraso na entrega")
        Receivable.objects.create(client=c, invoice=f"NF{c.pk}", amount=Decimal("500"),
                                  issue_date=today - dt.timedelta(60),
                                  due_date=today - dt.timedelta(30))  # fmt: skip
    return clients


def sizes(response) -> tuple[float, float]:
    """(KB of JSON, KB as sent to a phone that accepts gzip)."""
    text = (
        gzip.decompress(response.content) if response.get("Content-Encoding") else response.content
    )
    return len(text) / 1024, len(response.content) / 1024


def json_of(response):
    text = (
        gzip.decompress(response.content) if response.get("Content-Encoding") else response.content
    )
    return json.loads(text)


@pytest.mark.slow
def test_a_250_client_portfolio_downloads_small_and_then_only_what_changed(seller_ana):
    clients = a_portfolio(seller_ana)
    ana = phone(seller_ana.user)
    ana.defaults["HTTP_ACCEPT_ENCODING"] = "gzip, deflate, br"
    first = ana.get("/api/v1/field/download")
    assert first["Content-Encoding"] == "gzip"
    body = json_of(first)
    assert sum(key.startswith("client:") for key in body["changed"]) == CLIENTS
    unchanged = ana.get("/api/v1/field/download", {"cursor": body["cursor"]})
    assert json_of(unchanged)["changed"] == {}
    for client in clients[:5]:
        client.phone = "5133334444"
        client.save()
    later = ana.get("/api/v1/field/download", {"cursor": json_of(unchanged)["cursor"]})
    assert sorted(json_of(later)["changed"]) == sorted(f"client:{c.pk}" for c in clients[:5])
    figures = {name: sizes(r) for name, r in
               (("first", first), ("unchanged", unchanged), ("five changed", later))}  # fmt: skip
    print(
        {
            name: f"{raw:.1f} KB of JSON, {packed:.1f} KB sent"
            for name, (raw, packed) in figures.items()
        }
    )
    assert figures["first"][0] < 400
    assert figures["unchanged"][0] < 1
    assert figures["five changed"][0] < 8
