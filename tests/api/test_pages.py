"""The web pages of the API: tokens (shown once, revocable) and offline docs."""

import re

import pytest
from django.test import Client as HttpClient

from carteira.api.models import ApiToken
from carteira.api.tokens import hash_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser(seller_ana):
    client = HttpClient()
    client.force_login(seller_ana.user)
    return client


def test_a_new_token_is_shown_once_and_stored_hashed(browser):
    page = browser.post("/api/tokens/", {"name": "ERP", "scope": "write"})
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    raw = re.search(r'id="new-token">([^<]+)<', page.content.decode()).group(1)
    token = ApiToken.objects.get()
    assert (token.name, token.scope, token.hashed_secret) == ("ERP", "write", hash_token(raw))
    assert raw not in browser.get("/api/tokens/").content.decode()


def test_a_token_is_revoked_from_its_page(browser):
    browser.post("/api/tokens/", {"name": "ERP", "scope": "read"})
    token = ApiToken.objects.get()
    assert browser.post(f"/api/tokens/{token.pk}/revoke/").status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_another_users_token_cannot_be_revoked(browser, seller_bruno):
    browser.post("/api/tokens/", {"name": "mine", "scope": "read"})
    other = HttpClient()
    other.force_login(seller_bruno.user)
    token = ApiToken.objects.get()
    assert other.post(f"/api/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_token_page_needs_a_login(db):
    assert HttpClient().get("/api/tokens/").status_code == 302


def test_the_delivery_log_page_lists_only_my_deliveries(browser):
    assert browser.get("/api/webhooks/").status_code == 200


def test_the_docs_load_swagger_from_this_server_not_a_cdn(db):
    client = HttpClient()
    page = client.get("/api/v1/docs")
    html = page.content.decode()
    assert page.status_code == 200
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets and all(a.startswith("/api/docs/assets/") for a in assets)
    for asset in assets:
        response = client.get(asset)
        assert response.status_code == 200
        assert b"".join(response.streaming_content)
    assert client.get("/api/v1/openapi.json").json()["openapi"].startswith("3.")


def test_only_the_bundled_docs_assets_are_served(db):
    assert HttpClient().get("/api/docs/assets/..%2Fsettings.py").status_code == 404
