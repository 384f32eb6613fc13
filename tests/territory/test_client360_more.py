"""The client page shows the latest 10 orders and timeline entries; "see more" brings the
next 10 through the same gate, and writes the view to the audit trail."""

import re

import pytest
from django.urls import reverse

from carteira.audit.models import AuditEvent
from tests.histories import order
from tests.personas import PASSWORD
from tests.territory.conftest import contact


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def order_numbers(html: str) -> list[str]:
    return re.findall(r"<td>(P\d{5})</td>", html)


def more_url(html: str, name: str) -> str | None:
    found = re.search(rf'hx-get="([^"]*/{name}/\?page=\d+)"', html)
    return found.group(1) if found else None


@pytest.fixture
def many_orders(portfolio):
    """A1 with 25 orders, one a day, the newest today."""
    return [order(portfolio["A1"], day, "10.00").external_id for day in range(25)]


@pytest.mark.django_db
class TestSeeMore:
    def test_the_page_shows_the_latest_10_orders_and_offers_the_next(
        self, client, portfolio, many_orders, seller_ana
    ):
        login(client, seller_ana.user)
        html = client.get(reverse("clients:detail", args=[portfolio["A1"].pk])).content.decode()
        assert order_numbers(html) == many_orders[:10]
        assert more_url(html, "orders") == (
            reverse("territory:client_orders", args=[portfolio["A1"].pk]) + "?page=2"
        )

    def test_each_more_brings_the_next_10_orders_until_none_is_left(
        self, client, portfolio, many_orders, seller_ana
    ):
        login(client, seller_ana.user)
        second = client.get(more_url_for(portfolio["A1"], "orders", 2)).content.decode()
        assert order_numbers(second) == many_orders[10:20]
        assert more_url(second, "orders").endswith("?page=3")
        third = client.get(more_url_for(portfolio["A1"], "orders", 3)).content.decode()
        assert (order_numbers(third), more_url(third, "orders")) == (many_orders[20:], None)

    def test_more_timeline_entries_continue_where_the_page_stopped(
        self, client, portfolio, seller_ana
    ):
        for day in range(15):
            contact(portfolio["A1"], day)
        login(client, seller_ana.user)
        page = client.get(reverse("clients:detail", args=[portfolio["A1"].pk]))
        assert len(page.context["timeline"].entries) == 10
        more = client.get(more_url_for(portfolio["A1"], "timeline", 2))
        assert [entry.date for entry in more.context["timeline"]["entries"]] == [
            contact_day for contact_day in sorted(
                portfolio["A1"].interactions.values_list("date", flat=True), reverse=True
            )[10:]
        ]  # fmt: skip
        assert more.content.decode().count('<li class="timeline-interaction">') == 5
        assert more_url(more.content.decode(), "timeline") is None

    def test_seeing_more_is_recorded_as_a_view_of_the_client(
        self, client, portfolio, many_orders, seller_ana
    ):
        login(client, seller_ana.user)
        client.get(more_url_for(portfolio["A1"], "orders", 2))
        event = AuditEvent.objects.get(action="client.viewed")
        assert (event.actor, event.object_id, event.details) == (
            seller_ana.user, str(portfolio["A1"].pk), {"part": "orders", "page": 2}
        )  # fmt: skip

    def test_another_sellers_orders_and_timeline_are_not_found(self, client, portfolio, seller_ana):
        login(client, seller_ana.user)
        for part in ("orders", "timeline"):
            assert client.get(more_url_for(portfolio["B1"], part, 2)).status_code == 404
        assert not AuditEvent.objects.filter(action="client.viewed").exists()

    @pytest.mark.parametrize("page", ["0", "-1", "x", "100001"])
    def test_a_page_that_is_not_a_positive_number_is_refused(
        self, client, portfolio, seller_ana, page
    ):
        login(client, seller_ana.user)
        url = reverse("territory:client_orders", args=[portfolio["A1"].pk])
        assert client.get(url, {"page": page}).status_code == 400


def more_url_for(a_client, part: str, page: int) -> str:
    return reverse(f"territory:client_{part}", args=[a_client.pk]) + f"?page={page}"
