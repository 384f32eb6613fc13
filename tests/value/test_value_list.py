"""The predicted value in the client list (column, sort, filter), its export, the
potential and share of wallet stored with the reading, and the ``[value]`` rules."""

import dataclasses
from decimal import Decimal

import numpy as np
import pytest
from django.urls import reverse

from carteira.clients.models import Client
from carteira.exports.kinds import plan
from carteira.portfolio.models import ClientSnapshot
from carteira.portfolio.rules_store import current_rules, do_save_rules
from carteira.portfolio.services import do_snapshot
from carteira.value.models import ClientPotential, ClientValue, ValueFit
from carteira.value.services import do_store_potentials
from carteira_core.rules import PortfolioRules, RulesError, ValueRules, rules_from_toml
from tests.histories import T
from tests.territory.test_client360 import login


def _codes(response) -> list[str]:
    return [client.external_id for client in response.context["page"]]


@pytest.mark.django_db
class TestClientList:
    def test_sorted_by_expected_value_the_largest_comes_first(self, client, buyers, director):
        do_snapshot(T)
        login(client, director, language="pt-br")
        response = client.get(reverse("clients:list"), {"sort": "-clv"})
        rows = ClientValue.objects.order_by("-clv", "client_id")
        assert _codes(response) == [row.client.external_id for row in rows[:25]]
        html = response.content.decode()
        assert "Ainda cliente" in html and "Valor esperado" in html

    def test_sorted_by_chance_the_least_likely_comes_first(self, client, buyers, director):
        do_snapshot(T)
        login(client, director)
        response = client.get(reverse("clients:list"), {"sort": "alive"})
        rows = ClientValue.objects.order_by("p_alive", "client_id")
        assert _codes(response) == [row.client.external_id for row in rows[:25]]

    def test_the_unlikely_filter_keeps_the_sellers_clients_under_30_percent(
        self, client, buyers, seller_ana
    ):
        do_snapshot(T)
        login(client, seller_ana.user)
        response = client.get(reverse("clients:list"), {"alive": "unlikely", "sort": "name"})
        expected = set(
            ClientValue.objects.filter(client__seller=seller_ana, p_alive__lt=0.3).values_list(
                "client__external_id", flat=True
            )
        )
        assert expected  # the fixture has quiet clients
        assert response.context["page"].paginator.count == len(expected)
        assert set(_codes(response)) == expected

    def test_the_bands_split_the_predicted_clients_without_overlap(self, client, buyers, director):
        do_snapshot(T)
        login(client, director)
        counts = [
            client.get(reverse("clients:list"), {"alive": band}).context["page"].paginator.count
            for band in ("likely", "doubtful", "unlikely")
        ]
        assert sum(counts) == ClientValue.objects.count() == 75
        assert counts[0] == ClientValue.objects.filter(p_alive__gte=0.7).count()

    def test_an_unknown_band_is_refused(self, client, buyers, director):
        do_snapshot(T)
        login(client, director)
        assert client.get(reverse("clients:list"), {"alive": "maybe"}).status_code == 400

    def test_room_to_grow_sorts_by_the_gap_to_the_potential(self, client, buyers, director):
        do_snapshot(T)
        login(client, director)
        response = client.get(reverse("clients:list"), {"sort": "-gap"})
        rows = ClientPotential.objects.order_by("-gap", "client_id")
        assert _codes(response) == [row.client.external_id for row in rows[:25]]


@pytest.mark.django_db
class TestExport:
    def test_the_client_export_carries_the_predicted_value(self, buyers, director):
        do_snapshot(T)
        table = plan(director, "clients", {"sort": "-clv"}).table()
        columns = list(table.columns)
        rows = list(table.rows)
        assert columns[-5:] == ["p_alive", "clv", "potential_yearly", "wallet_gap",
                                "wallet_share"]  # fmt: skip
        top = ClientValue.objects.order_by("-clv", "client_id").first()
        potential = ClientPotential.objects.get(client=top.client)
        first = dict(zip(columns, rows[0], strict=True))
        assert first["external_id"] == top.client.external_id
        assert (first["p_alive"], first["clv"]) == (top.p_alive, top.clv)
        assert (first["potential_yearly"], first["wallet_gap"]) == (
            potential.potential,
            potential.gap,
        )


