"""The map's clusters are built on the server for the view shown: every client the user sees
is in exactly one cluster or point, never another seller's, at every zoom."""

import numpy as np
import pytest
from django.urls import reverse

from carteira.territory import clusters
from carteira.territory.clusters import MARKER_ZOOM, Cells, cluster, fit
from carteira.territory.selectors import SCALE, MapPoints
from tests.personas import PASSWORD, make_client
from tests.territory.map_points import point_ids
from tests.territory.test_map import points as all_points

WORLD = clusters.WORLD


def scattered(n: int, seed: int = 7) -> MapPoints:
    """``n`` points over Brazil, a tenth of them on shared spots, in three categories."""
    rng = np.random.default_rng(seed)
    lat = rng.uniform(-33.7, 5.2, n)
    lon = rng.uniform(-73.9, -34.8, n)
    lat[: n // 10], lon[: n // 10] = -23.5505, -46.6333  # one street corner in São Paulo
    category = rng.integers(0, 3, n)
    return MapPoints(
        categories=["a", "b", "c"],
        ids=np.arange(1, n + 1, dtype=np.int64) * 3,
        lat=np.rint(lat * SCALE).astype(np.int64),
        lon=np.rint(lon * SCALE).astype(np.int64),
        category=category,
        counts=np.bincount(category, minlength=3).tolist(),
        without_coordinates=0,
    )


class TestTheClustersAddUp:
    @pytest.mark.parametrize("zoom", range(0, 19))
    def test_every_point_is_in_exactly_one_cluster_or_point_at_every_zoom(self, zoom):
        points = scattered(3_000)
        shown = cluster(points, Cells.touched_by(WORLD, zoom))
        assert shown.clients == 3_000
        assert shown.clusters.by_category.sum(axis=0).tolist() == [
            c - int((shown.points.category == i).sum()) for i, c in enumerate(points.counts)
        ]
        assert (shown.clusters.by_category.sum(axis=1) == shown.clusters.count).all()
        assert len(set(shown.points.ids.tolist())) == len(shown.points)
        if zoom >= MARKER_ZOOM:
            assert len(shown.clusters.count) == 0
            assert sorted(shown.points.ids.tolist()) == points.ids.tolist()
        else:
            assert (shown.clusters.count >= 2).all()

    def test_a_view_holds_the_clients_of_every_square_it_touches(self):
        points = scattered(3_000)
        box = clusters.Box(south=-25.0, west=-50.0, north=-22.0, east=-45.0)
        for zoom in (6, 9, 12, 17):
            cells = Cells.touched_by(box, zoom)
            edges = cells.box()
            lat, lon = points.lat / SCALE, points.lon / SCALE
            size = clusters.cell_size(zoom)
            column = clusters.world_x(lon) // size
            row = clusters.world_y(lat) // size
            inside = ((column >= cells.x0) & (column <= cells.x1)
                      & (row >= cells.y0) & (row <= cells.y1))  # fmt: skip
            assert edges.south <= box.south and edges.north >= box.north
            assert edges.west <= box.west and edges.east >= box.east
            assert cluster(points, cells).clients == int(inside.sum()) > 0

    def test_a_cluster_is_the_same_read_whole_or_through_a_view(self):
        """Squares are fixed to the world: the view's read of a square gives the cluster
        the whole map's read gives, so panning never moves or recounts a cluster."""
        points = scattered(3_000)
        box = clusters.Box(south=-25.0, west=-50.0, north=-22.0, east=-45.0)
        cells = Cells.touched_by(box, 8)
        whole = cluster(points, Cells.touched_by(WORLD, 8))
        part = cluster(points, cells)

        def rows(shown):
            found = shown.clusters
            return set(
                zip(found.lat.tolist(), found.lon.tolist(), found.count.tolist(), strict=True)
            )

        assert len(part.clusters.count) > 0
        assert rows(part) <= rows(whole)

    def test_a_cluster_knows_its_clients_categories_position_and_bounds(self):
        lat, lon = np.array([-230000, -230010, -100000]), np.array([-460000, -460020, -400000])
        points = MapPoints(
            ["a", "b"], np.array([1, 2, 5]), lat, lon, np.array([0, 1, 1]), [1, 2], 0
        )
        shown = cluster(points, Cells.touched_by(WORLD, 10))
        assert shown.clusters.as_json() == {
            "lat": [-230005], "lon": [-460010], "count": [2], "by_category": [[1, 1]],
            "bounds": [[-230010, -460020, -230000, -460000]],
        }  # fmt: skip
        assert shown.points.ids.tolist() == [5]  # alone in its square: a point


def test_the_framed_view_holds_every_point_no_deeper_than_zoom_12():
    points = scattered(500)
    framed = fit(points, 1000, 700)
    assert framed.zoom == 4
    lat, lon = points.lat / SCALE, points.lon / SCALE
    box = framed.box
    assert (box.south <= lat.min()) and (lat.max() <= box.north)
    assert (box.west <= lon.min()) and (lon.max() <= box.east)
    one = MapPoints(["a"], np.array([1]), np.array([-300346]), np.array([-512177]),
                    np.array([0]), [1], 0)  # fmt: skip
    assert (fit(one, 1000, 700).zoom, fit(one, 1000, 700).lat) == (12, pytest.approx(-30.0346))


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def clusters_of(client, **params) -> dict:
    response = client.get(reverse("territory:clusters"), params)
    assert response.status_code == 200, response.content
    return response.json()


def clients_in(data: dict) -> int:
    return sum(data["clusters"]["count"]) + len(data["points"]["id_step"])


@pytest.mark.django_db
class TestTheClustersEndpoint:
    def test_framing_a_directors_map_shows_every_placed_client_and_the_legend(
        self, client, territory, director
    ):
        login(client, director)
        data = clusters_of(client, fit="1000,700")
        assert data["counts"] == [1, 1, 1, 1, 1]
        assert data["without_coordinates"] == 1
        assert clients_in(data) == 5
        assert data["view"]["zoom"] == data["zoom"] == 5

    def test_at_street_level_every_client_of_the_view_is_a_point_with_its_id(
        self, client, territory, director
    ):
        login(client, director)
        data = clusters_of(client, zoom=MARKER_ZOOM, bbox="-75,-34,-34,6")
        assert data["clusters"]["count"] == []
        assert point_ids(data) == point_ids(all_points(client))

    def test_a_seller_never_gets_another_sellers_client_in_a_cluster_or_a_point(
        self, client, territory, seller_ana, seller_bruno
    ):
        for n in range(30):  # Bruno's clients around Ana's, in the same squares
            make_client(f"X{n:02d}", seller_bruno, latitude=-30.03 + n / 1000, longitude=-51.21)
        login(client, seller_ana.user)
        framed = clusters_of(client, fit="1000,700")
        assert (framed["counts"], clients_in(framed)) == ([1, 1, 0, 0, 0], 2)
        for zoom in (3, 6, 9, 12, MARKER_ZOOM):
            data = clusters_of(client, zoom=zoom, bbox="-75,-34,-34,6")
            assert clients_in(data) == 2
            if data["points"]["id_step"]:
                assert point_ids(data) <= {territory["A1"].pk, territory["A2"].pk}

    def test_a_view_zoomed_on_one_state_holds_its_clients_only(self, client, territory, director):
        login(client, director)
        data = clusters_of(client, zoom=MARKER_ZOOM, bbox="-36,-9,-34,-7")  # Recife
        assert point_ids(data) == {territory["C1"].pk}
        assert "counts" not in data

    def test_the_filters_narrow_the_clusters(self, client, territory, director, seller_bruno):
        login(client, director)
        data = clusters_of(client, zoom=MARKER_ZOOM, bbox="-75,-34,-34,6", seller=seller_bruno.pk)
        assert point_ids(data) == {territory["B1"].pk, territory["B2"].pk}

    @pytest.mark.parametrize(
        ("params", "field"),
        [({"zoom": 5, "bbox": "-50,-20,-60,-10"}, "bbox"),
         ({"zoom": 19, "bbox": "1,1,2,2"}, "zoom"),
         ({"fit": "0,700"}, "fit"), ({"zoom": 5}, "__all__"), ({"fit": "x,y"}, "fit")],
    )  # fmt: skip
    def test_a_view_it_cannot_read_is_refused_with_a_clear_message(
        self, client, territory, director, params, field
    ):
        login(client, director)
        response = client.get(reverse("territory:clusters"), params, HTTP_ACCEPT_LANGUAGE="pt-br")
        assert response.status_code == 400
        assert list(response.json()["errors"]) == [field]

    def test_an_empty_map_frames_nothing_and_says_so(self, client, seller_ana):
        login(client, seller_ana.user)
        data = clusters_of(client, fit="1000,700")
        assert (data["view"], data["counts"], clients_in(data)) == (None, [0, 0, 0, 0, 0], 0)


@pytest.mark.django_db
def test_a_reversed_area_is_refused_in_portuguese(client, territory, director):
    login(client, director)
    response = client.get(reverse("territory:clusters"), {"zoom": 5, "bbox": "-40,-20,-50,-10"},
                          HTTP_ACCEPT_LANGUAGE="pt-br")  # fmt: skip
    assert response.json()["errors"]["bbox"] == [
        "A área do mapa deve ser quatro números: oeste, sul, leste, norte."
    ]
