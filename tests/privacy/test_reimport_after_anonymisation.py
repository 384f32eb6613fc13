"""An anonymised person stays anonymised when the ERP file is imported again."""

from pathlib import Path

import pytest
from django.core.management import call_command

from carteira.clients.models import Contact
from carteira.privacy.services import do_anonymise_contact

FIXTURES = Path(__file__).parents[1] / "fixtures" / "import"


def _import(kind: str) -> None:
    call_command("import", kind, str(FIXTURES / f"{kind}.csv"), stdout=None)


@pytest.mark.django_db
def test_reimporting_contacts_does_not_bring_back_an_anonymised_person(db):
    for kind in ("sellers", "clients", "contacts"):
        _import(kind)
    joana = Contact.objects.get(external_id="K001")
    do_anonymise_contact(joana, actor=None, reason="request")
    total = Contact.objects.count()
    _import("contacts")
    joana.refresh_from_db()
    assert (joana.name, joana.email, joana.anonymized_at is not None) == ("Anonimizado", "", True)
    assert Contact.objects.count() == total
    assert not Contact.objects.filter(name="Joana Pires").exists()
