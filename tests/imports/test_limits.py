"""Bounded files (issue 24): the limits of settings apply to every door of the import,
and a file with too many problems is refused without being read to the end."""

import io
import zipfile

import pytest
from django.utils import translation

from carteira.imports.models import ImportRun
from carteira.imports.services import do_import
from carteira.orders.models import Order
from tests.imports.conftest import FIXTURES
from tests.imports.test_web import upload
from tests.personas import PASSWORD

pytestmark = pytest.mark.django_db


def xlsx_with_rows(rows: int) -> bytes:
    """The fixture workbook with its sheet replaced by ``rows`` near-identical rows."""
    cells = "".join(f'<c t="inlineStr"><is><t>{v}</t></is></c>'
                    for v in ("P1", "C101", "01/03/2025", "10"))  # fmt: skip
    body = "".join(f'<row r="{n}">{cells}</row>' for n in range(1, rows + 1))
    sheet = ('<?xml version="1.0" encoding="UTF-8"?>\n<worksheet xmlns="http://schemas.'
             f'openxmlformats.org/spreadsheetml/2006/main"><sheetData>{body}</sheetData>'
             "</worksheet>").encode()  # fmt: skip
    out = io.BytesIO()
    with (
        zipfile.ZipFile(FIXTURES / "orders_excel.xlsx") as old,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new,
    ):
        for item in old.infolist():
            data = sheet if item.filename == "xl/worksheets/sheet1.xml" else old.read(item)
            new.writestr(item.filename, data)
    return out.getvalue()


def test_an_xlsx_with_more_rows_than_the_setting_is_refused_at_upload_in_portuguese(
    client, manager_sul, media, settings
):
    settings.CARTEIRA_IMPORT_LIMITS = {"max_rows": 1_000}
    manager_sul.language = "pt-br"
    manager_sul.save(update_fields=["language"])
    assert client.login(username=manager_sul.username, password=PASSWORD)

    response = upload(client, "bomba.xlsx", xlsx_with_rows(1_002))

    assert response.status_code == 422
    assert "A planilha &#x27;Pedidos&#x27; tem mais de 1000 linhas, o limite" in (
        response.content.decode()
    )
    assert ImportRun.objects.count() == 0
    assert [p.name for p in (media / "imports").iterdir()] == []


def test_a_csv_cell_past_the_setting_is_refused_naming_line_and_column(tmp_path, settings):
    settings.CARTEIRA_IMPORT_LIMITS = {"max_cell_chars": 40}
    path = tmp_path / "pedidos.csv"
    path.write_text("pedido;cliente;data;valor\nP1;C101;01/03/2025;10\nP2;" + "C" * 41
                    + ";01/03/2025;10\n")  # fmt: skip
    with translation.override("en"):
        run, report = do_import("orders", path)
    assert (run.status, run.total, run.created) == ("failed", 0, 0)
    assert run.message == "Line 3, column 2: the cell has 41 characters; the limit is 40."
    assert report.message == run.message
    assert Order.objects.count() == 0


@pytest.mark.parametrize("skip_invalid", [False, True])
def test_past_the_problem_limit_reading_stops_and_nothing_is_written(
    erp_clients, tmp_path, settings, skip_invalid
):
    settings.CARTEIRA_IMPORT_MAX_PROBLEMS = 5
    path = tmp_path / "pedidos.csv"
    rows = [f"P{n};C101;01/03/2025;{'x' if n % 2 else '10'}" for n in range(1, 41)]
    path.write_text("pedido;cliente;data;valor\n" + "\n".join(rows) + "\n")

    with translation.override("en"):
        run, report = do_import("orders", path, skip_invalid=skip_invalid, batch_size=4)

    assert (run.status, run.created, run.updated, run.unchanged) == ("failed", 0, 0, 0)
    assert run.message == (
        "More than 5 rows have problems: reading stopped there and nothing was written. "
        "Fix the file (the report lists the first 5) and send it again."
    )
    assert [e.line for e in report.errors] == [2, 4, 6, 8, 10, 12]  # the batch that passed 5
    assert report.total == 12  # three batches of four rows read, not forty
    assert Order.objects.count() == 0
