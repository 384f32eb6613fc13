"""The issue's "done when", as a new manager would try it in pt-BR: from the dashboard,
which A clients of which seller became pre-inactive this month; open one, see why; export
the list."""

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from carteira.portfolio.services import do_snapshot
from tests.browser.test_dashboard_journey import log_in
from tests.browser.test_login_journey import SHOTS, offline
from tests.exports.conftest import DATABASE_TASKS, download_export
from tests.histories import T


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_manager_finds_the_a_clients_that_became_pre_inactive_and_exports_them(
    page, live_server, history, manager_sul, tmp_path, settings
):
    settings.TASKS = DATABASE_TASKS  # the export is prepared by the worker
    settings.MEDIA_ROOT = tmp_path / "media"
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    do_snapshot(T - dt.timedelta(days=30), use_adbc=False)
    do_snapshot(T, use_adbc=False)
    offline(page, live_server)
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server, "marta")

    # The dashboard's moves: active → pre-inactive, one client of class A.
    moves = page.locator("table.flows")
    move = moves.locator("tr", has_text="Ativo").filter(has_text="Pré-inativo")
    assert move.locator("td").nth(2).inner_text() == "1"
    moves.scroll_into_view_if_needed()
    page.screenshot(path=SHOTS / "painel-movimentacoes.png", full_page=False)
    page.locator("a.flow-link[data-flow='active-pre_inactive-A']").click()

    # The list: who they are and whose.
    page.wait_for_url("**/clients/?*previous=active*")
    rows = page.locator("#results tbody tr")
    assert rows.count() == 1
    assert rows.first.locator("small").inner_text() == "A2"
    assert "Ana Souza" in rows.first.inner_text()
    assert page.locator("select[name=previous]").input_value() == "active"
    assert page.locator("select[name=abc]").input_value() == "A"
    page.screenshot(path=SHOTS / "lista-pre-inativos-a.png", full_page=True)

    # The client: why it is pre-inactive.
    rows.first.get_by_role("link").click()
    page.wait_for_url("**/clients/*/")
    assert page.locator(".badge.status-pre_inactive").first.inner_text() == "Pré-inativo"
    reason = page.locator("#status-reason").inner_text()
    assert "91" in reason and "90" in reason and reason.endswith(" ativo.")
    page.locator(".cards").first.screenshot(path=SHOTS / "cliente-por-que.png")

    # Back to the list, and the list to a spreadsheet.
    page.go_back()
    download = download_export(page, page.locator("p.exports").get_by_role("link", name="Excel"))
    saved = Path(tmp_path) / download.suggested_filename
    download.save_as(saved)
    sheet = openpyxl.load_workbook(saved).active
    header = [cell.value for cell in sheet[1]]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]
    assert [(r[header.index("external_id")], r[header.index("seller")]) for r in rows] == [
        ("A2", "Ana Souza")
    ]
    assert errors == []
