"""Tokens: hashed at rest, scoped, revocable; deactivation stops them at once; session
callers need CSRF; every caller is rate limited."""

import hashlib

import pytest
from django.test import Client as HttpClient

from carteira.api.models import ApiToken
from carteira.api.tokens import do_revoke_token
from carteira.clients.models import Client
from tests.api.conftest import API, caller_for, checksum

pytestmark = pytest.mark.django_db


def test_the_token_is_stored_only_as_its_sha256(ana):
    stored = ApiToken.objects.get()
    assert stored.hashed_secret == hashlib.sha256(ana.token.encode()).hexdigest()
    assert ana.token not in str(list(ApiToken.objects.values_list()))
    assert stored.prefix == ana.token[:12]


def test_a_call_without_a_token_is_401_with_a_bearer_challenge(portfolio):
    response = HttpClient().get(f"{API}/clients")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="carteira"'


def test_a_made_up_token_is_401(ana):
    ana.token = ana.token[:-2] + "xx"
    assert ana.get("/clients").status_code == 401


def test_a_revoked_token_is_401_on_the_next_call(ana, seller_ana):
    assert ana.get("/clients").status_code == 200
    assert do_revoke_token(user=seller_ana.user, token_id=ApiToken.objects.get().pk) is True
    assert ana.get("/clients").status_code == 401


def test_a_deactivated_users_token_stops_working_at_once(ana, seller_ana):
    assert ana.get("/clients").status_code == 200
    seller_ana.user.is_active = False
    seller_ana.user.save()
    assert ana.get("/clients").status_code == 401


def test_a_read_token_reads_but_cannot_write(portfolio, seller_ana):
    reader = caller_for(seller_ana.user, scope="read")
    a1 = portfolio["A1"]
    assert reader.get(f"/clients/{a1.pk}").status_code == 200
    before = checksum()
    response = reader.patch(f"/clients/{a1.pk}", {"name": "Outro", "version": 1})
    assert response.status_code == 403
    assert "write" in response.json()["detail"]
    assert checksum() == before


def test_the_last_use_of_a_token_is_recorded(ana):
    assert ApiToken.objects.get().last_used_at is None
    ana.get("/clients")
    assert ApiToken.objects.get().last_used_at is not None


def test_the_session_of_the_web_app_works_for_reads(portfolio, seller_ana):
    browser = HttpClient()
    browser.force_login(seller_ana.user)
    response = browser.get(f"{API}/clients")
    assert response.status_code == 200
    assert sorted(c["external_id"] for c in response.json()["results"]) == ["A1", "A2"]


def test_a_session_write_without_csrf_is_refused_and_changes_nothing(portfolio, seller_ana):
    browser = HttpClient(enforce_csrf_checks=True)
    browser.force_login(seller_ana.user)
    before = checksum()
    body = '{"name": "X", "version": 1}'
    response = browser.patch(f"{API}/clients/{portfolio['A1'].pk}", data=body,
                             content_type="application/json")  # fmt: skip
    assert response.status_code == 403
    assert checksum() == before


def test_a_session_write_with_csrf_is_accepted(portfolio, seller_ana):
    browser = HttpClient(enforce_csrf_checks=True)
    browser.force_login(seller_ana.user)
    browser.get("/api/tokens/")
    csrf = browser.cookies["csrftoken"].value
    body = '{"name": "Novo", "version": 1}'
    response = browser.patch(f"{API}/clients/{portfolio['A1'].pk}", data=body,
                             content_type="application/json", HTTP_X_CSRFTOKEN=csrf)  # fmt: skip
    assert response.status_code == 200
    assert Client.objects.get(pk=portfolio["A1"].pk).name == "Novo"


def test_past_the_rate_limit_the_answer_is_429_with_retry_after(ana, settings):
    settings.CARTEIRA_API_RATE_PER_MINUTE = 3
    assert [ana.get("/rules").status_code for _ in range(3)] == [200, 200, 200]
    response = ana.get("/rules")
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60


def test_the_rate_limit_counts_each_token_apart(ana, seller_bruno, settings):
    settings.CARTEIRA_API_RATE_PER_MINUTE = 1
    bruno = caller_for(seller_bruno.user)
    assert ana.get("/rules").status_code == 200
    assert ana.get("/rules").status_code == 429
    assert bruno.get("/rules").status_code == 200
