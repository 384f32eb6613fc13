"""One October: every place that shows a KPI shows the engine's figure for the same named
window (issue 23, ADR 12). The demo company, read on 15 November 2026: the dashboard with
"the month to date" at 31/10, the October review (page and PDF), the goals page, `carteira
report kpis --period month` and the API give the engine's indicators over 1–31 October."""

import datetime as dt
import json
from decimal import Decimal
from fractions import Fraction

import pytest
import time_machine
from django.core.management import call_command
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from carteira.accounts.models import User
from carteira.demo.loader import do_load_demo
from carteira.goals.models import Goal
from carteira.portfolio import engine_input
from carteira.portfolio.rules_store import current_rules
from carteira.portfolio.services import do_snapshot
from carteira.review import views as review_views
from carteira_core.demo import generate
from carteira_core.engine import indicator_counts, read_portfolio, whole_month
from tests.api.conftest import caller_for
from tests.exports.conftest import exported, rows_of

pytestmark = pytest.mark.django_db
OCT_31 = dt.date(2026, 10, 31)
OCTOBER = whole_month(2026, 10)
ON_15_NOV = dt.datetime(2026, 11, 15, 12, tzinfo=dt.UTC)


@pytest.fixture
def demo():
    with time_machine.travel(ON_15_NOV, tick=False):
        do_load_demo(generate(clients=160, seed=23, today=dt.date(2026, 11, 15)))
        do_snapshot(OCT_31)  # the official reading of 31/10 (its own window: 2–31 October)
        yield User.objects.get(username="diretor")


def _engine_october() -> dict:
    """The engine's counts over 1–31 October, straight from the database's input."""
    data = engine_input.load_input(OCT_31)
    reading = read_portfolio(data, OCT_31, current_rules(), OCTOBER)
    (counts,) = indicator_counts(reading).to_dicts()
    return counts


def _expected(counts: dict) -> dict:
    return {
        "revenue": Fraction(counts["revenue"], 100),
        "positivation": Fraction(counts["positivated"], counts["portfolio"]),
        "coverage": Fraction(counts["covered"], counts["portfolio"]),
        "churn_rate": Fraction(counts["churned"], counts["churn_base"]),
        "new_clients": counts["new_clients"],
        "reactivated": counts["reactivated"],
        "average_ticket": (Decimal(counts["revenue"]) / 100 / counts["purchases"]).quantize(
            Decimal("0.01")
        ),
    }


def _read(kpis) -> dict:
    return {
        "revenue": Fraction(kpis.revenue),
        "positivation": kpis.positivation,
        "coverage": kpis.coverage,
        "churn_rate": kpis.churn_rate,
        "new_clients": kpis.new_clients,
        "reactivated": kpis.reactivated,
        "average_ticket": kpis.average_ticket,
    }


def test_the_demo_october_has_figures_in_every_indicator(demo):
    counts = _engine_october()
    assert counts["revenue"] > 0 and counts["purchases"] > 0 and counts["churn_base"] > 0
    # the 30 days up to 31/10 leave out 1 October: a different, differently named window
    rolling = indicator_counts(read_portfolio(engine_input.load_input(OCT_31), OCT_31,
                                              current_rules()))["revenue"][0]  # fmt: skip
    assert rolling != counts["revenue"]


def test_the_dashboard_of_the_month_to_31_october_shows_the_engine_october(client, demo):
    expected = _expected(_engine_october())
    client.force_login(demo)
    with translation.override("pt-br"):
        response = client.get(reverse("portfolio:dashboard"),
                              {"as_of": "2026-10-31", "period": "month"})  # fmt: skip
    assert _read(response.context["kpis"]) == expected
    assert "Período de 01/10/2026 a 31/10/2026" in response.content.decode()
    assert "comparado com 01/09/2026 a 30/09/2026" in response.content.decode()


