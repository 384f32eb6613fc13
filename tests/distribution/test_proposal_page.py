"""The proposal page: the map of who moves where, and the trade-off between moves and routes."""

import json
import re

import pytest
from django.urls import reverse
from django.utils import translation

from carteira.clients.models import Client
from carteira.distribution.access import access_distribution
from carteira.distribution.forms import ProposalForm
from carteira.distribution.models import Proposal
from carteira.distribution.services import do_propose

pytestmark = pytest.mark.django_db


def place(portfolio, **where):
    for code, (lat, lon) in where.items():
        Client.objects.filter(pk=portfolio[code].pk).update(latitude=lat, longitude=lon)


def map_data(page) -> dict:
    found = re.search(r'<script id="proposal-map-data" type="application/json">(.*?)</script>',
                      page.content.decode(), re.S)  # fmt: skip
    return json.loads(found.group(1))


def test_the_map_colours_clients_by_proposed_seller_and_marks_the_moving_ones(
    client, manager_sul, portfolio, seller_ana, seller_bruno
):
    place(portfolio, A1=(-30.0, -51.2), A2=(-30.1, -51.3), B1=(-29.9, -51.1), B2=(-29.8, -51.0))
    seller_bruno.home_latitude, seller_bruno.home_longitude = -29.0, -51.0
    seller_bruno.save()
    client.force_login(manager_sul)
    client.post(reverse("distribution:departure"), {"seller": seller_ana.pk, "mode": "spread"})
    proposal = Proposal.objects.get()
    data = map_data(client.get(reverse("distribution:proposal", args=[proposal.pk])))
    assert [s["name"] for s in data["sellers"]] == ["Ana Souza", "Bruno Lima"]
    assert [(s["before"], s["after"]) for s in data["sellers"]] == [(2, 0), (2, 4)]
    # [lat, lon, proposed seller's row, moving?(, today's seller's row)], in client order
    assert data["points"] == [[-30.0, -51.2, 1, 1, 0], [-30.1, -51.3, 1, 1, 0],
                              [-29.9, -51.1, 1, 0], [-29.8, -51.0, 1, 0]]  # fmt: skip
    assert data["sellers"][1]["base"] == [-29.0, -51.0]  # home
    assert data["sellers"][0]["base"] == [-30.05, -51.25]  # no home: centre of today's clients
    assert data["tileUrl"] == "" and data["outlinesUrl"]  # offline: state outlines, no tiles


def test_the_map_holds_no_client_outside_the_managers_scope(
    client, manager_sul, manager_norte, portfolio, team_sul
):
    place(portfolio, A1=(-30.0, -51.2), C1=(-8.0, -34.9))
    proposal = do_propose(access_distribution(manager_sul), team=team_sul, reason="x",
                          by=manager_sul)  # fmt: skip
    client.force_login(manager_sul)
    data = map_data(client.get(reverse("distribution:proposal", args=[proposal.pk])))
    assert [p[:2] for p in data["points"]] == [[-30.0, -51.2]]


def test_the_priority_sets_the_move_penalty_and_the_compactness(client, director, portfolio):
    client.force_login(director)
    client.post(reverse("distribution:proposal_new"), {"reason": "rotas", "tradeoff": "routes"})
    client.post(reverse("distribution:proposal_new"), {"reason": "padrão"})
    client.post(reverse("distribution:proposal_new"), {"reason": "poucas", "tradeoff": "changes"})
    client.post(reverse("distribution:proposal_new"), {"reason": "compacta", "tradeoff": "compact"})
    got = {
        reason: (summary["move_km"], summary["revenue_weight"], summary["compactness"])
        for reason, summary in Proposal.objects.values_list("reason", "summary")
    }
    assert got == {
        "rotas": (0.0, 1.0, 0.0),
        "padrão": (4000.0, 0.0, 0.0),  # the default: fewest changes
        "poucas": (4000.0, 0.0, 0.0),
        "compacta": (10.0, 1.0, 1.0),
    }
    fewest = {r: (s["fewest_moves"], s["tolerance"]) for r, s in
              Proposal.objects.values_list("reason", "summary")}  # fmt: skip
    assert fewest == {"rotas": (False, 0.15), "padrão": (True, 0.15), "poucas": (True, 0.15),
                      "compacta": (False, 0.15)}  # fmt: skip


def test_the_priority_form_offers_compact_territories(client, director):
    client.force_login(director)
    page = client.get(reverse("distribution:index")).content.decode()
    offered = re.findall(r'<option value="(\w+)"', page)
    assert [v for v in offered if v in ProposalForm.TRADEOFFS] == list(ProposalForm.TRADEOFFS)
    with translation.override("en"):
        labels = [str(label) for _v, label in ProposalForm.base_fields["tradeoff"].choices]
    assert labels == [
        "Fewest changes of seller (recommended)",
        "Balance and shorter routes",
        "Compact territories",
        "Shortest routes from home",
    ]


def test_an_inactive_seller_without_clients_is_not_in_the_proposal(
    director, portfolio, seller_ana, team_sul
):
    from carteira.organization.models import Seller

    Seller.objects.create(external_id="V009", name="Ivo Antigo", team=team_sul, active=False)
    proposal = do_propose(access_distribution(director), team=team_sul, reason="x", by=director,
                          tradeoff=ProposalForm.default_options())  # fmt: skip
    assert [r["name"] for r in proposal.summary["sellers"]] == ["Ana Souza", "Bruno Lima"]


def test_the_proposal_reads_in_plain_portuguese(client, director, portfolio, team_sul):
    # Ana and Bruno, equal capacity: Ana holds three clients, Bruno one. No revenue yet:
    # no sentence about it.
    Client.objects.filter(pk=portfolio["B1"].pk).update(seller=portfolio["A1"].seller)
    proposal = do_propose(access_distribution(director), team=team_sul, reason="x", by=director,
                          tradeoff=ProposalForm.default_options())  # fmt: skip
    client.force_login(director)
    page = client.get(reverse("distribution:proposal", args=[proposal.pk]))
    assert page.context["plain"] == [
        "1 de 4 clientes muda de vendedor (25,0%).",
        "Carga de trabalho: hoje o vendedor mais carregado tem 50% a mais que a média; com a "
        "proposta, 0%.",
        "Equilíbrio pedido: cada vendedor a ±15% da carga média.",
    ]


def test_the_proposal_form_warns_it_takes_time_and_offers_the_tolerance(client, director):
    client.force_login(director)
    html = client.get(reverse("distribution:index")).content.decode()
    assert 'data-busy="Calculando a proposta…"' in html
    assert "distribution/propose_form.js" in html
    assert re.findall(r'<option value="(\d+)"( selected)?>±', html) == [
        ("5", ""),
        ("10", ""),
        ("15", " selected"),
        ("20", ""),
    ]
