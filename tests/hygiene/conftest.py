"""A portfolio with known flaws (on tests.personas' six clients):

    client  seller  coordinates  segment        document
    A1      Ana     yes          supermercados  CNPJ 11.222.333/0001-81
    A2      Ana     —            —              12345678000100 (bad check digits)
    B1      Bruno   yes          supermercados  CNPJ 11.222.333/0002-62
    B2      Bruno   —            farmácias      —
    C1      Carla   yes          —              CPF 529.982.247-25
    C2      Carla   —            farmácias      —

A1 is "Padaria Central Ltda" and A2 "PADARIA CENTRAL - ME". Contacts: A1's is 2 years
old, A2's a month; B1 has one 2 years old and one 100 days old; B2 only an anonymised
one; C2's is 2 years old. A1, A2, B1, B2 are in Porto Alegre/RS; C1, C2 in Recife/PE.
Duplicate groups: A1 + B1 (CNPJ root 11222333) and A1 + A2 (same name and city).
"""

import datetime as dt

import pytest
from django.utils import timezone

from carteira.clients.models import Client, Contact
from carteira_core.documents import cnpj_check_digits

ROOT = "11222333"


def cnpj(branch: str) -> str:
    first12 = ROOT + branch
    return first12 + cnpj_check_digits(first12)


def _contact(client, name, *, days_old, anonymised=False):
    contact = Contact.objects.create(client=client, name=name)
    when = timezone.now() - dt.timedelta(days=days_old)
    Contact.objects.filter(pk=contact.pk).update(
        updated_at=when, anonymized_at=when if anonymised else None
    )


@pytest.fixture
def flawed(portfolio):
    c = portfolio
    for code in ("A1", "B1", "C1"):
        Client.objects.filter(external_id=code).update(latitude=-30.03, longitude=-51.23)
    Client.objects.filter(external_id__in=["A2", "C1"]).update(segment="")
    Client.objects.filter(external_id="A1").update(document=cnpj("0001"),
                                                   name="Padaria Central Ltda")  # fmt: skip
    Client.objects.filter(external_id="A2").update(document="12345678000100",
                                                   name="PADARIA CENTRAL - ME")  # fmt: skip
    Client.objects.filter(external_id="B1").update(document=cnpj("0002"))
    Client.objects.filter(external_id="C1").update(document="52998224725")
    _contact(c["A1"], "Joana", days_old=730)
    _contact(c["A2"], "Paulo", days_old=30)
    _contact(c["B1"], "Rita", days_old=730)
    _contact(c["B1"], "Rui", days_old=100)
    _contact(c["B2"], "Sem Nome", days_old=730, anonymised=True)
    _contact(c["C2"], "Tiago", days_old=730)
    return {code: Client.objects.get(pk=client.pk) for code, client in c.items()}
