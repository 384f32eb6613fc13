"""Credit beside the portfolio's figures: the dashboard's section (overdue, DSO,
provision and its change, clients in collection, by seller and by ABC class of the
reading) and the review's (by team and seller), each reader on their own clients. The
``readings`` fixture (tests/credit/conftest.py) is the reading of 30/06/2026."""

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse

from tests.credit.factories import aged_book, receivable

pytestmark = pytest.mark.django_db
ON_T = time_machine.travel(dt.datetime(2026, 6, 30, 12, tzinfo=dt.UTC))
HEADER = "Em aberto Em atraso % em atraso DSO (dias) Provisão Variação Em cobrança"


def text_of(html, marker, end="</table>"):
    start = html.index(">", html.index(marker)) + 1
    part = html[start : html.index(end, start)]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", part)).strip()


def book(portfolio):
    """The aged book plus 900,00 issued to A1 on 01/06 and paid on 20/06: the only
    credit sale of the 90 days before 30/06 (DSO = open / 900,00 × 90)."""
    aged_book(portfolio)
    receivable(portfolio["A1"], "NF7", dt.date(2026, 7, 1), "900.00",
               issued=dt.date(2026, 6, 1), paid=dt.date(2026, 6, 20))  # fmt: skip


@ON_T
def test_the_director_reads_the_credit_of_the_portfolio_on_the_dashboard(
    readings, director, client
):
    book(readings)
    client.force_login(director)
    html = client.get(reverse("portfolio:dashboard")).content.decode()
    # provision on 31/05 (the eve of the 30 days): 5 + 1 + 9 + 40 + 50 = 105,00
    assert text_of(html, 'id="credit"', "<h3") == (
        "Crédito e cobrança Títulos em 30/06/2026; variação da provisão desde 31/05/2026."
        " Em aberto R$ 1.630,00 3 clientes"
        " Em atraso 38,7% R$ 630,00"
        " DSO 163,0 dias saldo em aberto sobre as vendas a prazo de 90 dias"
        " Provisão R$ 127,00 +R$ 22,00 vs. período anterior"
        " Clientes em cobrança 3 atraso de mais de 30 dias"
    )
    assert text_of(html, 'id="credit-by-seller"') == (
        f"Vendedor {HEADER}"
        " Ana Souza V001 R$ 1.500,00 R$ 500,00 33,3% 150,0 R$ 37,00 +R$ 22,00 1"
        " Bruno Lima V002 R$ 80,00 R$ 80,00 100,0% — R$ 40,00 ±R$ 0,00 1"
        " Carla Dias V003 R$ 50,00 R$ 50,00 100,0% — R$ 50,00 ±R$ 0,00 1"
    )
    assert text_of(html, 'id="credit-by-class"') == (
        f"Classe {HEADER}"
        " A R$ 1.580,00 R$ 580,00 36,7% 158,0 R$ 77,00 +R$ 22,00 2"
        " Sem classe R$ 50,00 R$ 50,00 100,0% — R$ 50,00 ±R$ 0,00 1"
    )
    assert "/credit/aging/?as_of=2026-06-30&amp;by=client" in html
    assert 'href="/clients/?overdue=30"' in html  # the 3 clients in collection, listed


@ON_T
def test_the_dashboard_slice_and_a_managers_scope_narrow_the_credit(readings, manager_sul, client):
    book(readings)
    client.force_login(manager_sul)
    html = client.get(reverse("portfolio:dashboard")).content.decode()
    assert [row.split(" R$")[0] for row in _rows(html, "credit-by-seller")] == [
        "Ana Souza V001", "Bruno Lima V002"]  # fmt: skip
    sliced = client.get(reverse("portfolio:dashboard"), {"segment": "farmácias"})
    assert "?overdue=30" not in sliced.content.decode()  # no client in collection: no link
    markets = client.get(reverse("portfolio:dashboard"), {"segment": "supermercados"})
    assert 'href="/clients/?overdue=30&amp;segment=supermercados">2</a>' in (
        markets.content.decode()
    )
    assert text_of(sliced.content.decode(), 'id="credit-open"', "</article>") == (
        # A2 paid, B2 owes nothing, C2 is Norte's (in pt-BR 0 takes the singular)
        "Em aberto R$ 0,00 0 cliente"
    )


