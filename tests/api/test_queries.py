"""Lists: only the caller's rows, allow-listed parameters, clamped pages, and inputs
that list the writable fields only."""

import pytest

from carteira.clients.models import Client
from tests.api.conftest import checksum

pytestmark = pytest.mark.django_db


def codes(response):
    return sorted(row["external_id"] for row in response.json()["results"])


def test_a_seller_lists_only_their_clients(ana):
    assert codes(ana.get("/clients")) == ["A1", "A2"]


def test_filtering_by_another_seller_narrows_to_nothing_and_never_widens(ana, seller_bruno):
    response = ana.get(f"/clients?seller={seller_bruno.pk}")
    assert response.status_code == 200
    assert response.json()["count"] == 0


def test_a_repeated_parameter_is_400(ana, seller_ana, seller_bruno):
    response = ana.get(f"/clients?seller={seller_ana.pk}&seller={seller_bruno.pk}")
    assert response.status_code == 400
    assert response.json() == {"detail": "Query parameter 'seller' may be given only once."}


@pytest.mark.parametrize("query", ["seller_id=2", "filter[seller]=2", "limit=100000",
                                   "order_by=seller__user__password"])  # fmt: skip
def test_an_unknown_parameter_is_400_naming_it(ana, query):
    response = ana.get(f"/clients?{query}")
    assert response.status_code == 400
    assert response.json()["detail"].startswith(f"Unknown query parameter '{query.split('=')[0]}'")


def test_an_unknown_sort_is_400(ana):
    response = ana.get("/clients?sort=seller__user__password")
    assert response.status_code == 400
    assert response.json()["detail"].startswith("Unknown sort 'seller__user__password'")


def test_a_badly_typed_parameter_is_400(ana):
    assert ana.get("/clients?page=abc").status_code == 400


def test_page_size_is_clamped_to_500(admin_api):
    response = admin_api.get("/clients?page_size=100000")
    assert response.status_code == 200
    assert response.json()["page_size"] == 500
    assert response.json()["count"] == 6


def test_a_page_past_the_end_is_empty(ana):
    data = ana.get("/clients?page=9999&page_size=1").json()
    assert (data["count"], data["page"], data["results"]) == (2, 9999, [])


def test_sorting_and_paging_walk_the_clients_in_order(admin_api):
    first = admin_api.get("/clients?sort=-external_id&page_size=4").json()
    second = admin_api.get("/clients?sort=-external_id&page_size=4&page=2").json()
    assert codes_of(first) + codes_of(second) == ["C2", "C1", "B2", "B1", "A2", "A1"]


def codes_of(data):
    return [row["external_id"] for row in data["results"]]


@pytest.mark.parametrize("field", [{"seller": 2}, {"seller_id": 2}, {"abc": "A"},
                                   {"status": "active"}, {"id": 99}, {"created_at": "2020-01-01"},
                                   {"updated_at": "2020-01-01"},
                                   {"external_id": "ZZ"}])  # fmt: skip
def test_mass_assignment_on_client_update_is_422_and_changes_nothing(ana, portfolio, field):
    before = checksum()
    response = ana.patch(f"/clients/{portfolio['A1'].pk}", {"name": "Novo", "version": 1, **field})
    assert response.status_code == 422
    assert checksum() == before


def test_a_client_update_changes_the_listed_fields_and_bumps_the_version(ana, portfolio):
    changes = {"city": "Pelotas", "phone": "5199", "version": 1}
    response = ana.patch(f"/clients/{portfolio['A1'].pk}", changes)
    assert response.status_code == 200
    client = Client.objects.get(pk=portfolio["A1"].pk)
    assert (client.city, client.phone, client.version, client.seller.external_id) == (
        "Pelotas", "5199", 2, "V001")  # fmt: skip


def test_an_invalid_cnpj_is_422_and_changes_nothing(ana, portfolio):
    before = checksum()
    changes = {"document": "11.111.111/1111-11", "version": 1}
    response = ana.patch(f"/clients/{portfolio['A1'].pk}", changes)
    assert response.status_code == 422
    assert checksum() == before


def test_a_client_created_by_a_seller_is_that_sellers(ana, seller_ana):
    response = ana.post("/clients", {"external_id": "A9", "name": "Mercado Novo LTDA"})
    assert response.status_code == 201
    assert response.json()["seller_id"] == seller_ana.pk
    assert Client.objects.get(external_id="A9").assignments.get().seller == seller_ana


def test_a_seller_cannot_create_a_client_for_another_seller(ana, seller_bruno):
    before = checksum()
    body = {"external_id": "A9", "name": "X", "seller_id": seller_bruno.pk}
    assert ana.post("/clients", body).status_code == 422
    assert checksum() == before


def test_a_duplicate_client_code_is_422_and_changes_nothing(ana):
    before = checksum()
    assert ana.post("/clients", {"external_id": "B1", "name": "Outro"}).status_code == 422
    assert checksum() == before


def test_a_manager_reassigns_within_the_team_and_the_old_seller_loses_the_client_at_once(
    portfolio, manager_sul, seller_bruno, ana
):
    from tests.api.conftest import caller_for

    marta = caller_for(manager_sul)
    a1 = portfolio["A1"]
    response = marta.post("/assignments", {"client_id": a1.pk, "seller_id": seller_bruno.pk})
    assert response.status_code == 201
    assert ana.get(f"/clients/{a1.pk}").status_code == 404
    assert Client.objects.get(pk=a1.pk).seller == seller_bruno


def test_a_seller_cannot_give_their_client_away(ana, portfolio, seller_ana):
    before = checksum()
    body = {"client_id": portfolio["A1"].pk, "seller_id": seller_ana.pk}
    assert ana.post("/assignments", body).status_code == 403
    assert checksum() == before


def test_a_refused_read_leaves_an_audit_entry_naming_the_path(ana, bruno_objects):
    from carteira.audit.models import AuditEvent

    ana.get(f"/clients/{bruno_objects.client.pk}")
    event = AuditEvent.objects.filter(action="api.not_found").get()
    assert (event.actor.username, event.details["path"]) == (
        "ana", f"/api/v1/clients/{bruno_objects.client.pk}")  # fmt: skip


def test_the_client_list_costs_the_same_queries_for_5_or_50_rows(
    admin_api, django_assert_max_num_queries
):
    from tests.personas import make_client

    for n in range(50):
        make_client(f"X{n:02d}", None)
    admin_api.get("/clients")  # warm: token lookup, last_used_at write
    with django_assert_max_num_queries(3):
        assert len(admin_api.get("/clients?page_size=50").json()["results"]) == 50


def test_the_portfolio_team_creates_clients_unassigned(portfolio, analyst):
    from tests.api.conftest import caller_for

    response = caller_for(analyst).post("/clients", {"external_id": "N1", "name": "Novo"})
    assert response.status_code == 201
    assert response.json()["seller_id"] is None


def test_a_manager_cannot_create_a_client(portfolio, manager_sul):
    from tests.api.conftest import caller_for

    before = checksum()
    response = caller_for(manager_sul).post("/clients", {"external_id": "N1", "name": "Novo"})
    assert response.status_code == 403
    assert checksum() == before