@pytest.mark.django_db
class TestPotential:
    def test_the_erps_monthly_potential_makes_the_yearly_one(self, buyers):
        Client.objects.filter(pk=buyers["A00"].pk).update(potential=Decimal("2500.00"))
        run = do_snapshot(T)
        row = ClientPotential.objects.get(run=run, client=buyers["A00"])
        revenue = ClientSnapshot.objects.get(run=run, client=buyers["A00"]).revenue_in_abc_window
        assert (row.source, row.potential, row.peers) == ("erp", Decimal("30000.00"), 0)
        assert row.revenue == revenue  # the ABC window is a year
        assert row.gap == max(Decimal("30000.00") - revenue, Decimal(0))
        assert row.share == pytest.approx(float(revenue) / 30000)

    def test_without_one_it_is_the_upper_quartile_of_the_segments_buyers(self, buyers):
        run = do_snapshot(T)
        row = ClientPotential.objects.get(run=run, client=buyers["A01"])
        peers = [
            float(r)
            for r in ClientSnapshot.objects.filter(
                run=run, client__segment="farmácias", revenue_in_abc_window__gt=0
            ).values_list("revenue_in_abc_window", flat=True)
        ]
        # the fixture's clients have no state: their peers are their segment's
        assert (row.source, row.peers) == ("segment", len(peers))
        assert row.potential == Decimal(str(round(float(np.quantile(peers, 0.75)), 2)))

    def test_every_client_of_the_reading_has_a_potential(self, buyers):
        run = do_snapshot(T)
        assert ClientPotential.objects.filter(run=run).count() == 75

    def test_the_snapshots_columns_store_what_reading_back_stores(self, buyers):
        """The snapshot gives its readings and input (segment and state as the engine read
        them) instead of reading the clients back: the same rows, every column."""
        for n, code in enumerate(sorted(buyers)):
            state = ("SP", "PR", "")[n % 3] if n < 40 else "SC"
            segment = "" if n % 7 == 0 else Client.objects.get(pk=buyers[code].pk).segment
            Client.objects.filter(pk=buyers[code].pk).update(state=state, segment=segment)
        Client.objects.filter(pk=buyers["B03"].pk).update(potential=Decimal("1234.56"))
        run = do_snapshot(T)
        columns = ("client_id", "revenue", "potential", "source", "peers", "gap", "share")
        given = list(ClientPotential.objects.filter(run=run).order_by("client_id")
                     .values_list(*columns))  # fmt: skip
        assert do_store_potentials(run, rules=current_rules().value) == 75
        read_back = list(ClientPotential.objects.filter(run=run).order_by("client_id")
                         .values_list(*columns))  # fmt: skip
        assert given == read_back
        sources = {row[3] for row in given}
        assert sources == {"erp", "segment_state", "segment", "portfolio"}


@pytest.mark.django_db
class TestValueRules:
    def test_the_horizon_and_rate_of_the_rules_are_the_fits(self, buyers):
        rules = dataclasses.replace(
            current_rules(), value=ValueRules(horizon_months=6, monthly_rate=Decimal("0.02"))
        )
        do_save_rules(rules)
        fit = ValueFit.objects.get(run=do_snapshot(T))
        assert (fit.horizon_months, fit.monthly_rate) == (6, Decimal("0.0200"))

    def test_a_shorter_horizon_gives_every_client_a_smaller_value(self, buyers):
        twelve = dict(ClientValue.objects.filter(fit__run=do_snapshot(T)).values_list(
            "client_id", "clv"))  # fmt: skip
        do_save_rules(dataclasses.replace(current_rules(), value=ValueRules(horizon_months=3)))
        three = dict(ClientValue.objects.filter(fit__run=do_snapshot(T)).values_list(
            "client_id", "clv"))  # fmt: skip
        assert twelve.keys() == three.keys()
        assert all(three[c] <= twelve[c] for c in twelve)
        assert sum(three.values()) < sum(twelve.values())

    def test_the_value_section_is_read_from_toml_with_defaults(self):
        rules = rules_from_toml('[value]\nmodel = "pareto"\nmonthly_rate = 0.015\n')
        assert rules.value == ValueRules(model="pareto", monthly_rate=Decimal("0.015"))
        assert PortfolioRules().value == ValueRules(
            model="bgnbd", horizon_months=12, monthly_rate=Decimal("0.01"),
            expectation_days=90, potential_quantile=Decimal("0.75"), min_peers=5,
        )  # fmt: skip

    @pytest.mark.parametrize(
        ("toml", "message"),
        [
            ('[value]\nmodel = "pymc"\n', 'value.model must be "bgnbd" or "pareto"'),
            ("[value]\nhorizon_months = 0\n", "value.horizon_months must be an integer from 1 to 120"),  # noqa: E501
            ("[value]\nmonthly_rate = 1\n", "value.monthly_rate must be a number from 0 to less than 1"),  # noqa: E501
            ("[value]\npotential_quantile = 0\n", "value.potential_quantile must be a number greater than 0 and at most 1"),  # noqa: E501
        ],
    )  # fmt: skip
    def test_bad_value_rules_are_refused_with_the_key(self, toml, message):
        with pytest.raises(RulesError, match=message):
            rules_from_toml(toml)

    def test_saving_the_rules_form_keeps_the_value_section(self, client, director):
        custom = dataclasses.replace(current_rules(), value=ValueRules(horizon_months=24))
        do_save_rules(custom)
        login(client, director)
        from carteira.portfolio.rules_forms import RulesForm

        data = {k: v for k, v in RulesForm.initial_for(custom).items()}
        data["active_days"] = 80
        form = RulesForm(data)
        assert form.is_valid(), form.errors
        assert form.rules.value.horizon_months == 24
        assert form.rules.lifecycle.active_days == 80


@pytest.mark.django_db
class TestClientPagePotential:
    def test_the_client_page_says_its_potential_and_room_to_grow_in_portuguese(
        self, client, buyers, seller_ana
    ):
        from tests.territory.test_client360 import page_of

        Client.objects.filter(pk=buyers["A00"].pk).update(potential=Decimal("2500.00"))
        run = do_snapshot(T)
        row = ClientPotential.objects.get(run=run, client=buyers["A00"])
        login(client, seller_ana.user, language="pt-br")
        html = page_of(client, buyers["A00"]).content.decode().replace("\xa0", " ")
        assert "Potencial: R$ 30.000 por ano" in html
        assert "informado pelo ERP" in html
        assert f"{round(row.share * 100)} % do potencial" in html
