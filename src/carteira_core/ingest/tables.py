"""What every reader returns: an open table (``TableReader``) of raw rows with what was
detected about the file (``FileInfo``), within the caps of ``Limits``."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO, Literal, Self

from carteira_core.ingest.problems import IngestError

MB = 1024 * 1024


# Excel's own grid and cell limits: a workbook beyond them was not written by Excel.
EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_CELL_CHARS = 32_767


@dataclass(frozen=True, slots=True)
class Limits:
    """Caps that turn hostile or absurd files into a clear error naming the limit.

    Each is checked while the file streams, before the rows are worked on: the xlsx
    container and its worksheet's row count before any row is parsed, columns and cell
    lengths as each row is read (the web layer builds these from settings:
    ``carteira.imports.limits``)."""

    max_file_bytes: int = 200 * MB
    max_rows: int = 5_000_000  # xlsx: also Excel's 1,048,576
    max_columns: int = 256  # a schema has ≤ 15 fields; ERP exports carry more
    max_cell_chars: int = EXCEL_MAX_CELL_CHARS
    max_record_chars: int = 1 * MB  # one CSV record, quoted newlines included
    max_uncompressed_bytes: int = 1024 * MB  # whole xlsx, from the zip directory
    max_member_bytes: int = 768 * MB  # one xlsx part (a full 1M-row sheet ≈ 300 MB)
    max_shared_strings_bytes: int = 256 * MB  # openpyxl holds them all in memory
    max_sheets: int = 64
    max_compression_ratio: int = 250  # deflate tops out near 1032:1; real sheets ~10-50:1
    ratio_floor_bytes: int = 1 * MB  # tiny parts may compress absurdly well; ignore them
    max_zip_members: int = 5_000
    max_prolog_bytes: int = 1 * MB  # XML scanned for a DTD before the root element
    sample_bytes: int = 256 * 1024
    chunk_bytes: int = 256 * 1024
    # A CSV up to this size yields its batches from the column pass (``columns``), which
    # holds the file's records (≈ 5× the file); a larger one is validated row by row, its
    # memory flat while the writer works (ADR 0026). Its refusal check runs at any size.
    max_column_batches_bytes: int = 64 * MB

    @property
    def max_sheet_rows(self) -> int:
        return min(self.max_rows, EXCEL_MAX_ROWS)


DEFAULT_LIMITS = Limits()


def check_row_shape(line: int, cells: tuple | list, limits: Limits) -> None:
    """Refuse a row with a value past the column limit, or a cell past the length limit."""
    if len(cells) > limits.max_columns and any(
        v is not None and v != "" for v in cells[limits.max_columns :]
    ):
        raise IngestError("too_many_columns", line=line, count=len(cells),
                          limit=limits.max_columns)  # fmt: skip
    try:  # a CSV row is all text
        longest = max(map(len, cells), default=0)
    except TypeError:  # an xlsx row holds numbers and dates too
        longest = max((len(v) for v in cells if type(v) is str), default=0)
    if longest > limits.max_cell_chars:
        column = next(i for i, v in enumerate(cells) if type(v) is str and len(v) == longest)
        raise IngestError("cell_too_long", line=line, column=column + 1, length=longest,
                          limit=limits.max_cell_chars)  # fmt: skip


@dataclass(frozen=True, slots=True)
class FileInfo:
    """What was detected; the web preview shows it."""

    name: str
    format: Literal["csv", "xlsx"]
    size: int | None
    encoding: str | None  # csv: utf-8, utf-8-sig, utf-16-le, utf-16-be, cp1252, latin-1
    separator: str | None  # csv: ";", "," or "\t"
    header: tuple[str, ...]
    header_line: int
    sheet: str | None = None  # xlsx: the first worksheet's title


@dataclass(frozen=True, slots=True)
class RawRow:
    """One data row: its first physical line (header = 1) and its cells as read."""

    line: int
    values: tuple[object, ...]


type Source = str | os.PathLike[str] | BinaryIO


class TableReader:
    """An open table: ``info`` describes it; iterating yields ``RawRow`` once."""

    def __init__(self, info: FileInfo, rows: Iterator[RawRow], closer) -> None:
        self.info = info
        self._rows = rows
        self._closer = closer

    def __iter__(self) -> Iterator[RawRow]:
        return self._rows

    def close(self) -> None:
        self._closer()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
