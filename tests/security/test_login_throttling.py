"""Login throttling per username and per IP, without telling who exists."""

import datetime as dt
import re

import pytest
import time_machine
from django.contrib.auth.hashers import MD5PasswordHasher
from django.test import Client

from carteira.accounts.models import LoginFailure
from carteira.audit.models import AuditEvent
from tests.personas import PASSWORD


def _login(username: str, password: str, ip: str):
    return Client().post("/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def _shape(response) -> tuple[int, str]:
    """Status and page text without the per-request CSRF token and nonce."""
    text = response.content.decode()
    text = re.sub(r'value="[^"]{40,}"', 'value=""', text)
    return response.status_code, re.sub(r'nonce="[^"]+"', 'nonce=""', text)


@pytest.mark.django_db
def test_five_failures_for_a_username_from_five_ips_lock_it_even_with_the_right_password(
    seller_ana,
):
    statuses = [_login("ana", "wrong", f"10.0.0.{i}").status_code for i in range(5)]
    locked = _login("ana", PASSWORD, "10.0.0.99")
    assert statuses == [200] * 5
    assert locked.status_code == 429
    assert "_auth_user_id" not in Client().session


@pytest.mark.django_db
def test_a_locked_unknown_username_looks_exactly_like_a_locked_real_one(seller_ana):
    real = [_shape(_login("ana", "wrong", "10.0.1.1")) for _ in range(6)]
    ghost = [_shape(_login("fantasma", "wrong", "10.0.2.1")) for _ in range(6)]
    assert [status for status, _ in real] == [200] * 5 + [429]
    assert real == [(s, t.replace("fantasma", "ana")) for s, t in ghost] or real == ghost


@pytest.mark.django_db
def test_fifty_failures_from_one_ip_lock_that_ip_for_every_username(seller_ana):
    for i in range(50):
        _login(f"user{i}", "wrong", "10.9.9.9")
    assert _login("ana", PASSWORD, "10.9.9.9").status_code == 429
    assert _login("ana", PASSWORD, "10.9.9.10").status_code == 302


@pytest.mark.django_db
def test_a_successful_login_clears_the_usernames_failures(seller_ana):
    for _ in range(4):
        _login("ana", "wrong", "10.0.3.1")
    assert _login("ana", PASSWORD, "10.0.3.1").status_code == 302
    assert [_login("ana", "wrong", "10.0.3.1").status_code for _ in range(5)] == [200] * 5


@pytest.mark.django_db
def test_every_attempt_failure_and_lockout_is_audited_without_the_password(seller_ana):
    for _ in range(6):
        _login("ana", "segredo-errado-xyz", "10.0.4.1")
    actions = list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))
    assert actions == ["auth.login_attempt", "auth.login_failed"] * 5 + [
        "auth.login_attempt",
        "auth.lockout",
    ]
    dumped = str(list(AuditEvent.objects.values("details", "object_id")))
    assert "segredo-errado-xyz" not in dumped
    assert "'ana'" not in dumped


@pytest.mark.django_db
def test_a_successful_login_is_audited_with_the_user_and_ip(seller_ana):
    _login("ana", PASSWORD, "10.0.5.1")
    event = AuditEvent.objects.get(action="auth.login")
    assert (event.actor, event.ip) == (seller_ana.user, "10.0.5.1")


class CountingHasher(MD5PasswordHasher):
    calls = 0

    def encode(self, password, salt):
        CountingHasher.calls += 1
        return super().encode(password, salt)


@pytest.mark.django_db
def test_a_wrong_password_costs_one_hash_whether_or_not_the_user_exists(settings, seller_ana):
    # Equal work is what keeps the timing equal: Django hashes a dummy password for
    # unknown usernames; this guards against a future login path skipping it.
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]
    seller_ana.user.set_password(PASSWORD)
    seller_ana.user.save()
    costs = []
    for username in ("ana", "fantasma"):
        CountingHasher.calls = 0
        _login(username, "wrong", "10.0.6.1")
        costs.append(CountingHasher.calls)
    assert costs == [1, 1]


@pytest.mark.django_db
def test_failures_older_than_fifteen_minutes_no_longer_count(seller_ana):
    with time_machine.travel(dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC), tick=False):
        for _ in range(5):
            _login("ana", "wrong", "10.0.7.1")
    with time_machine.travel(dt.datetime(2026, 11, 23, 10, 16, tzinfo=dt.UTC), tick=False):
        assert _login("ana", PASSWORD, "10.0.7.1").status_code == 302
    assert LoginFailure.objects.count() == 0
