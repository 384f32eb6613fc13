"""The history of moves: every batch with who/when/why and each client's from → to,
scoped like the distribution, and undone as one audited batch of its own."""

import datetime as dt

import pytest
from django.urls import reverse

from carteira.audit.models import AuditEvent
from carteira.clients.models import Assignment, Client
from carteira.distribution.access import access_distribution
from carteira.distribution.models import Cover, MoveBatch
from carteira.distribution.services import AlreadyUndone, do_reassign, do_undo_batch

pytestmark = pytest.mark.django_db

ON = dt.date(2026, 7, 1)


def sellers_by_code() -> dict[str, str]:
    return dict(Client.objects.values_list("external_id", "seller__name"))


@pytest.fixture
def moved(manager_sul, portfolio, seller_bruno):
    """Marta gave Ana's two clients to Bruno."""
    clients = Client.objects.filter(external_id__in=["A1", "A2"])
    return do_reassign(clients, seller_bruno, on=ON, reason="férias", by=manager_sul,
                       kind=MoveBatch.Kind.BULK, query={"state": "RS"})  # fmt: skip


def test_the_history_lists_the_batch_with_who_why_and_count(client, manager_sul, moved):
    client.force_login(manager_sul)
    page = client.get(reverse("distribution:history"))
    assert [b.pk for b in page.context["batches"]] == [moved.pk]
    html = page.content.decode()
    assert "Movimentação pela lista de clientes" in html and "férias" in html
    detail = client.get(reverse("distribution:batch", args=[moved.pk]))
    assert [(i.client.external_id, str(i.seller_from), str(i.seller_to))
            for i in detail.context["items"]] == [("A1", "Ana Souza", "Bruno Lima"),
                                                  ("A2", "Ana Souza", "Bruno Lima")]  # fmt: skip
    assert len(detail.context["undo"].back) == 2
    assert "Desfazer: devolver 2 clientes" in detail.content.decode()


def test_undoing_gives_the_clients_back_as_one_audited_batch(client, manager_sul, moved):
    client.force_login(manager_sul)
    response = client.post(reverse("distribution:batch_undo", args=[moved.pk]))
    undo = MoveBatch.objects.get(reverses=moved)
    assert response["Location"] == reverse("distribution:batch", args=[undo.pk])
    assert sellers_by_code()["A1"] == "Ana Souza" and sellers_by_code()["A2"] == "Ana Souza"
    assert (undo.kind, undo.moved, undo.created_by) == ("reversal", 2, manager_sul)
    assert undo.reason == f"Desfeito #{moved.pk}: férias"
    assert sorted((i.seller_from.name, i.seller_to.name) for i in undo.items.all()) == [
        ("Bruno Lima", "Ana Souza"),
        ("Bruno Lima", "Ana Souza"),
    ]
    assert Assignment.objects.filter(client__external_id="A1").count() == 3  # history kept
    assert AuditEvent.objects.filter(action="distribution.batch").count() == 2
    again = client.post(reverse("distribution:batch_undo", args=[moved.pk]), follow=True)
    assert "Esta movimentação já foi desfeita." in again.content.decode()
    assert MoveBatch.objects.count() == 2 and sellers_by_code()["A1"] == "Ana Souza"


def test_a_client_moved_again_since_stays_where_it_is_and_the_page_says_so(
    client, manager_sul, moved, seller_ana, seller_carla, portfolio
):
    scope = access_distribution(manager_sul)
    do_reassign(Client.objects.filter(external_id="A2"), seller_ana, on=ON, reason="volta",
                by=manager_sul)  # fmt: skip
    client.force_login(manager_sul)
    page = client.get(reverse("distribution:batch", args=[moved.pk]))
    undo = page.context["undo"]
    assert ([i.client.external_id for i in undo.back],
            [i.client.external_id for i in undo.moved_since]) == (["A1"], ["A2"])  # fmt: skip
    assert "1 cliente foi movido de novo depois: fica onde está agora." in page.content.decode()
    result = do_undo_batch(scope, moved, on=ON, by=manager_sul)
    assert result.moved == 1
    assert [i.client.external_id for i in result.items.all()] == ["A1"]
    assert Assignment.objects.filter(client__external_id="A2").count() == 3  # not moved again


