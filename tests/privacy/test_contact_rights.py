"""LGPD rights over a contact: access report, correction, anonymisation, blocking."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client as Browser
from django.utils import timezone

from carteira.accounts.models import Role
from carteira.audit.models import AuditEvent
from carteira.clients.models import Client, Contact
from carteira.orders.models import Order
from carteira.privacy.models import ConsentRecord
from carteira.privacy.services import do_anonymise_contact
from tests.personas import make_client, make_user


def _browser(user) -> Browser:
    browser = Browser()
    browser.force_login(user)
    return browser


@pytest.fixture
def dpo(db):
    return make_user("encarregada", Role.SELLER, is_dpo=True)


@pytest.fixture
def joana(portfolio):
    return Contact.objects.create(client=portfolio["A1"], name="Joana Pires", role="Compradora",
                                  email="joana@paoquente.com.br", phone="(51) 3222-1001",
                                  source="import")  # fmt: skip


@pytest.mark.django_db
def test_the_access_report_shows_what_we_hold_and_the_consents(joana, seller_ana):
    ConsentRecord.objects.create(contact=joana, basis="consent", given_at=timezone.now(),
                                 evidence="formulário 2025-03")  # fmt: skip
    response = _browser(seller_ana.user).get(f"/privacy/contacts/{joana.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    for value in ("Joana Pires", "joana@paoquente.com.br", "(51) 3222-1001", "formulário 2025-03"):
        assert value in html
    assert AuditEvent.objects.filter(action="contact.viewed", object_id=str(joana.pk)).count() == 1


@pytest.mark.django_db
def test_another_sellers_contact_is_404(joana, seller_bruno):
    browser = _browser(seller_bruno.user)
    assert browser.get(f"/privacy/contacts/{joana.pk}/").status_code == 404
    assert browser.post(f"/privacy/contacts/{joana.pk}/edit/", {"name": "X"}).status_code == 404


@pytest.mark.django_db
def test_a_correction_changes_the_field_and_is_audited_without_the_values(joana, seller_ana):
    data = {"name": "Joana P. Silva", "role": "Compradora", "email": "joana@novo.com.br",
            "phone": "", "legal_basis": "contract"}  # fmt: skip
    response = _browser(seller_ana.user).post(f"/privacy/contacts/{joana.pk}/edit/", data)
    joana.refresh_from_db()
    event = AuditEvent.objects.get(action="contact.corrected")
    assert (response.status_code, joana.name, joana.email) == (302, "Joana P. Silva",
                                                               "joana@novo.com.br")  # fmt: skip
    assert event.details == {"fields": ["email", "legal_basis", "name", "phone"]}


@pytest.mark.django_db
def test_anonymising_replaces_the_personal_fields_and_keeps_the_orders(joana, dpo, seller_ana):
    client = joana.client
    Order.objects.create(client=client, seller=seller_ana, date=dt.date(2026, 1, 5),
                         external_id="P1", amount=Decimal("100.00"))  # fmt: skip
    response = _browser(dpo).post(f"/privacy/contacts/{joana.pk}/anonymise/")
    joana.refresh_from_db()
    assert response.status_code == 302
    assert (joana.name, joana.email, joana.phone, joana.role) == ("Anonimizado", "", "", "")
    assert joana.anonymized_at is not None
    assert Order.objects.filter(client=client).count() == 1


@pytest.mark.django_db
def test_anonymising_a_contact_of_a_person_client_anonymises_the_client_too(seller_ana, dpo):
    person = make_client("PF1", seller_ana, name="Maria da Silva", document="52998224725",
                         email="maria@exemplo.com", phone="51 99999-0000")  # fmt: skip
    contact = Contact.objects.create(client=person, name="Maria da Silva")
    do_anonymise_contact(contact, actor=dpo, reason="request")
    person.refresh_from_db()
    assert (person.name, person.document, person.email, person.phone) == (
        f"Anonimizado {person.pk}",
        "",
        "",
        "",
    )
    assert person.external_id == "PF1"


@pytest.mark.django_db
def test_a_company_client_keeps_its_data_when_a_contact_is_anonymised(joana, dpo):
    do_anonymise_contact(joana, actor=dpo, reason="request")
    assert Client.objects.get(pk=joana.client_id).name == "Cliente A1 LTDA"


@pytest.mark.django_db
def test_only_the_dpo_or_an_admin_may_anonymise_or_block(joana, seller_ana, manager_sul):
    for user in (seller_ana.user, manager_sul):
        browser = _browser(user)
        assert browser.post(f"/privacy/contacts/{joana.pk}/anonymise/").status_code == 403
        assert browser.post(f"/privacy/contacts/{joana.pk}/block/").status_code == 403
    joana.refresh_from_db()
    assert (joana.anonymized_at, joana.blocked_at) == (None, None)


@pytest.mark.django_db
def test_a_blocked_contact_leaves_the_client_page_and_the_api(joana, dpo, seller_ana):
    _browser(dpo).post(f"/privacy/contacts/{joana.pk}/block/")
    ana = _browser(seller_ana.user)
    page = ana.get(f"/clients/{joana.client_id}/").content.decode()
    api = ana.get("/api/v1/contacts").json()
    joana.refresh_from_db()
    assert joana.blocked_at is not None
    assert "Joana Pires" not in page
    assert [c["id"] for c in api["results"]] == []


@pytest.mark.django_db
def test_unblocking_brings_the_contact_back(joana, dpo, seller_ana):
    _browser(dpo).post(f"/privacy/contacts/{joana.pk}/block/")
    _browser(dpo).post(f"/privacy/contacts/{joana.pk}/block/", {"unblock": "1"})
    assert "Joana Pires" in _browser(seller_ana.user).get(f"/clients/{joana.client_id}/").text
