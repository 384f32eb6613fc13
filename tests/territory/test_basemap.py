"""The offline base map: state outlines vendored with the product, and the municipalities
of the clients the user sees, labelled at their seats; and the map page's filters."""

import json
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from carteira.clients.access import clients_visible_to
from carteira.territory.basemap import OUTLINES, base_map_config
from carteira.territory.places import client_towns
from tests.personas import PASSWORD, make_client

PORTO_ALEGRE = ["Porto Alegre", "RS", -30.0328, -51.2302]  # the GeoNames seat shipped
RECIFE = ["Recife", "PE", -8.0539, -34.8811]


class TestTheVendoredOutlines:
    def test_the_topology_holds_the_27_states_by_their_abbreviation(self):
        path = finders.find(OUTLINES)
        assert path is not None
        topology = json.loads(Path(path).read_text())
        states = topology["objects"]["subunits"]["geometries"]
        assert sorted(g["id"] for g in states) == [
            "AC", "AL", "AM", "AP", "BA", "CE", "DF", "ES", "GO", "MA", "MG", "MS", "MT", "PA",
            "PB", "PE", "PI", "PR", "RJ", "RN", "RO", "RR", "RS", "SC", "SE", "SP", "TO",
        ]  # fmt: skip
        assert {g["properties"]["gu"] for g in states} == {"BRA"}
        assert "BRA" in {g["id"] for g in topology["objects"]["countries"]["geometries"]}


@pytest.mark.django_db
class TestTheTownsAMapLabels:
    def test_a_seller_gets_only_the_towns_of_her_own_clients(self, portfolio, seller_ana):
        towns = client_towns(clients_visible_to(seller_ana.user))
        assert towns == [[*PORTO_ALEGRE, 2]]

    def test_the_director_gets_every_town_most_clients_first(self, portfolio, director):
        towns = client_towns(clients_visible_to(director))
        assert towns == [[*PORTO_ALEGRE, 4], [*RECIFE, 2]]

    def test_towns_with_as_many_clients_go_most_populous_first(self, director, seller_ana):
        for n, city in enumerate(["Pelotas", "Canoas", "Caxias do Sul"]):
            make_client(f"X{n}", seller_ana, city=city, state="RS")
        towns = client_towns(clients_visible_to(director))
        assert [town[0] for town in towns] == ["Caxias do Sul", "Canoas", "Pelotas"]

    def test_two_spellings_of_one_town_are_one_label(self, portfolio, director, seller_ana):
        make_client("X1", seller_ana, city="porto alegre", state="RS")
        make_client("X2", seller_ana, city="PORTO ALEGRE ", state="RS")
        towns = client_towns(clients_visible_to(director))
        assert [town[4] for town in towns] == [6, 2]

    def test_a_town_not_shipped_sits_at_its_clients_centre_and_one_placed_nowhere_is_left_out(
        self, director, seller_ana
    ):
        make_client("X1", seller_ana, city="Vila Inventada", state="RS",
                    latitude=-29.0, longitude=-51.0)  # fmt: skip
        make_client("X2", seller_ana, city="Vila Inventada", state="RS",
                    latitude=-29.5, longitude=-51.5)  # fmt: skip
        make_client("X3", seller_ana, city="Lugar Nenhum", state="RS")
        make_client("X4", seller_ana, city="", state="RS", latitude=-29.0, longitude=-51.0)
        towns = client_towns(clients_visible_to(director))
        assert towns == [["Vila Inventada", "RS", -29.25, -51.25, 2]]


@pytest.mark.django_db
class TestTheBaseMapConfig:
    def test_offline_the_config_names_the_outlines_and_the_users_towns(
        self, portfolio, seller_ana, settings
    ):
        settings.CARTEIRA_TILE_URL = ""
        config = base_map_config(seller_ana.user)
        assert config["tileUrl"] == ""
        assert config["outlinesUrl"] == "/static/" + OUTLINES
        assert config["towns"] == [[*PORTO_ALEGRE, 2]]
        assert config["baseAttribution"] == "Natural Earth · GeoNames (CC BY 4.0)"

    def test_with_a_tile_server_there_are_no_outlines_and_no_towns(
        self, portfolio, seller_ana, settings
    ):
        settings.CARTEIRA_TILE_URL = "https://tiles.example/{z}/{x}/{y}.png"
        config = base_map_config(seller_ana.user)
        assert (config["outlinesUrl"], config["towns"]) == ("", [])


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


@pytest.mark.django_db
class TestTheMapPageFilters:
    def test_a_seller_sees_no_seller_filter(self, client, portfolio, seller_ana):
        login(client, seller_ana.user)
        response = client.get(reverse("territory:map"))
        assert response.status_code == 200
        assert b'name="seller"' not in response.content
        assert b'name="segment"' in response.content  # she has clients in two segments
        assert b'name="colour"' in response.content
        assert b'name="state"' not in response.content  # her clients are all in RS
        assert response.context["form"].pointless == {"seller", "state"}
        assert response.context["config"]["towns"] == [[*PORTO_ALEGRE, 2]]

    def test_a_manager_sees_the_seller_filter_with_their_sellers(
        self, client, portfolio, manager_sul
    ):
        login(client, manager_sul)
        response = client.get(reverse("territory:map"))
        assert b'name="seller"' in response.content
        assert response.context["form"].pointless == {"state"}  # team Sul sells in RS only

    def test_a_seller_with_one_segment_sees_no_segment_filter(self, client, seller_carla):
        make_client("Z1", seller_carla, segment="farmácias", city="Recife", state="PE")
        login(client, seller_carla.user)
        response = client.get(reverse("territory:chronology"))
        assert response.context["form"].pointless == {"seller", "segment", "state"}
        assert b'name="segment"' not in response.content

    def test_the_state_filter_offers_the_states_the_user_has_clients_in(
        self, client, portfolio, director
    ):
        login(client, director)
        response = client.get(reverse("territory:map"))
        assert response.context["form"].fields["state"].choices == [
            ("", "Todos"), ("PE", "PE"), ("RS", "RS"),
        ]  # fmt: skip

    def test_an_old_link_to_another_state_still_opens_and_finds_nothing(
        self, client, portfolio, director
    ):
        login(client, director)
        response = client.get(reverse("territory:map"), {"state": "SP"})
        assert response.status_code == 200
        assert ("SP", "SP") in response.context["form"].fields["state"].choices
        points = client.get(reverse("territory:points"), {"state": "SP"}).json()
        assert points["points"] == {"id_step": [], "lat": [], "lon": [], "category": []}
