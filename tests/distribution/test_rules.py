"""Carteirização: rules preview (unmatched, conflicts, changes) and applying them."""

import datetime as dt

import pytest
from django.urls import reverse

from carteira.clients.models import Assignment
from carteira.distribution.access import access_distribution
from carteira.distribution.models import DistributionRule
from carteira.distribution.services import RULES_REASON, do_apply_rules, rules_preview

pytestmark = pytest.mark.django_db


@pytest.fixture
def rules(seller_ana, seller_bruno):
    return [
        DistributionRule.objects.create(name="RS", priority=10, seller=seller_bruno, states=["RS"]),
        DistributionRule.objects.create(
            name="Supermercados", priority=20, seller=seller_ana, segments=["supermercados"]
        ),
    ]


def test_preview_shows_unmatched_conflicts_and_who_moves_where(director, portfolio, rules):
    preview = rules_preview(access_distribution(director))
    assert [c.external_id for c in preview.unmatched] == ["C2"]
    assert [(c.external_id, [r.name for r in rs]) for c, rs in preview.conflicts] == [
        ("A1", ["RS", "Supermercados"]),
        ("B1", ["RS", "Supermercados"]),
    ]
    assert sorted((c.external_id, o.name, n.name) for c, o, n in preview.changes) == [
        ("A1", "Ana Souza", "Bruno Lima"),
        ("A2", "Ana Souza", "Bruno Lima"),
        ("C1", "Carla Dias", "Ana Souza"),
    ]


def test_preview_page_changes_nothing(client, director, portfolio, rules):
    client.force_login(director)
    response = client.get(reverse("distribution:rules_preview"))
    assert response.status_code == 200
    assert "C2" in response.content.decode()
    assert Assignment.objects.count() == 6


def test_manager_preview_only_covers_their_team(manager_sul, portfolio, rules):
    preview = rules_preview(access_distribution(manager_sul))
    assert preview.unmatched == []
    assert sorted(c.external_id for c, _o, _n in preview.changes) == ["A1", "A2"]


def test_applying_rules_keeps_history_and_the_old_seller_loses_access(
    client, director, portfolio, rules, seller_ana
):
    client.force_login(director)
    response = client.post(reverse("distribution:rules_apply"))
    assert response.status_code == 302
    a1 = portfolio["A1"]
    history = list(Assignment.objects.filter(client=a1).order_by("pk"))
    assert [(h.seller.name, h.end_date is None) for h in history] == [
        ("Ana Souza", False),
        ("Bruno Lima", True),
    ]
    assert history[1].reason == RULES_REASON
    client.force_login(seller_ana.user)
    assert client.get(reverse("clients:detail", args=[a1.pk])).status_code == 404
    assert client.get(reverse("clients:detail", args=[portfolio["C1"].pk])).status_code == 200


def test_applying_twice_moves_nobody_the_second_time(director, portfolio, rules):
    scope = access_distribution(director)
    assert do_apply_rules(scope, on=dt.date(2026, 1, 5), by=director) == 3
    assert do_apply_rules(scope, on=dt.date(2026, 1, 6), by=director) == 0


def test_rule_form_parses_lists_ranges_and_geojson(client, director, seller_ana):
    client.force_login(director)
    response = client.post(
        reverse("distribution:rule_new"),
        {
            "name": "Grande POA",
            "priority": 5,
            "seller": seller_ana.pk,
            "states": "rs, sc",
            "cities": "Porto Alegre\nCanoas",
            "postal_ranges": "90000-000 - 91999-999",
            "polygon": '{"type": "Polygon", "coordinates": [[[-51.3, -30.2], [-51.0, -30.2], '
            "[-51.0, -29.9], [-51.3, -29.9], [-51.3, -30.2]]]}",
            "abc": ["A", "B"],
            "active": "on",
        },
    )
    assert response.status_code == 302
    rule = DistributionRule.objects.get()
    assert rule.states == ["RS", "SC"]
    assert rule.cities == ["Porto Alegre", "Canoas"]
    assert rule.postal_ranges == [["90000000", "91999999"]]
    assert rule.polygon[0] == [-51.3, -30.2]
    assert rule.abc == ["A", "B"]
