"""The predictive value stored with each official reading, the CLI and the API."""

import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from carteira.portfolio.services import do_snapshot
from carteira.value.models import ClientValue, ValueFit
from carteira.value.services import compute_value, value_report
from carteira_core.rules import PortfolioRules
from tests.api.conftest import caller_for
from tests.histories import T, order
from tests.territory.test_client360 import login


@pytest.mark.django_db
class TestStoredWithTheReading:
    def test_an_official_snapshot_stores_a_fit_and_one_row_per_buyer(self, buyers):
        run = do_snapshot(T)
        fit = ValueFit.objects.get(run=run)
        assert (fit.status, fit.spend_status) == ("ok", "ok")
        assert fit.buyers == 75
        assert ClientValue.objects.filter(fit=fit).count() == 75
        assert set(fit.params) == {"r", "alpha", "a", "b"}
        total = sum(ClientValue.objects.filter(fit=fit).values_list("clv", flat=True))
        assert fit.portfolio_value == total

    def test_each_row_carries_the_readings_seller_and_class(self, buyers, seller_ana):
        run = do_snapshot(T)
        row = ClientValue.objects.get(fit__run=run, client=buyers["A00"])
        reading = run.clients.get(client=buyers["A00"])
        assert (row.seller_id, row.abc) == (seller_ana.pk, reading.abc)
        assert 0 <= row.p_alive <= 1

    def test_rereading_a_date_replaces_the_fit(self, buyers):
        do_snapshot(T)
        do_snapshot(T)
        assert ValueFit.objects.count() == 1
        assert ClientValue.objects.count() == 75

    def test_every_stored_row_is_the_computation_to_the_cent_and_the_day(self, buyers):
        """The rows are written from columns: each one equals the per-client reading of
        ``value_report`` (money rounded half to even, the next purchase's date)."""
        run = do_snapshot(T)
        values, data = compute_value(T)
        fresh = {row["client"]: row for row in value_report(values, data)["clients"]}
        stored = ClientValue.objects.filter(fit__run=run).select_related("client")
        assert len(stored) == len(fresh) == 75
        for row in stored:
            expected = fresh[row.client.external_id]
            assert (row.frequency, row.recency_days, row.age_days) == (
                expected["frequency"], expected["recency"], expected["T"]
            )  # fmt: skip
            assert (row.expected_spend, row.clv) == (expected["expected_spend"], expected["clv"])
            next_purchase = row.next_purchase.isoformat() if row.next_purchase else None
            assert next_purchase == expected["expected_next_purchase"]
            assert round(row.p_alive, 4) == expected["p_alive"]
        assert any(row.next_purchase for row in stored)

    def test_a_what_if_reading_stores_no_value(self, buyers):
        do_snapshot(T, what_if=PortfolioRules())
        assert ValueFit.objects.count() == 0

    def test_too_little_history_stores_the_reason_and_no_client_rows(self, history):
        run = do_snapshot(T)
        fit = ValueFit.objects.get(run=run)
        assert (fit.status, fit.reason) == ("insufficient_data", "few_repeat_buyers")
        assert fit.portfolio_value is None
        assert ClientValue.objects.count() == 0


