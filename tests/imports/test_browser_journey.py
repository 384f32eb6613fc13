"""A manager loads an ERP orders file in the browser: upload → preview → map → validate
→ import in the background → progress → report (screenshots for docs/guia/importacao.md)."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command

from carteira.imports.models import ImportRun
from carteira.orders.models import Order
from tests.browser.test_dashboard_journey import log_in
from tests.browser.test_login_journey import offline
from tests.imports.conftest import FIXTURES

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "guia" / "img"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_manager_imports_an_erp_file_and_follows_it_to_the_report(
    page, live_server, manager_sul, erp_clients, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    offline(page, live_server)
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server, "marta")

    page.goto(f"{live_server.url}/imports/")
    page.locator("select[name=kind]").select_option("orders")
    page.locator("input[name=file]").set_input_files(FIXTURES / "orders_cp1252.csv")
    page.get_by_role("button", name="Enviar e ver a prévia").click()
    page.wait_for_url("**/imports/*/")
    assert "cp1252" in page.locator("main").inner_text()
    # The mapper names each field in Portuguese with an example, beside the file's value.
    assert "Número do pedido * (ex.: 9001)" in page.locator("select[name=col_0]").inner_text()
    page.locator("main details summary").click()  # the fields, their examples
    page.screenshot(path=SHOTS / "importacao-mapeamento.png", full_page=True)
    page.get_by_role("button", name="Validar (não grava nada)").click()
    page.locator("form[action$='/commit/']").wait_for()
    page.screenshot(path=SHOTS / "importacao-validacao.png", full_page=True)
    page.reload()  # the report is kept with the run, and Importar is still there
    assert "5 linhas: 5 a criar" in page.locator("#report").inner_text()

    page.get_by_role("button", name="Importar", exact=True).click()
    page.wait_for_url("**/result/")
    page.locator("#import-progress").wait_for()
    page.screenshot(path=SHOTS / "importacao-progresso.png", full_page=True)
    assert Order.objects.count() == 0

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    page.locator("article.message-success").wait_for(timeout=10_000)  # the page polled
    assert "5 linhas: 5 criadas" in page.locator("article").inner_text()
    # The commit queued the portfolio reading: the page follows it until it is done.
    page.locator("#import-reading").wait_for()
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    page.get_by_text("já têm status e classe").wait_for(timeout=10_000)
    page.screenshot(path=SHOTS / "importacao-resultado.png", full_page=True)
    assert ImportRun.objects.get().status == "committed"
    assert Order.objects.get(external_id="9001").amount == Decimal("1234.56")
    assert errors == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_rejected_rows_are_named_by_their_order_number(
    page, live_server, manager_sul, erp_clients
):
    offline(page, live_server)
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server, "marta")
    page.goto(f"{live_server.url}/imports/")
    page.locator("select[name=kind]").select_option("orders")
    page.locator("input[name=file]").set_input_files(FIXTURES / "orders_broken.csv")
    page.get_by_role("button", name="Enviar e ver a prévia").click()
    page.wait_for_url("**/imports/*/")
    page.get_by_role("button", name="Validar (não grava nada)").click()
    page.locator("#report table").wait_for()
    header = page.locator("#report thead").inner_text().split()
    assert header[:2] == ["Linha", "Pedido"]
    page.locator("#report").screenshot(path=SHOTS / "importacao-rejeitadas.png")
