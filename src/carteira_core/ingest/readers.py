"""Open a ``.csv`` or ``.xlsx`` file and yield its rows lazily, with physical line numbers.

Memory stays flat whatever the file size: CSV is decoded incrementally chunk by chunk;
XLSX is read with openpyxl's read-only mode after the zip container has been checked
(sizes, ratios, macros, DTDs) *before* any XML is parsed.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
from collections.abc import Iterable, Iterator
from typing import BinaryIO

from carteira_core.ingest.problems import IngestError
from carteira_core.ingest.tables import (
    DEFAULT_LIMITS,
    MB,
    FileInfo,
    Limits,
    RawRow,
    Source,
    TableReader,
    check_row_shape,
)

TEXT_EXTENSIONS = (".csv", ".txt", ".tsv")  # Excel saves "Unicode text" as .txt
XLSX_EXTENSIONS = (".xlsx",)
SEPARATORS = (";", ",", "\t")

__all__ = ["DEFAULT_LIMITS", "MB", "FileInfo", "Limits", "RawRow", "Source", "TableReader"]


def open_table(
    source: Source, *, name: str | None = None, limits: Limits = DEFAULT_LIMITS
) -> TableReader:
    """Open a csv/txt/tsv or xlsx file (path or binary file object) for reading.

    Raises ``IngestError`` for a refused file. The caller closes the reader (or uses
    ``with``); a file object passed in is never closed by us.
    """
    name = name or _source_name(source)
    extension = os.path.splitext(name)[1].lower()
    if extension not in TEXT_EXTENSIONS + XLSX_EXTENSIONS:
        raise IngestError("unsupported_extension", extension=extension or name)
    stream, owned = _open_binary(source)
    try:
        size = _size_of(stream)
        if size is not None and size > limits.max_file_bytes:
            raise IngestError("file_too_large", size=size, limit=limits.max_file_bytes)
        if extension in XLSX_EXTENSIONS:
            # openpyxl takes a command about 0.25 s to import: only for a spreadsheet
            from carteira_core.ingest.xlsx import open_xlsx

            return open_xlsx(stream, name, size, limits, _closer(stream, owned))
        return _open_csv(stream, name, size, limits, _closer(stream, owned))
    except BaseException:
        if owned:
            stream.close()
        raise


def sniff(source: Source, *, name: str | None = None, limits: Limits = DEFAULT_LIMITS) -> FileInfo:
    """Detect encoding, separator and header without reading the whole file."""
    with open_table(source, name=name, limits=limits) as table:
        return table.info


def _source_name(source: Source) -> str:
    if isinstance(source, str | os.PathLike):
        return os.fspath(source)
    return str(getattr(source, "name", "") or "")


def _open_binary(source: Source) -> tuple[BinaryIO, bool]:
    if isinstance(source, str | os.PathLike):
        return open(source, "rb"), True  # closed by the TableReader
    return source, False


def _closer(stream: BinaryIO, owned: bool):
    return stream.close if owned else (lambda: None)


def _size_of(stream: BinaryIO) -> int | None:
    try:
        if not stream.seekable():
            return None
        here = stream.tell()
        end = stream.seek(0, io.SEEK_END)
        stream.seek(here)
        return end - here
    except (OSError, AttributeError):
        return None


# ----------------------------------------------------------------------------- CSV

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)")


class _Utf8ThenCp1252:
    """Strict UTF-8 that falls back to cp1252 if the first non-ASCII byte is not UTF-8.

    The sample decides most files; this covers a big cp1252 file whose first accented
    letter is past the sample. Once non-ASCII text was decoded as UTF-8, an invalid
    byte is a real error (raised), since the two readings would differ.
    """

    def __init__(self) -> None:
        self._utf8 = codecs.getincrementaldecoder("utf-8")("strict")
        self._fallback: codecs.IncrementalDecoder | None = None
        self._ascii_so_far = True

    @property
    def encoding(self) -> str:
        return "cp1252" if self._fallback else "utf-8"

    def decode(self, data: bytes, final: bool = False) -> str:
        if self._fallback:
            return self._fallback.decode(data, final)
        pending = self._utf8.getstate()[0]
        try:
            text = self._utf8.decode(data, final)
        except UnicodeDecodeError:
            if not self._ascii_so_far:
                raise
            self._fallback = codecs.getincrementaldecoder("cp1252")("strict")
            return self._fallback.decode(pending + data, final)
        self._ascii_so_far = self._ascii_so_far and text.isascii()
        return text


def _detect_encoding(sample: bytes, whole: bool) -> tuple[str, int]:
    """(encoding, BOM length). Decided on the sample with a strict UTF-8 trial."""
    for bom, encoding in _BOMS:
        if sample.startswith(bom):
            return encoding, len(bom)
    if b"\x00" in sample:
        odd_zeros = sample[1::2].count(0)
        even_zeros = sample[0::2].count(0)
        half = len(sample) // 2
        if odd_zeros > 0.4 * half and even_zeros < 0.05 * half:
            return "utf-16-le", 0
        if even_zeros > 0.4 * half and odd_zeros < 0.05 * half:
            return "utf-16-be", 0
        raise IngestError("binary_file")
    try:
        codecs.getincrementaldecoder("utf-8")("strict").decode(sample, whole)
        return "utf-8", 0
    except UnicodeDecodeError:
        pass
    try:
        sample.decode("cp1252")
        return "cp1252", 0
    except UnicodeDecodeError:
        return "latin-1", 0


def _decoder(encoding: str):
    if encoding == "utf-8":
        return _Utf8ThenCp1252()
    # utf-8-sig: the BOM is skipped by the caller, the rest is plain UTF-8.
    plain = "utf-8" if encoding == "utf-8-sig" else encoding
    return codecs.getincrementaldecoder(plain)("strict")


class _CsvStream:
    """Bytes → decoded text → physical lines, counting lines and guarding sizes."""

    def __init__(self, stream: BinaryIO, encoding: str, skip: int, limits: Limits) -> None:
        self.stream = stream
        self.encoding = encoding
        self.limits = limits
        self.decoder = _decoder(encoding)
        self.lines_read = 0
        self.bytes_read = 0
        self.record_chars = 0
        self.record_start = 1
        self._skip = skip

    def start_record(self) -> None:
        self.record_chars = 0
        self.record_start = self.lines_read + 1

    def chunks(self, first: bytes) -> Iterator[str]:
        data = first[self._skip :]
        self.bytes_read = len(first)
        while True:
            more = self.stream.read(self.limits.chunk_bytes)
            self.bytes_read += len(more)
            if self.bytes_read > self.limits.max_file_bytes:
                raise IngestError(
                    "file_too_large", size=self.bytes_read, limit=self.limits.max_file_bytes
                )
            try:
                yield self.decoder.decode(data, final=not more)
            except UnicodeDecodeError as exc:
                encoding = getattr(self.decoder, "encoding", self.encoding)
                raise IngestError(
                    "encoding_error", encoding=encoding, line=self.lines_read + 1
                ) from exc
            if not more:
                return
            data = more

    def lines(self, chunks: Iterable[str]) -> Iterator[str]:
        buffer = ""
        for chunk in chunks:
            buffer += chunk
            end = len(buffer) - 1 if buffer.endswith("\r") else len(buffer)
            # Cut after the last line break first: scanning a break-less tail with the
            # regex would be quadratic on one huge line.
            cut = max(buffer.rfind("\n", 0, end), buffer.rfind("\r", 0, end)) + 1
            for match in _LINE.finditer(buffer, 0, cut):
                yield self._counted(match.group())
            buffer = buffer[cut:]
            self._guard(len(buffer))
        if buffer:
            yield self._counted(buffer)

    def _counted(self, line: str) -> str:
        self.lines_read += 1
        self._guard(len(line))
        self.record_chars += len(line)
        return line

    def _guard(self, extra: int) -> None:
        if self.record_chars + extra > self.limits.max_record_chars:
            raise IngestError(
                "record_too_large", line=self.record_start, limit=self.limits.max_record_chars
            )

    @property
    def current_encoding(self) -> str:
        return getattr(self.decoder, "encoding", self.encoding)


def _open_csv(stream: BinaryIO, name: str, size, limits: Limits, closer) -> TableReader:
    sample = stream.read(limits.sample_bytes)
    if not sample:
        raise IngestError("empty_file")
    if sample.startswith(b"PK\x03\x04"):
        raise IngestError("zip_in_csv")
    if sample.startswith(b"\xd0\xcf\x11\xe0"):
        raise IngestError("binary_file")
    whole = len(sample) < limits.sample_bytes
    encoding, bom = _detect_encoding(sample, whole)
    source = _CsvStream(stream, encoding, bom, limits)
    chunks = source.chunks(sample)
    first_text = next(chunks)
    separator = detect_separator(first_text, complete=whole)
    reader = csv.reader(
        source.lines(_prepend(first_text, chunks)), delimiter=separator, strict=False
    )
    records = _records(reader, source, limits)
    try:
        header_line, header = next(records)
    except StopIteration:
        raise IngestError("no_header") from None
    info = FileInfo(
        name=os.path.basename(name),
        format="csv",
        size=size,
        encoding=encoding,
        separator=separator,
        header=tuple(cell.strip() for cell in header),
        header_line=header_line,
    )
    rows = (RawRow(line, tuple(values)) for line, values in records)
    return TableReader(info, rows, closer)


def _prepend(first: str, rest: Iterator[str]) -> Iterator[str]:
    yield first
    yield from rest


def _records(reader, source: _CsvStream, limits: Limits) -> Iterator[tuple[int, list[str]]]:
    """(first line, fields) for each non-blank record, header included."""
    count = 0
    while True:
        source.start_record()
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise IngestError("csv_malformed", line=source.record_start, detail=str(exc)) from exc
        if not any(field.strip() for field in fields):
            continue
        count += 1
        if count > limits.max_rows + 1:
            raise IngestError("too_many_rows", limit=limits.max_rows)
        check_row_shape(source.record_start, fields, limits)
        yield source.record_start, fields


def detect_separator(text: str, *, complete: bool = True) -> str:
    """Pick ``;``, ``,`` or TAB: counted on the header outside quotes, then confirmed by
    the next lines of the sample having the same number of fields (csv.Sniffer guesses
    wrong on pt-BR files, where ``,`` is the decimal point)."""
    lines = text.splitlines(keepends=True)
    if not complete and len(lines) > 1:
        lines = lines[:-1]  # the last one may be cut mid-way
    sample = "".join(lines[:50])
    header = _first_record(sample)
    best, best_score = ",", (-1.0, 0)
    for separator in SEPARATORS:
        columns = _count_outside_quotes(header, separator) + 1
        if columns == 1:
            continue
        try:
            parsed = csv.reader(io.StringIO(sample, newline=""), delimiter=separator)
            records = [r for r in parsed if r][1:20]
        except csv.Error:
            continue
        agreeing = sum(len(r) == columns for r in records) / len(records) if records else 1.0
        score = (agreeing, columns)
        if score > best_score:
            best, best_score = separator, score
    return best


def _first_record(text: str) -> str:
    quoted = False
    for index, char in enumerate(text):
        if char == '"':
            quoted = not quoted
        elif char in "\r\n" and not quoted:
            return text[:index]
    return text


def _count_outside_quotes(text: str, separator: str) -> int:
    count, quoted = 0, False
    for char in text:
        if char == '"':
            quoted = not quoted
        elif char == separator and not quoted:
            count += 1
    return count


# ---------------------------------------------------------------------------- XLSX
