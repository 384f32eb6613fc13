"""The client page's outlook block and the valuation page, in pt-BR, scoped."""

import datetime as dt

import pytest
from django.urls import reverse

from carteira.portfolio.services import do_snapshot
from carteira.value.models import ClientValue
from tests.histories import T
from tests.territory.test_client360 import login, page_of


@pytest.mark.django_db
class TestClientPage:
    def test_the_client_page_reads_the_probability_and_value_in_portuguese(
        self, client, buyers, seller_ana
    ):
        do_snapshot(T)
        row = ClientValue.objects.get(client=buyers["A00"])
        login(client, seller_ana.user, language="pt-br")
        html = page_of(client, buyers["A00"]).content.decode()
        percent = round(row.p_alive * 100)
        assert f"Probabilidade de ainda ser cliente: {percent} %" in html
        assert "valor esperado em 12 meses: R$" in html

    def test_without_a_reliable_fit_the_page_says_why(self, client, history, seller_ana):
        do_snapshot(T)
        login(client, seller_ana.user, language="pt-br")
        html = page_of(client, history["A1"]).content.decode()
        assert 'id="predicted-value"' in html
        assert "Sem previsão para esta leitura" in html
        assert "Probabilidade de ainda ser cliente" not in html


@pytest.mark.django_db
class TestValuationPage:
    def test_a_manager_sees_the_value_of_their_teams_clients_only(
        self, client, buyers, manager_sul
    ):
        do_snapshot(T)
        login(client, manager_sul, language="pt-br")
        response = client.get(reverse("value:valuation"))
        assert response.status_code == 200
        sellers = {g.label for g in response.context["groups"]["seller"]}
        assert sellers == {"Ana Souza", "Bruno Lima"}
        assert response.context["clients"] == 50
        own = sum(
            ClientValue.objects.filter(client__seller__team__manager=manager_sul).values_list(
                "clv", flat=True
            )
        )
        assert response.context["total"] == own

    def test_a_seller_may_not_open_it(self, client, buyers, seller_ana):
        do_snapshot(T)
        login(client, seller_ana.user)
        assert client.get(reverse("value:valuation")).status_code == 403

    def test_the_market_view_multiplies_the_ebitda_typed_in(self, client, buyers, director):
        do_snapshot(T)
        login(client, director, language="pt-br")
        response = client.get(reverse("value:valuation"), {"ebitda": "1.000.000,00"})
        assert [(m, str(v)) for m, v in response.context["market"]] == [
            (7, "7000000.00"),
            (10, "10000000.00"),
        ]
        assert "R$ 7.000.000" in response.content.decode()

    def test_an_ebitda_that_is_not_an_amount_is_refused_politely(self, client, buyers, director):
        do_snapshot(T)
        login(client, director, language="pt-br")
        response = client.get(reverse("value:valuation"), {"ebitda": "muito"})
        assert response.status_code == 200
        assert response.context["market"] == []
        assert 'aria-invalid="true"' in response.content.decode()

    def test_without_history_the_page_says_so(self, client, history, director):
        do_snapshot(T)
        login(client, director, language="pt-br")
        html = client.get(reverse("value:valuation")).content.decode()
        assert 'id="no-value"' in html

    def test_the_change_since_last_month_adds_up(self, client, buyers, director):
        do_snapshot(dt.date(2026, 5, 31))
        do_snapshot(T)
        login(client, director)
        change = client.get(reverse("value:valuation")).context["change"]
        assert change is not None
        assert change.now - change.before == (
            change.new_clients + change.gone_clients + change.rose + change.fell
        )

    def test_value_at_risk_lists_the_clients_whose_outlook_fell_most(
        self, client, buyers, manager_norte
    ):
        do_snapshot(dt.date(2026, 5, 31))
        do_snapshot(T)
        login(client, manager_norte, language="pt-br")
        response = client.get(reverse("value:valuation"))
        falling = response.context["change"].falling
        assert falling, "some of Carla's clients went quiet in June"
        assert all(f.p_alive < f.p_alive_before and f.lost > 0 for f in falling)
        assert [f.lost for f in falling] == sorted((f.lost for f in falling), reverse=True)
        assert {f.name[8:11][0] for f in falling} == {"C"}  # "Cliente C07 LTDA": Nelson's team
        assert "Valor em risco" in response.content.decode()


@pytest.mark.django_db
class TestModelCheck:
    def test_the_model_page_sets_the_prediction_against_the_last_180_days(
        self, client, buyers, director
    ):
        do_snapshot(T)
        login(client, director, language="pt-br")
        response = client.get(reverse("value:model"))
        assert response.status_code == 200
        check = response.context["check"]
        assert check.holdout_days == 180
        assert check.fit.status == "ok"
        assert (
            sum(row.clients for row in check.rows)
            == ClientValue.objects.filter(client__orders__date__lte=T - dt.timedelta(days=180))
            .values("client")
            .distinct()
            .count()
        )
        assert check.actual_total == sum(round(r.actual * r.clients) for r in check.rows)
        assert 'id="by-frequency"' in response.content.decode()

    def test_a_seller_may_not_open_it(self, client, buyers, seller_ana):
        do_snapshot(T)
        login(client, seller_ana.user)
        assert client.get(reverse("value:model")).status_code == 403
