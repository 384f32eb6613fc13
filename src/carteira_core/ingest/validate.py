"""Turn raw rows into typed records and row errors, in batches, in one streaming pass.

Duplicate keys inside the file are found with an index of key → first line (keys only,
never rows; ``keyindex`` keeps ≈ 20 bytes a key). Because batches are yielded as they
fill, the *first* occurrence of a duplicated key may already have gone out as a valid
record in an earlier batch; the batch that finds the duplicate then lists that line in
``revoked_lines`` and carries an error for it. In all-or-nothing mode any error aborts
the run, so nothing changes; in ``--skip-invalid`` mode the writer must undo (or never
commit) the revoked lines — e.g. by writing everything in one transaction and deleting
revoked lines before commit.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from carteira_core.ingest.headers import ColumnMapping, HeaderMap, map_headers, schema_for
from carteira_core.ingest.keyindex import KeyIndex, digest
from carteira_core.ingest.problems import IngestError, RowError, ValueProblem
from carteira_core.ingest.readers import RawRow
from carteira_core.ingest.report import ImportSummary
from carteira_core.ingest.schemas import Record, UniqueKey
from carteira_core.ingest.vector import DEFER, EMPTY, VECTOR_PARSERS, text_column

DEFAULT_BATCH_SIZE = 5_000


@dataclass(frozen=True, slots=True)
class Batch:
    records: tuple[Record, ...]
    errors: tuple[RowError, ...]
    revoked_lines: tuple[int, ...] = ()  # lines yielded valid in an earlier batch, now not


@dataclass(slots=True)
class _Pending:
    records: dict[int, Record] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    revoked: list[int] = field(default_factory=list)

    def take(self) -> Batch:
        batch = Batch(tuple(self.records.values()), tuple(self.errors), tuple(self.revoked))
        self.records, self.errors, self.revoked = {}, [], []
        return batch


class RowValidator:
    """Validates the rows of one file against one kind's schema.

    Raises ``IngestError("invalid_header", errors=...)`` when required columns are missing
    or a field is fed by two columns. Counts live in ``summary``.
    """

    def __init__(
        self,
        kind: str,
        header: Sequence[str],
        *,
        mapping: ColumnMapping | None = None,
        header_line: int = 1,
    ) -> None:
        self.schema = schema_for(kind)
        self.header_map: HeaderMap = map_headers(kind, header, mapping, header_line=header_line)
        if self.header_map.errors:
            raise IngestError(
                "invalid_header", errors=self.header_map.errors, count=len(self.header_map.errors)
            )
        self.summary = ImportSummary(kind=kind, ignored_columns=self.header_map.unknown)
        self._columns = [
            (spec, self.header_map.index.get(spec.name)) for spec in self.schema.fields
        ]
        self._width = len(header)
        self._names = tuple(spec.name for spec in self.schema.fields)
        record_fields = tuple(f.name for f in dataclasses.fields(self.schema.record_type))
        self._positional = record_fields == ("line", *self._names)
        self._keys = [_KeyReader(key, self._names) for key in self.schema.unique]
        self._index = [KeyIndex() for _ in self.schema.unique]  # earlier chunks' keys
        self._recent: list[dict[bytes, int]] = [{} for _ in self.schema.unique]  # this chunk's
        self._reported: set[int] = set()  # first lines already flagged as duplicates

    def batches(self, rows: Iterable[RawRow], *, size: int = DEFAULT_BATCH_SIZE) -> Iterator[Batch]:
        pending = _Pending()
        for chunk in _chunks(rows, size):
            values, errors = self._parse_values(chunk)
            known = self._known_keys(values) if self._keys else [()] * len(chunk)
            for row, row_values, row_errors, row_keys in zip(
                chunk, values, errors, known, strict=True
            ):
                self._accept(row, row_values, row_errors, pending, row_keys)
            for index, recent in zip(self._index, self._recent, strict=True):
                index.add(recent)
                recent.clear()
            if len(pending.records) + len(pending.errors) >= size:
                yield pending.take()
        batch = pending.take()
        if batch.records or batch.errors or batch.revoked_lines:
            yield batch

    def _accept(
        self, row: RawRow, values: tuple, errors: list[RowError], pending: _Pending, keys: tuple
    ) -> None:
        line = row.line
        self.summary.total += 1
        if not errors and self.schema.check is not None:
            errors += self._row_checks(line, values)
        if self._keys:
            errors += self._duplicates(line, values, pending, keys, valid=not errors)
        if errors:
            self.summary.invalid += 1
            key = self._row_key(row)
            pending.errors.extend(dataclasses.replace(error, key=key) for error in errors)
        else:
            self.summary.valid += 1
            if self._positional:
                pending.records[line] = self.schema.record_type(line, *values)
            else:
                kwargs = dict(zip(self._names, values, strict=True))
                pending.records[line] = self.schema.record_type(line=line, **kwargs)

    def _row_checks(self, line: int, values: tuple) -> list[RowError]:
        assert self.schema.check is not None
        row = dict(zip(self._names, values, strict=True))
        return [
            RowError.make(line, self._column(name), _shown(row.get(name)), code, **params)
            for name, code, params in self.schema.check(row)
        ]

    def parse(self, row: RawRow) -> tuple[dict[str, object], list[RowError]]:
        """Parse one row's cells: (values by field, errors). No duplicate check."""
        return self.parse_chunk([row])[0]

    def parse_chunk(self, rows: Sequence[RawRow]) -> list[tuple[dict[str, object], list[RowError]]]:
        """Parse rows column by column: the fast path (``vector``) where a column of text
        cells takes it, the scalar parser for every cell it defers. Same results, cell for
        cell, as parsing each row alone; errors in (extra values, field order) per row."""
        values, errors = self._parse_values(rows)
        return [
            (dict(zip(self._names, row_values, strict=True)), row_errors)
            for row_values, row_errors in zip(values, errors, strict=True)
        ]

    def _parse_values(self, rows: Sequence[RawRow]) -> tuple[list[tuple], list[list[RowError]]]:
        """(one tuple of values in field order per row, the errors of each row)."""
        errors: list[list[RowError]] = [self._extra_values(row) for row in rows]
        columns = [self._parse_column(spec, position, rows, errors)
                   for spec, position in self._columns]  # fmt: skip
        return list(zip(*columns, strict=True)), errors

    def _extra_values(self, row: RawRow) -> list[RowError]:
        if len(row.values) <= self._width:
            return []
        extra = [x for x in row.values[self._width :] if x is not None and str(x).strip()]
        if not extra:
            return []
        return [RowError.make(row.line, "", extra[0], "extra_values", count=len(row.values),
                              expected=self._width)]  # fmt: skip

    def _parse_column(self, spec, position, rows, errors) -> list[object]:
        if position is None:
            return [spec.default] * len(rows)
        cells = [row.values[position] if position < len(row.values) else None for row in rows]
        fast = VECTOR_PARSERS.get(spec.parser)
        series = text_column(cells) if fast is not None else None
        values = [DEFER] * len(cells) if fast is None or series is None else fast(series)
        for index in [i for i, value in enumerate(values) if value is DEFER or value is EMPTY]:
            values[index] = self._parse_cell(spec, cells[index], rows[index].line, errors[index])
        return values

    def _parse_cell(self, spec, raw, line: int, errors: list[RowError]) -> object:
        """The scalar path: one cell, the reference behaviour."""
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if spec.required:
                errors.append(RowError.make(line, self._column(spec.name), "", "required"))
            return spec.default
        try:
            return spec.parser(raw)
        except ValueProblem as problem:
            errors.append(RowError.from_problem(line, self._column(spec.name), raw, problem))
            return None

    def _row_key(self, row: RawRow) -> str:
        """The row's key cell as the file wrote it (also when it failed to parse)."""
        position = self.header_map.index.get(self.schema.row_key)
        if position is None or position >= len(row.values) or row.values[position] is None:
            return ""
        text = str(row.values[position]).strip()
        return text if len(text) <= 64 else text[:64] + "…"

    def _column(self, field_name: str) -> str:
        position = self.header_map.index.get(field_name)
        return self.header_map.columns[position] if position is not None else field_name

    def _known_keys(self, values: list[tuple]) -> list[tuple[tuple[bytes | None, int], ...]]:
        """Per row, per unique key: (its digest or None, the line an earlier chunk saw it on
        or 0) — one index lookup per key for the whole chunk."""
        per_key = []
        for reader, index in zip(self._keys, self._index, strict=True):
            digests = [None if (key := reader.key_of(v)) is None else digest(key) for v in values]
            earlier = iter(index.lookup([d for d in digests if d is not None]))
            per_key.append([(d, 0 if d is None else next(earlier)) for d in digests])
        return list(zip(*per_key, strict=True))

    def _duplicates(
        self, line: int, values: tuple, pending: _Pending, keys: tuple, *, valid: bool
    ) -> list[RowError]:
        """Errors for keys already seen; the first line of each gets one error too.

        A key's entry is its first line, negated when that line was invalid."""
        errors: list[RowError] = []
        new_keys = []
        for reader, recent, (key, earlier) in zip(self._keys, self._recent, keys, strict=True):
            if key is None:
                continue
            entry = recent.get(key) or earlier
            if not entry:
                new_keys.append((recent, key))
                continue
            first = abs(entry)
            key_spec = reader.spec
            column = self._column(key_spec.fields[-1])
            shown = " / ".join(str(values[i]) for i in reader.positions)
            errors.append(self._dup_error(line, column, shown, key_spec.label, first))
            if first not in self._reported:
                self._reported.add(first)
                first_error = self._dup_error(first, column, shown, key_spec.label, line)
                first_key = self._first_key(first, key_spec, shown, pending)
                pending.errors.append(dataclasses.replace(first_error, key=first_key))
                if entry > 0:
                    self._revoke(first, pending)
        for recent, key in new_keys:
            recent[key] = line if valid and not errors else -line
        return errors

    def _first_key(self, first: int, key_spec: UniqueKey, shown: str, pending: _Pending) -> str:
        """The row key of a duplicate's first line: the duplicated value when it is the row
        key, else the record's (when still in this batch); empty when gone by."""
        if key_spec.fields == (self.schema.row_key,):
            return shown
        record = pending.records.get(first)
        value = getattr(record, self.schema.row_key, None) if record is not None else None
        return "" if value is None else str(value)

    def _dup_error(self, line: int, column: str, shown: str, label: str, other: int) -> RowError:
        return RowError.make(line, column, shown, "duplicate_key", field=label, other_line=other)

    def _revoke(self, line: int, pending: _Pending) -> None:
        """A line counted valid turns invalid: drop it, or tell the writer it went out."""
        if pending.records.pop(line, None) is None:
            pending.revoked.append(line)
        self.summary.valid -= 1
        self.summary.invalid += 1


