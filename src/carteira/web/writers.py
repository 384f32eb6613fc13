"""Writers for rows of plain values (str, int, Decimal, date, bool, None).

Every text cell goes through ``safe_cell`` so a client called ``=HYPERLINK(…)`` is inert
in Excel; numbers stay numbers. CSV and XLSX are written row by row (XLSX in
xlsxwriter's constant-memory mode), so 100k+ rows stream with flat memory.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import IO, Any

from carteira_core.ingest.safe_cells import safe_cell

FORMATS = ("table", "csv", "json", "xlsx")


def write_csv(columns: Sequence[str], rows: Iterable[Sequence[Any]], out: IO[str]) -> int:
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    count = 0
    for row in rows:
        writer.writerow(_csv_cells(row))
        count += 1
    return count


def _csv_cells(row: Sequence[Any]) -> list[Any]:
    return ["" if v is None else safe_cell(_text(v)) for v in row]


class _Line:
    """A file-like sink that hands back what ``csv.writer`` wrote for one row."""

    def write(self, text: str) -> str:
        return text


def csv_lines(
    columns: Sequence[str], rows: Iterable[Sequence[Any]], *, bom: bool = True
) -> Iterator[str]:
    """The CSV as an iterator of lines (for ``StreamingHttpResponse``): memory stays flat.
    ``bom`` starts with U+FEFF so Excel reads the UTF-8 accents right."""
    writer = csv.writer(_Line(), lineterminator="\r\n")
    yield ("\ufeff" if bom else "") + writer.writerow(columns)
    for row in rows:
        yield writer.writerow(_csv_cells(row))


def _text(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def write_xlsx(
    columns: Sequence[str], rows: Iterable[Sequence[Any]], out: IO[bytes], *, sheet: str = "dados"
) -> int:
    options = {
        "constant_memory": True,
        "in_memory": False,
        "strings_to_formulas": False,
        "strings_to_urls": False,
    }
    import xlsxwriter  # only for a spreadsheet: every command would pay it at start

    book = xlsxwriter.Workbook(out, options)
    page = book.add_worksheet(sheet)
    bold = book.add_format({"bold": True})
    date_format = book.add_format({"num_format": "dd/mm/yyyy"})
    for col, name in enumerate(columns):
        page.write_string(0, col, name, bold)
    count = 0
    for count, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, bool):
                page.write_boolean(count, col, value)
            elif isinstance(value, int | float | Decimal):
                page.write_number(count, col, float(value))
            elif isinstance(value, dt.date):
                page.write_datetime(count, col, dt.datetime.combine(value, dt.time()), date_format)
            else:
                page.write_string(count, col, safe_cell(str(value)))
    book.close()
    return count


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def to_json(value: Any) -> str:
    """JSON with money as numbers (Decimal → exact shortest float text) and ISO dates."""
    return json.dumps(value, ensure_ascii=False, indent=2, default=_json_default)


def write_table(columns: Sequence[str], rows: Iterable[Sequence[Any]], out: IO[str]) -> int:
    """An aligned plain-text table for terminals."""
    rendered = [[_cell(v) for v in row] for row in rows]
    widths = [len(c) for c in columns]
    for row in rendered:
        widths = [max(w, len(v)) for w, v in zip(widths, row, strict=True)]
    out.write("  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip() + "\n")
    for row in rendered:
        out.write("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip() + "\n")
    return len(rendered)


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".")
    return str(_text(value))


def rows_as_text(columns, rows, fmt: str) -> str | bytes:
    if fmt == "xlsx":
        workbook = io.BytesIO()
        write_xlsx(columns, rows, workbook)
        return workbook.getvalue()
    buffer = io.StringIO()
    if fmt == "csv":
        write_csv(columns, rows, buffer)
        return buffer.getvalue()
    write_table(columns, rows, buffer)
    return buffer.getvalue()