def test_undoing_a_temporary_cover_ends_the_cover(manager_sul, portfolio, seller_bruno):
    scope = access_distribution(manager_sul)
    cover = do_reassign(Client.objects.filter(external_id="A1"), seller_bruno, on=ON,
                        reason="licença", by=manager_sul, until=dt.date(2026, 8, 1))  # fmt: skip
    assert Cover.objects.get().returned_on is None
    do_undo_batch(scope, cover, on=ON, by=manager_sul)
    assert Cover.objects.get().returned_on == ON
    assert sellers_by_code()["A1"] == "Ana Souza"
    with pytest.raises(AlreadyUndone):
        do_undo_batch(scope, cover, on=ON, by=manager_sul)


def test_another_teams_manager_neither_sees_nor_undoes_the_batch(client, manager_norte, moved):
    client.force_login(manager_norte)
    assert list(client.get(reverse("distribution:history")).context["batches"]) == []
    assert client.get(reverse("distribution:batch", args=[moved.pk])).status_code == 404
    assert client.post(reverse("distribution:batch_undo", args=[moved.pk])).status_code == 404
    assert sellers_by_code()["A1"] == "Bruno Lima" and MoveBatch.objects.count() == 1


def test_a_seller_is_refused_the_history_and_the_undo(client, seller_bruno, moved):
    client.force_login(seller_bruno.user)
    assert client.get(reverse("distribution:history")).status_code == 403
    assert client.get(reverse("distribution:batch", args=[moved.pk])).status_code == 403
    assert client.post(reverse("distribution:batch_undo", args=[moved.pk])).status_code == 403
    assert sellers_by_code()["A1"] == "Bruno Lima" and MoveBatch.objects.count() == 1


def test_a_batch_moving_clients_of_another_team_is_not_a_managers_to_undo(
    client, director, manager_sul, portfolio, seller_carla
):
    batch = do_reassign(Client.objects.filter(external_id="A1"), seller_carla, on=ON,
                        reason="norte", by=director)  # fmt: skip
    client.force_login(manager_sul)
    undo = client.get(reverse("distribution:batch", args=[batch.pk])).context["undo"]
    assert ([i.client.external_id for i in undo.outside], undo.back) == (["A1"], [])
    client.post(reverse("distribution:batch_undo", args=[batch.pk]))
    assert sellers_by_code()["A1"] == "Carla Dias"


def test_an_applied_proposal_is_one_batch_and_undoing_it_ends_the_covers(
    manager_sul, portfolio, seller_ana, team_sul
):
    from carteira.distribution.forms import ProposalForm
    from carteira.distribution.services import do_apply_proposal, do_propose

    scope = access_distribution(manager_sul)
    leave = do_propose(scope, team=team_sul, reason="licença de Ana", by=manager_sul,
                       leaving=seller_ana, until=dt.date(2026, 8, 1),
                       tradeoff=ProposalForm.default_options())  # fmt: skip
    assert do_apply_proposal(scope, leave, on=ON, by=manager_sul) == 2
    batch = MoveBatch.objects.get()
    assert (batch.kind, batch.reason, batch.until, batch.moved) == (
        "proposal",
        "licença de Ana",
        dt.date(2026, 8, 1),
        2,
    )
    assert sorted((i.client.external_id, i.seller_to.name) for i in batch.items.all()) == [
        ("A1", "Bruno Lima"),
        ("A2", "Bruno Lima"),
    ]
    assert Cover.objects.filter(returned_on=None).count() == 2
    do_undo_batch(scope, batch, on=ON, by=manager_sul)
    assert sellers_by_code()["A1"] == "Ana Souza" and sellers_by_code()["A2"] == "Ana Souza"
    assert Cover.objects.filter(returned_on=None).count() == 0


def test_applying_the_rules_is_one_batch(manager_sul, portfolio, seller_bruno):
    from carteira.distribution.models import DistributionRule
    from carteira.distribution.services import do_apply_rules

    DistributionRule.objects.create(name="A1 é do Bruno", seller=seller_bruno,
                                    key_accounts=["A1"])  # fmt: skip
    scope = access_distribution(manager_sul)
    assert do_apply_rules(scope, on=ON, by=manager_sul) == 1
    batch = MoveBatch.objects.get()
    assert (batch.kind, batch.reason, batch.moved) == ("rules", "carteirização", 1)
    assert [i.client.external_id for i in batch.items.all()] == ["A1"]
