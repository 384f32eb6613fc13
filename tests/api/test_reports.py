"""Reports through the API: the JSON shapes of ``carteira report``, scoped to the caller."""

import datetime as dt
import json

import pytest

from carteira.orders.models import Order
from carteira.portfolio.reports import client_report, kpi_report
from carteira.portfolio.services import dumps, official_run
from tests.api.conftest import caller_for

pytestmark = pytest.mark.django_db
T = "2026-06-30"


@pytest.fixture
def sales(portfolio):
    for n, (code, days, amount) in enumerate(
        [("A1", 3, "1000.00"), ("A2", 100, "250.50"), ("B1", 10, "80.00"), ("C1", 20, "40.00")]
    ):
        Order.objects.create(external_id=f"P{n}", client=portfolio[code],
                             seller=portfolio[code].seller, amount=amount,
                             date=dt.date(2026, 6, 30) - dt.timedelta(days=days))  # fmt: skip
    return portfolio


def test_the_client_report_of_a_seller_has_the_cli_shape_and_only_their_clients(ana, sales):
    data = ana.get(f"/reports/clients?as_of={T}").json()
    run = official_run(dt.date(2026, 6, 30))
    everyone = json.loads(dumps(client_report(run)))
    expected = [row for row in everyone if row["seller_external_id"] == "V001"]
    for row in expected:
        for money in ("revenue_in_abc_window", "margin_in_abc_window"):
            row[money] = float(row[money])
    assert data == expected
    assert [row["external_id"] for row in data] == ["A1", "A2"]
    assert data[0]["revenue_in_abc_window"] == 1000.0


def test_the_kpis_of_the_director_equal_the_cli_report(sales, director):
    data = caller_for(director).get(f"/reports/kpis?as_of={T}&by=seller").json()
    cli = json.loads(dumps(kpi_report(official_run(dt.date(2026, 6, 30)), "seller")))
    assert [g["key"] for g in data["groups"]] == [g["key"] for g in cli["groups"]]
    assert data["groups"][0]["revenue"] == float(cli["groups"][0]["revenue"])
    assert (data["as_of"], data["period_end"]) == (T, T)


def test_a_seller_reads_only_the_kpi_row_of_their_seller(ana, sales):
    data = ana.get(f"/reports/kpis?as_of={T}").json()
    assert [g["key"] for g in data["groups"]] == [{"seller": "V001"}]
    assert data["groups"][0]["portfolio"] == 2


@pytest.mark.parametrize("by", ["team", "segment", "region", "abc", "status"])
def test_a_seller_cannot_read_company_kpi_groupings(ana, sales, by):
    assert ana.get(f"/reports/kpis?as_of={T}&by={by}").status_code == 403


def test_a_manager_reads_the_kpis_of_their_team_only(sales, manager_sul):
    marta = caller_for(manager_sul)
    by_team = marta.get(f"/reports/kpis?as_of={T}&by=team").json()
    assert [g["key"] for g in by_team["groups"]] == [{"team": "Equipe Sul"}]
    by_seller = marta.get(f"/reports/kpis?as_of={T}&by=seller").json()
    assert [g["key"] for g in by_seller["groups"]] == [{"seller": "V001"}, {"seller": "V002"}]


def test_the_matrix_of_a_seller_counts_only_their_clients(ana, sales):
    data = ana.get(f"/reports/matrix?as_of={T}&by=seller").json()
    assert data["by"] == "seller"
    assert {cell["seller"] for cell in data["cells"]} == {"V001"}
    assert sum(cell["clients"] for cell in data["cells"]) == 2
    assert sum(cell["revenue"] for cell in data["cells"]) == 1250.5


@pytest.mark.parametrize("query", ["by=password", "as_of=1200-01-01", "as_of=ontem"])
def test_bad_report_parameters_are_400(ana, sales, query):
    assert ana.get(f"/reports/matrix?{query}").status_code == 400
