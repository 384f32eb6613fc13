"""A seller logs in and sees only their portfolio, in pt-BR, in real Chromium."""

from pathlib import Path

import pytest

from tests.personas import PASSWORD

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "guia" / "img"


def offline(page, live_server):
    """Abort every request that leaves the test server: the app must work offline."""
    page.route(
        "**/*",
        lambda route: (
            route.continue_() if route.request.url.startswith(live_server.url) else route.abort()
        ),
    )


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_seller_logs_in_and_sees_only_their_clients_in_portuguese(
    page, live_server, portfolio, seller_ana, console_errors
):
    offline(page, live_server)
    page.goto(f"{live_server.url}/login/")
    assert page.locator("h1").inner_text() == "Entrar no Carteira"
    page.get_by_label("Usuário").fill("ana")
    page.get_by_label("Senha").fill(PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    page.wait_for_url(f"{live_server.url}/portfolio/")
    page.get_by_role("link", name="Clientes", exact=True).click()
    page.wait_for_url(f"{live_server.url}/clients/")
    rows = page.locator("#results tbody tr")
    assert rows.count() == 2
    assert sorted(rows.locator("small").all_inner_texts()) == ["A1", "A2"]
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / "lista-de-clientes.png", full_page=True)
    page.locator("#results a", has_text="Cliente A1").click()
    assert page.locator("h1").inner_text() == "Cliente A1 LTDA"
    assert console_errors == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_wrong_password_gets_a_clear_message_in_portuguese(
    page, live_server, seller_ana, console_errors
):
    offline(page, live_server)
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Usuário").fill("ana")
    page.get_by_label("Senha").fill("errada")
    page.get_by_role("button", name="Entrar").click()
    alert = page.get_by_role("alert")
    assert "usuário e senha corretos" in alert.inner_text()
    assert console_errors == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_another_sellers_client_url_is_not_found_in_the_browser(
    page, live_server, portfolio, seller_ana
):
    offline(page, live_server)
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Usuário").fill("ana")
    page.get_by_label("Senha").fill(PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    page.wait_for_url(f"{live_server.url}/portfolio/")
    response = page.goto(f"{live_server.url}/clients/{portfolio['C1'].pk}/")
    assert response.status == 404
