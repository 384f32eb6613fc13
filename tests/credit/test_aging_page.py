"""The aging page: managers and the central team, each seeing their own clients."""

import datetime as dt
import io
import re

import openpyxl
import pytest
import time_machine
from django.urls import reverse

from tests.credit.factories import aged_book, receivable

pytestmark = pytest.mark.django_db
URL = reverse("credit:aging")
ON_T = time_machine.travel(dt.datetime(2026, 6, 30, 12, tzinfo=dt.UTC))


def text_of(response, marker):
    html = response.content.decode()
    start = html.index(">", html.index(marker)) + 1
    part = html[start : html.index("</table>", start)] if "table" in marker else html[start:]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", part)).strip()


@ON_T
def test_a_director_sees_every_seller_with_buckets_and_provision(portfolio, director, client):
    aged_book(portfolio)
    client.force_login(director)
    response = client.get(URL)
    assert response.status_code == 200
    table = text_of(response, 'id="aging-table"')
    assert table == (
        "Vendedor Em aberto A vencer provisão 0,5% 1–30 dias provisão 1,0%"
        " 31–60 dias provisão 3,0% 61–90 dias provisão 10,0% 91–180 dias provisão 50,0%"
        " Mais de 180 dias provisão 100,0% Provisão"
        " Ana Souza V001 R$ 1.500,00 R$ 1.000,00 R$ 200,00 – R$ 300,00 – – R$ 37,00"
        " Bruno Lima V002 R$ 80,00 – – – – R$ 80,00 – R$ 40,00"
        " Carla Dias V003 R$ 50,00 – – – – – R$ 50,00 R$ 50,00"
        " Total R$ 1.630,00 R$ 1.000,00 R$ 200,00 R$ 0,00 R$ 300,00 R$ 80,00 R$ 50,00 R$ 127,00"
    )
    totals = text_of(response, 'id="aging-total"')
    assert totals.startswith(
        "Em aberto R$ 1.630,00 Em atraso R$ 630,00 38,7% do saldo em aberto Provisão R$ 127,00"
    )


@ON_T
def test_a_manager_sees_only_the_clients_of_their_team(portfolio, manager_sul, client):
    aged_book(portfolio)
    client.force_login(manager_sul)
    table = text_of(client.get(URL, {"by": "client"}), 'id="aging-table"')
    assert "Cliente A1 LTDA A1" in table and "Cliente B1 LTDA B1" in table
    assert "C2" not in table
    assert "Total R$ 1.580,00" in table


def test_a_seller_is_refused(portfolio, seller_ana, client):
    client.force_login(seller_ana.user)
    assert client.get(URL).status_code == 403


@ON_T
def test_an_earlier_date_and_the_xlsx_show_the_same_figures(portfolio, director, client):
    aged_book(portfolio)
    client.force_login(director)
    response = client.get(URL, {"as_of": "2026-02-15", "by": "segment", "format": "xlsx"})
    assert response["Content-Disposition"] == 'attachment; filename="vencidos-2026-02-15.xlsx"'
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[0][:4] == ("Segmento", "Nome", "Em aberto", "A vencer")
    # On 15/02 A2's 99,99 (due 01/02, paid 01/03) is 14 days late; NF1-NF3 and NF4
    # (due from 01/03) are not yet due; C2's 50,00 is 137 days late.
    assert [(r[0], r[2], r[-1]) for r in rows[1:]] == [
        ("supermercados", 1580, 7.9),
        ("farmácias", 149.99, 26.0),
        ("Total", 1729.99, 33.9),
    ]


@ON_T
def test_a_bad_date_shows_today_and_says_so(portfolio, director, client):
    client.force_login(director)
    response = client.get(URL, {"as_of": "31/02/2026"})
    assert "Não é uma data: mostrando hoje." in response.content.decode()
    assert 'id="no-receivables"' in response.content.decode()


