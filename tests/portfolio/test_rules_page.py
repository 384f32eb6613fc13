import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from carteira.portfolio.models import RulesVersion, SnapshotRun
from carteira.portfolio.rules_store import current_rules, current_rules_version
from carteira_core.rules import DEFAULT_RULES, rules_to_dict
from tests.histories import T
from tests.personas import PASSWORD


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def form_data(**changes):
    data = {}
    for section in rules_to_dict(DEFAULT_RULES).values():
        data.update(section)
    data.update(changes)
    return {k: ("on" if v is True else "" if v is False else str(v)) for k, v in data.items()
            if v is not False}  # fmt: skip


@pytest.fixture(autouse=True)
def on_day_t():
    with time_machine.travel(dt.datetime(2026, 6, 30, 15, 0), tick=False):
        yield


@pytest.mark.django_db
class TestRulesPage:
    def test_everyone_reads_the_rules_in_force(self, client, seller_ana):
        login(client, seller_ana.user)
        response = client.get(reverse("portfolio:rules"))
        assert response.status_code == 200
        assert response.context["can_edit"] is False
        assert response.context["rules"] == DEFAULT_RULES

    def test_a_preview_counts_the_clients_that_would_move_and_saves_nothing(
        self, client, history, manager_sul
    ):
        login(client, manager_sul)
        response = client.post(
            reverse("portfolio:rules"),
            form_data(active_days=100, preview="1"),
            headers={"HX-Request": "true"},
        )
        preview = response.context["preview"]
        # A2 last bought 91 days ago: pre-inactive now, active with 100 days.
        assert preview.status_moves == [("pre_inactive", "active", 1)]
        assert preview.moved == 1
        assert RulesVersion.objects.count() == 1
        assert current_rules() == DEFAULT_RULES

    def test_saving_puts_a_new_version_in_force_and_recomputes_today(
        self, client, history, manager_sul
    ):
        login(client, manager_sul)
        response = client.post(
            reverse("portfolio:rules"), form_data(active_days=100, comment="teste", save="1")
        )
        assert response.status_code == 302
        version = current_rules_version()
        assert (version.number, version.comment, version.created_by) == (2, "teste", manager_sul)
        assert current_rules().lifecycle.active_days == 100
        run = SnapshotRun.objects.get(as_of=T, kind="official", rules_version=version)
        assert run.clients.get(client__external_id="A2").status == "active"

    def test_inconsistent_rules_are_refused_with_the_reason(self, client, history, manager_sul):
        manager_sul.language = "en"
        manager_sul.save(update_fields=["language"])
        login(client, manager_sul)
        response = client.post(
            reverse("portfolio:rules"), form_data(active_days=200, inactive_days=100, save="1")
        )
        assert response.status_code == 200
        assert response.context["form"].non_field_errors() == [
            "“Active up to (days without buying)” (200) must not exceed "
            "“Pre-inactive up to (days)” (100)."
        ]
        assert RulesVersion.objects.count() == 1

    def test_a_seller_cannot_change_the_rules(self, client, history, seller_ana):
        login(client, seller_ana.user)
        response = client.post(reverse("portfolio:rules"), form_data(active_days=30, save="1"))
        assert response.status_code == 403
        assert current_rules() == DEFAULT_RULES


@pytest.mark.django_db
def test_the_rules_page_says_purchase_in_the_singular_for_one(client, seller_ana):
    seller_ana.user.language = "en"
    seller_ana.user.save(update_fields=["language"])
    login(client, seller_ana.user)
    page = client.get(reverse("portfolio:rules")).content.decode()
    assert "with at least 1 purchase in the last 365 days" in page


@pytest.mark.django_db
def test_a_manager_makes_coverage_count_only_verified_visits(client, history, manager_sul):
    login(client, manager_sul)
    page = client.get(reverse("portfolio:rules")).content.decode()
    assert "Uma visita conta para a cobertura só com check-in verificado (app de campo)" in page
    response = client.post(
        reverse("portfolio:rules"), form_data(verified_visits_only=True, save="1")
    )
    assert response.status_code == 302
    assert current_rules().indicators.verified_visits_only is True
    assert current_rules_version().rules["indicators"]["verified_visits_only"] is True
