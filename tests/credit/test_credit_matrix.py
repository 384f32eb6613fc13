"""Credit in the three-dimensional reading: open, overdue and provision per ABC class ×
status of the reading, per seller, on the dashboard and through the API, each reader on
their own clients. In the ``readings`` fixture's reading of 30/06/2026, A1 (Ana) and B1
(Bruno) are A and pre-inactive, C2 (Carla) a prospect without a class."""

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse

from tests.credit.factories import aged_book

pytestmark = pytest.mark.django_db
ON_T = time_machine.travel(dt.datetime(2026, 6, 30, 12, tzinfo=dt.UTC))


def text_of(html, marker, end="</table>"):
    start = html.index(">", html.index(marker)) + 1
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html[start : html.index(end, start)]))


@ON_T
def test_the_dashboard_reads_credit_by_class_and_status(readings, director, client):
    aged_book(readings)
    client.force_login(director)
    html = client.get(reverse("portfolio:dashboard")).content.decode()
    matrix = text_of(html, 'id="credit-matrix"').split()
    # A × pre-inactive: A1's 1.500,00 and B1's 80,00; 580,00 of 1.580,00 overdue (36,7 %);
    # provision 37,00 + 40,00.
    assert " ".join(matrix) == (
        "Classe Ativo Pré-inativo Inativado Inativo "
        "A – R$ 1.580,00 36,7% em atraso provisão R$ 77,00 – – B – – – – C – – – –"
    )
    outside = text_of(html, 'id="credit-matrix-outside"', end="</p>")
    assert "R$ 50,00" in outside


@ON_T
def test_a_dashboard_filtered_by_seller_reads_that_seller_s_cells(readings, director, client):
    aged_book(readings)
    client.force_login(director)
    seller = readings["B1"].seller_id
    html = client.get(reverse("portfolio:dashboard"), {"seller": seller}).content.decode()
    assert "A – R$ 80,00 100,0% em atraso provisão R$ 40,00" in " ".join(
        text_of(html, 'id="credit-matrix"').split()
    )


@ON_T
def test_the_api_gives_each_seller_s_cells_in_the_reader_s_scope(
    readings, director, manager_sul, client
):
    aged_book(readings)
    client.force_login(director)
    data = client.get("/api/v1/receivables/matrix").json()
    assert (data["as_of"], data["before"], data["by"]) == ("2026-06-30", "2026-05-31", "seller")
    cells = [(c["seller"], c["abc"], c["status"], c["clients"], c["open"], c["overdue"],
              c["provision"], c["provision_before"]) for c in data["cells"]]  # fmt: skip
    assert cells == [
        ("V001", "A", "pre_inactive", 1, 1500.0, 500.0, 37.0, 15.0),
        ("V002", "A", "pre_inactive", 1, 80.0, 80.0, 40.0, 40.0),
        ("V003", None, "prospect", 1, 50.0, 50.0, 50.0, 50.0),
    ]
    whole = client.get("/api/v1/receivables/matrix", {"by": "all"}).json()["cells"]
    assert [(c["abc"], c["status"], c["open"]) for c in whole] == [
        ("A", "pre_inactive", 1580.0), (None, "prospect", 50.0)
    ]  # fmt: skip
    client.force_login(manager_sul)
    scoped = client.get("/api/v1/receivables/matrix").json()["cells"]
    assert {c["seller"] for c in scoped} < {"V001", "V002", "V003"}
    assert client.get("/api/v1/receivables/matrix", {"by": "class"}).status_code == 400


@ON_T
def test_the_review_of_june_reads_credit_by_class_and_status_of_its_reading(
    readings, director, manager_norte, client
):
    aged_book(readings)
    client.force_login(director)
    html = client.get(reverse("review:page"), {"period": "2026-06"}).content.decode()
    review = html[html.index('id="credit"') :]
    assert " ".join(text_of(review, 'id="credit-matrix"').split()) == (
        "Classe Ativo Pré-inativo Inativado Inativo "
        "A – R$ 1.580,00 36,7% em atraso provisão R$ 77,00 – – B – – – – C – – – –"
    )
    assert "R$ 50,00" in text_of(review, 'id="credit-matrix-outside"', end="</p>")
    # Nelson reads only Carla's clients: C2 is a prospect, outside the table
    client.force_login(manager_norte)
    html = client.get(reverse("review:page"), {"period": "2026-06"}).content.decode()
    review = html[html.index('id="credit"') :]
    assert "R$ 1.580,00" not in text_of(review, 'id="credit-matrix"')
    assert "R$ 50,00" in text_of(review, 'id="credit-matrix-outside"', end="</p>")
