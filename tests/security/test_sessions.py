"""Session lifecycle: rotated at login, dead after logout or deactivation."""

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client

from carteira.clients.models import Client as ClientModel
from tests.personas import PASSWORD


def _logged_in(username: str) -> Client:
    browser = Client()
    response = browser.post("/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return browser


def _replay(cookie_value: str) -> int | str:
    stranger = Client()
    stranger.cookies[settings.SESSION_COOKIE_NAME] = cookie_value
    response = stranger.get("/clients/")
    return response["Location"] if response.status_code == 302 else response.status_code


@pytest.mark.django_db
def test_login_gives_a_new_session_id(seller_ana):
    browser = Client()
    session = browser.session
    session["visited"] = True
    session.save()
    before = browser.cookies[settings.SESSION_COOKIE_NAME].value
    browser.post("/login/", {"username": "ana", "password": PASSWORD})
    after = browser.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != before
    assert not Session.objects.filter(session_key=before).exists()


@pytest.mark.django_db
def test_logout_kills_the_session_on_the_server(seller_ana):
    browser = _logged_in("ana")
    old = browser.cookies[settings.SESSION_COOKIE_NAME].value
    assert _replay(old) == 200
    browser.post("/logout/")
    assert _replay(old) == "/login/?next=/clients/"


@pytest.mark.django_db
def test_deactivating_a_user_ends_all_their_sessions(seller_ana):
    cookies = [_logged_in("ana").cookies[settings.SESSION_COOKIE_NAME].value for _ in range(2)]
    user = seller_ana.user
    user.is_active = False
    user.save()
    assert Session.objects.filter(session_key__in=cookies).count() == 0
    assert [_replay(c) for c in cookies] == ["/login/?next=/clients/"] * 2


@pytest.mark.django_db
def test_deactivating_a_user_revokes_their_api_tokens_in_practice(seller_ana):
    from carteira.api.tokens import do_create_token, get_token_in_force

    _, raw = do_create_token(user=seller_ana.user, name="erp", scope="read")
    seller_ana.user.is_active = False
    seller_ana.user.save()
    assert get_token_in_force(raw) is None


@pytest.mark.django_db
def test_the_session_cookie_is_httponly_and_samesite_lax(seller_ana):
    browser = _logged_in("ana")
    cookie = browser.cookies[settings.SESSION_COOKIE_NAME]
    assert (bool(cookie["httponly"]), cookie["samesite"]) == (True, "Lax")


@pytest.mark.django_db
def test_a_post_without_the_csrf_token_is_refused(seller_ana):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(seller_ana.user)
    response = browser.post("/account/preferences/", {"first_name": "Hacked"})
    seller_ana.user.refresh_from_db()
    assert (response.status_code, seller_ana.user.first_name) == (403, "Ana")


@pytest.mark.django_db
def test_a_login_post_without_the_csrf_token_is_refused(seller_ana):
    response = Client(enforce_csrf_checks=True).post(
        "/login/", {"username": "ana", "password": PASSWORD}
    )
    assert response.status_code == 403


@pytest.mark.django_db
def test_an_api_write_with_the_session_but_without_csrf_is_refused(seller_ana):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(seller_ana.user)
    response = browser.post(
        "/api/v1/clients", {"external_id": "X9", "name": "Forjado"}, content_type="application/json"
    )
    assert response.status_code in (401, 403)
    assert not ClientModel.objects.filter(external_id="X9").exists()


@pytest.mark.django_db
def test_deactivating_a_seller_revokes_their_calendar_feed(seller_ana):
    from carteira.agenda.services import do_new_feed

    feed = do_new_feed(seller_ana, by=seller_ana.user)
    assert Client().get(f"/agenda/calendar/{feed.token}.ics").status_code == 200
    seller_ana.user.is_active = False
    seller_ana.user.save()
    assert Client().get(f"/agenda/calendar/{feed.token}.ics").status_code == 404
