"""Who may distribute: managers their teams, the central team everything, sellers nothing."""

import pytest
from django.urls import reverse

from carteira.clients.models import Assignment
from carteira.distribution.access import access_distribution
from carteira.distribution.services import do_propose

pytestmark = pytest.mark.django_db


PAGES = ["distribution:index", "distribution:reassign", "distribution:rules_preview",
         "distribution:departure"]  # fmt: skip


@pytest.mark.parametrize("name", PAGES)
def test_sellers_get_the_refusal_page_on_every_page(client, seller_ana, name):
    client.force_login(seller_ana.user)
    assert client.get(reverse(name)).status_code == 403


def test_anonymous_is_sent_to_login(client):
    assert client.get(reverse("distribution:index")).status_code == 302


def test_a_manager_of_another_team_gets_404_on_a_proposal(
    client, manager_sul, manager_norte, portfolio, team_sul
):
    proposal = do_propose(
        access_distribution(manager_sul), team=team_sul, reason="x", by=manager_sul
    )
    client.force_login(manager_norte)
    assert client.get(reverse("distribution:proposal", args=[proposal.pk])).status_code == 404
    response = client.post(reverse("distribution:proposal_apply", args=[proposal.pk]))
    assert response.status_code == 404
    client.force_login(manager_sul)
    assert client.get(reverse("distribution:proposal", args=[proposal.pk])).status_code == 200


def test_a_manager_cannot_move_another_teams_clients(
    client, manager_norte, portfolio, seller_carla
):
    client.force_login(manager_norte)
    data = {"codes": "A1", "seller_to": seller_carla.pk, "reason": "x"}
    response = client.post(reverse("distribution:reassign"), data)
    assert response.status_code == 200
    assert response.context["count"] == 0
    assert Assignment.objects.count() == 6
    assert portfolio["A1"].seller.name == "Ana Souza"


def test_a_manager_cannot_give_clients_to_another_teams_seller(
    client, manager_sul, portfolio, seller_carla
):
    client.force_login(manager_sul)
    data = {"codes": "A1", "seller_to": seller_carla.pk, "reason": "x"}
    response = client.post(reverse("distribution:reassign"), data)
    assert response.status_code == 200
    assert "seller_to" in response.context["form"].errors
    assert Assignment.objects.count() == 6


@pytest.mark.parametrize("persona", ["director", "analyst", "admin_user"])
def test_the_central_team_sees_every_seller(request, persona, portfolio):
    scope = access_distribution(request.getfixturevalue(persona))
    assert scope.sellers.count() == 3
    assert scope.clients.count() == 6
