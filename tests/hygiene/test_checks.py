"""Each data-quality check counts exactly the clients it should, within the user's scope."""

import pytest
from django.utils import timezone

from carteira.clients.access import clients_visible_to
from carteira.hygiene.models import DuplicateReview
from carteira.hygiene.selectors import (
    Reason,
    centroid_of,
    check_counts,
    clients_failing,
    duplicate_groups,
    normalised_name,
)

pytestmark = pytest.mark.django_db


def codes(clients):
    return sorted(client.external_id for client in clients)


def failing(check, user):
    return codes(clients_failing(check, clients_visible_to(user), today=timezone.localdate()))


def test_each_check_lists_exactly_the_flawed_clients(flawed, director):
    assert failing("coordinates", director) == ["A2", "B2", "C2"]
    assert failing("segment", director) == ["A2", "C1"]
    assert failing("document", director) == ["A2", "B2", "C2"]  # a bad check digit, two blank
    assert failing("contacts", director) == ["A1", "C2"]  # B1 has a recent one, B2 anonymised


def test_duplicates_are_a_shared_cnpj_root_or_the_same_name_in_the_same_city(flawed, director):
    groups = duplicate_groups(clients_visible_to(director))
    assert [(g.reason, g.key, codes(g.clients)) for g in groups] == [
        (Reason.CNPJ_ROOT, "11.222.333", ["A1", "B1"]),
        (Reason.NAME_CITY, "padaria central · Porto Alegre/RS", ["A1", "A2"]),
    ]


def test_the_counts_are_the_lists_lengths_and_groups_for_duplicates(flawed, director):
    counts = check_counts(clients_visible_to(director), today=timezone.localdate())
    assert counts == {"coordinates": 3, "segment": 2, "document": 3, "duplicates": 2,
                      "contacts": 2}  # fmt: skip


def test_a_seller_counts_only_their_own_clients(flawed, seller_ana, seller_bruno):
    ana = check_counts(clients_visible_to(seller_ana.user), today=timezone.localdate())
    bruno = check_counts(clients_visible_to(seller_bruno.user), today=timezone.localdate())
    assert ana == {"coordinates": 1, "segment": 1, "document": 1, "duplicates": 1, "contacts": 1}
    # B1 shares a CNPJ root with Ana's A1, which Bruno does not see: no group for him.
    assert bruno == {"coordinates": 1, "segment": 0, "document": 1, "duplicates": 0,
                     "contacts": 0}  # fmt: skip


def test_a_manager_counts_their_teams_clients(flawed, manager_norte):
    counts = check_counts(clients_visible_to(manager_norte), today=timezone.localdate())
    assert counts == {"coordinates": 1, "segment": 1, "document": 1, "duplicates": 0,
                      "contacts": 1}  # fmt: skip


def test_a_group_whose_pairs_were_all_reviewed_is_not_listed(flawed, director):
    a1, a2 = flawed["A1"], flawed["A2"]
    DuplicateReview.objects.create(first_id=min(a1.pk, a2.pk), second_id=max(a1.pk, a2.pk))
    groups = duplicate_groups(clients_visible_to(director))
    assert [g.reason for g in groups] == [Reason.CNPJ_ROOT]


@pytest.mark.parametrize(
    ("name", "normalised"),
    [
        ("Padaria Central Ltda.", "padaria central"),
        ("PADARIA CENTRAL - ME", "padaria central"),
        ("Açougue São João S/A", "acougue sao joao"),
        ("Mercado & Cia EIRELI", "mercado"),
        ("Vitória Serviços S.A.", "vitoria servicos"),
    ],
)
def test_names_are_compared_without_case_accents_or_legal_form(name, normalised):
    assert normalised_name(name) == normalised


def test_a_municipality_seat_is_found_by_name_and_state_ignoring_accents_and_case():
    recife = centroid_of("recife", "pe")
    assert recife is not None and -8.2 < recife[0] < -7.9 and -35.1 < recife[1] < -34.8
    assert centroid_of("Recife", "SP") is None
    assert centroid_of("Cidade Que Não Existe", "PE") is None