def test_the_october_review_page_and_pdf_show_the_engine_october(client, demo):
    expected = _expected(_engine_october())
    client.force_login(demo)
    with time_machine.travel(ON_15_NOV, tick=False):
        response = client.get(reverse("review:page"), {"period": "2026-10"})
    rows = {row.indicator: row.now for row in response.context["indicators"]}
    assert {name: rows[name] for name in expected} == {
        **expected, "average_ticket": Fraction(expected["average_ticket"])
    }  # fmt: skip
    window = response.context["window"]
    assert (window.start, window.end) == (dt.date(2026, 10, 1), OCT_31)
    # the PDF is this context rendered by review/pdf.html
    request = response.wsgi_request
    with time_machine.travel(ON_15_NOV, tick=False):
        context = review_views._context(request, response.context["period"])
    assert {row.indicator: row.now for row in context["indicators"]} == rows
    html = render_to_string("review/pdf.html", {**context, "generated_at": ON_15_NOV})
    assert f"{expected['new_clients']}" in html


def test_the_goals_page_measures_october_with_the_engine_october(client, demo):
    expected = _expected(_engine_october())
    october = {"period_start": OCTOBER.start, "period_end": OCTOBER.end}
    goals = {name: Goal.objects.create(indicator=name, target=Decimal(1), **october)
             for name in expected}  # fmt: skip
    client.force_login(demo)
    with time_machine.travel(ON_15_NOV, tick=False):
        response = client.get(reverse("goals:grid"), {"period": "2026-10"})
    actual = {goal.indicator: progress.actual for goal, progress in response.context["progress"]
              if goal.pk in {g.pk for g in goals.values()}}  # fmt: skip
    assert actual == {**expected, "average_ticket": Fraction(expected["average_ticket"])}


def test_report_kpis_with_period_month_gives_the_engine_october_and_names_it(demo, capsys):
    counts = _engine_october()
    call_command("report", "kpis", "--as-of", "2026-10-31", "--period", "month",
                 "--format", "json")  # fmt: skip
    data = json.loads(capsys.readouterr().out)
    assert (data["period"], data["from"], data["to"]) == ("month", "2026-10-01", "2026-10-31")
    (group,) = data["groups"]
    assert Decimal(str(group["revenue"])) == Decimal(counts["revenue"]) / 100
    assert (group["purchases"], group["new_clients"], group["reactivated"]) == (
        counts["purchases"], counts["new_clients"], counts["reactivated"],
    )  # fmt: skip
    assert group["positivation"] == counts["positivated"] / counts["portfolio"]


def test_the_api_gives_the_engine_october_and_names_it(demo):
    counts = _engine_october()
    with time_machine.travel(ON_15_NOV, tick=False):
        data = caller_for(demo).get("/reports/kpis?as_of=2026-10-31&period=month").json()
    assert (data["period"], data["from"], data["to"]) == ("month", "2026-10-01", "2026-10-31")
    (group,) = data["groups"]
    assert group["revenue"] == float(Decimal(counts["revenue"]) / 100)
    assert group["churn_rate"] == counts["churned"] / counts["churn_base"]


def test_a_period_the_cli_does_not_know_is_refused_in_pt_br(demo):
    from django.core.management.base import CommandError

    with translation.override("pt-br"), pytest.raises(CommandError, match="--period"):
        call_command("report", "kpis", "--as-of", "2026-10-31", "--period", "week")


@pytest.mark.django_db(transaction=True)  # the export worker closes its connection
def test_the_dashboard_kpi_export_of_the_month_names_october_and_gives_its_figures(client, demo):
    counts = _engine_october()
    client.force_login(demo)
    url = reverse("exports:report", args=["kpis", "csv"])
    with time_machine.travel(ON_15_NOV, tick=False):
        (row,) = rows_of(exported(client, url, {"as_of": "2026-10-31", "period": "month"}))
    assert (row["period"], row["from"], row["to"]) == ("month", "2026-10-01", "2026-10-31")
    assert Decimal(row["revenue"]) == Decimal(counts["revenue"]) / 100
    assert int(row["purchases"]) == counts["purchases"]
