"""The xlsx half of ``open_table``: a checked container, then openpyxl read-only."""

from __future__ import annotations

import os
import re
import tempfile
import zipfile
from collections.abc import Iterator
from typing import BinaryIO
from xml.parsers import expat

import openpyxl
from defusedxml import DefusedXmlException
from openpyxl.packaging.manifest import Manifest
from openpyxl.reader.excel import _find_workbook_part
from openpyxl.reader.workbook import WorkbookParser
from openpyxl.xml.constants import ARC_CONTENT_TYPES
from openpyxl.xml.functions import fromstring

from carteira_core.ingest.problems import IngestError
from carteira_core.ingest.tables import (
    MB,
    FileInfo,
    Limits,
    RawRow,
    TableReader,
    check_row_shape,
)


def open_xlsx(stream: BinaryIO, name: str, size, limits: Limits, closer) -> TableReader:
    if not openpyxl.DEFUSEDXML:
        # openpyxl parses with defusedxml only when it is importable; never run without.
        raise IngestError("unsafe_xml_parser")
    stream, closer = _seekable(stream, limits, closer)
    archive = scan_zip(stream, limits)
    try:  # counted before openpyxl opens the sheet: it reads a sheet without a
        # <dimension> to its end just to size it
        title, part = _first_sheet_part(archive, limits)
        count_rows(archive, part, title, limits)
    finally:
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


def _first_sheet_part(archive: zipfile.ZipFile, limits: Limits) -> tuple[str, str]:
    """(title, zip member) of the first worksheet, as openpyxl will pick it, read from the
    workbook's manifest and relationships (small parts, parsed with defusedxml)."""
    try:
        package = Manifest.from_tree(fromstring(archive.read(ARC_CONTENT_TYPES)))
        parser = WorkbookParser(archive, _find_workbook_part(package).PartName[1:])
        parser.parse()
        members = set(archive.namelist())
        sheets = [(sheet.name, rel.target) for sheet, rel in parser.find_sheets()
                  if rel.target in members and "chartsheet" not in rel.Type]  # fmt: skip
    except DefusedXmlException as exc:
        raise IngestError("xlsx_xml_forbidden", member="?") from exc
    except Exception as exc:  # openpyxl raises anything from KeyError to TypeError
        raise IngestError("xlsx_unreadable", detail=_short(exc)) from exc
    if not sheets:
        raise IngestError("xlsx_no_sheet")
    if len(sheets) > limits.max_sheets:
        raise IngestError("xlsx_too_many_sheets", count=len(sheets), limit=limits.max_sheets)
    return sheets[0]


# A ``row`` element's start tag, with any namespace prefix. In XML a ``<`` is always
# markup (text and attribute values escape it), so counting these tags counts at least
# the rows openpyxl will read.
_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?row[\s/>]")
_LONGEST_TAG_START = 256  # carried over between chunks: a tag cut at the chunk's end


def count_rows(archive: zipfile.ZipFile, member: str, sheet: str, limits: Limits) -> int:
    """The worksheet's rows, counted on the inflated bytes (≈ 100 MB/s, no XML parsing);
    refuses the sheet as soon as the count passes the limit, before any row is read.

    A 312 MB sheet of 1.2M rows (2 MB zipped, under the ratio limit) is refused after
    ≈ 3 s instead of being parsed row by row for minutes."""
    limit = limits.max_sheet_rows
    rows, carry = 0, b""
    with archive.open(member) as part:
        while chunk := part.read(limits.chunk_bytes * 4):
            data = carry + chunk
            cut = data.rfind(b"<")
            if cut < 0 or len(data) - cut > _LONGEST_TAG_START:
                cut = len(data)
            rows += len(_ROW_TAG.findall(data, 0, cut))
            carry = data[cut:]
            if rows > limit + 1:  # + the header row
                raise IngestError("xlsx_too_many_rows", sheet=sheet, limit=limit)
    rows += len(_ROW_TAG.findall(carry))
    if rows > limit + 1:
        raise IngestError("xlsx_too_many_rows", sheet=sheet, limit=limit)
    return rows


