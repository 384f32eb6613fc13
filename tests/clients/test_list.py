"""The client list: sorted by the name it shows, phones as the reader writes them, and the
user's last filter kept on the server."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from carteira.accounts.models import User
from carteira.clients.models import Client
from carteira.web import formats
from tests.personas import PASSWORD

pytestmark = pytest.mark.django_db
URL = reverse("clients:list")


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def shown(response) -> list[str]:
    return [str(c) for c in response.context["page"].object_list]


class TestSortingByTheShownName:
    def test_a_trade_name_sorts_where_it_is_shown_not_where_the_legal_name_would(
        self, client, portfolio, director
    ):
        Client.objects.filter(external_id="A1").update(trade_name="Zebra Atacado")
        Client.objects.filter(external_id="C2").update(trade_name="abacate & cia")
        login(client, director)
        assert shown(client.get(URL, {"sort": "name"})) == [
            "abacate & cia", "Cliente A2 LTDA", "Cliente B1 LTDA", "Cliente B2 LTDA",
            "Cliente C1 LTDA", "Zebra Atacado",
        ]  # fmt: skip
        assert shown(client.get(URL, {"sort": "-name"}))[0] == "Zebra Atacado"

    def test_the_chronology_sorts_by_the_shown_name_too(self, client, portfolio, director):
        Client.objects.filter(external_id="A1").update(trade_name="Zebra Atacado")
        login(client, director)
        response = client.get(reverse("territory:chronology"), {"sort": "name"})
        assert shown(response)[-1] == "Zebra Atacado"


class TestPhones:
    @pytest.mark.parametrize(
        ("typed", "pt_br", "en"),
        [
            ("11987654321", "(11) 98765-4321", "+55 11 98765-4321"),
            ("+55 (11) 3456-7890", "(11) 3456-7890", "+55 11 3456-7890"),
            ("011 98765 4321", "(11) 98765-4321", "+55 11 98765-4321"),
            ("+1 650 253 0000", "+1 650-253-0000", "+1 650-253-0000"),
            ("ramal 22", "ramal 22", "ramal 22"),
            ("98765-4321", "98765-4321", "98765-4321"),  # no area code: left as typed
        ],
    )
    def test_a_phone_reads_as_its_reader_writes_it(self, typed, pt_br, en):
        with translation.override("pt-br"):
            assert formats.phone(typed) == pt_br
        with translation.override("en"):
            assert formats.phone(typed) == en

    def test_a_valid_phone_is_a_tel_link_and_an_invalid_one_is_not(self):
        assert formats.phone_uri("(11) 98765-4321") == "tel:+5511987654321"
        assert formats.phone_uri("ramal 22") == ""

    def test_the_list_shows_the_phone_formatted_with_a_link(self, client, portfolio, director):
        Client.objects.filter(external_id="A1").update(phone="11987654321")
        login(client, director)
        body = client.get(URL, {"q": "A1"}).content.decode()
        assert '<a href="tel:+5511987654321">(11) 98765-4321</a>' in body


class TestTheRememberedFilter:
    def test_coming_back_without_a_query_restores_the_last_filter(
        self, client, portfolio, manager_sul
    ):
        login(client, manager_sul)
        client.get(URL, {"segment": "farmácias", "state": "RS", "page": "1"})
        response = client.get(URL)
        assert response.status_code == 302
        assert response["Location"] == f"{URL}?segment=farm%C3%A1cias&state=RS"
        manager_sul.refresh_from_db()
        assert manager_sul.saved_filters == {"clients": {"segment": "farmácias", "state": "RS"}}

    def test_the_filter_is_the_users_own(self, client, portfolio, manager_sul, director):
        login(client, manager_sul)
        client.get(URL, {"state": "RS"})
        login(client, director)
        response = client.get(URL)
        assert response.status_code == 200
        assert len(response.context["page"].object_list) == 6

    def test_clear_filters_forgets_it_and_shows_every_client(self, client, portfolio, director):
        login(client, director)
        filtered = client.get(URL, {"state": "PE"})
        assert b'id="clear-filters"' in filtered.content
        assert client.get(URL, {"clear": "1"})["Location"] == URL
        page = client.get(URL)
        assert page.status_code == 200 and len(page.context["page"].object_list) == 6
        assert b'id="clear-filters"' not in page.content
        director.refresh_from_db()
        assert director.saved_filters == {}

    def test_a_filter_no_longer_valid_is_dropped_not_refused(
        self, client, portfolio, manager_sul, seller_bruno, team_norte
    ):
        login(client, manager_sul)
        client.get(URL, {"seller": seller_bruno.pk})
        seller_bruno.team = team_norte  # Bruno leaves the manager's team
        seller_bruno.save(update_fields=["team"])
        response = client.get(URL)
        assert response.status_code == 200
        assert User.objects.get(pk=manager_sul.pk).saved_filters == {}

    def test_an_unchanged_filter_is_not_written_again(self, client, portfolio, director):
        login(client, director)
        client.get(URL, {"state": "RS"})
        with CaptureQueriesContext(connection) as captured:
            client.get(URL, {"state": "RS", "page": "1"})
        writes = [q["sql"] for q in captured.captured_queries if "saved_filters" in q["sql"]]
        assert [sql for sql in writes if sql.startswith("UPDATE")] == []
