"""The API edits a client through the same service as the web page, with the same
optimistic lock: a PATCH based on a stale version is a 409 that writes nothing."""

import pytest
from django.test import Client as Browser

from carteira.audit.models import AuditEvent
from carteira.clients.models import Client
from tests.api.conftest import caller_for, checksum

pytestmark = pytest.mark.django_db


def test_a_patch_on_a_stale_version_is_409_names_the_current_version_and_writes_nothing(
    ana, portfolio, admin_user
):
    client = portfolio["A1"]
    admin = caller_for(admin_user)
    first = admin.patch(f"/clients/{client.pk}", {"name": "Do Admin", "version": 1})
    assert first.status_code == 200
    before = checksum()
    response = ana.patch(f"/clients/{client.pk}", {"city": "Pelotas", "version": 1})
    assert response.status_code == 409
    body = response.json()
    assert body["version"] == 2
    assert "version 1" in body["detail"] and "now at version 2" in body["detail"]
    assert checksum() == before
    client.refresh_from_db()
    assert (client.name, client.city, client.version) == ("Do Admin", "Porto Alegre", 2)
    conflict = AuditEvent.objects.get(action="client.edit_conflict")
    assert conflict.details == {"based_on": 1, "current": 2, "via": "api"}


def test_a_patch_without_the_version_is_422_and_writes_nothing(ana, portfolio):
    before = checksum()
    response = ana.patch(f"/clients/{portfolio['A1'].pk}", {"city": "Pelotas"})
    assert response.status_code == 422
    assert "version" in str(response.json()["detail"])
    assert checksum() == before


def test_the_web_page_and_the_api_lock_each_other_out(portfolio, manager_sul, seller_ana):
    """Marta opens the edit page (version 1); Ana's ERP patches the client meanwhile;
    Marta's save is the 409 page, not a silent overwrite."""
    client = portfolio["A1"]
    marta = Browser()
    marta.force_login(manager_sul)
    assert marta.get(f"/clients/{client.pk}/edit/").status_code == 200
    api = caller_for(seller_ana.user)
    assert (
        api.patch(f"/clients/{client.pk}", {"phone": "51 3333-4444", "version": 1}).status_code
        == 200
    )
    form = {"name": "Nome da Marta", "segment": client.segment, "city": client.city,
            "state": client.state, "version": 1}  # fmt: skip
    response = marta.post(f"/clients/{client.pk}/edit/", form)
    assert response.status_code == 409
    client.refresh_from_db()
    assert (client.name, client.phone, client.version) == ("Cliente A1 LTDA", "51 3333-4444", 2)


def test_web_and_api_edits_leave_the_same_audit_entry(portfolio, manager_sul, seller_ana):
    a1, a2 = portfolio["A1"], portfolio["A2"]
    marta = Browser()
    marta.force_login(manager_sul)
    form = {"name": "Novo Nome", "segment": a1.segment, "city": a1.city, "state": a1.state,
            "version": 1}  # fmt: skip
    assert marta.post(f"/clients/{a1.pk}/edit/", form).status_code == 302
    api = caller_for(seller_ana.user)
    assert api.patch(f"/clients/{a2.pk}", {"name": "Novo Nome", "version": 1}).status_code == 200
    edits = AuditEvent.objects.filter(action="client.edited").order_by("pk")
    assert [(e.object_id, e.details) for e in edits] == [
        (str(a1.pk), {"fields": ["name"], "via": "web"}),
        (str(a2.pk), {"fields": ["name"], "via": "api"}),
    ]
    assert list(Client.objects.filter(pk__in=[a1.pk, a2.pk]).values_list("version", flat=True)) == [
        2,
        2,
    ]


@pytest.mark.parametrize("sent", [0.0, 1234.5, "89.90"])
def test_a_created_clients_potential_comes_back_as_the_json_number_it_is(admin_user, sent):
    """Money leaves the API as a JSON number, also on the answer to a create: a zero
    potential came back as the text "0.0" (found by the schema fuzzing)."""
    response = caller_for(admin_user).post(
        "/clients", {"external_id": "NOVO1", "name": "Novo", "potential": sent}
    )
    assert response.status_code == 201, response.content
    assert response.json()["potential"] == float(sent)
    assert type(response.json()["potential"]) is float
