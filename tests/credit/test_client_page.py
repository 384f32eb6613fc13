"""The client page's credit block: open, overdue by bucket, limit and use, score."""

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse

from carteira.credit.models import CreditLimit
from tests.credit.factories import aged_book, receivable

pytestmark = pytest.mark.django_db


def credit_section(http, client):
    text = http.get(reverse("clients:detail", args=[client.pk])).content.decode()
    section = text[text.index('<section id="credit">') : text.index('<section id="complaints">')]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", section)).strip()


@time_machine.travel(dt.datetime(2026, 6, 30, 12, tzinfo=dt.UTC))
def test_the_block_shows_open_overdue_buckets_limit_use_and_the_score(
    portfolio, seller_ana, client
):
    aged_book(portfolio)
    a1 = portfolio["A1"]
    for month in (1, 2, 3):  # three instalments paid on time: a history to judge
        receivable(a1, f"OLD{month}", dt.date(2026, month, 10), "100.00",
                   paid=dt.date(2026, month, 10))  # fmt: skip
    CreditLimit.objects.create(client=a1, limit="1000.00", reviewed_on=dt.date(2026, 5, 2))
    client.force_login(seller_ana.user)
    text = credit_section(client, a1)
    assert text == (
        "Crédito Em aberto R$ 1.500,00 (3 parcelas)"
        " Em atraso R$ 500,00 (a mais antiga com 76 dias de atraso)"
        " Limite de crédito R$ 1.000,00 · 150% usado acima do limite (revisto em 02/05/2026)"
        " Limite sugerido Sem compras nos últimos 12 meses: nada em que basear um limite."
        " Pagamentos Atenção 2 de 5 parcelas pagas com atraso nos últimos 12 meses (40%),"
        " em média 46 dias de atraso; maior atraso 76 dias; poucas parcelas para ver uma"
        " tendência. Provisão R$ 37,00"
        " Em cobrança: uma parcela está vencida há mais de 30 dias."
        " Saldo em aberto por dias de atraso em 30/06/2026"
        " A vencer R$ 1.000,00 1–30 dias R$ 200,00 31–60 dias – 61–90 dias R$ 300,00"
        " 91–180 dias – Mais de 180 dias –"
    )


def test_a_client_without_receivables_says_so(portfolio, seller_ana, client):
    client.force_login(seller_ana.user)
    assert credit_section(client, portfolio["A2"]) == "Crédito Nenhum título a receber."
