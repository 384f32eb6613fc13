"""Production configuration passes Django's deploy checks; the Host header is never trusted."""

import os
import subprocess
import sys

import pytest
from django.core import mail
from django.test import Client

from tests.personas import PASSWORD

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "carteira.settings_production",
    "CARTEIRA_HTTPS": "1",
    "CARTEIRA_ALLOWED_HOSTS": "carteira.example.com",
    "CARTEIRA_BASE_URL": "https://carteira.example.com",
    "CARTEIRA_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
}


def _run(tmp_path, *args: str, **env: str):
    environment = {**os.environ, "CARTEIRA_HOME": str(tmp_path), **PRODUCTION_ENV, **env}
    environment.pop("DATABASE_URL", None)
    environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by conftest for Playwright
    return subprocess.run(
        [sys.executable, *args], env=environment, capture_output=True, text=True, timeout=60
    )


@pytest.mark.sqlite_only
def test_check_deploy_passes_on_the_production_settings(tmp_path):
    done = _run(tmp_path, "-m", "django", "check", "--deploy", "--fail-level", "WARNING")
    assert (done.returncode, done.stderr) == (0, "")


@pytest.mark.sqlite_only
def test_production_settings_refuse_to_load_without_https(tmp_path):
    done = _run(tmp_path, "-m", "django", "check", CARTEIRA_HTTPS="0")
    assert done.returncode == 1
    assert "CARTEIRA_HTTPS" in done.stderr


@pytest.mark.sqlite_only
def test_production_cookies_are_secure_httponly_and_host_prefixed(tmp_path):
    code = (
        "import carteira.settings_production as s; print(s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SESSION_COOKIE_SAMESITE, "
        "s.SESSION_COOKIE_NAME, s.SECURE_HSTS_SECONDS)"
    )
    done = _run(tmp_path, "-c", code)
    assert done.stdout.split() == ["True", "True", "True", "Lax", "__Host-sessionid", "31536000"]


@pytest.mark.django_db
def test_a_password_reset_for_a_forged_host_is_refused(seller_ana):
    response = Client().post(
        "/password-reset/", {"email": "ana@exemplo.com.br"}, HTTP_HOST="evil.example"
    )
    assert (response.status_code, len(mail.outbox)) == (400, 0)


@pytest.mark.django_db
def test_reset_links_use_the_configured_base_url(settings, seller_ana):
    settings.BASE_URL = "https://carteira.example.com"
    response = Client().post("/password-reset/", {"email": "ana@exemplo.com.br"})
    assert response.status_code == 302
    [message] = mail.outbox
    assert "https://carteira.example.com/password-reset/" in message.body
    assert "testserver" not in message.body


@pytest.mark.django_db
def test_a_password_reset_answers_the_same_for_unknown_addresses(seller_ana):
    known = Client().post("/password-reset/", {"email": "ana@exemplo.com.br"})
    unknown = Client().post("/password-reset/", {"email": "ninguem@exemplo.com.br"})
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert len(mail.outbox) == 1


@pytest.mark.django_db
@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example"])
def test_login_never_redirects_off_site(seller_ana, target):
    response = Client().post("/login/", {"username": "ana", "password": PASSWORD, "next": target})
    assert (response.status_code, response["Location"]) == (302, "/")
