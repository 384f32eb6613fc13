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

    def test_a_probably_lost_client_says_what_winning_it_back_is_worth(
        self, client, buyers, director
    ):
        do_snapshot(T)
        row = ClientValue.objects.filter(p_alive__lt=0.5, p_alive__gt=0.05).order_by("pk").first()
        login(client, director, language="pt-br")
        html = page_of(client, row.client).content.decode().replace("\xa0", " ")
        worth = round(float(row.clv) / row.p_alive - float(row.clv))
        shown = f"{worth:,}".replace(",", ".")
        assert f"Vale recuperar: se voltar a comprar como antes, vale R$ {shown} a mais" in html

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


@pytest.mark.django_db
class TestWhatIf:
    def test_less_churn_and_more_purchases_raise_the_value_and_say_by_how_much(
        self, client, buyers, director
    ):
        do_snapshot(T)
        login(client, director, language="pt-br")
        response = client.get(reverse("value:valuation"))
        what_if = response.context["what_if"]
        assert (what_if.churn_points, what_if.frequency_percent) == (1, 5)
        assert what_if.now == response.context["total"]
        assert what_if.less_churn > what_if.now
        assert what_if.more_frequency > what_if.now
        html = response.content.decode().replace("\xa0", " ")
        assert "Chance de sair após cada compra 1 ponto menor" in html
        assert "Clientes comprando 5 % mais vezes" in html

    def test_zero_change_on_both_levers_is_refused_and_the_defaults_used(
        self, client, buyers, director
    ):
        do_snapshot(T)
        login(client, director, language="pt-br")
        response = client.get(reverse("value:valuation"), {"churn": "0", "frequency": "abc"})
        assert response.status_code == 200
        what_if = response.context["what_if"]
        assert (what_if.churn_points, what_if.frequency_percent) == (1, 5)
        assert response.content.decode().count('aria-invalid="true"') == 2

    def test_a_larger_frequency_lever_is_worth_more(self, client, buyers, director):
        do_snapshot(T)
        login(client, director)
        five = client.get(reverse("value:valuation")).context["what_if"].more_frequency
        ten = client.get(reverse("value:valuation"), {"frequency": "10"}).context["what_if"]
        assert ten.more_frequency > five

    def test_worth_recovering_lists_probably_lost_clients_by_what_winning_them_back_adds(
        self, client, buyers, director
    ):
        do_snapshot(T)
        login(client, director, language="pt-br")
        response = client.get(reverse("value:valuation"))
        recoveries = response.context["what_if"].recoveries
        lost = ClientValue.objects.filter(p_alive__lt=0.5, p_alive__gt=0, clv__isnull=False)
        expected = sorted(
            ((round(float(v.clv) / v.p_alive - float(v.clv), 2), v.client_id) for v in lost),
            key=lambda pair: (-pair[0], pair[1]),
        )[:10]
        assert [(float(r.worth), r.client_id) for r in recoveries] == expected
        assert "Vale recuperar?" in response.content.decode()


@pytest.mark.django_db
def test_the_valuation_adds_up_by_state_too(client, buyers, director):
    from carteira.clients.models import Client

    Client.objects.filter(pk__in=[buyers["A00"].pk, buyers["B00"].pk]).update(state="SP")
    do_snapshot(T)
    login(client, director, language="pt-br")
    response = client.get(reverse("value:valuation"))
    by_state = {g.label: g.value for g in response.context["groups"]["state"]}
    expected = sum(ClientValue.objects.filter(client__state="SP").values_list("clv", flat=True))
    assert by_state["SP"] == expected
    assert sum(by_state.values()) == response.context["total"]
    assert "Por UF" in response.content.decode()
