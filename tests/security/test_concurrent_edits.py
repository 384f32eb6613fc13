"""Two editors save the same client: the second gets 409 and the current values."""

import pytest
from django.test import Client as Browser

from carteira.audit.models import AuditEvent
from carteira.clients.models import Client


def _browser(user) -> Browser:
    browser = Browser()
    browser.force_login(user)
    return browser


def _form(client: Client, **changes) -> dict:
    data = {"name": client.name, "segment": client.segment, "city": client.city,
            "state": client.state, "version": client.version}  # fmt: skip
    return data | changes


@pytest.mark.django_db
def test_the_second_of_two_editors_gets_409_and_nothing_is_lost(portfolio, manager_sul, analyst):
    client = portfolio["A1"]
    marta, analista = _browser(manager_sul), _browser(analyst)
    assert marta.get(f"/clients/{client.pk}/edit/").status_code == 200
    assert analista.get(f"/clients/{client.pk}/edit/").status_code == 200
    first = marta.post(f"/clients/{client.pk}/edit/", _form(client, name="Nome da Marta"))
    second = analista.post(f"/clients/{client.pk}/edit/", _form(client, name="Nome da Analista"))
    client.refresh_from_db()
    assert (first.status_code, second.status_code) == (302, 409)
    assert (client.name, client.version) == ("Nome da Marta", 2)
    assert second.content.decode().count('role="alert"') == 1
    assert 'value="Nome da Marta"' in second.content.decode()
    actions = list(AuditEvent.objects.filter(object_type="client").values_list("action", flat=True))
    assert sorted(a for a in actions if a.startswith("client.edit")) == [
        "client.edit_conflict",
        "client.edited",
    ]


@pytest.mark.django_db
def test_a_seller_cannot_open_the_edit_page_even_for_their_own_client(portfolio, seller_ana):
    response = _browser(seller_ana.user).get(f"/clients/{portfolio['A1'].pk}/edit/")
    assert response.status_code == 403


@pytest.mark.django_db
def test_the_seller_field_cannot_be_mass_assigned(portfolio, manager_sul, seller_carla):
    client = portfolio["A1"]
    seller_before = client.seller_id
    _browser(manager_sul).post(f"/clients/{client.pk}/edit/", _form(client, seller=seller_carla.pk))
    client.refresh_from_db()
    assert client.seller_id == seller_before