class _KeyReader:
    """A ``UniqueKey`` read from a row's value tuple (the common one-field case is cheap)."""

    def __init__(self, spec: UniqueKey, names: tuple[str, ...]) -> None:
        self.spec = spec
        self.positions = tuple(names.index(name) for name in spec.fields)
        self._simple = len(self.positions) == 1 and not spec.unless and not spec.folded
        self._names = names

    def key_of(self, values: tuple) -> tuple[str, ...] | None:
        if self._simple:
            value = values[self.positions[0]]
            return None if value is None else (str(value),)
        return self.spec.key_of(dict(zip(self._names, values, strict=True)))


def _shown(value: object) -> str:
    """A parsed value as the user wrote it in pt-BR (31/12/2025, 1234,56)."""
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, Decimal):
        return format(value, "f").replace(".", ",")
    return "" if value is None else str(value)


def _chunks(rows: Iterable[RawRow], size: int) -> Iterator[list[RawRow]]:
    chunk: list[RawRow] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def validate_rows(
    kind: str,
    header: Sequence[str],
    rows: Iterable[RawRow],
    *,
    mapping: ColumnMapping | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    header_line: int = 1,
) -> Iterator[Batch]:
    """Validate ``rows`` (from ``open_table``) as ``kind``; yields ``Batch`` objects."""
    validator = RowValidator(kind, header, mapping=mapping, header_line=header_line)
    yield from validator.batches(rows, size=batch_size)