@pytest.mark.django_db
class TestCommand:
    def test_json_has_the_documented_shape(self, buyers, capsys):
        call_command("value", as_of=T.isoformat(), format="json")
        data = json.loads(capsys.readouterr().out)
        assert set(data) == {"as_of", "model", "spend", "horizon_months", "monthly_rate",
                             "clients", "portfolio_value"}  # fmt: skip
        assert set(data["model"]) == {"name", "r", "alpha", "a", "b", "log_likelihood",
                                      "time_unit", "status", "reason"}  # fmt: skip
        assert data["model"]["time_unit"] == "day"
        assert set(data["spend"]) == {"p", "q", "v", "status", "reason"}
        assert len(data["clients"]) == 75
        assert set(data["clients"][0]) == {"client", "frequency", "recency", "T", "p_alive",
                                           "expected_purchases_90d", "expected_next_purchase",
                                           "expected_spend", "clv"}  # fmt: skip
        assert data["portfolio_value"] == pytest.approx(
            sum(row["clv"] for row in data["clients"]), abs=0.5
        )

    def test_pareto_is_a_choice(self, buyers, capsys):
        call_command("value", as_of=T.isoformat(), format="json", model="pareto")
        data = json.loads(capsys.readouterr().out)
        assert {"s", "beta"} <= set(data["model"])
        assert data["model"]["name"] == "pareto"

    def test_the_table_says_why_there_is_no_prediction(self, history, capsys):
        call_command("value", as_of=T.isoformat())
        out, err = capsys.readouterr()
        assert "insufficient_data" in out
        assert err == (
            "Sem previsão: poucos clientes compraram mais de uma vez (são necessários pelo "
            "menos 20). A leitura de status da carteira continua valendo.\n"
        )

    def test_everybody_buying_on_one_day_is_said_in_the_cli_and_on_the_page(
        self, portfolio, client, director, capsys
    ):
        for code in ("A1", "A2", "B1", "B2", "C1", "C2"):
            order(portfolio[code], 100, "250.00")
        call_command("value", as_of=T.isoformat())
        _out, err = capsys.readouterr()
        assert err == (
            "Sem previsão: todos os clientes fizeram a primeira compra no mesmo dia. "
            "A leitura de status da carteira continua valendo.\n"
        )
        do_snapshot(T)
        assert ValueFit.objects.get().reason == "no_spread"
        assert ClientValue.objects.count() == 0
        login(client, director, language="pt-br")
        html = client.get(reverse("value:valuation")).content.decode()
        assert "Todos os clientes fizeram a primeira compra no mesmo dia." in html

    def test_the_stored_fit_and_a_fresh_computation_agree(self, buyers):
        fit = ValueFit.objects.get(run=do_snapshot(T))
        values, data = compute_value(T)
        fresh = value_report(values, data)
        assert fresh["portfolio_value"] == fit.portfolio_value
        assert fresh["model"]["r"] == pytest.approx(fit.params["r"], rel=1e-6)


@pytest.mark.django_db
class TestApi:
    def test_a_seller_gets_only_their_clients_and_their_value(self, buyers, seller_ana):
        response = caller_for(seller_ana.user).get(f"/value?as_of={T.isoformat()}")
        assert response.status_code == 200
        data = response.json()
        codes = {row["client"] for row in data["clients"]}
        assert codes == {f"A{n:02d}" for n in range(25)}
        fit = ValueFit.objects.get()
        own = sum(
            ClientValue.objects.filter(fit=fit, client__seller=seller_ana).values_list(
                "clv", flat=True
            ),
            Decimal(0),
        )
        assert data["portfolio_value"] == pytest.approx(float(own), abs=0.01)

    def test_the_director_gets_every_client(self, buyers, director):
        data = caller_for(director).get(f"/value?as_of={T.isoformat()}").json()
        assert len(data["clients"]) == 75
        assert data["model"]["status"] == "ok"

    def test_pareto_is_a_choice_there_too_with_the_sellers_clients_only(
        self, buyers, seller_ana, capsys
    ):
        do_snapshot(T)
        response = caller_for(seller_ana.user).get(f"/value?as_of={T.isoformat()}&model=pareto")
        assert response.status_code == 200
        data = response.json()
        call_command("value", as_of=T.isoformat(), format="json", model="pareto")
        everyone = json.loads(capsys.readouterr().out)
        assert data["model"]["name"] == "pareto"
        assert data["model"] == everyone["model"]
        ana = [row for row in everyone["clients"] if row["client"].startswith("A")]
        assert [row["client"] for row in data["clients"]] == [row["client"] for row in ana]
        assert [row["p_alive"] for row in data["clients"]] == [row["p_alive"] for row in ana]
        if everyone["portfolio_value"] is None:
            assert data["portfolio_value"] is None
        else:
            own = sum(Decimal(str(row["clv"])) for row in ana)
            assert data["portfolio_value"] == pytest.approx(float(own), abs=0.01)

    def test_a_model_that_does_not_exist_is_refused(self, buyers, seller_ana):
        response = caller_for(seller_ana.user).get(f"/value?as_of={T.isoformat()}&model=x")
        assert response.status_code == 400
        assert "model" in response.content.decode()
