"""What every reader returns: an open table (``TableReader``) of raw rows with what was
detected about the file (``FileInfo``), within the caps of ``Limits``."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO, Literal, Self

MB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Limits:
    """Caps that turn hostile or absurd files into a clear error naming the limit."""

    max_file_bytes: int = 200 * MB
    max_rows: int = 5_000_000
    max_record_chars: int = 1 * MB  # one CSV record, quoted newlines included
    max_uncompressed_bytes: int = 2048 * MB  # whole xlsx, from the zip directory
    max_member_bytes: int = 1536 * MB  # one xlsx part
    max_compression_ratio: int = 250  # deflate tops out near 1032:1; real sheets ~10-50:1
    ratio_floor_bytes: int = 1 * MB  # tiny parts may compress absurdly well; ignore them
    max_zip_members: int = 5_000
    max_prolog_bytes: int = 1 * MB  # XML scanned for a DTD before the root element
    sample_bytes: int = 256 * 1024
    chunk_bytes: int = 256 * 1024


DEFAULT_LIMITS = Limits()


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
