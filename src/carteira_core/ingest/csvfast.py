"""A CSV file's data rows as Polars columns in one read, where that is provably the same
reading as the streaming reader (``readers``); ``None`` where it might not be.

The streaming reader decodes chunk by chunk, cuts physical lines at ``\\r\\n``, ``\\r``
or ``\\n`` and hands them to ``csv.reader`` (``"`` quotes), skipping records whose fields
are all blank, and numbers each record by its first physical line. Without a ``"``, a NUL
or a lone ``\\r`` in the file, every record is one line and its fields are the line split
at the separator — what Polars does here for the whole file at once. Anything else (a
quote, an undecodable byte, a line over a limit) is left to the streaming reader, which
also gives the exact refusal.
"""

from __future__ import annotations

import codecs
import os
import re
from dataclasses import dataclass
from typing import cast

import polars as pl

from carteira_core.ingest.tables import FileInfo, Limits

_BOMS = {"utf-8-sig": codecs.BOM_UTF8, "utf-16-le": codecs.BOM_UTF16_LE,
         "utf-16-be": codecs.BOM_UTF16_BE}  # fmt: skip
_LINE_COLUMN = "\x1e"  # read_csv's separator: absent from the file (checked), so one column
# Python's str.strip() also strips \x1c-\x1f, which Rust's \s does not match.
_BLANK_CHARS = r"\s\x1c-\x1f"


@dataclass(frozen=True, slots=True)
class Cells:
    """The non-blank data records: their first physical line and their fields."""

    lines: pl.Series  # Int64
    fields: pl.Series  # List[String]: a record's fields as csv.reader gives them

    def __len__(self) -> int:
        return len(self.lines)


def read_cells(path: str | os.PathLike[str], info: FileInfo, limits: Limits) -> Cells | None:
    """The data records of a CSV ``path`` already opened (``info``) by ``open_table``, or
    None when this file must go through the streaming reader."""
    if info.format != "csv" or info.separator is None or info.encoding is None:
        return None
    with open(path, "rb") as stream:
        data = stream.read(limits.max_file_bytes + 1)
    if len(data) > limits.max_file_bytes:
        return None
    body = _utf8_body(data, info.encoding)
    del data  # every copy of the file is let go as soon as the next one exists
    if body is None or any(mark in body for mark in (b'"', b"\x00", _LINE_COLUMN.encode())):
        return None
    if body.count(b"\r") != body.count(b"\r\n"):  # a lone \r ends a line there
        return None
    text = pl.read_csv(body, separator=_LINE_COLUMN, has_header=False, quote_char=None,
                       schema={"text": pl.String}, raise_if_empty=False).to_series()  # fmt: skip
    del body
    text = text.fill_null("")
    if len(text) and cast(int, text.str.len_chars().max() or 0) + 2 > min(
        limits.max_record_chars, limits.max_cell_chars
    ):
        return None  # a limit may be reached: the streaming reader says which, exactly
    lines = pl.int_range(1, len(text) + 1, dtype=pl.Int64, eager=True)
    separator = re.escape(info.separator)
    blank = text.str.contains(f"^(?:[{_BLANK_CHARS}]|{separator})*$")
    keep = ~blank & (lines > info.header_line)
    if int(keep.sum()) > limits.max_rows:
        return None
    if not keep.all():
        text, lines = text.filter(keep), lines.filter(keep)
    fields = text.str.split(info.separator)
    del text
    if len(fields) and cast(int, fields.list.len().max() or 0) > limits.max_columns:
        return None
    return Cells(lines, fields)


def _utf8_body(data: bytes, encoding: str) -> bytes | None:
    """The file as UTF-8 bytes (its BOM dropped), or None when it does not decode as the
    streaming reader would decode it."""
    bom = _BOMS.get(encoding, b"")
    if bom and data.startswith(bom):
        data = data[len(bom) :]
    if encoding in ("utf-8", "utf-8-sig"):
        try:  # the streaming reader's cp1252 fallback applies only when this fails
            data.decode("utf-8")
        except UnicodeDecodeError:
            return None
        return data
    if data.isascii() and encoding in ("cp1252", "latin-1"):
        return data
    try:
        return data.decode(encoding).encode("utf-8", "surrogatepass")
    except (UnicodeDecodeError, UnicodeEncodeError):
        return None
