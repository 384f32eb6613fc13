"""Check-ins verified within a radius (issue 16): the phone's position is compared with the
client's coordinates, the verdict (or why not) is kept with the distance — never the
seller's position — and shown in the phone's queue, the client's history and the
manager's follow-up."""

import dataclasses
import json
import uuid

import pytest
from django.test import Client as HttpClient
from django.test import override_settings
from django.utils import timezone

from carteira.field.models import CheckIn
from carteira.interactions.models import Interaction

API = "/api/v1/field"
CLIENT = (-30.0330, -51.2100)
FIFTY_M_AWAY = (-30.03345, -51.2100)  # 50 m south
TWO_KM_AWAY = (-30.0530, -51.2100)  # 2.2 km south


def phone(user) -> HttpClient:
    browser = HttpClient(enforce_csrf_checks=True)
    browser.force_login(user)
    browser.get("/campo/")
    browser.defaults["HTTP_X_CSRFTOKEN"] = browser.cookies["csrftoken"].value
    return browser


def check_in(browser, client, **data):
    key = str(uuid.uuid4())
    data = {"at": timezone.now().replace(microsecond=0).isoformat(), **data}
    operation = {"key": key, "kind": "checkin", "client": client.pk, "task": None,
                 "client_version": None, "data": data}  # fmt: skip
    response = browser.post(f"{API}/sync", data=json.dumps({"operations": [operation]}),
                            content_type="application/json")  # fmt: skip
    return key, response.json()["results"][0]


def visit(browser, client, key):
    data = {"channel": "visit", "successful": "yes", "reason": "", "notes": "", "next_step": "",
            "next_date": "", "date": timezone.localdate().isoformat(), "checkin": key}  # fmt: skip
    operation = {"key": str(uuid.uuid4()), "kind": "outcome", "client": client.pk, "task": None,
                 "client_version": None, "data": data}  # fmt: skip
    browser.post(f"{API}/sync", data=json.dumps({"operations": [operation]}),
                 content_type="application/json")  # fmt: skip


@pytest.fixture
def located(portfolio):
    client = portfolio["A1"]
    client.latitude, client.longitude = CLIENT
    client.save()
    return client


@pytest.fixture
def ana_phone(seller_ana):
    return phone(seller_ana.user)


def test_checking_in_50_m_from_the_client_is_verified(located, ana_phone):
    _key, result = check_in(ana_phone, located, latitude=FIFTY_M_AWAY[0],
                            longitude=FIFTY_M_AWAY[1], accuracy=12)  # fmt: skip
    saved = CheckIn.objects.get()
    assert (saved.verified, saved.unverified_reason, saved.distance_m, saved.radius_m) == (
        True, "", 50, 200)  # fmt: skip
    assert result["result"] == "applied"
    assert result["message"] == "Verificada: a 50 m do cliente"


def test_checking_in_2_km_away_is_unverified_with_the_distance_and_the_radius(located, ana_phone):
    _key, result = check_in(ana_phone, located, latitude=TWO_KM_AWAY[0],
                            longitude=TWO_KM_AWAY[1], accuracy=8)  # fmt: skip
    saved = CheckIn.objects.get()
    assert (saved.verified, saved.unverified_reason, saved.distance_m) == (False, "far", 2224)
    assert result["message"] == "Não verificada: a 2,2 km do cliente (raio de 200 m)"


@override_settings(CARTEIRA_CHECKIN_RADIUS_M=30)
def test_the_radius_is_a_setting_and_is_kept_with_the_check_in(located, ana_phone):
    check_in(ana_phone, located, latitude=FIFTY_M_AWAY[0], longitude=FIFTY_M_AWAY[1])
    saved = CheckIn.objects.get()
    assert (saved.verified, saved.unverified_reason, saved.radius_m) == (False, "far", 30)


def test_a_check_in_without_a_position_is_kept_unverified_saying_why(located, ana_phone):
    _key, result = check_in(ana_phone, located, position_error="denied")
    saved = CheckIn.objects.get()
    assert (saved.verified, saved.unverified_reason, saved.distance_m) == (
        False, "position_denied", None)  # fmt: skip
    assert result["message"] == "Não verificada: localização não permitida no telefone"


