"""A client's credit limit: set by management on a form or sent by the ERP, with who and
when and a history; the exposure counts the orders not yet invoiced; a suggestion."""

import datetime as dt
import re
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from carteira.audit.models import AuditEvent
from carteira.credit.models import CreditLimit, CreditLimitChange
from carteira.credit.selectors import client_credit, pending_orders
from carteira.orders.models import Order
from carteira_core.rules import CreditRules
from tests.api.conftest import caller_for
from tests.credit.factories import receivable

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 6, 30, 12, tzinfo=dt.UTC)
TODAY = dt.date(2026, 6, 30)


def order(client, number, day, amount, status="valid"):
    return Order.objects.create(external_id=number, client=client, date=day,
                                amount=Decimal(amount), status=status)  # fmt: skip


def text_of(response, start, end):
    page = response.content.decode()
    section = page[page.index(start) : page.index(end)]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", section)).strip()


def test_orders_after_the_last_invoicing_day_are_pending_and_enter_the_exposure(portfolio):
    a1, b1 = portfolio["A1"], portfolio["B1"]
    receivable(a1, "NF1", dt.date(2026, 7, 20), "1000.00", issued=dt.date(2026, 6, 20))
    receivable(b1, "NF2", dt.date(2026, 7, 25), "10.00", issued=dt.date(2026, 6, 25))
    order(a1, "P1", dt.date(2026, 6, 25), "300.00")  # on the last invoicing day: invoiced
    order(a1, "P2", dt.date(2026, 6, 26), "150.00")
    order(a1, "P3", dt.date(2026, 6, 29), "50.00")
    order(a1, "P4", dt.date(2026, 6, 29), "70.00", status="cancelled")
    order(a1, "P5", dt.date(2026, 7, 2), "90.00")  # after the as-of date
    assert pending_orders([a1.pk, b1.pk], as_of=TODAY) == {a1.pk: Decimal("200.00")}
    CreditLimit.objects.create(client=a1, limit="1000.00")
    credit = client_credit(a1, as_of=TODAY, rules=CreditRules())
    assert (credit.open, credit.pending_orders, credit.exposure) == (
        Decimal("1000.00"), Decimal("200.00"), Decimal("1200.00"))  # fmt: skip
    assert (credit.limit_use, credit.over_limit) == (Decimal("1.2"), True)


@time_machine.travel(NOW, tick=False)
def test_a_manager_sets_a_limit_on_the_form_and_it_is_recorded_with_who_and_when(
    portfolio, manager_sul, client
):
    a1 = portfolio["A1"]
    receivable(a1, "NF1", dt.date(2026, 7, 20), "1000.00", issued=dt.date(2026, 6, 20))
    client.force_login(manager_sul)
    url = reverse("credit:set_limit", args=[a1.pk])
    response = client.post(url, {"limit": "2.500,00", "note": "Revisão anual"})
    assert response.status_code == 302
    limit = CreditLimit.objects.get(client=a1)
    assert (limit.limit, limit.set_by, limit.set_at, limit.source) == (
        Decimal("2500.00"), manager_sul, NOW, "form")  # fmt: skip
    client.post(url, {"limit": "2.500,00"})  # the same value: no new change
    client.post(url, {"limit": "", "note": "Cliente à vista"})
    assert not CreditLimit.objects.filter(client=a1).exists()
    changes = CreditLimitChange.objects.filter(client=a1).order_by("pk")
    assert [(c.previous, c.limit, c.set_by_id, c.note) for c in changes] == [
        (None, Decimal("2500.00"), manager_sul.pk, "Revisão anual"),
        (Decimal("2500.00"), None, manager_sul.pk, "Cliente à vista"),
    ]
    events = AuditEvent.objects.filter(action="credit.limit_set").order_by("pk")
    assert [(e.actor_id, e.details["limit"]) for e in events] == [
        (manager_sul.pk, "2500.00"), (manager_sul.pk, None)]  # fmt: skip


