"""The map's points: scoped by the clients gate, compact, coloured by time without contact."""

import itertools

import pytest
from django.urls import reverse

from carteira.territory.buckets import BUCKET_KEYS
from tests.personas import PASSWORD, make_client
from tests.territory.map_points import point_ids, point_rows


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def points(client, **params) -> dict:
    response = client.get(reverse("territory:points"), params)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return response.json()


@pytest.mark.django_db
class TestWhoseClientsTheMapShows:
    def test_a_seller_gets_the_points_of_her_clients_only(self, client, territory, seller_ana):
        login(client, seller_ana.user)
        assert point_ids(points(client)) == {territory["A1"].pk, territory["A2"].pk}

    def test_a_manager_gets_the_points_of_their_teams(self, client, territory, manager_sul):
        login(client, manager_sul)
        assert point_ids(points(client)) == {territory[c].pk for c in ("A1", "A2", "B1", "B2")}

    def test_a_manager_filters_by_one_of_their_sellers(
        self, client, territory, manager_sul, seller_bruno
    ):
        login(client, manager_sul)
        assert point_ids(points(client, seller=seller_bruno.pk)) == {
            territory["B1"].pk, territory["B2"].pk
        }  # fmt: skip

    def test_a_seller_naming_another_seller_in_the_filter_is_refused(
        self, client, territory, seller_ana, seller_carla
    ):
        login(client, seller_ana.user)
        response = client.get(reverse("territory:points"), {"seller": seller_carla.pk})
        assert response.status_code == 400
        assert "points" not in response.json()

    def test_anonymous_visitors_are_sent_to_log_in(self, client, territory):
        response = client.get(reverse("territory:points"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
class TestWhatAPointCarries:
    def test_points_are_id_latitude_longitude_and_bucket_without_names(
        self, client, territory, director
    ):
        login(client, director)
        response = client.get(reverse("territory:points"))
        data = response.json()
        assert data["categories"] == list(BUCKET_KEYS)
        by_id = {p[0]: p for p in point_rows(data)}
        assert by_id[territory["A1"].pk] == [territory["A1"].pk, -30.0346, -51.2177, 0]
        assert b"Cliente" not in response.content

    def test_points_travel_as_columns_of_integers_ordered_by_id(self, client, territory, director):
        login(client, director)
        data = points(client)
        placed = sorted(territory[code].pk for code in ("A1", "A2", "B1", "B2", "C1"))
        steps = [placed[0]] + [b - a for a, b in itertools.pairwise(placed)]
        a1 = placed.index(territory["A1"].pk)
        assert data["scale"] == 10_000
        assert data["points"]["id_step"] == steps
        assert (data["points"]["lat"][a1], data["points"]["lon"][a1]) == (-300346, -512177)
        assert sorted(data["points"]["category"]) == [0, 1, 2, 3, 4]

    def test_contacts_30_and_31_days_ago_failed_and_future_ones_are_bucketed_by_hand(
        self, client, territory, director
    ):
        login(client, director)
        data = points(client)
        bucket_of = {p[0]: data["categories"][p[3]] for p in point_rows(data)}
        assert {code: bucket_of[territory[code].pk] for code in ("A1", "A2", "B1", "B2", "C1")} == {
            "A1": "0_30",  # 30 days ago; a failed call 2 days ago does not count
            "A2": "31_60",  # 31 days ago
            "B1": "61_90",
            "B2": "90_plus",
            "C1": "never",  # a call planned for tomorrow is not a contact yet
        }

    def test_the_legend_counts_points_and_clients_without_coordinates(
        self, client, territory, director
    ):
        login(client, director)
        data = points(client)
        assert data["counts"] == [1, 1, 1, 1, 1]
        assert data["without_coordinates"] == 1  # C2

    def test_colouring_by_class_without_a_reading_puts_everyone_in_no_class(
        self, client, territory, director
    ):
        login(client, director)
        data = points(client, colour="abc")
        assert data["categories"] == ["A", "B", "C", "none"]
        assert data["counts"] == [0, 0, 0, 5]

    def test_the_response_is_compressed_when_the_browser_accepts_it(
        self, client, territory, director, seller_carla
    ):
        for n in range(50):  # gzip leaves bodies under 200 bytes alone
            make_client(f"G{n:02d}", seller_carla, latitude=-8.0 - n / 100, longitude=-34.9)
        login(client, director)
        response = client.get(reverse("territory:points"), headers={"accept-encoding": "gzip"})
        assert response["Content-Encoding"] == "gzip"


@pytest.mark.django_db
class TestTheClientCard:
    def test_a_seller_opens_the_card_of_her_client(self, client, territory, seller_ana):
        login(client, seller_ana.user)
        response = client.get(reverse("territory:card", args=[territory["A1"].pk]))
        assert response.status_code == 200
        assert response.context["days_without_contact"] == 30
        assert "Cliente A1 LTDA" in response.content.decode()

    def test_another_sellers_client_card_is_not_found(self, client, territory, seller_ana):
        login(client, seller_ana.user)
        response = client.get(reverse("territory:card", args=[territory["B1"].pk]))
        assert response.status_code == 404

    def test_a_manager_cannot_open_the_card_of_another_teams_client(
        self, client, territory, manager_sul
    ):
        login(client, manager_sul)
        response = client.get(reverse("territory:card", args=[territory["C1"].pk]))
        assert response.status_code == 404


@pytest.mark.django_db
def test_the_map_page_uses_no_tiles_unless_configured(client, territory, director, settings):
    login(client, director)
    response = client.get(reverse("territory:map"))
    assert response.status_code == 200
    assert response.context["config"]["tileUrl"] == ""
    settings.CARTEIRA_TILE_URL = "https://tiles.example.com/{z}/{x}/{y}.png"
    response = client.get(reverse("territory:map"))
    assert response.context["config"]["tileUrl"] == "https://tiles.example.com/{z}/{x}/{y}.png"
