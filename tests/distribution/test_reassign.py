"""Reassigning by filter, temporary covers and their return, a seller leaving."""

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from carteira.clients.models import Assignment, Client
from carteira.distribution.models import Cover, Proposal
from carteira.distribution.services import do_return_covers

pytestmark = pytest.mark.django_db


def seller_of(external_id: str) -> str:
    return Client.objects.select_related("seller").get(external_id=external_id).seller.name


def test_filter_previews_the_count_then_confirm_moves(client, manager_sul, portfolio, seller_bruno,
                                                      seller_ana):  # fmt: skip
    client.force_login(manager_sul)
    url = reverse("distribution:reassign")
    preview = client.get(url, {"seller_from": seller_ana.pk, "segment": "farmácias"})
    assert preview.context["count"] == 1
    assert Assignment.objects.count() == 6
    response = client.post(url, {"seller_from": seller_ana.pk, "segment": "farmácias",
                                 "seller_to": seller_bruno.pk, "reason": "rota"})  # fmt: skip
    assert response.status_code == 302
    assert seller_of("A2") == "Bruno Lima"
    assert seller_of("A1") == "Ana Souza"
    assert Assignment.objects.get(client__external_id="A2", end_date=None).reason == "rota"


@time_machine.travel(dt.date(2026, 3, 2), tick=False)
def test_a_temporary_cover_returns_after_its_end_date(client, director, portfolio, seller_ana,
                                                      seller_bruno):  # fmt: skip
    client.force_login(director)
    client.post(reverse("distribution:departure"), {
        "seller": seller_ana.pk, "mode": "one", "seller_to": seller_bruno.pk, "until": "2026-03-16",
    })  # fmt: skip
    assert seller_of("A1") == "Bruno Lima"
    cover = Assignment.objects.get(client__external_id="A1", end_date=None)
    assert cover.returns_to == seller_ana
    seller_ana.refresh_from_db()
    assert seller_ana.active  # on leave, not gone
    assert do_return_covers(dt.date(2026, 3, 15)) == 0
    call_command("return_covers", as_of="2026-03-16")
    assert seller_of("A1") == seller_of("A2") == "Ana Souza"
    assert Cover.objects.filter(returned_on=dt.date(2026, 3, 16)).count() == 2
    history = Assignment.objects.filter(client__external_id="A1").order_by("pk")
    assert [h.seller.name for h in history] == ["Ana Souza", "Bruno Lima", "Ana Souza"]
    assert do_return_covers(dt.date(2026, 3, 17)) == 0


def test_a_cover_moved_again_meanwhile_is_not_returned(director, portfolio, seller_bruno,
                                                       seller_carla):  # fmt: skip
    from carteira.clients.services import do_assign_client
    from carteira.distribution.access import access_distribution
    from carteira.distribution.services import do_reassign

    scope = access_distribution(director)
    do_reassign(scope.clients.filter(external_id="A1"), seller_bruno, on=dt.date(2026, 3, 2),
                reason="férias", by=director, until=dt.date(2026, 3, 9))  # fmt: skip
    do_assign_client(portfolio["A1"], seller_carla, start=dt.date(2026, 3, 5))
    assert do_return_covers(dt.date(2026, 3, 9)) == 0
    assert seller_of("A1") == "Carla Dias"


def test_seller_leaving_journey_spread_over_the_team(client, manager_sul, portfolio, seller_ana,
                                                      seller_bruno):  # fmt: skip
    client.force_login(manager_sul)
    response = client.post(reverse("distribution:departure"),
                           {"seller": seller_ana.pk, "mode": "spread"})  # fmt: skip
    proposal = Proposal.objects.get()
    assert response.url == reverse("distribution:proposal", args=[proposal.pk])
    assert sorted(m[0] for m in proposal.moves) == sorted([portfolio["A1"].pk, portfolio["A2"].pk])
    page = client.get(response.url)
    assert page.status_code == 200
    assert 'id="proposal-chart"' in page.content.decode()
    assert seller_of("A1") == "Ana Souza"  # nothing happens before approval
    client.post(reverse("distribution:proposal_apply", args=[proposal.pk]))
    proposal.refresh_from_db()
    seller_ana.refresh_from_db()
    assert proposal.status == Proposal.State.APPLIED
    assert not seller_ana.active
    assert seller_of("A1") == seller_of("A2") == "Bruno Lima"
    client.force_login(seller_ana.user)
    assert client.get(reverse("clients:detail", args=[portfolio["A1"].pk])).status_code == 404
    client.force_login(seller_bruno.user)
    assert client.get(reverse("clients:detail", args=[portfolio["A1"].pk])).status_code == 200


def test_a_discarded_proposal_cannot_be_applied(client, director, portfolio, seller_ana):
    client.force_login(director)
    client.post(reverse("distribution:proposal_new"), {"reason": "rebalance"})
    proposal = Proposal.objects.get()
    client.post(reverse("distribution:proposal_discard", args=[proposal.pk]))
    client.post(reverse("distribution:proposal_apply", args=[proposal.pk]))
    proposal.refresh_from_db()
    assert proposal.status == Proposal.State.DISCARDED
    assert Assignment.objects.count() == 6


def test_a_bulk_move_bigger_than_one_query_moves_every_client_and_its_tasks(
    monkeypatch, portfolio, seller_ana, seller_carla
):
    from carteira.agenda.models import Task
    from carteira.clients import services

    monkeypatch.setattr(services, "IDS_PER_QUERY", 2)  # 6 clients → 3 queries per step
    clients = list(Client.objects.order_by("external_id"))
    for c in clients:
        Task.objects.create(
            client=c, seller=c.seller, title="ligar", due_date=dt.date(2026, 3, 2), origin="manual"
        )
    moved = services.do_assign_clients_bulk(
        {c.pk: seller_carla.pk for c in clients}, on=dt.date(2026, 3, 2), reason="região"
    )
    assert moved == 4  # Carla's own two stay as they were
    assert set(Client.objects.values_list("seller__name", flat=True)) == {"Carla Dias"}
    assert set(Task.objects.values_list("seller__name", flat=True)) == {"Carla Dias"}
    assert Assignment.objects.filter(end_date=None, seller=seller_carla).count() == 6
    assert Assignment.objects.filter(end_date=dt.date(2026, 3, 2)).count() == 4