@time_machine.travel(NOW, tick=False)
def test_a_negative_limit_is_refused_in_portuguese_and_nothing_changes(
    portfolio, manager_sul, client
):
    client.force_login(manager_sul)
    response = client.post(reverse("credit:set_limit", args=[portfolio["A1"].pk]),
                           {"limit": "-1,00"})  # fmt: skip
    assert response.status_code == 400
    assert "O limite não pode ser negativo." in response.content.decode()
    assert (CreditLimit.objects.count(), CreditLimitChange.objects.count()) == (0, 0)


def test_a_seller_cannot_open_the_limit_form(portfolio, seller_ana, client):
    client.force_login(seller_ana.user)
    url = reverse("credit:set_limit", args=[portfolio["A1"].pk])
    assert client.post(url, {"limit": "9999"}).status_code == 403
    assert CreditLimit.objects.count() == 0


@time_machine.travel(NOW, tick=False)
def test_the_client_page_shows_exposure_who_set_the_limit_and_the_suggestion(
    portfolio, manager_sul, client
):
    a1 = portfolio["A1"]
    receivable(a1, "NF1", dt.date(2026, 7, 20), "1000.00", issued=dt.date(2026, 6, 20))
    for month in (1, 2, 3):  # three instalments paid on time: a good payer
        receivable(a1, f"OLD{month}", dt.date(2026, month, 10), "100.00",
                   paid=dt.date(2026, month, 10))  # fmt: skip
    order(a1, "P1", dt.date(2025, 9, 1), "23800.00")
    order(a1, "P2", dt.date(2026, 6, 26), "200.00")  # not yet invoiced
    client.force_login(manager_sul)
    client.post(reverse("credit:set_limit", args=[a1.pk]), {"limit": "1.000,00"})
    page = client.get(reverse("clients:detail", args=[a1.pk]))
    text = text_of(page, '<section id="credit">', '<section id="complaints">')
    assert (
        "Exposição R$ 1.200,00 (em aberto mais R$ 200,00 de pedidos a faturar)"
        " Limite de crédito R$ 1.000,00 · 120% usado acima do limite"
        " (definido por marta em 30/06/2026)"
        " Limite sugerido R$ 4.000,00 R$ 24.000,00 comprados nos últimos 12 meses"
        " (R$ 2.000,00 por mês) × 2 meses × 100% (bom pagador), arredondado para baixo"
        " à centena."
    ) in text
    assert text.endswith("Definir o limite de crédito")


@time_machine.travel(NOW, tick=False)
def test_the_erp_sends_limits_through_the_api_all_or_nothing(portfolio, manager_sul):
    api = caller_for(manager_sul)
    bad = {"limits": [{"client_external_id": "A1", "limit": "100.00"},
                      {"client_external_id": "C1", "limit": "100.00"},
                      {"client_external_id": "B1", "limit": "-5.00"}]}  # fmt: skip
    response = api.post("/receivables/limits", bad)
    assert response.status_code == 422
    assert [(e["index"], e["field"]) for e in response.json()["errors"]] == [
        (1, "client_external_id"), (2, "limit")]  # fmt: skip
    assert CreditLimit.objects.count() == 0
    good = {"limits": [{"client_external_id": "A1", "limit": "100.00"},
                       {"client_external_id": "B1", "limit": "250.50"}]}  # fmt: skip
    assert api.post("/receivables/limits", good).json() == {
        "received": 2, "changed": 2, "unchanged": 0}  # fmt: skip
    assert api.post("/receivables/limits", good).json()["unchanged"] == 2
    limit = CreditLimit.objects.get(client=portfolio["B1"])
    assert (limit.limit, limit.source, limit.set_by, limit.set_at) == (
        Decimal("250.50"), "erp", manager_sul, NOW)  # fmt: skip
    body = api.get(f"/receivables/clients/{portfolio['B1'].pk}").json()
    assert (body["credit_limit"], body["limit_source"], body["exposure"]) == (250.5, "erp", 0.0)


def test_a_seller_cannot_send_limits(portfolio, seller_ana):
    body = {"limits": [{"client_external_id": "A1", "limit": "100.00"}]}
    assert caller_for(seller_ana.user).post("/receivables/limits", body).status_code == 403
    assert CreditLimit.objects.count() == 0
