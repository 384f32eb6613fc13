"""HTTP responses for exports: CSV streamed line by line, XLSX through a temporary file
(xlsxwriter's constant-memory mode), so 100k rows never sit in memory."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import FileResponse, StreamingHttpResponse

from carteira.exports.writers import csv_lines, write_xlsx

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def csv_response(filename: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]):
    response = StreamingHttpResponse(
        (line.encode("utf-8") for line in csv_lines(columns, rows)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def xlsx_response(filename: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]):
    spool = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - FileResponse closes it
    write_xlsx(columns, rows, spool)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=filename, content_type=XLSX_TYPE)
