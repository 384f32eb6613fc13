"""The review reads at a glance: arrows give the direction and say whether it is good,
values are named for what they measure (not for the goal set on them), and the page
opens with a summary and a table of contents that leads to every section."""

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest
import time_machine

from carteira.goals.models import Goal
from carteira.review.selectors import IndicatorRow
from carteira.review.templatetags.review import measure_name, trend_arrow
from review.test_review import (
    OCT,
    october,  # noqa: F401 -- pytest fixture
)

ON_12_NOV = dt.datetime(2026, 11, 12, 15, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _on_12_november():
    with time_machine.travel(ON_12_NOV, tick=False):
        yield


class TestArrows:
    @pytest.mark.parametrize(
        ("indicator", "now", "before", "css", "arrow"),
        [
            ("revenue", Fraction(2000), Fraction(1000), "trend trend-up good", "▲"),
            ("revenue", Fraction(500), Fraction(1000), "trend trend-down bad", "▼"),
            ("churn_rate", Fraction(3, 100), Fraction(1, 100), "trend trend-up bad", "▲"),
            ("churn_rate", Fraction(1, 100), Fraction(3, 100), "trend trend-down good", "▼"),
            ("coverage", Fraction(1, 2), Fraction(1, 2), "trend trend-same neutral", "="),
        ],
    )
    def test_the_arrow_points_the_way_the_figure_went_coloured_good_or_bad(
        self, indicator, now, before, css, arrow
    ):
        html = trend_arrow(IndicatorRow(indicator, "", now, before))
        assert f'<span class="{css}"' in html
        assert html.endswith(f">{arrow}</span>")

    def test_churn_going_up_says_worse_in_words_too(self):
        with_words = trend_arrow(IndicatorRow("churn_rate", "", Fraction(3), Fraction(1)))
        assert 'aria-label="subiu, pior"' in with_words

    def test_no_arrow_without_a_previous_reading(self):
        assert trend_arrow(IndicatorRow("revenue", "", Fraction(1), None)) == ""


class TestNames:
    def test_the_churn_reading_is_the_churn_rate_not_the_ceiling(self):
        assert measure_name("churn_rate") == "Taxa de churn"
        assert measure_name("revenue") == "Faturamento"


@pytest.mark.django_db
class TestThePage:
    def test_a_summary_and_a_table_of_contents_come_first_and_lead_to_every_section(
        self,
        client,
        director,
        october,  # noqa: F811
    ):
        client.force_login(director)
        page = client.get("/review/?period=2026-10").text
        anchors = ["summary", "indicators", "teams", "moves", "risks", "execution", "decisions"]
        for anchor in anchors:
            assert f'href="#{anchor}"' in page
            assert f'id="{anchor}"' in page
        positions = [page.index(f'id="{anchor}"') for anchor in anchors]
        assert positions == sorted(positions)
        assert page.index('class="review-toc"') < page.index('id="summary"')
        team_links = [f'href="#team-{team.pk}"' for team in director_teams()]
        assert all(link in page for link in team_links)

    def test_the_summary_counts_the_goals_met_and_missed(
        self,
        client,
        director,
        october,  # noqa: F811
    ):
        client.force_login(director)
        page = client.get("/review/?period=2026-10").text
        # Sul's positivation (met) and Ana's revenue (missed), as in the team sections.
        assert "Metas cumpridas: <strong>1</strong> · não cumpridas: <strong>1</strong>" in page
        assert "Clientes perdidos no período: <strong>1</strong>" in page

    def test_a_churn_goal_reads_as_the_rate_measured_against_its_ceiling(
        self,
        client,
        director,
        october,  # noqa: F811
        team_sul,
    ):
        Goal.objects.create(indicator="churn_rate", team=team_sul, target=Decimal("0.05"), **OCT)
        client.force_login(director)
        page = client.get("/review/?period=2026-10").text
        assert "Equipe Sul — Taxa de churn: 0,0% · teto 5,0%" in page
        assert "Churn máximo:" not in page and "Teto de churn:" not in page
        assert '<th scope="row">Taxa de churn</th>' in page


def director_teams():
    from carteira.organization.models import Team

    return Team.objects.all()
