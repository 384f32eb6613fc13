"""Property-based: Schemathesis walks the OpenAPI schema through the WSGI app with a
read-write admin token. Whatever it sends, the API never answers 5xx, and documented
responses match their schemas."""

import socket

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.openapi import from_wsgi
from schemathesis.specs.openapi.checks import response_schema_conformance

from carteira.wsgi import application
from tests.api.conftest import caller_for

schema = from_wsgi("/api/v1/openapi.json", application)
real_getaddrinfo = socket.getaddrinfo


def offline_getaddrinfo(host, *args, **kwargs):
    """Generated webhook URLs must not wait on DNS: only IP literals resolve."""
    return real_getaddrinfo(host, *args, flags=socket.AI_NUMERICHOST, **kwargs)


@pytest.fixture
def admin_token(portfolio, admin_user, settings, monkeypatch):
    settings.CARTEIRA_API_RATE_PER_MINUTE = 1_000_000
    monkeypatch.setattr("carteira.api.ssrf.socket.getaddrinfo", offline_getaddrinfo)
    # The raw WSGI handler closes the connection after each request, which would close
    # the test's transaction: Django's test client disconnects the same receivers.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield caller_for(admin_user).token
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.slow
@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])  # fmt: skip
def test_no_generated_request_gets_a_server_error(case, admin_token):
    case.call_and_validate(
        headers={"Authorization": f"Bearer {admin_token}"},
        checks=[not_a_server_error, response_schema_conformance],
    )
