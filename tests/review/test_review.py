"""The monthly PDCA review of October 2026, opened on 12 November 2026."""

import datetime as dt
import io
import shutil
import subprocess
import time
from decimal import Decimal
from fractions import Fraction

import pytest
import time_machine
from pypdf import PdfReader

from carteira.goals.models import Goal
from carteira.goals.periods import parse_period
from carteira.interactions.models import InactivityReason, Interaction
from carteira.review import selectors
from carteira.review.models import Decision
from goals.conftest import buy, task

ON_12_NOV = dt.datetime(2026, 11, 12, 15, tzinfo=dt.UTC)
OCT = {"period_start": dt.date(2026, 10, 1), "period_end": dt.date(2026, 10, 31)}


@pytest.fixture(autouse=True)
def _on_12_november():
    with time_machine.travel(ON_12_NOV, tick=False):
        yield


@pytest.fixture
def october(november, seller_ana, team_sul):
    """Goals for October: Ana's revenue (missed) and team Sul's positivation (met)."""
    Goal.objects.create(indicator="revenue", seller=seller_ana, target=Decimal("1000"), **OCT)
    Goal.objects.create(indicator="positivation", team=team_sul, target=Decimal("0.2"), **OCT)
    # C2 (Carla, Norte) last bought on 20/4: pre-inactive on 30/9, inactivated on 31/10.
    buy(november["C2"], dt.date(2026, 4, 20), "4000.00")
    price, _ = InactivityReason.objects.get_or_create(
        code="concorrente-teste", defaults={"label": "Preço do concorrente"}
    )
    Interaction.objects.create(client=november["C2"], date=dt.date(2026, 10, 5), channel="visit",
                               successful=False, reason=price)  # fmt: skip
    return november


def test_the_review_defaults_to_last_month_and_reads_right_and_wrong_per_team(
    client, director, october
):
    client.force_login(director)
    page = client.get("/review/")
    assert page.status_code == 200
    text = page.text
    assert "Equipe Sul" in text and "Equipe Norte" in text
    assert "25,0%" in text and "Preço do concorrente" in text and "Cliente C2 LTDA" in text
    assert text.count("<svg") >= 2


def test_what_went_right_and_wrong_what_moved_and_the_top_risks(director, october, team_sul):
    data = selectors.review(director, parse_period("2026-10"), today=dt.date(2026, 11, 12))
    sul = next(team for team in data["teams"] if team.scope.label == "Equipe Sul")
    # Sul's portfolio A1, A2, B1, B2: only B2 bought in October → 25 % ≥ 20 % (met);
    # Ana sold nothing in October → R$ 0,00 of R$ 1.000,00 (missed).
    assert [(g.indicator, p.actual) for g, p in sul.right] == [("positivation", 0.25)]
    assert [(g.indicator, p.actual) for g, p in sul.wrong] == [("revenue", 0)]
    company = {row.indicator: row for row in data["indicators"]}
    assert company["positivation"].now == Fraction(1, 5)  # A1 A2 B1 B2 C2; B2 bought
    assert company["revenue"].now == 2000 and company["revenue"].before == 1000
    assert data["losses"]["total"] == 1
    assert data["losses"]["by_reason"][0]["reason"] == "Preço do concorrente"
    assert [r.client.external_id for r in data["risks"]] == ["C2"]
    assert data["risk_total"] == Decimal("4000.00")
    assert {"from": "pre_inactive", "to": "inactivated", "count": 1} in data["flows"]


def test_decisions_recorded_in_october_are_listed_for_follow_up_in_november(
    client, director, october
):
    client.force_login(director)
    for text in ("Ligar para todos os clientes A pré-inativos", "Rever a meta de positivação"):
        response = client.post("/review/decisions/", {"period": "2026-10", "text": text,
                                                      "kind": "plan", "owner": director.pk,
                                                      "due_date": "2026-11-20"})  # fmt: skip
        assert response.status_code == 302
    assert Decision.objects.filter(**OCT).count() == 2
    november = client.get("/review/?period=2026-11").text
    assert "Ligar para todos os clientes A pré-inativos" in november
    assert "Rever a meta de positivação" in november
    decision = Decision.objects.first()
    follow_up = {"status": "done", "follow_up": "Feito na semana 46", "period": "2026-11"}
    client.post(f"/review/decisions/{decision.pk}/", follow_up)
    decision.refresh_from_db()
    assert (decision.status, decision.follow_up) == ("done", "Feito na semana 46")
    assert "Feito na semana 46" in client.get("/review/?period=2026-11").text


def test_a_seller_reads_the_review_but_cannot_record_or_follow_up_decisions(
    client, seller_ana, director, october
):
    decision = Decision.objects.create(text="Rever preços", **OCT)
    client.force_login(seller_ana.user)
    page = client.get("/review/?period=2026-10")
    assert page.status_code == 200 and "Record a decision" not in page.text
    assert "Equipe Norte" not in page.text
    response = client.post("/review/decisions/", {"period": "2026-10", "text": "x",
                                                  "kind": "other"})  # fmt: skip
    assert response.status_code == 403
    response = client.post(f"/review/decisions/{decision.pk}/", {"status": "dropped"})
    assert response.status_code == 403
    decision.refresh_from_db()
    assert Decision.objects.count() == 1 and decision.status == "open"


def test_the_review_pdf_is_a_pt_br_attachment_with_charts_team_and_decisions(
    client, director, october, tmp_path
):
    Decision.objects.create(text="Visitar Cliente A2 LTDA com o diretor", owner=director,
                            kind="plan", **OCT)  # fmt: skip
    client.force_login(director)
    started = time.perf_counter()
    response = client.get("/review/pdf/?period=2026-10")
    elapsed = time.perf_counter() - started
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "2026-10.pdf" in response["Content-Disposition"]
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    for expected in ("2026", "Equipe Sul", "Visitar Cliente A2 LTDA com o diretor", "25,0%",
                     "concorrente", "Outubro 2026"):  # fmt: skip
        assert expected in text, expected
    print(f"review PDF request: {elapsed:.2f} s")
    pdf = tmp_path / "review.pdf"
    pdf.write_bytes(response.content)
    if shutil.which("pdftotext"):
        plain = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                               text=True, check=True).stdout  # fmt: skip
        assert "Equipe Sul" in plain and "25,0%" in plain
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf),
                        str(tmp_path / "page")], check=True)  # fmt: skip
        assert list(tmp_path.glob("page*.png"))


def test_the_action_plan_line_counts_one_task_in_the_singular(client, director, october):
    task(october["A1"], dt.date(2026, 10, 10), done_on=dt.date(2026, 10, 9))
    client.force_login(director)
    text = client.get("/review/").text
    assert "1 tarefa prevista no período; feitas: 1, ainda abertas: 0." in text
    assert "Plano de ação: 1 tarefa prevista; feitas: 1, ainda abertas: 0." in text
