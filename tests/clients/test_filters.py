"""One client filter: the same filter gives the same clients through every door that
narrows the portfolio (list, export, bulk move, plan batch, map, reassignment)."""

import pytest
import time_machine
from django.urls import reverse

from carteira.clients.filters import ClientFilter
from carteira.clients.models import Client
from carteira.exports.kinds import plan
from carteira.portfolio.models import ClientSnapshot
from carteira.portfolio.selectors import sliced_readings
from carteira.portfolio.services import do_snapshot
from histories import T
from tests.territory.map_points import point_ids

pytestmark = pytest.mark.django_db


def codes(clients) -> set[str]:
    return {c.external_id for c in clients}


def through_the_list(client, query) -> set[str]:
    response = client.get(reverse("clients:list"), query)
    assert response.status_code == 200
    return codes(response.context["page"].object_list)


def through_the_export(user, query) -> set[str]:
    return {row[0] for row in plan(user, "clients", query).table().rows}


def through_a_plan_batch(client, query) -> set[str]:
    response = client.get(reverse("plans:batch_new"), query)
    assert response.status_code == 200
    assert response.context["count"] == len(response.context["preview"])
    return codes(response.context["preview"])


def through_the_map(client, query) -> set[str]:
    response = client.get(reverse("territory:points"), query)
    assert response.status_code == 200
    pks = point_ids(response.json())
    return set(Client.objects.filter(pk__in=pks).values_list("external_id", flat=True))


def through_the_reassignment(client, query) -> set[str]:
    response = client.get(reverse("distribution:reassign"), query)
    assert response.status_code == 200
    assert response.context["count"] == len(response.context["sample"])
    return codes(response.context["sample"])


def through_the_bulk_move(client, query, to) -> set[str]:
    before = dict(Client.objects.values_list("external_id", "seller_id"))
    url = reverse("clients:bulk_move") + "?" + "&".join(f"{k}={v}" for k, v in query.items())
    move = {"all_matching": "on", "seller_to": to.pk, "reason": "rota"}
    asked = client.post(url, move)  # the confirmation first, then the move
    client.post(url, {**move, "confirm": "1", "expected": str(asked.context["preview"].moving)})
    after = dict(Client.objects.values_list("external_id", "seller_id"))
    return {code for code, seller in after.items() if seller != before[code]}


@pytest.fixture
def located(history):
    for i, c in enumerate(history.values()):
        Client.objects.filter(pk=c.pk).update(latitude=-30 + i / 10, longitude=-51 + i / 10)
    return history


class TestOneFilterEveryDoor:
    def test_segment_and_state_give_the_same_clients_everywhere(
        self, client, analyst, located, seller_carla
    ):
        query = {"segment": "farmácias", "state": "RS"}
        client.force_login(analyst)
        assert through_the_list(client, query) == {"A2", "B2"}
        assert through_the_export(analyst, query) == {"A2", "B2"}
        assert through_a_plan_batch(client, query) == {"A2", "B2"}
        assert through_the_map(client, query) == {"A2", "B2"}
        assert through_the_reassignment(client, query) == {"A2", "B2"}
        assert through_the_bulk_move(client, query, seller_carla) == {"A2", "B2"}

    @time_machine.travel(T, tick=False)
    def test_a_filter_on_the_reading_gives_the_same_clients_everywhere(
        self, client, analyst, located, seller_carla
    ):
        run = do_snapshot(T)
        inactive_or_worse = {"pre_inactive", "inactivated", "inactive", "lost"}
        readings = ClientSnapshot.objects.filter(run=run).select_related("client")
        by_status = {r.client.external_id: r.status for r in readings}
        status = next(s for s in by_status.values() if s in inactive_or_worse)
        expected = {code for code, s in by_status.items() if s == status and code[0] in "AB"}
        assert expected and len(expected) < 4  # the status narrows the team's four clients
        query = {"state": "RS", "status": status}
        client.force_login(analyst)
        assert through_the_list(client, query) == expected
        assert through_the_export(analyst, query) == expected
        assert through_a_plan_batch(client, query) == expected
        assert through_the_map(client, query) == expected
        assert through_the_bulk_move(client, query, seller_carla) == expected

    @time_machine.travel(T, tick=False)
    def test_the_dashboards_slice_reads_the_clients_the_list_shows(self, client, analyst, located):
        run = do_snapshot(T)
        query = {"segment": "farmácias", "state": "rs"}
        sliced = sliced_readings(ClientSnapshot.objects.filter(run=run), query)
        client.force_login(analyst)
        assert {r.client.external_id for r in sliced.select_related("client")} == {"A2", "B2"}
        assert through_the_list(client, {**query, "state": "RS"}) == {"A2", "B2"}

    def test_a_manager_filtering_another_teams_state_gets_nothing_through_any_door(
        self, client, manager_sul, located
    ):
        query = {"state": "PE"}
        client.force_login(manager_sul)
        assert through_the_list(client, query) == set()
        assert through_the_export(manager_sul, query) == set()
        assert through_the_map(client, query) == set()
        response = client.get(reverse("distribution:reassign"), query)
        assert response.context["count"] == 0


class TestTheFilterObject:
    def test_state_is_upper_case_and_text_is_trimmed(self):
        where = ClientFilter(search="  ana ", state="rs", city=" Recife ")
        assert (where.search, where.state, where.city) == ("ana", "RS", "Recife")

    def test_an_empty_filter_is_empty_and_a_code_list_is_not(self):
        assert ClientFilter().is_empty()
        assert not ClientFilter(codes=("A1",)).is_empty()

    def test_the_query_names_round_trip(self):
        where = ClientFilter(search="ana", segment="farmácias", seller_id=3, codes=("A1", "B2"))
        assert where.as_query() == {
            "q": "ana", "segment": "farmácias", "seller": 3, "codes": ["A1", "B2"]
        }  # fmt: skip
        assert ClientFilter.from_query(where.as_query()) == where

    def test_a_filter_on_the_reading_without_a_reading_matches_nothing(self, portfolio):
        assert ClientFilter(status="active").apply(Client.objects.all()).count() == 0
        assert ClientFilter(state="PE").apply(Client.objects.all()).count() == 2

    def test_the_city_matches_whatever_its_case(self, portfolio):
        found = ClientFilter(city="porto alegre").apply(Client.objects.all())
        assert codes(found) == {"A1", "A2", "B1", "B2"}
