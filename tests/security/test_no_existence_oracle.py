"""No existence oracle (issue 24): an API write that collides with an object outside the
caller's scope gets the same answer as a collision inside it — a refused value, never
"already exists" — and writes nothing. Company-wide users, who see every client anyway,
keep Django's precise message (in the workspace language)."""

import pytest

from carteira.clients.models import Client
from tests.api.conftest import caller_for, checksum

REFUSED = {"detail": "external_id: This value is not accepted."}
BRUNO_CNPJ = "11222333000181"
ANA_CNPJ = "11444777000161"


@pytest.fixture
def documents(portfolio):
    Client.objects.filter(pk=portfolio["B1"].pk).update(document=BRUNO_CNPJ)
    Client.objects.filter(pk=portfolio["A1"].pk).update(document=ANA_CNPJ)
    return portfolio


@pytest.mark.django_db
def test_a_seller_cannot_tell_another_sellers_client_code_from_her_own(documents, seller_ana):
    ana = caller_for(seller_ana.user)
    before = checksum()
    others = ana.post("/clients", {"external_id": "B1", "name": "Sondagem"})
    own = ana.post("/clients", {"external_id": "A1", "name": "Sondagem"})
    assert (others.status_code, others.json()) == (422, REFUSED)
    assert (own.status_code, own.json()) == (422, REFUSED)
    assert others.content == own.content and others.headers == own.headers
    assert checksum() == before


@pytest.mark.django_db
def test_a_colliding_document_answers_the_same_in_and_out_of_scope(documents, seller_ana):
    ana = caller_for(seller_ana.user)
    before = checksum()
    others = ana.post("/clients", {"external_id": "N1", "name": "X", "document": BRUNO_CNPJ})
    own = ana.post("/clients", {"external_id": "N2", "name": "X", "document": ANA_CNPJ})
    assert others.status_code == own.status_code == 422
    assert others.json() == own.json() == {"detail": "document: This value is not accepted."}
    assert checksum() == before


@pytest.mark.django_db
def test_an_edit_to_another_sellers_document_is_refused_like_any_value(documents, seller_ana):
    ana = caller_for(seller_ana.user)
    a2 = documents["A2"]
    before = checksum()
    others = ana.patch(f"/clients/{a2.pk}", {"version": a2.version, "document": BRUNO_CNPJ})
    own = ana.patch(f"/clients/{a2.pk}", {"version": a2.version, "document": ANA_CNPJ})
    assert others.status_code == own.status_code == 422
    assert others.json() == own.json() == {"detail": "document: This value is not accepted."}
    assert checksum() == before


@pytest.mark.django_db
def test_the_portfolio_team_still_hears_which_code_exists(documents, analyst):
    response = caller_for(analyst).post("/clients", {"external_id": "B1", "name": "X"})
    assert response.status_code == 422
    assert response.json()["detail"] == "external_id: Cliente com este Código já existe."
    assert "not accepted" not in response.json()["detail"]
