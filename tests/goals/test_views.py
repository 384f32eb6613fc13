"""Goal grid, CSV import and seller performance, seen by each persona."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from carteira.goals.models import Goal

ON_12_NOV = dt.datetime(2026, 11, 12, 15, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _on_12_november():
    with time_machine.travel(ON_12_NOV, tick=False):
        yield


def test_a_seller_cannot_open_or_post_the_goal_grid_nor_import(client, seller_ana):
    client.force_login(seller_ana.user)
    assert client.get("/goals/").status_code == 403
    name = f"seller:{seller_ana.pk}:revenue"
    assert client.post("/goals/?period=2026-11", {name: "1"}).status_code == 403
    upload = SimpleUploadedFile("metas.csv", b"period;scope;code;indicator;target\n")
    assert client.post("/goals/import/", {"file": upload}).status_code == 403
    assert Goal.objects.count() == 0


def test_a_director_sets_this_months_goals_in_the_grid(client, director, november, seller_ana,
                                                       team_sul):  # fmt: skip
    client.force_login(director)
    page = client.get("/goals/")
    assert page.status_code == 200 and "Equipe Sul" in page.text
    response = client.post("/goals/?period=2026-11", {
        f"seller:{seller_ana.pk}:revenue": "100.000,00",
        f"team:{team_sul.pk}:positivation": "70",
        f"team:{team_sul.pk}:churn_rate": "5",
    })  # fmt: skip
    assert response.status_code == 302
    goals = {(g.indicator, g.seller_id, g.team_id): g.target for g in Goal.objects.all()}
    assert goals == {
        ("revenue", seller_ana.pk, None): Decimal("100000.0000"),
        ("positivation", None, team_sul.pk): Decimal("0.7000"),
        ("churn_rate", None, team_sul.pk): Decimal("0.0500"),
    }
    page = client.get("/goals/?period=2026-11")
    assert 'value="100000"' in page.text and 'value="70"' in page.text
    assert "40,0%" in page.text  # Ana's attainment on the 12th


def test_goals_import_from_csv_reports_bad_rows_and_keeps_the_good_ones(
    client, director, november, seller_ana
):
    client.force_login(director)
    text = ("periodo;escopo;codigo;indicador;meta\n"
            "2026-11;vendedor;V001;revenue;100.000,00\n"
            "2026-Q4;equipe;Equipe Sul;positivation;70\n"
            "2026-11;cliente;A1;revenue;5000\n"
            "2026-11;vendedor;V999;revenue;1\n"
            "2026-11;cliente;A1;coverage;10\n")  # fmt: skip
    upload = SimpleUploadedFile("metas.csv", text.encode())
    response = client.post("/goals/import/", {"file": upload}, follow=True)
    assert response.status_code == 200
    assert Goal.objects.count() == 3
    quarter = Goal.objects.get(indicator="positivation")
    assert (quarter.period_start, quarter.period_end, quarter.target) == (
        dt.date(2026, 10, 1), dt.date(2026, 12, 31), Decimal("0.7000"))  # fmt: skip
    assert Goal.objects.get(client=november["A1"]).target == 5000


def test_a_manager_cannot_import_goals_for_another_managers_seller(client, manager_sul,
                                                                   seller_carla):  # fmt: skip
    client.force_login(manager_sul)
    text = "period,scope,code,indicator,target\n2026-11,seller,V003,revenue,10\n"
    client.post("/goals/import/", {"file": SimpleUploadedFile("g.csv", text.encode())})
    assert Goal.objects.count() == 0


def test_a_seller_sees_only_their_own_performance_row_and_rank(client, november, seller_ana,
                                                              seller_bruno):  # fmt: skip
    client.force_login(seller_ana.user)
    page = client.get("/goals/performance/?period=2026-11")
    assert page.status_code == 200
    assert "Ana Souza" in page.text
    assert "Bruno Lima" not in page.text and "Carla Dias" not in page.text
    assert "of 3 sellers" in page.text or "de 3 vendedores" in page.text


def test_a_director_compares_every_seller_and_team(client, director, november):
    client.force_login(director)
    page = client.get("/goals/performance/?period=2026-11")
    for name in ("Ana Souza", "Bruno Lima", "Carla Dias", "Equipe Sul", "Equipe Norte"):
        assert name in page.text
    assert "<svg" in page.text
