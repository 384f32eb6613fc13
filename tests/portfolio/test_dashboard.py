import datetime as dt
from fractions import Fraction

import pytest
from django.urls import reverse

from carteira.portfolio import kpis
from carteira.portfolio.models import GroupSnapshot
from carteira.portfolio.services import do_snapshot
from tests.histories import T
from tests.personas import PASSWORD


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


@pytest.mark.django_db
class TestDashboardFigures:
    def test_kpis_from_stored_rows_equal_the_engines_figures(self, history, director):
        run = do_snapshot(T)
        mine = kpis.kpis_of(kpis.readings_visible_to(director, run), run)
        engine = GroupSnapshot.objects.get(run=run, by="").figures
        assert mine.portfolio == engine["portfolio"] == 5
        assert float(mine.positivation) == engine["positivation"]
        assert float(mine.coverage) == engine["coverage"]
        assert mine.reactivated == engine["reactivated"]
        assert mine.new_clients == engine["new_clients"]
        assert mine.revenue * 100 == engine["revenue"]

    def test_a_seller_reads_the_indicators_of_their_own_portfolio_only(
        self,
        history,
        seller_ana,
    ):
        run = do_snapshot(T)
        mine = kpis.kpis_of(kpis.readings_visible_to(seller_ana.user, run), run)
        # Ana: A1 (active, bought in the period), A2 (pre-inactive, contacted).
        assert (mine.portfolio, mine.positivation, mine.coverage) == (
            2, Fraction(1, 2), Fraction(1, 2)
        )  # fmt: skip


@pytest.mark.django_db
class TestDashboardPage:
    def test_without_a_reading_the_page_says_how_to_make_one(self, client, director):
        login(client, director)
        response = client.get(reverse("portfolio:dashboard"))
        assert response.status_code == 200
        assert response.context["run"] is None

    def test_the_manager_sees_the_pyramid_of_their_teams(self, client, history, manager_sul):
        do_snapshot(T)
        login(client, manager_sul)
        response = client.get(reverse("portfolio:dashboard"))
        pyramid = {row["status"]: row["count"] for row in response.context["pyramid"]}
        assert pyramid == {"prospect": 0, "active": 1, "pre_inactive": 1, "inactivated": 1,
                           "inactive": 1}  # fmt: skip

    def test_a_matrix_cell_links_to_the_clients_behind_it(self, client, history, director):
        do_snapshot(T)
        login(client, director)
        page = client.get(reverse("portfolio:dashboard")).content.decode()
        link = f"/clients/?abc=A&status=active&as_of={T.isoformat()}"
        assert link in page
        listed = client.get(f"/clients/?abc=A&status=active&as_of={T.isoformat()}")
        assert [c.external_id for c in listed.context["page"]] == ["A1"]

    def test_an_invalid_date_is_a_bad_request(self, client, history, director):
        login(client, director)
        assert client.get(reverse("portfolio:dashboard"), {"as_of": "ontem"}).status_code == 400

    def test_the_dashboard_runs_a_bounded_number_of_queries(
        self,
        client,
        history,
        director,
        django_assert_max_num_queries,
    ):
        for days in (60, 30, 0):
            do_snapshot(T - dt.timedelta(days=days))
        login(client, director)
        with django_assert_max_num_queries(25):
            client.get(reverse("portfolio:dashboard"))


@pytest.mark.django_db
def test_a_kpi_card_shows_the_goal_of_the_month_for_the_scope(client, history, director):
    from decimal import Decimal

    from carteira.goals.models import Goal

    do_snapshot(T)
    Goal.objects.create(indicator="positivation", period_start=dt.date(2026, 6, 1),
                        period_end=dt.date(2026, 6, 30), target=Decimal("0.70"))  # fmt: skip
    login(client, director)
    cards = {c["key"]: c for c in client.get(reverse("portfolio:dashboard")).context["cards"]}
    assert cards["positivation"]["goal"] == Decimal("0.70")
    assert cards["coverage"]["goal"] is None


@pytest.mark.django_db
class TestDashboardFilters:
    def test_a_seller_sees_no_seller_or_team_filter(self, client, history, seller_ana):
        do_snapshot(T)
        login(client, seller_ana.user)
        response = client.get(reverse("portfolio:dashboard"))
        page = response.content.decode()
        assert response.context["form"].pointless >= {"seller", "team"}
        assert 'name="seller"' not in page
        assert 'name="team"' not in page

    def test_the_director_filters_by_seller_and_team(self, client, history, director):
        do_snapshot(T)
        login(client, director)
        response = client.get(reverse("portfolio:dashboard"))
        page = response.content.decode()
        assert not {"seller", "team"} & response.context["form"].pointless
        assert 'name="seller"' in page
        assert 'name="team"' in page
