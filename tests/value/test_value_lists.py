"""The central team's value lists: value at risk, worth recovering and room to grow, in
the reader's scope, by team or seller, each row linking to the client, exported whole."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse

from carteira.audit.models import AuditEvent
from carteira.portfolio.services import do_snapshot
from carteira.value.feed import value_leads
from carteira.value.lists import central_list
from carteira.value.models import ClientValue, ValueFit
from tests.histories import T
from tests.territory.test_client360 import login

LAST_MONTH = T.replace(day=1) - dt.timedelta(days=1)


def codes(rows) -> list[str]:
    return [row.code for row in rows]


@pytest.mark.django_db
class TestValueLists:
    def test_worth_recovering_and_room_to_grow_are_the_action_plans_leads(self, buyers, director):
        run = do_snapshot(T)
        fit = ValueFit.objects.get(run=run)
        for kind in ("recover", "upsell"):
            leads = [lead for lead in value_leads(run.pk) if lead.kind == kind]
            rows = central_list(director, fit, kind)
            assert [row.client_id for row in rows] == [lead.client_id for lead in leads]
            assert [row.amount for row in rows] == [lead.amount for lead in leads]
            assert len(rows) > 0
            assert rows == sorted(rows, key=lambda row: -row.amount)

    def test_value_at_risk_lists_the_clients_whose_chance_and_value_fell(self, buyers, director):
        do_snapshot(LAST_MONTH)
        run = do_snapshot(T)
        fit = ValueFit.objects.get(run=run)
        before = {
            row.client_id: row for row in ClientValue.objects.filter(fit__run__as_of=LAST_MONTH)
        }
        expected = sorted(
            (
                (before[row.client_id].clv - row.clv, row.client_id)
                for row in ClientValue.objects.filter(fit=fit)
                if row.client_id in before
                and row.p_alive < before[row.client_id].p_alive
                and row.clv < before[row.client_id].clv
            ),
            key=lambda pair: (-pair[0], pair[1]),
        )
        rows = central_list(director, fit, "at_risk")
        assert [(row.amount, row.client_id) for row in rows] == expected
        assert len(rows) > 0
        assert "→" in rows[0].why

    def test_a_manager_sees_only_the_team_and_can_narrow_to_a_seller(
        self, buyers, manager_sul, seller_ana
    ):
        run = do_snapshot(T)
        fit = ValueFit.objects.get(run=run)
        mine = central_list(manager_sul, fit, "upsell")
        assert {code[0] for code in codes(mine)} <= {"A", "B"}  # Ana's and Bruno's clients
        anas = central_list(manager_sul, fit, "upsell", seller_id=seller_ana.pk)
        assert codes(anas) == [code for code in codes(mine) if code.startswith("A")]
        assert central_list(manager_sul, fit, "upsell", team_id=seller_ana.team_id) == mine

    def test_the_page_links_each_row_to_the_client_and_filters_by_seller(
        self, client, buyers, director, seller_carla
    ):
        run = do_snapshot(T)
        fit = ValueFit.objects.get(run=run)
        expected = central_list(director, fit, "recover", seller_id=seller_carla.pk)
        login(client, director, language="pt-br")
        response = client.get(
            reverse("value:lists"), {"list": "recover", "seller": seller_carla.pk}
        )
        assert response.status_code == 200
        html = response.content.decode()
        assert "Vale a pena recuperar" in html
        for row in expected:
            assert reverse("clients:detail", args=[row.client_id]) in html
        assert html.count('<tr><td><a href="/') == len(expected)

    def test_the_export_holds_every_row_and_is_audited(self, client, buyers, director):
        run = do_snapshot(T)
        expected = central_list(director, ValueFit.objects.get(run=run), "upsell")
        login(client, director, language="pt-br")
        response = client.get(reverse("value:lists"), {"list": "upsell", "format": "csv"})
        assert response.status_code == 200
        lines = list(csv.reader(io.StringIO(response.content.decode())))
        assert lines[0] == ["client", "name", "seller", "team", "amount", "why"]
        assert [line[0] for line in lines[1:]] == codes(expected)
        event = AuditEvent.objects.get(action="value.list_exported")
        assert event.details["rows"] == len(expected)

    def test_a_seller_cannot_open_the_lists_and_a_bad_filter_is_said(
        self, client, buyers, seller_ana, director
    ):
        do_snapshot(T)
        login(client, seller_ana.user)
        assert client.get(reverse("value:lists")).status_code == 403
        login(client, director, language="pt-br")
        response = client.get(reverse("value:lists"), {"seller": "abc"})
        assert response.status_code == 200
        assert "não foi entendido" in response.content.decode()