@ON_T
def test_the_learned_rates_stand_beside_the_configured_ones(portfolio, director, client):
    from carteira_core.credit.roll import observation_dates

    t, day = observation_dates(dt.date(2026, 6, 30)), dt.timedelta(days=1)
    receivable(portfolio["A1"], "V", t[3] + day, "100.00")  # every class, then default
    receivable(portfolio["B1"], "W", t[5] + day, "100.00", paid=t[7])
    receivable(portfolio["C1"], "U", t[0] - 100 * day, "100.00", paid=t[2])
    client.force_login(director)
    html = client.get(URL).content.decode()
    section = html[html.index('id="learned-rates"') :]
    section = section[section.index(">") + 1 : section.index("</section>")]
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", section)).strip()
    assert text.startswith(
        "Taxas de provisão: configuradas e aprendidas Aprendidas das parcelas de toda a"
        " empresa entre 05/07/2025 e 30/06/2026:"
    )
    table = text[text.index("Dias de atraso") :]
    assert table == (
        "Dias de atraso Em aberto Taxa configurada Taxa aprendida"
        " A vencer R$ 0,00 0,5% 5,0% 1–30 dias R$ 0,00 1,0% 25,0%"
        " 31–60 dias R$ 0,00 3,0% 50,0% 61–90 dias R$ 0,00 10,0% 50,0%"
        " 91–180 dias R$ 0,00 50,0% 60,0% Mais de 180 dias R$ 100,00 100,0% 100,0%"
        " Provisão R$ 100,00 R$ 100,00"
    )


@ON_T
def test_by_team_and_by_region_the_clients_without_one_have_their_own_row(
    portfolio, director, client
):
    aged_book(portfolio)
    portfolio["C2"].state = ""
    portfolio["C2"].save()
    client.force_login(director)
    team = text_of(client.get(URL, {"by": "team"}), 'id="aging-table"')
    assert team.split(" Provisão ", 1)[1] == (
        "Equipe Sul R$ 1.580,00 R$ 1.000,00 R$ 200,00 – R$ 300,00 R$ 80,00 – R$ 77,00"
        " Equipe Norte R$ 50,00 – – – – – R$ 50,00 R$ 50,00"
        " Total R$ 1.630,00 R$ 1.000,00 R$ 200,00 R$ 0,00 R$ 300,00 R$ 80,00 R$ 50,00 R$ 127,00"
    )
    region = text_of(client.get(URL, {"by": "region"}), 'id="aging-table"')
    assert region.startswith("UF Em aberto")
    assert region.split(" Provisão ", 1)[1].startswith(
        "RS R$ 1.580,00 R$ 1.000,00 R$ 200,00 – R$ 300,00 R$ 80,00 – R$ 77,00"
        " Sem UF R$ 50,00 – – – – – R$ 50,00 R$ 50,00 Total R$ 1.630,00"
    )


def test_a_large_portfolio_shows_its_largest_groups_and_the_xlsx_holds_all(
    client, portfolio, director, monkeypatch
):
    aged_book(portfolio)
    monkeypatch.setattr("carteira.credit.views.PAGE_ROWS", 2)
    client.force_login(director)
    response = client.get(URL, {"by": "client", "as_of": "2026-06-30"})
    table = text_of(response, 'id="aging-table"')
    assert "A1" in table and "B1" in table and "C2" not in table  # by open balance
    cut = text_of(response, 'id="aging-cut"')
    assert "Mostrando os 2 maiores saldos em aberto de 3 grupos" in cut
    book = openpyxl.load_workbook(io.BytesIO(
        client.get(URL, {"by": "client", "as_of": "2026-06-30", "format": "xlsx"}).content
    ))  # fmt: skip
    rows = list(book.active.iter_rows(values_only=True))
    assert [row[0] for row in rows[1:]] == ["A1", "B1", "C2", "Total"]
    assert rows[-1][2] == 1630.0
