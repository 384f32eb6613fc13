"""The xlsx half of ``open_table``: a checked container, then openpyxl read-only."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from typing import BinaryIO

import openpyxl
from defusedxml import DefusedXmlException

from carteira_core.ingest.problems import IngestError
from carteira_core.ingest.readers import FileInfo, Limits, RawRow, TableReader, scan_zip


def open_xlsx(stream: BinaryIO, name: str, size, limits: Limits, closer) -> TableReader:
    if not openpyxl.DEFUSEDXML:
        # openpyxl parses with defusedxml only when it is importable; never run without.
        raise IngestError("unsafe_xml_parser")
    stream, closer = _seekable(stream, limits, closer)
    archive = scan_zip(stream, limits)
    archive.close()
    stream.seek(0)
    try:
        workbook = openpyxl.load_workbook(
            stream, read_only=True, data_only=True, keep_links=False, keep_vba=False
        )
    except DefusedXmlException as exc:
        raise IngestError("xlsx_xml_forbidden", member="?") from exc
    except Exception as exc:  # openpyxl raises anything from KeyError to TypeError
        raise IngestError("xlsx_unreadable", detail=_short(exc)) from exc
    if not workbook.worksheets:
        workbook.close()
        raise IngestError("xlsx_no_sheet")
    sheet = workbook.worksheets[0]
    sheet.reset_dimensions()  # a lying <dimension> would pad every row to XFD

    def close() -> None:
        workbook.close()
        closer()

    records = _records(sheet, limits)
    try:
        header_line, header = next(records)
    except StopIteration:
        close()
        raise IngestError("no_header") from None
    info = FileInfo(
        name=os.path.basename(name),
        format="xlsx",
        size=size,
        encoding=None,
        separator=None,
        header=tuple("" if cell is None else str(cell).strip() for cell in header),
        header_line=header_line,
        sheet=sheet.title,
    )
    rows = (RawRow(line, values) for line, values in records)
    return TableReader(info, rows, close)


def _records(sheet, limits: Limits) -> Iterator[tuple[int, tuple[object, ...]]]:
    count = 0
    try:
        for line, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if line > limits.max_rows + 1:
                raise IngestError("too_many_rows", limit=limits.max_rows)
            cells = tuple(_clean(v) for v in values)
            if all(v is None for v in cells):
                continue
            count += 1
            yield line, cells
    except IngestError:
        raise
    except DefusedXmlException as exc:
        raise IngestError("xlsx_xml_forbidden", member=sheet.title) from exc
    except Exception as exc:
        raise IngestError("xlsx_unreadable", detail=_short(exc)) from exc


def _clean(value: object) -> object:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _short(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:200]


def _seekable(stream: BinaryIO, limits: Limits, closer):
    """zipfile needs to seek; spool a non-seekable upload to disk, within the size cap."""
    if stream.seekable():
        return stream, closer
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115
    copied = 0
    while chunk := stream.read(1024 * 1024):
        copied += len(chunk)
        if copied > limits.max_file_bytes:
            spool.close()
            raise IngestError("file_too_large", size=copied, limit=limits.max_file_bytes)
        spool.write(chunk)
    spool.seek(0)

    def close() -> None:
        spool.close()
        closer()

    return spool, close
