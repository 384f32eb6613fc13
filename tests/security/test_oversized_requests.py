"""Oversized requests are refused with 400 and the worker keeps serving."""

import pytest
from django.test import Client


@pytest.mark.django_db
def test_ten_thousand_form_fields_are_refused():
    fields = {f"f{i}": "x" for i in range(10_000)}
    response = Client(raise_request_exception=False).post("/login/", fields)
    assert response.status_code == 400
    assert Client().get("/login/").status_code == 200


@pytest.mark.django_db
def test_a_body_over_the_limit_is_refused(seller_ana):
    browser = Client(raise_request_exception=False)
    browser.force_login(seller_ana.user)
    body = b"{" + b" " * (6 * 1024 * 1024) + b"}"
    response = browser.post("/api/v1/clients", body, content_type="application/json")
    assert response.status_code in (400, 413)
