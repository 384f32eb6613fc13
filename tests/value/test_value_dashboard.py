"""The dashboard's three-dimensional reading in value: class × status, and the value at
risk of the clients whose chance of still being a client fell."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from carteira.portfolio.models import ClientSnapshot
from carteira.portfolio.services import do_snapshot
from carteira.value.models import ClientValue
from tests.histories import T
from tests.territory.test_client360 import login

MAY = dt.date(2026, 5, 31)


def _panel(response):
    return next(p for p in response.context["panels"] if p["template"] == "value/_dashboard.html")


@pytest.mark.django_db
class TestValueMatrix:
    def test_each_cell_adds_the_expected_value_of_its_clients_and_what_is_at_risk(
        self, client, buyers, director
    ):
        do_snapshot(MAY)
        run = do_snapshot(T)
        login(client, director, language="pt-br")
        response = client.get(reverse("portfolio:dashboard"), {"period": "month"})
        panel = _panel(response)
        assert panel["before"] == MAY
        matrix = panel["matrix"]
        place = {
            c: (abc, s)
            for c, abc, s in ClientSnapshot.objects.filter(run=run).values_list(
                "client_id", "abc", "status"
            )
        }
        before = dict(ClientValue.objects.filter(fit__run__as_of=MAY).values_list(
            "client_id", "p_alive"))  # fmt: skip
        expected: dict = {}
        for row in ClientValue.objects.filter(fit__run=run):
            cell = expected.setdefault(place[row.client_id], [Decimal(0), Decimal(0)])
            cell[0] += row.clv
            if row.client_id in before and row.p_alive <= before[row.client_id] - 0.10:
                cell[1] += row.clv
        got = {key: [c.value, c.at_risk] for key, c in matrix.cells.items()}
        assert got == expected
        assert matrix.total.value == sum(ClientValue.objects.filter(fit__run=run).values_list(
            "clv", flat=True))  # fmt: skip
        assert matrix.total.at_risk > 0
        html = response.content.decode()
        assert "Valor esperado por classe e status" in html
        assert "Valor em risco" in html

    def test_a_seller_sees_their_own_clients_value_only(self, client, buyers, seller_ana):
        do_snapshot(MAY)
        run = do_snapshot(T)
        login(client, seller_ana.user)
        matrix = _panel(client.get(reverse("portfolio:dashboard")))["matrix"]
        own = ClientValue.objects.filter(fit__run=run, client__seller=seller_ana)
        assert matrix.total.clients == own.count() == 25
        assert matrix.total.value == sum(own.values_list("clv", flat=True))

    def test_without_an_earlier_reading_nothing_is_at_risk(self, client, buyers, director):
        do_snapshot(T)
        login(client, director)
        panel = _panel(client.get(reverse("portfolio:dashboard")))
        assert panel["before"] is None
        assert panel["matrix"].total.at_risk == 0

    def test_without_a_reliable_fit_there_is_no_section(self, client, history, director):
        do_snapshot(T)
        login(client, director)
        panels = client.get(reverse("portfolio:dashboard")).context["panels"]
        assert [p for p in panels if p["template"] == "value/_dashboard.html"] == []
