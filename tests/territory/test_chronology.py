"""Clients by time without a successful contact: counts, lists, scope, bounded queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from carteira.clients.access import clients_visible_to
from carteira.portfolio.services import do_snapshot
from carteira.territory.selectors import bucket_counts, clients_in_bucket
from tests.histories import T
from tests.personas import PASSWORD, make_client
from tests.territory.conftest import contact


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def counts_on_page(response) -> dict[str, int]:
    return {b["key"]: b["count"] for b in response.context["buckets"]}


def codes(response) -> list[str]:
    return [c.external_id for c in response.context["page"].object_list]


@pytest.mark.django_db
class TestBucketCounts:
    def test_the_whole_company_counted_in_one_query(self, territory, director):
        with CaptureQueriesContext(connection) as queries:
            counts = bucket_counts(clients_visible_to(director), today=T)
        assert counts == {"0_30": 1, "31_60": 1, "61_90": 1, "90_plus": 1, "never": 2}
        assert len(queries) == 1

    def test_a_manager_sees_the_counts_of_their_teams(self, client, territory, manager_sul):
        login(client, manager_sul)
        response = client.get(reverse("territory:chronology"))
        assert counts_on_page(response) == {
            "0_30": 1, "31_60": 1, "61_90": 1, "90_plus": 1, "never": 0
        }  # fmt: skip
        assert response.context["total"] == 4

    def test_a_seller_filtering_by_segment_sees_her_matching_client(
        self, client, territory, seller_ana
    ):
        login(client, seller_ana.user)
        response = client.get(reverse("territory:chronology"), {"segment": "farmácias"})
        assert counts_on_page(response) == {
            "0_30": 0, "31_60": 1, "61_90": 0, "90_plus": 0, "never": 0
        }  # fmt: skip
        assert codes(response) == ["A2"]


@pytest.mark.django_db
class TestTheListBehindABucket:
    def test_a_bucket_lists_its_clients(self, client, territory, director):
        login(client, director)
        response = client.get(reverse("territory:chronology"), {"bucket": "never"})
        assert codes(response) == ["C1", "C2"]
        assert [c.days_without_contact for c in response.context["page"]] == [None, None]

    def test_the_list_starts_with_the_longest_without_contact(self, client, territory, director):
        login(client, director)
        response = client.get(reverse("territory:chronology"))
        assert codes(response) == ["C1", "C2", "B2", "B1", "A2", "A1"]
        assert [c.days_without_contact for c in response.context["page"]][2:] == [91, 61, 31, 30]

    def test_the_list_sorts_by_name_descending(self, client, territory, director):
        login(client, director)
        response = client.get(reverse("territory:chronology"), {"sort": "-name"})
        assert codes(response) == ["C2", "C1", "B2", "B1", "A2", "A1"]

    def test_the_rows_carry_the_reading_and_a_status_filter_narrows_counts_and_list(
        self, client, territory, director
    ):
        do_snapshot(T)  # no orders: every client is a prospect
        login(client, director)
        everyone = client.get(reverse("territory:chronology"))
        prospects = client.get(reverse("territory:chronology"), {"status": "prospect"})
        active = client.get(reverse("territory:chronology"), {"status": "active"})
        assert [c.status for c in everyone.context["page"]] == ["prospect"] * 6
        assert codes(prospects) == ["C1", "C2", "B2", "B1", "A2", "A1"]
        assert counts_on_page(prospects) == counts_on_page(everyone)
        assert (codes(active), sum(counts_on_page(active).values())) == ([], 0)

    def test_an_unknown_bucket_is_a_bad_request(self, client, territory, director):
        login(client, director)
        response = client.get(reverse("territory:chronology"), {"bucket": "ever"})
        assert response.status_code == 400

    def test_the_list_pages_by_25(self, client, territory, director, seller_carla):
        for n in range(30):
            make_client(f"X{n:02d}", seller_carla)
        login(client, director)
        first = client.get(reverse("territory:chronology"), {"bucket": "never"})
        second = client.get(reverse("territory:chronology"), {"bucket": "never", "page": 2})
        assert len(codes(first)) == 25
        assert len(codes(second)) == 7


@pytest.mark.django_db
def test_the_page_runs_the_same_queries_for_6_or_46_clients(
    client, territory, director, seller_carla
):
    login(client, director)
    url = reverse("territory:chronology")
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for n in range(40):
        extra = make_client(f"Y{n:02d}", seller_carla)
        contact(extra, n * 3)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.context["total"] == 46
    # session, user, sellers, segments and states (one read), run, bucket counts, the page's
    # ids, its rows
    assert len(many) == len(few) == 8


@pytest.mark.django_db
@pytest.mark.parametrize("sort", ["contact", "-contact", "name", "-name"])
@pytest.mark.parametrize("bucket", ["", "never"])
def test_pages_among_the_never_contacted_list_what_the_whole_sorted_list_does(
    client, territory, director, seller_carla, sort, bucket
):
    """The never contacted are read along the name index when a page falls among them;
    every page equals the same slice of the list sorted over every client's contact."""
    for n in range(60):
        extra = make_client(f"N{59 - n:02d}", seller_carla, name=f"Mercado {n % 7} LTDA")
        if n % 3 == 0:
            contact(extra, n)
    login(client, director)
    whole = clients_in_bucket(clients_visible_to(director), bucket=bucket, today=T, sort=sort)
    expected = list(whole.values_list("external_id", flat=True))
    shown = []
    for number in (1, 2, 3, 4):
        response = client.get(reverse("territory:chronology"),
                              {"bucket": bucket, "sort": sort, "page": number})  # fmt: skip
        if response.context["page"].number == number:
            shown += codes(response)
    assert shown == expected
