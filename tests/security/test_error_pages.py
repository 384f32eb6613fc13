"""403, 404, 500 and the CSRF failure: pages in the product's layout and the user's
language (pt-BR by default), with the menu for a logged-in user and a way back; the
API keeps answering JSON. All with DEBUG off, as in production."""

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db
MENU = 'href="/clients/"'


@pytest.fixture(autouse=True)
def production(settings):
    settings.DEBUG = False


def _browser(user, language: str | None = None) -> Client:
    if language:
        user.language = language
        user.save(update_fields=["language"])
    browser = Client(raise_request_exception=False)
    browser.force_login(user)
    return browser


def _title(page: str) -> str:
    return page.split('id="error-title">', 1)[1].split("<", 1)[0]


def test_a_mistyped_address_is_the_pt_br_404_page_with_the_menu(seller_ana):
    response = _browser(seller_ana.user).get("/clientes/", HTTP_REFERER="http://testserver/agenda/")
    page = response.content.decode()
    assert response.status_code == 404
    assert _title(page) == "Página não encontrada"
    assert "<title>Página não encontrada · Carteira</title>" in page
    assert MENU in page
    assert '<a href="http://testserver/agenda/" role="button" class="secondary">Voltar</a>' in page
    assert '<a href="/" role="button">Ir para a carteira</a>' in page
    assert "Not Found" not in page


def test_the_404_page_follows_the_users_language(seller_ana, seller_bruno):
    assert _title(_browser(seller_ana.user, "es").get("/x/").content.decode()) == (
        "Página no encontrada"
    )
    assert _title(_browser(seller_bruno.user, "en").get("/x/").content.decode()) == (
        "Page not found"
    )


def test_a_back_link_never_points_to_another_site(seller_ana):
    page = _browser(seller_ana.user).get("/x/", HTTP_REFERER="https://evil.example/").content
    assert b"evil.example" not in page and b"Voltar" not in page


def test_a_stranger_gets_the_404_page_without_the_menu_and_a_way_to_log_in(client):
    page = client.get("/x/").content.decode()
    assert _title(page) == "Página não encontrada"
    assert MENU not in page
    assert '<a href="/login/" role="button">Entrar</a>' in page


def test_another_sellers_client_is_the_same_404_page_as_a_missing_one(portfolio, seller_ana):
    ana = _browser(seller_ana.user)
    theirs = ana.get(f"/clients/{portfolio['B1'].pk}/")
    missing = ana.get("/clients/999999/")
    assert theirs.status_code == missing.status_code == 404
    assert _without_nonce(theirs) == _without_nonce(missing)


def _without_nonce(response) -> str:
    """The page without its per-request tokens (CSP nonce, the logout form's CSRF token)."""
    return re.sub(r'(nonce|value)="[^"]*"', "", response.content.decode())


def test_the_403_page_says_who_may_open_it(seller_ana, seller_bruno):
    page = _browser(seller_ana.user).get("/distribution/").content.decode()
    assert _title(page) == "Você não tem acesso a esta página"
    assert "Esta página é para gestores e a equipe central." in page
    assert MENU in page
    english = _browser(seller_bruno.user, "en").get("/plans/batches/").content.decode()
    assert _title(english) == "You do not have access to this page"
    assert "This page is for the central team (administrators, directors and portfolio" in english


def test_an_expired_form_is_the_csrf_page_and_nothing_is_saved(seller_ana):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(seller_ana.user)
    response = browser.post("/account/preferences/", {"language": "es"})
    page = response.content.decode()
    assert response.status_code == 403
    assert _title(page) == "O formulário expirou"
    assert "Nada foi salvo." in page and MENU in page
    seller_ana.user.refresh_from_db()
    assert seller_ana.user.language == "pt-br"


@pytest.mark.urls("tests.security.urls_with_a_failing_page")
def test_a_failing_page_is_the_500_page_without_a_traceback(seller_ana):
    response = _browser(seller_ana.user).get("/failing/")
    page = response.content.decode()
    assert response.status_code == 500
    assert _title(page) == "Algo deu errado do nosso lado"
    assert MENU in page
    assert "Traceback" not in page and "a bug" not in page


@pytest.mark.urls("tests.security.urls_with_a_failing_page")
def test_the_500_page_survives_a_broken_layout(seller_ana, monkeypatch):
    from carteira.accounts import errors

    def broken(*args, **kwargs):
        raise RuntimeError("template")

    monkeypatch.setattr(errors.loader, "render_to_string", broken)
    response = _browser(seller_ana.user).get("/failing/")
    assert response.status_code == 500
    assert "<h1>Algo deu errado do nosso lado</h1>" in response.content.decode()


def test_the_api_answers_json_for_an_unknown_address(seller_ana):
    response = _browser(seller_ana.user).get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.json() == {"detail": "Página não encontrada"}
