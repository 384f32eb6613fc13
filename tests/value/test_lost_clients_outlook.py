"""The "worth recovering?" decision is taken beside what the value model expects: the
lost clients' page says each client's chance of still being a client and what winning it
back is worth."""

from decimal import Decimal

import pytest
from django.urls import reverse

from carteira.portfolio.models import ClientSnapshot
from carteira.portfolio.services import do_snapshot
from carteira.value.models import ClientValue
from carteira.value.selectors import recovery_worth
from carteira.web import formats
from tests.histories import T
from tests.territory.test_client360 import login


@pytest.mark.django_db
class TestLostClientsOutlook:
    def test_each_lost_client_shows_its_chance_and_the_worth_of_winning_it_back(
        self, client, buyers, director
    ):
        run = do_snapshot(T)
        login(client, director, language="pt-br")
        page = client.get(reverse("plans:lost_clients"))
        lost = set(
            ClientSnapshot.objects.filter(
                run=run, status__in=["inactivated", "inactive"]
            ).values_list("client_id", flat=True)
        )
        rows = {
            client_id: (p, clv)
            for client_id, p, clv in ClientValue.objects.filter(
                fit__run=run, client_id__in=lost
            ).values_list("client_id", "p_alive", "clv")
        }
        outlooks = page.context["outlooks"]
        shown = {c.pk for c in page.context["page"]}
        assert set(outlooks) == shown & set(rows)
        assert any(o.worth for o in outlooks.values())
        for client_id, outlook in outlooks.items():
            p, clv = rows[client_id]
            assert (outlook.p_alive, outlook.worth, outlook.months) == (
                p, recovery_worth(clv, p), 12
            )  # fmt: skip
        html = page.content.decode()
        client_id, outlook = next((k, o) for k, o in outlooks.items() if o.worth)
        assert f"{outlook.chance} de chance de ainda ser cliente" in html
        assert f"reconquistá-lo vale {formats.money(outlook.worth)} em 12 meses" in html

    def test_without_a_reliable_fit_the_column_is_empty(self, client, history, director):
        do_snapshot(T)
        login(client, director, language="pt-br")
        page = client.get(reverse("plans:lost_clients"))
        assert page.context["outlooks"] == {}


def test_the_worth_of_recovering_is_clv_over_p_alive_less_clv_to_the_cent():
    assert recovery_worth(Decimal("1000.00"), 0.25) == Decimal("3000.00")
    assert recovery_worth(Decimal("100.00"), 0.3) == Decimal("233.33")
    assert recovery_worth(Decimal("1000.00"), 0.5) is None  # not probably gone
    assert recovery_worth(Decimal("1000.00"), 0.0) is None
    assert recovery_worth(None, 0.2) is None
