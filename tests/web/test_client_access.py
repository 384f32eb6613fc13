import pytest
from django.urls import reverse

from carteira.audit.models import AuditEvent
from tests.personas import PASSWORD


def listed_ids(response) -> list[str]:
    return sorted(client.external_id for client in response.context["page"].object_list)


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


@pytest.mark.django_db
class TestWhoSeesWhichClients:
    def test_a_seller_lists_only_their_own_clients(self, client, portfolio, seller_ana):
        login(client, seller_ana.user)
        assert listed_ids(client.get(reverse("clients:list"))) == ["A1", "A2"]

    def test_a_manager_lists_the_clients_of_their_teams_only(self, client, portfolio, manager_sul):
        login(client, manager_sul)
        assert listed_ids(client.get(reverse("clients:list"))) == ["A1", "A2", "B1", "B2"]

    @pytest.mark.parametrize("persona", ["director", "analyst", "admin_user"])
    def test_company_wide_roles_list_every_client(self, client, portfolio, persona, request):
        login(client, request.getfixturevalue(persona))
        assert listed_ids(client.get(reverse("clients:list"))) == [
            "A1", "A2", "B1", "B2", "C1", "C2"
        ]  # fmt: skip

    def test_a_seller_typing_another_sellers_client_url_gets_404(
        self, client, portfolio, seller_ana
    ):
        login(client, seller_ana.user)
        response = client.get(reverse("clients:detail", args=[portfolio["B1"].pk]))
        assert response.status_code == 404

    def test_a_seller_opens_their_own_client(self, client, portfolio, seller_ana):
        login(client, seller_ana.user)
        response = client.get(reverse("clients:detail", args=[portfolio["A1"].pk]))
        assert response.status_code == 200
        assert response.context["client"] == portfolio["A1"]

    def test_a_manager_cannot_open_a_client_of_another_team(self, client, portfolio, manager_sul):
        login(client, manager_sul)
        response = client.get(reverse("clients:detail", args=[portfolio["C1"].pk]))
        assert response.status_code == 404

    def test_forging_the_seller_filter_never_widens_the_list(self, client, portfolio, seller_ana):
        login(client, seller_ana.user)
        other = portfolio["B1"].seller_id
        response = client.get(reverse("clients:list"), {"seller": other})
        assert response.status_code == 400

    def test_an_unknown_sort_key_is_a_bad_request(self, client, portfolio, seller_ana):
        login(client, seller_ana.user)
        response = client.get(reverse("clients:list"), {"sort": "seller__user__password"})
        assert response.status_code == 400

    def test_anonymous_visitors_are_sent_to_the_login_page(self, client, portfolio):
        response = client.get(reverse("clients:list"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))

    def test_reassignment_takes_effect_on_the_next_request(
        self, client, portfolio, seller_ana, seller_bruno
    ):
        from carteira.clients.services import do_assign_client

        login(client, seller_ana.user)
        url = reverse("clients:detail", args=[portfolio["A1"].pk])
        assert client.get(url).status_code == 200
        do_assign_client(portfolio["A1"], seller_bruno, start=None, reason="férias")
        assert client.get(url).status_code == 404

    def test_opening_a_client_is_written_to_the_audit_trail(self, client, portfolio, seller_ana):
        login(client, seller_ana.user)
        client.get(reverse("clients:detail", args=[portfolio["A1"].pk]))
        event = AuditEvent.objects.get(action="client.viewed")
        assert (event.actor, event.object_id) == (seller_ana.user, str(portfolio["A1"].pk))


@pytest.mark.django_db
class TestClientListFilters:
    def test_search_finds_by_name_code_or_city(self, client, portfolio, director):
        login(client, director)
        assert listed_ids(client.get(reverse("clients:list"), {"q": "Recife"})) == ["C1", "C2"]
        assert listed_ids(client.get(reverse("clients:list"), {"q": "b2"})) == ["B2"]

    def test_segment_and_state_filters_combine(self, client, portfolio, director):
        login(client, director)
        response = client.get(reverse("clients:list"), {"segment": "farmácias", "state": "RS"})
        assert listed_ids(response) == ["A2", "B2"]

    def test_sorting_by_seller_groups_each_sellers_clients(self, client, portfolio, director):
        login(client, director)
        ordered = [
            (c.seller.name, c.external_id)
            for c in client.get(reverse("clients:list"), {"sort": "-seller"}).context["page"]
        ]
        assert ordered == [
            ("Carla Dias", "C1"), ("Carla Dias", "C2"), ("Bruno Lima", "B1"),
            ("Bruno Lima", "B2"), ("Ana Souza", "A1"), ("Ana Souza", "A2"),
        ]  # fmt: skip

    def test_a_manager_lists_a_bounded_number_of_queries_too(
        self, client, portfolio, manager_sul, django_assert_max_num_queries
    ):
        login(client, manager_sul)
        with django_assert_max_num_queries(12):
            client.get(reverse("clients:list"), {"status": "active", "sort": "-revenue"})

    def test_htmx_requests_get_only_the_results_fragment(self, client, portfolio, director):
        login(client, director)
        response = client.get(reverse("clients:list"), {"q": "A1"}, headers={"HX-Request": "true"})
        body = response.content.decode()
        assert body.lstrip().startswith('<div id="results">')
        assert "<html" not in body

    def test_the_list_page_runs_a_bounded_number_of_queries(
        self, client, portfolio, director, django_assert_max_num_queries
    ):
        login(client, director)
        with django_assert_max_num_queries(10):
            client.get(reverse("clients:list"))
