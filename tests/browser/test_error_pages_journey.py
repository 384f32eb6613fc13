"""A seller types a manager's address, and then a wrong one: the product's own pages in
pt-BR, with the menu and a way back, in real Chromium."""

import pytest

from tests.browser.test_accessibility import violations
from tests.browser.test_login_journey import SHOTS, offline
from tests.personas import PASSWORD


@pytest.fixture
def browser_context_args(browser_context_args):
    # axe is injected as an inline script, which the Content-Security-Policy forbids.
    return {**browser_context_args, "locale": "pt-BR", "bypass_csp": True}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_seller_typing_a_managers_address_gets_the_refusal_page_and_finds_the_way_back(
    page, live_server, portfolio, seller_ana, console_errors
):
    offline(page, live_server)
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Usuário").fill("ana")
    page.get_by_label("Senha").fill(PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    page.wait_for_url(f"{live_server.url}/portfolio/")

    response = page.goto(f"{live_server.url}/distribution/")
    assert response.status == 403
    assert page.locator("h1").inner_text() == "Você não tem acesso a esta página"
    assert page.get_by_text("Esta página é para gestores e a equipe central.").is_visible()
    assert page.get_by_role("link", name="Clientes", exact=True).is_visible()  # the menu
    assert page.title() == "Você não tem acesso a esta página · Carteira"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / "acesso-negado.png")
    assert violations(page) == []

    response = page.goto(f"{live_server.url}/clientes/")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "Página não encontrada"
    page.screenshot(path=SHOTS / "pagina-nao-encontrada.png")
    assert violations(page) == []

    # Typed addresses have no previous page of ours: no "Voltar", the way home instead.
    assert page.get_by_role("button", name="Voltar").count() == 0
    page.get_by_role("button", name="Ir para a carteira").click()
    page.wait_for_url(f"{live_server.url}/portfolio/")
    # Chromium logs the refused documents themselves; nothing else may fail on the pages.
    assert console_errors == [
        "Failed to load resource: the server responded with a status of 403 (Forbidden)",
        "Failed to load resource: the server responded with a status of 404 (Not Found)",
    ]