def _records(sheet, limits: Limits) -> Iterator[tuple[int, tuple[object, ...]]]:
    count = 0
    try:
        for line, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if line > limits.max_sheet_rows + 1:
                raise IngestError("xlsx_too_many_rows", sheet=sheet.title,
                                  limit=limits.max_sheet_rows)  # fmt: skip
            cells = tuple(_clean(v) for v in values)
            if all(v is None for v in cells):
                continue
            check_row_shape(line, cells, limits)
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


# The zip container, checked before any XML is parsed ----------------------------------


def scan_zip(stream: BinaryIO, limits: Limits) -> zipfile.ZipFile:
    """Open the xlsx container and refuse it before any XML is parsed if it is hostile.

    Python's zipfile never inflates a member past the size the central directory
    declares, so checking the declared sizes is enough to bound memory and time.
    """
    magic = stream.read(4)
    stream.seek(0)
    if magic.startswith(b"\xd0\xcf\x11\xe0"):
        raise IngestError("xlsx_legacy_xls")
    if magic not in (b"PK\x03\x04", b"PK\x05\x06"):
        raise IngestError("xlsx_not_zip")
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise IngestError("xlsx_not_zip") from exc
    try:
        _check_members(archive, limits)
        _check_no_macros(archive)
        for member in archive.infolist():
            if member.file_size and member.filename.lower().endswith((".xml", ".rels", ".vml")):
                _check_xml_prolog(archive, member, limits)
    except BaseException:
        archive.close()
        raise
    return archive


def _check_members(archive: zipfile.ZipFile, limits: Limits) -> None:
    members = archive.infolist()
    if len(members) > limits.max_zip_members:
        raise IngestError("xlsx_too_many_members", count=len(members), limit=limits.max_zip_members)
    for m in members:
        if m.filename.lower().endswith("sharedstrings.xml") and (
            m.file_size > limits.max_shared_strings_bytes
        ):
            raise IngestError("xlsx_member_too_large", member=m.filename, size=m.file_size,
                              limit=limits.max_shared_strings_bytes)  # fmt: skip
    total = sum(m.file_size for m in members)
    if total > limits.max_uncompressed_bytes:
        raise IngestError(
            "xlsx_uncompressed_too_large", size=total, limit=limits.max_uncompressed_bytes
        )
    for m in members:
        if m.file_size > limits.max_member_bytes:
            raise IngestError(
                "xlsx_member_too_large",
                member=m.filename,
                size=m.file_size,
                limit=limits.max_member_bytes,
            )
        ratio = m.file_size / max(m.compress_size, 1)
        if m.file_size > limits.ratio_floor_bytes and ratio > limits.max_compression_ratio:
            raise IngestError(
                "xlsx_compression_ratio",
                member=m.filename,
                ratio=int(ratio),
                limit=limits.max_compression_ratio,
            )


def _check_no_macros(archive: zipfile.ZipFile) -> None:
    names = {name.lower() for name in archive.namelist()}
    if any(name.endswith("vbaproject.bin") for name in names):
        raise IngestError("xlsx_macro_enabled")
    wanted = "[content_types].xml"
    content_types = next((n for n in archive.namelist() if n.lower() == wanted), None)
    if content_types is None:
        raise IngestError("xlsx_unreadable", detail="no [Content_Types].xml")
    with archive.open(content_types) as part:
        text = part.read(1 * MB).lower()
    if b"macroenabled" in text or b"vbaproject" in text:
        raise IngestError("xlsx_macro_enabled")


class _RootReached(Exception):
    pass


def _check_xml_prolog(archive: zipfile.ZipFile, member: zipfile.ZipInfo, limits: Limits) -> None:
    """Refuse any DTD (the billion-laughs vector) — no xlsx part legitimately has one.

    Only the prolog is read: parsing stops at the root element."""
    parser = expat.ParserCreate()

    def refuse(*_args: object) -> None:
        raise IngestError("xlsx_xml_forbidden", member=member.filename)

    def root(*_args: object) -> None:
        raise _RootReached

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.StartElementHandler = root
    read = 0
    with archive.open(member) as part:
        try:
            while read < limits.max_prolog_bytes:
                chunk = part.read(64 * 1024)
                read += len(chunk)
                parser.Parse(chunk, not chunk)
                if not chunk:
                    return
        except _RootReached:
            return
        except expat.ExpatError as exc:
            raise IngestError("xlsx_unreadable", detail=f"{member.filename}: {exc}") from exc
    raise IngestError("xlsx_xml_forbidden", member=member.filename)
