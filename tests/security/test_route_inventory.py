"""Every view declares its permission policy, and non-public views refuse strangers."""

import pytest
from django.urls import NoReverseMatch, reverse

from carteira.accounts.policy import check_policy
from tests.security.routes import routes

SAMPLE_VALUES = {
    "fmt": "csv",
    "report": "clients",
    "token": "x" * 32,
    "uidb64": "MQ",
    "name": "x.js",
}


def _url(route) -> str | None:
    kwargs = {k: 1 for k in route.int_kwargs}
    kwargs |= {k: SAMPLE_VALUES.get(k, "x") for k in route.other_kwargs}
    try:
        return reverse(route.name, kwargs=kwargs)
    except NoReverseMatch:
        return None


def test_every_view_declares_a_permission_policy():
    missing = sorted(f"{r.route} ({r.name})" for r in routes() if r.policy is None)
    assert missing == []


def test_every_declared_policy_is_well_formed():
    for route in routes():
        if route.policy is not None:
            assert check_policy(route.policy) == route.policy


def test_the_inventory_sees_the_apps_routes():
    names = {r.name for r in routes()}
    assert {"login", "clients:list", "clients:detail", "health"} <= names


@pytest.mark.django_db
def test_every_non_public_view_refuses_an_anonymous_visitor(client):
    leaks = []
    for route in routes():
        if route.policy in (None, "public") or not route.name:
            continue
        url = _url(route)
        if url is None:
            continue
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            redirected_to_login = response.status_code == 302 and "/login/" in response["Location"]
            if not redirected_to_login and response.status_code not in (401, 403, 404, 405):
                leaks.append(f"{method.upper()} {url} -> {response.status_code}")
    assert leaks == []