@ON_T
def test_a_seller_sees_their_own_credit_without_seller_rows_or_the_aging_link(
    readings, seller_ana, client
):
    book(readings)
    client.force_login(seller_ana.user)
    html = client.get(reverse("portfolio:dashboard")).content.decode()
    assert text_of(html, 'id="credit-open"', "</article>") == "Em aberto R$ 1.500,00 1 cliente"
    assert 'id="credit-by-seller"' not in html
    assert "/credit/aging/" not in html


@ON_T
def test_without_receivables_the_dashboard_has_no_credit_section(readings, director, client):
    client.force_login(director)
    html = client.get(reverse("portfolio:dashboard")).content.decode()
    assert 'id="credit"' not in html


def _rows(html, table_id):
    body = text_of(html, f'id="{table_id}"')
    return re.split(r" (?=[A-Z][a-z]+ [A-Z][a-z]+ V\d{3})", body.split(HEADER, 1)[1].strip())


@ON_T
def test_the_review_of_june_shows_credit_by_team_and_seller(readings, director, client):
    book(readings)
    client.force_login(director)
    html = client.get(reverse("review:page"), {"period": "2026-06"}).content.decode()
    assert text_of(html, 'id="credit-by-team"') == (
        f"Equipe {HEADER}"
        " Equipe Sul R$ 1.580,00 R$ 580,00 36,7% 158,0 R$ 77,00 +R$ 22,00 2"
        " Equipe Norte R$ 50,00 R$ 50,00 100,0% — R$ 50,00 ±R$ 0,00 1"
        " Total R$ 1.630,00 R$ 630,00 38,7% 163,0 R$ 127,00 +R$ 22,00 3"
    )
    assert text_of(html, 'id="credit-by-region"') == (
        f"UF {HEADER}"
        " RS R$ 1.580,00 R$ 580,00 36,7% 158,0 R$ 77,00 +R$ 22,00 2"
        " PE R$ 50,00 R$ 50,00 100,0% — R$ 50,00 ±R$ 0,00 1"
    )
    assert text_of(html, 'id="credit-by-segment"').startswith(
        f"Segmento {HEADER} supermercados R$ 1.580,00"
    )
    assert 'href="#credit"' in html  # in the review's table of contents


@ON_T
def test_the_review_pdf_carries_the_credit_section(readings, director, client):
    import io

    from pypdf import PdfReader

    book(readings)
    client.force_login(director)
    response = client.get(reverse("review:pdf"), {"period": "2026-06"})
    assert response.status_code == 200
    pages = PdfReader(io.BytesIO(response.content)).pages
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in pages))
    assert "Crédito e cobrança" in text
    assert "R$ 1.630,00" in text and "R$ 127,00" in text and "163,0" in text


@ON_T
def test_the_review_pdf_lists_the_sellers_with_most_at_stake_and_says_how_many_more(
    readings, director, client, monkeypatch
):
    import io

    from pypdf import PdfReader

    import carteira.review.views as review_views

    book(readings)
    monkeypatch.setattr(review_views, "PDF_SELLER_ROWS", 1)
    client.force_login(director)
    page = client.get(reverse("review:page"), {"period": "2026-06"}).content.decode()
    assert "mais vendedor" not in page  # the page lists every seller
    response = client.get(reverse("review:pdf"), {"period": "2026-06"})
    pages = PdfReader(io.BytesIO(response.content)).pages
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in pages))
    credit = text[text.index("Crédito e cobrança") :]
    # Ana's R$ 1.530,00 open leads the sellers; Bruno's and Carla's rows are left out
    assert "Ana Souza" in credit[: credit.index("E mais 2 vendedores")]
    assert "E mais 2 vendedores, com menos em jogo" in credit
