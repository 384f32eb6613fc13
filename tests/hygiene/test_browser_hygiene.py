"""The data-quality page in a Brazilian browser: a manager sees the counts, places the
clients without coordinates on their municipality and reviews the possible duplicates
(screenshots for docs/guia/qualidade-dos-dados.md)."""

from pathlib import Path

import pytest

from carteira.clients.models import Client
from tests.browser.test_dashboard_journey import log_in
from tests.browser.test_login_journey import offline

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "guia" / "img"


def tab(page, check):
    return page.locator(f"a[data-check={check}] .count").inner_text()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_director_fixes_what_the_data_quality_page_lists(page, live_server, flawed, director):
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    offline(page, live_server)
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, live_server, "diretor")

    page.locator("nav summary", has_text="Dados").click()  # the menu's group
    page.get_by_role("link", name="Qualidade dos dados").click()
    page.wait_for_url("**/data-quality/")
    checks = ("coordinates", "segment", "document", "duplicates", "contacts")
    counts = {check: tab(page, check) for check in checks}
    assert counts == {"coordinates": "3", "segment": "2", "document": "3", "duplicates": "2",
                      "contacts": "2"}  # fmt: skip
    page.screenshot(path=SHOTS / "qualidade-dos-dados.png", full_page=True)

    page.get_by_role("button", name="Posicionar os 3 clientes listados").click()
    page.locator(".message-success, [role=status]").first.wait_for()
    assert tab(page, "coordinates") == "0"
    assert "3 clientes posicionados na sede do município." in page.locator("body").inner_text()
    assert Client.objects.filter(latitude__isnull=True).count() == 0

    page.locator("a[data-check=segment]").click()
    page.get_by_role("checkbox", name="Marcar A2").check()
    page.get_by_placeholder("Segmento").fill("padarias")
    page.get_by_role("button", name="Aplicar aos clientes marcados").click()
    page.wait_for_load_state()
    assert tab(page, "segment") == "1"
    assert Client.objects.get(external_id="A2").segment == "padarias"

    page.locator("a[data-check=duplicates]").click()
    page.locator("article.duplicate-group").first.wait_for()
    page.screenshot(path=SHOTS / "qualidade-duplicados.png", full_page=True)
    first_group = page.locator("article.duplicate-group").first
    first_group.get_by_role("button", name="Não são duplicados (revisado)").click()
    page.wait_for_load_state()
    assert tab(page, "duplicates") == "1"

    # Merging asks first: what moves from each client, what fills the one that stays.
    page.locator("article.duplicate-group").first.get_by_role(
        "button", name="Unificar no escolhido"
    ).click()
    page.get_by_role("button", name="Confirmar a unificação").wait_for()
    assert "1 contato" in page.locator("table.merge-preview").inner_text()
    page.screenshot(path=SHOTS / "qualidade-unificar.png", full_page=True)
    page.get_by_role("button", name="Confirmar a unificação").click()
    page.wait_for_url("**/data-quality/**")
    assert tab(page, "duplicates") == "0"
    assert not Client.objects.filter(external_id="A2").exists()
    assert errors == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_seller_sees_their_own_flaws_and_no_fixes(page, live_server, flawed, seller_ana):
    offline(page, live_server)
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, live_server, "ana")
    page.goto(f"{live_server.url}/data-quality/?check=document")
    assert tab(page, "document") == "1"
    assert page.locator("tbody tr").count() == 1
    assert "A2" in page.locator("tbody").inner_text()
    assert page.locator(".bulk-fix").count() == 0
