"""A user cannot raise their own role through the pages they may edit."""

import pytest
from django.test import Client


@pytest.mark.django_db
def test_the_preferences_form_ignores_role_staff_and_superuser(seller_ana):
    browser = Client()
    browser.force_login(seller_ana.user)
    data = {"first_name": "Ana", "last_name": "", "email": "ana@exemplo.com.br",
            "language": "pt-br", "role": "admin", "is_staff": "on", "is_superuser": "on",
            "is_dpo": "on"}  # fmt: skip
    response = browser.post("/account/preferences/", data)
    user = seller_ana.user
    user.refresh_from_db()
    assert response.status_code == 302
    assert (user.role, user.is_staff, user.is_superuser, user.is_dpo) == (
        "seller",
        False,
        False,
        False,
    )


@pytest.mark.django_db
def test_a_seller_cannot_reach_the_admin(seller_ana):
    browser = Client()
    browser.force_login(seller_ana.user)
    response = browser.get("/admin/accounts/user/")
    assert (response.status_code, response["Location"].startswith("/admin/login/")) == (302, True)
