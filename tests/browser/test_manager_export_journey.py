"""A manager goes from a cell of the matrix to its clients and exports them: the export is
prepared in the background (the page follows it, then offers the file), and the Excel
and CSV files hold exactly the cell's clients (screenshots for docs/guia/exportacao.md)."""

import csv
import io
from pathlib import Path

import openpyxl
import pytest

from carteira.exports.models import ExportJob
from carteira.portfolio.models import ClientSnapshot
from carteira.portfolio.services import do_snapshot
from tests.browser.test_dashboard_journey import log_in
from tests.browser.test_login_journey import SHOTS, offline
from tests.exports.conftest import DATABASE_TASKS, download_export, run_worker
from tests.histories import T


def _largest_cell(page):
    """(link, count) of the matrix cell with the most clients."""
    best = None
    links = page.locator("table.matrix a.cell-link")
    for i in range(links.count()):
        link = links.nth(i)
        count = int(link.locator("strong").inner_text())
        if best is None or count > best[1]:
            best = (link, count)
    return best


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_manager_exports_the_clients_of_a_matrix_cell(
    page, live_server, history, manager_sul, tmp_path, settings
):
    settings.TASKS = DATABASE_TASKS
    settings.MEDIA_ROOT = tmp_path / "media"
    do_snapshot(T, use_adbc=False)
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    offline(page, live_server)
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server, "marta")

    link, count = _largest_cell(page)
    href = link.get_attribute("href")
    link.click()
    page.wait_for_url("**/clients/?*")
    query = dict(pair.split("=", 1) for pair in href.split("?", 1)[1].split("&"))
    expected = sorted(
        ClientSnapshot.objects.filter(
            run__as_of=T,
            abc=query["abc"],
            status=query["status"],
            client__seller__team__manager=manager_sul,
        ).values_list("client__external_id", flat=True)
    )
    assert len(expected) == count >= 1
    shown = sorted(page.locator("#results tbody tr small").all_inner_texts())
    assert shown == expected

    exports = page.locator("p.exports")
    exports.get_by_role("link", name="Excel").click()
    page.locator("#export-job").wait_for()  # 202: the file is being prepared
    page.screenshot(path=SHOTS / "exportacao-preparando.png", full_page=False)
    run_worker()
    ready = page.locator("#export-job a[download]")
    ready.wait_for(timeout=10_000)  # the page polled and now offers the file
    assert page.url.endswith(f"/exports/{ExportJob.objects.get().pk}/")
    page.screenshot(path=SHOTS / "exportacao-pronta.png", full_page=False)
    with page.expect_download() as download_info:
        ready.click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    saved = Path(tmp_path) / download.suggested_filename
    download.save_as(saved)
    sheet = openpyxl.load_workbook(saved).active
    header = [cell.value for cell in sheet[1]]
    ids = sorted(row[header.index("external_id")].value for row in sheet.iter_rows(min_row=2))
    assert ids == expected

    page.go_back()  # to the list: the job's page replaced the request in the history
    page.wait_for_url("**/clients/?*")
    download = download_export(page, exports.get_by_role("link", name="CSV", exact=True))
    assert download.suggested_filename.endswith(".csv")
    text = Path(download.path()).read_bytes().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert sorted(row["external_id"] for row in rows) == expected
    assert {(row["abc"], row["status"]) for row in rows} == {(query["abc"], query["status"])}

    page.goto(f"{live_server.url}/exports/")  # My exports: both files, newest first
    assert page.locator("#export-jobs a[download]").count() == 2
    page.screenshot(path=SHOTS / "exportacao-minhas.png", full_page=False)
    assert errors == []
