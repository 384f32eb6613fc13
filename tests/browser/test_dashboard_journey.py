"""A manager reads the dashboard, opens a cell of the matrix and the client behind it."""

import pytest

from carteira.portfolio.services import do_snapshot
from tests.browser.test_login_journey import SHOTS, offline
from tests.histories import T
from tests.personas import PASSWORD


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Usuário").fill(username)
    page.get_by_label("Senha").fill(PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    page.wait_for_url(f"{live_server.url}/portfolio/")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_manager_goes_from_the_matrix_to_the_pre_inactive_client(
    page,
    live_server,
    history,
    manager_sul,
):
    do_snapshot(T)
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    offline(page, live_server)
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server, "marta")
    assert page.locator("#kpi-positivation .kpi-value").inner_text() == "25,0%"
    page.screenshot(path=SHOTS / "painel.png", full_page=True)
    page.locator("table.matrix a.cell-link[href*='status=pre_inactive']").first.click()
    page.wait_for_url("**/clients/?*status=pre_inactive*")
    assert page.locator("#results tbody tr small").all_inner_texts() == ["A2"]
    page.locator("#results a", has_text="Cliente A2").click()
    assert page.locator(".badge.status-pre_inactive").first.inner_text() == "Pré-inativo"
    page.screenshot(path=SHOTS / "cliente.png", full_page=True)
    assert errors == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_seller_on_a_phone_sees_their_own_dashboard(page, live_server, history, seller_ana):
    do_snapshot(T)
    offline(page, live_server)
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server, "ana")
    assert page.locator("#kpi-positivation .kpi-value").inner_text() == "50,0%"
    page.screenshot(path=SHOTS / "painel-vendedor-celular.png", full_page=True)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_manager_reads_the_indicators_of_the_quarter_and_the_page_names_it(
    page, live_server, history, manager_sul, console_errors
):
    do_snapshot(T)
    offline(page, live_server)
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server, "marta")
    assert "Período de 01/06/2026 a 30/06/2026" in page.locator("hgroup").inner_text()
    page.get_by_label("Indicadores de").select_option(label="trimestre")
    page.get_by_role("button", name="Mostrar").click()
    page.wait_for_url("**/portfolio/?*period=quarter*")
    heading = page.locator("hgroup").inner_text()
    assert "Período de 01/04/2026 a 30/06/2026" in heading
    assert "comparado com 01/01/2026 a 31/03/2026" in heading
    page.screenshot(path=SHOTS / "painel-trimestre.png", full_page=True)
    assert console_errors == []
