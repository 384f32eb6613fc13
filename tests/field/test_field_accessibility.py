"""axe-core finds no critical or serious accessibility violation in the field app (the
agenda, a client card with its forms) nor on the managers' field-visits page, and the app
writes no error to the console."""

import pytest

from tests.browser.test_accessibility import violations
from tests.field.test_offline_browser import PHONE, log_in, shops_to_visit, until


@pytest.fixture
def browser_context_args(browser_context_args):
    # axe is injected as an inline script, which the Content-Security-Policy forbids.
    return {**browser_context_args, "locale": "pt-BR", "bypass_csp": True, "viewport": PHONE}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_field_app_has_no_serious_violations(page, live_server, seller_ana, console_errors):
    first, _second, _third = shops_to_visit(seller_ana)
    log_in(page, live_server.url, "ana")
    page.wait_for_selector("body[data-ready='1']")
    until(page, "document.getElementById('synced').textContent.startsWith('Sincronizado em')")
    assert violations(page) == []
    page.goto(f"{live_server.url}/campo/#cliente/{first.pk}")
    page.get_by_role("heading", name="Supermercado Bom Fim").wait_for()
    page.locator("details.log summary").first.click()
    assert violations(page) == []
    assert console_errors == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_field_visits_page_has_no_serious_violations(page, live_server, manager_sul):
    page.goto(f"{live_server.url}/login/?next=/campo/equipe/")
    page.get_by_label("Usuário").fill("marta")
    page.get_by_label("Senha").fill("senha-forte-123")
    page.get_by_role("button", name="Entrar").click()
    page.wait_for_url(f"{live_server.url}/campo/equipe/")
    assert violations(page) == []