def test_a_client_without_coordinates_cannot_verify_a_check_in(portfolio, ana_phone):
    check_in(ana_phone, portfolio["A2"], latitude=FIFTY_M_AWAY[0], longitude=FIFTY_M_AWAY[1])
    saved = CheckIn.objects.get()
    assert (saved.verified, saved.unverified_reason) == (False, "no_client_location")


def test_the_sellers_position_is_not_kept(located, ana_phone):
    check_in(ana_phone, located, latitude=FIFTY_M_AWAY[0], longitude=FIFTY_M_AWAY[1])
    names = {field.name for field in CheckIn._meta.get_fields()}
    assert not names & {"latitude", "longitude"}
    stored = CheckIn.objects.values().get()
    assert FIFTY_M_AWAY[0] not in stored.values() and FIFTY_M_AWAY[1] not in stored.values()


def test_the_manager_sees_verified_and_unverified_visits_by_seller(
    located, portfolio, seller_ana, ana_phone, manager_sul
):
    near, _ = check_in(ana_phone, located, latitude=FIFTY_M_AWAY[0], longitude=FIFTY_M_AWAY[1])
    visit(ana_phone, located, near)
    far, _ = check_in(ana_phone, located, latitude=TWO_KM_AWAY[0], longitude=TWO_KM_AWAY[1])
    visit(ana_phone, located, far)
    browser = HttpClient()
    browser.force_login(manager_sul)
    page = browser.get("/campo/equipe/")
    row = next(r for r in page.context["rows"] if r.seller == seller_ana)
    assert (row.visits, row.checked_in, row.verified, row.unverified) == (2, 2, 1, 1)
    text = page.content.decode()
    assert "Verificada: a 50 m do cliente" in text
    assert "Não verificada: a 2,2 km do cliente (raio de 200 m)" in text


def test_the_clients_history_shows_the_visits_check_in(located, ana_phone, manager_sul):
    key, _ = check_in(ana_phone, located, latitude=FIFTY_M_AWAY[0], longitude=FIFTY_M_AWAY[1])
    visit(ana_phone, located, key)
    browser = HttpClient()
    browser.force_login(manager_sul)
    text = browser.get(f"/clients/{located.pk}/").content.decode()
    assert "Check-in: Verificada: a 50 m do cliente" in text


def test_coverage_counts_a_visit_only_with_a_verified_check_in_when_the_rules_say_so(
    located, portfolio, ana_phone
):
    from carteira.portfolio.models import ClientSnapshot
    from carteira.portfolio.rules_store import current_rules
    from carteira.portfolio.services import do_snapshot
    from carteira_core.rules import IndicatorRules

    # A1 visited with a check-in 50 m away; A2 (no coordinates) visited with one that
    # cannot be verified; B1 called.
    near, _ = check_in(ana_phone, located, latitude=FIFTY_M_AWAY[0], longitude=FIFTY_M_AWAY[1])
    visit(ana_phone, located, near)
    unverifiable, _ = check_in(ana_phone, portfolio["A2"], latitude=FIFTY_M_AWAY[0],
                               longitude=FIFTY_M_AWAY[1])  # fmt: skip
    visit(ana_phone, portfolio["A2"], unverifiable)
    called = portfolio["B1"]
    Interaction.objects.create(client=called, seller=called.seller, channel="phone",
                               successful=True, date=timezone.localdate())  # fmt: skip
    clients = [portfolio["A1"], portfolio["A2"], called]

    def covered(rules=None) -> list[bool]:
        run = do_snapshot(timezone.localdate(), what_if=rules)
        readings = ClientSnapshot.objects.filter(run=run)
        return [readings.get(client=client).covered for client in clients]

    assert covered() == [True, True, True]
    verified_only = IndicatorRules(verified_visits_only=True)
    assert covered(dataclasses.replace(current_rules(), indicators=verified_only)) == [
        True, False, True]  # fmt: skip
