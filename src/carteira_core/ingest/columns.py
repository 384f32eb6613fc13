"""Validate a whole file by columns: the same errors, lines and order as the streaming
``RowValidator``, found in one columnar pass (issues 24 and 25: refusing a file should
take no longer than reading it).

How it stays exact:

* every cell is decided by the same code: the vector fast path (``vector``) where it
  accepts a cell, else the scalar parser, called once per *distinct* deferred cell;
* a row that may have a problem (a refused or missing cell, more values than columns,
  a cross-field check that may fail, a repeated key) is then validated again by the
  ``RowValidator`` itself, which writes its errors; rows with no problem never become
  Python objects;
* duplicates are grouped over the whole file at once, and every effect of the streaming
  validator's batches is replayed from the batch each row falls in: which first line of a
  duplicate reaches the writer before it is revoked, the row key its error carries, and
  where reading stops when too many rows have problems (``verdict``).

The rows the writer would have received come back as columns (``ColumnCheck.writer_rows``)
so the caller can check what they name (clients, sellers) with one join and add the
writer's errors, tagged with their batch.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

import polars as pl

from carteira_core.ingest import schemas
from carteira_core.ingest import values as v
from carteira_core.ingest.csvfast import Cells
from carteira_core.ingest.problems import RowError, ValueProblem
from carteira_core.ingest.readers import RawRow
from carteira_core.ingest.schemas import FieldSpec
from carteira_core.ingest.validate import Batch, RowValidator
from carteira_core.ingest.vector import VECTOR_ACCEPTS, VECTOR_MASKS, amount_mask

# The phases of a line's errors, in the order the streaming run emits them: the row's own
# (validator), the writer's (an unknown client), then "also on line N" on a first line.
OWN, WRITER, FIRST_OF_DUPLICATE = 0, 1, 2

_TEXT = pl.String
OUTPUT: dict[object, pl.DataType | type[pl.DataType]] = {
    v.parse_external_id: _TEXT, v.parse_name: _TEXT, v.parse_short_text: _TEXT,
    v.parse_notes: _TEXT, v.parse_email: _TEXT, v.parse_phone: _TEXT,
    v.parse_document: _TEXT, v.parse_state: _TEXT, v.parse_postal_code: _TEXT,
    v.parse_channel: _TEXT, v.parse_severity: _TEXT, v.parse_order_status: _TEXT,
    v.parse_date: pl.Date, v.parse_datetime: pl.Datetime("us"), v.parse_instalment: pl.Int64,
    v.parse_bool: pl.Boolean, v.parse_amount: pl.Decimal(38, 2),
    v.parse_amount_not_negative: pl.Decimal(38, 2), v.parse_latitude: pl.Decimal(38, 6),
    v.parse_longitude: pl.Decimal(38, 6),
}  # fmt: skip
_BLANK = r"^[\s\x1c-\x1f]*$"  # what str.strip() empties (see csvfast)
_RECHECK_ROWS = 5_000


@dataclass(frozen=True, slots=True)
class Tagged:
    """An error with the batch (``chunk``) the streaming run would emit it in."""

    chunk: int
    phase: int
    error: RowError
    at: tuple[int, int, int] = (0, 0, 0)  # its place among its batch's validator errors


@dataclass(slots=True)
class ColumnCheck:
    rows: int  # data rows in the file
    chunk_size: int
    errors: list[Tagged]
    writer_rows: pl.DataFrame  # "line", "chunk" and the wanted fields, in line order
    invalid: set[int] = dataclasses.field(default_factory=set)  # lines with their own errors
    # a valid first line of a duplicate -> (the later line revoking it, in the same batch)
    revoked: dict[int, tuple[int, bool]] = dataclasses.field(default_factory=dict)
    scalar: dict[str, dict[str, object]] = dataclasses.field(default_factory=dict)


def _recheck_rows(cells: Cells, mask: pl.Series) -> Iterable[RawRow]:
    lines = cells.lines.filter(mask).to_list()
    fields = cells.fields.filter(mask).to_list()
    for line, values in zip(lines, fields, strict=True):
        yield RawRow(line, tuple(values))


# Cross-field checks as column expressions that are true wherever the check *may* find a
# problem (a row it flags is checked again by the check itself). A schema check missing
# here flags every row.
def _receivable_flags(values: Mapping[str, pl.Series]) -> pl.Series:
    due, issued = values["due_date"], values["issue_date"]
    paid, amount = values["paid_amount"], values["amount"]
    return (
        (due < issued).fill_null(False)
        | (paid > amount).fill_null(False)
        | (paid.is_not_null() & values["paid_date"].is_null())
    )


def _spend_flags(values: Mapping[str, pl.Series]) -> pl.Series:
    return (values["period_end"] < values["period_start"]).fill_null(False)


CHECK_FLAGS: dict[object, tuple[tuple[str, ...], Callable[[Mapping[str, pl.Series]], pl.Series]]]
CHECK_FLAGS = {
    schemas.check_receivable: (
        ("issue_date", "due_date", "amount", "paid_date", "paid_amount"), _receivable_flags),
    schemas.check_spend: (("period_start", "period_end"), _spend_flags),
}  # fmt: skip


@dataclass(slots=True)
class _Column:
    failed: pl.Series  # Boolean: the cell is refused (or required and blank)
    value: pl.Series | None  # typed values (None where refused), when asked for
    scalar: dict[str, object] = dataclasses.field(default_factory=dict)  # deferred → value


def _column(spec: FieldSpec, raw: pl.Series | None, size: int, *, typed: bool) -> _Column:
    dtype = OUTPUT[spec.parser]
    if raw is None:  # the file has no such column: every row takes the default
        default = cast(Any, spec.default)
        value = pl.repeat(default, size, dtype=dtype, eager=True) if typed else None
        return _Column(pl.repeat(False, size, eager=True), value)
    blank = raw.is_null() | raw.str.contains(_BLANK)
    fast = VECTOR_MASKS.get(spec.parser)
    parsed = None
    if fast is not None and not typed and spec.parser in VECTOR_ACCEPTS:
        accepted = VECTOR_ACCEPTS[spec.parser](raw).fill_null(False) & ~blank
    elif fast is not None:
        accepted, parsed = fast(raw)
        accepted = accepted.fill_null(False) & ~blank
    else:
        accepted = pl.repeat(False, size, eager=True)
    deferred = ~accepted & ~blank
    good: dict[str, object] = {}
    refused: list[str] = []
    for cell in raw.filter(deferred).unique().to_list():  # the scalar path, once a value
        try:
            good[cell] = spec.parser(cell)
        except ValueProblem:
            refused.append(cell)
    failed = deferred & raw.is_in(refused) if refused else pl.repeat(False, size, eager=True)
    if spec.required:
        failed = failed | blank
    if not typed:
        return _Column(failed, None, good)
    scalar = raw.replace_strict(list(good), pl.Series(list(good.values()), dtype=dtype),
                                default=None, return_dtype=dtype)  # fmt: skip
    if parsed is None:
        fast_value = pl.repeat(None, size, dtype=dtype, eager=True)
    else:
        fast_value = parsed.cast(dtype, strict=False)
    frame = pl.DataFrame({"blank": blank, "ok": accepted, "fast": fast_value, "scalar": scalar})
    value = frame.select(
        pl.when("blank").then(pl.lit(spec.default, dtype=dtype))
        .when("ok").then("fast").otherwise("scalar")
    ).to_series()  # fmt: skip
    return _Column(failed, value, good)


def _key_text(series: pl.Series) -> pl.Series | None:
    """``str(value)`` of a key part as the streaming validator writes it."""
    if series.dtype == pl.String:
        return series
    if series.dtype == pl.Date:
        return series.dt.strftime("%Y-%m-%d")
    if series.dtype == pl.Int64:
        return series.cast(pl.String)
    if isinstance(series.dtype, pl.Datetime):
        return series.dt.strftime("%Y-%m-%d %H:%M:%S")
    return None


def _folded(series: pl.Series) -> pl.Series:
    distinct = series.drop_nulls().unique().to_list()
    return series.replace_strict(distinct, [v.fold(x) for x in distinct], default=None,
                                 return_dtype=pl.String)  # fmt: skip


def _keys(validator: RowValidator, values: Mapping[str, pl.Series]) -> list[pl.Series] | None:
    """Per unique key of the schema: each row's key (null: no key), as ``key_of``."""
    keys = []
    for key in validator.schema.unique:
        parts = [_key_text(values[name]) for name in key.fields]
        if any(part is None for part in parts):
            return None
        if key.folded:
            parts = [_folded(cast(pl.Series, part)) for part in parts]
        joined = pl.DataFrame({f"p{i}": p for i, p in enumerate(parts)}).select(
            pl.concat_str(pl.all(), separator="\x1f", ignore_nulls=False)
        ).to_series()  # fmt: skip
        if key.unless is not None:
            joined = pl.select(pl.when(values[key.unless].is_null()).then(joined)).to_series()
        keys.append(joined)
    return keys


def check_columns(validator: RowValidator, cells: Cells, *, chunk_size: int,
                  wanted: Iterable[str] = ()) -> ColumnCheck | None:  # fmt: skip
    """Validate ``cells`` (``csvfast.read_cells``) as ``validator`` would, batch by batch of
    ``chunk_size`` rows; None where a column pass cannot be exact (a parser or key type it
    does not know: the streaming path then runs)."""
    schema = validator.schema
    if any(spec.parser not in OUTPUT for spec in schema.fields):
        return None
    size = len(cells)
    check_fields: tuple[str, ...] = ()
    flags = None
    if schema.check is not None and schema.check in CHECK_FLAGS:
        check_fields, flags = CHECK_FLAGS[schema.check]
    typed_names = {*(n for key in schema.unique for n in key.fields),
                   *(key.unless for key in schema.unique if key.unless), schema.row_key,
                   *check_fields, *wanted}  # fmt: skip
    columns: dict[str, _Column] = {}
    for spec, position in validator._columns:
        raw = None if position is None else cells.fields.list.get(position, null_on_oob=True)
        columns[spec.name] = _column(spec, raw, size, typed=spec.name in typed_names)
    values = {name: c.value for name, c in columns.items() if c.value is not None}
    keys = _keys(validator, values)
    if keys is None:
        return None
    lines, chunks = cells.lines, pl.int_range(0, size, eager=True) // chunk_size
    cell_failed = pl.repeat(False, size, eager=True)
    for column in columns.values():
        cell_failed = cell_failed | column.failed
    suspect = cell_failed | (cells.fields.list.len() > validator._width)
    if schema.check is not None:
        suspect = suspect | (flags(values) if flags is not None else ~cell_failed)
    duplicates = [_duplicates(lines, key) for key in keys]
    for later, _firsts in duplicates:
        suspect = suspect | lines.is_in(later["line"].implode())
    own = _own_errors(validator, cells, suspect, duplicates)
    chunk_of = dict(zip(lines.filter(suspect).to_list(), chunks.filter(suspect).to_list(),
                        strict=True))  # fmt: skip
    invalid = {line for line, errors in own.items() if errors}
    errors = [Tagged(chunk_of[line], OWN, error, (line, 1, n))
              for line, errs in own.items() for n, error in enumerate(errs)]  # fmt: skip
    revoked = _firsts_of_duplicates(validator, values, lines, chunks, duplicates, own,
                                    invalid, errors)  # fmt: skip
    revoked_early = {first for first, (_later, same_batch) in revoked.items() if same_batch}
    gone = invalid | revoked_early
    reaching = ~lines.is_in(list(gone)) if gone else pl.repeat(True, size, eager=True)
    writer_rows = pl.DataFrame(
        {"line": lines, "chunk": chunks, **{n: values[n] for n in wanted}}
    ).filter(reaching)
    scalar = {name: column.scalar for name, column in columns.items()}
    return ColumnCheck(size, chunk_size, errors, writer_rows, invalid, revoked, scalar)


def _duplicates(lines: pl.Series, key: pl.Series) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(later rows: line, first; first lines: first, the earliest later line)."""
    frame = pl.DataFrame({"line": lines, "key": key}).filter(key.is_duplicated()).drop_nulls("key")
    frame = frame.with_columns(first=pl.col("line").min().over("key"))
    later = frame.filter(pl.col("line") != pl.col("first")).select("line", "first")
    firsts = later.group_by("first").agg(pl.col("line").min().alias("later"))
    return later, firsts


def _own_errors(validator: RowValidator, cells: Cells, suspect: pl.Series,
                duplicates) -> dict[int, list[RowError]]:  # fmt: skip
    """The errors of each suspect row, as ``RowValidator._accept`` writes them (its own
    code, on the row's cells): values, checks, then "also on line N" per key."""
    first_of = [dict(zip(later["line"].to_list(), later["first"].to_list(), strict=True))
                for later, _firsts in duplicates]  # fmt: skip
    own: dict[int, list[RowError]] = {}
    self = validator
    rows = list(_recheck_rows(cells, suspect))
    for start in range(0, len(rows), _RECHECK_ROWS):
        chunk = rows[start : start + _RECHECK_ROWS]
        parsed, problems = self._parse_values(chunk)
        for row, row_values, errors in zip(chunk, parsed, problems, strict=True):
            if not errors and self.schema.check is not None:
                errors += self._row_checks(row.line, row_values)
            for reader, firsts in zip(self._keys, first_of, strict=True):
                first = firsts.get(row.line)
                if first is not None:
                    shown = " / ".join(str(row_values[i]) for i in reader.positions)
                    column = self._column(reader.spec.fields[-1])
                    errors.append(self._dup_error(row.line, column, shown, reader.spec.label,
                                                  first))  # fmt: skip
            key = self._row_key(row)
            own[row.line] = [dataclasses.replace(error, key=key) for error in errors]
    return own


def _firsts_of_duplicates(validator, values, lines, chunks, duplicates, own, invalid,
                          errors: list[Tagged]) -> dict[int, tuple[int, bool]]:  # fmt: skip
    """Append each first line's one "also on line N" error (the earliest later line over
    the keys, key order on a tie); return the valid first lines it revokes, each with the
    later line that does (in the same batch, the writer never saw it)."""
    chosen: dict[int, tuple[int, int]] = {}  # first line -> (later line, key index)
    for index, (_later, firsts) in enumerate(duplicates):
        for first, later in zip(firsts["first"].to_list(), firsts["later"].to_list(),
                                strict=True):  # fmt: skip
            if first not in chosen or (later, index) < chosen[first]:
                chosen[first] = (later, index)
    if not chosen:
        return {}
    wanted = sorted({*chosen, *(later for later, _i in chosen.values())})
    picked = pl.DataFrame({"line": lines, "chunk": chunks}).filter(pl.col("line").is_in(wanted))
    chunk_of = dict(zip(picked["line"].to_list(), picked["chunk"].to_list(), strict=True))
    row_key = validator.schema.row_key
    key_values = dict(zip(lines.to_list(), values[row_key].to_list(), strict=True)) if any(
        validator.schema.unique[i].fields != (row_key,) for _l, i in chosen.values()
    ) else {}  # fmt: skip
    revoked: dict[int, tuple[int, bool]] = {}
    for first, (later, index) in sorted(chosen.items()):
        reader = validator._keys[index]
        spec = reader.spec
        error = next(e for e in own[later] if e.code == "duplicate_key" and e.params.get(
            "other_line") == first and e.params.get("field") == spec.label)  # fmt: skip
        shown = error.value
        column = validator._column(spec.fields[-1])
        same_batch = chunk_of[first] == chunk_of[later]
        valid = first not in invalid
        if spec.fields == (row_key,):
            key = shown
        elif valid and same_batch:
            value = key_values.get(first)
            key = "" if value is None else str(value)
        else:
            key = ""
        first_error = validator._dup_error(first, column, shown, spec.label, later)
        first_error = dataclasses.replace(first_error, key=key)
        errors.append(Tagged(chunk_of[later], FIRST_OF_DUPLICATE, first_error, (later, 0, index)))
        if valid:
            revoked[first] = (later, same_batch)
    return revoked


@dataclass(frozen=True, slots=True)
class Verdict:
    errors: list[RowError]  # by line, as the streaming run reports them
    total: int  # rows read (fewer when reading stopped)
    stopped: bool  # more than ``limit`` rows had problems


def verdict(check: ColumnCheck, writer_errors: Iterable[Tagged], *, limit: int) -> Verdict:
    """The report of the streaming run: its errors in its order, and where it stops once
    more than ``limit`` rows have problems (checked after each batch)."""
    tagged = [*check.errors, *writer_errors]
    lines_by_chunk: dict[int, set[int]] = {}
    for t in tagged:
        lines_by_chunk.setdefault(t.chunk, set()).add(t.error.line)
    stop = None
    bad: set[int] = set()
    for chunk in sorted(lines_by_chunk):
        bad |= lines_by_chunk[chunk]
        if len(bad) > limit:
            stop = chunk
            break
    if stop is not None:
        tagged = [t for t in tagged if t.chunk <= stop]
    ordered = sorted(range(len(tagged)), key=lambda i: (tagged[i].error.line, tagged[i].phase, i))
    total = check.rows if stop is None else min(check.rows, (stop + 1) * check.chunk_size)
    return Verdict([tagged[i].error for i in ordered], total, stop is not None)


def column_batches(validator: RowValidator, cells: Cells, check: ColumnCheck) -> Iterator[Batch]:
    """The batches ``validator.batches`` yields for the same rows — records, errors in
    their order, revoked lines — and its summary, built from the column pass: a valid
    row's values are taken from the columns (the fast path's, or the scalar parser's for
    its distinct cell), never parsed again row by row."""
    summary, size, chunk_size = validator.summary, len(cells), check.chunk_size
    by_chunk: dict[int, list[Tagged]] = {}
    for one in check.errors:
        by_chunk.setdefault(one.chunk, []).append(one)
    for chunk, start in enumerate(range(0, size, chunk_size)):
        count = min(chunk_size, size - start)
        lines = cells.lines.slice(start, count).to_list()
        fields = cells.fields.slice(start, count)
        columns = [_python_values(spec, position, fields, check.scalar.get(spec.name, {}))
                   for spec, position in validator._columns]  # fmt: skip
        records = []
        for line, values in zip(lines, zip(*columns, strict=True), strict=True):
            if line in check.invalid or check.revoked.get(line, (0, False))[1]:
                continue
            records.append(_record(validator, line, values))
        tagged = sorted(by_chunk.get(chunk, []), key=lambda t: t.at)
        revocations = [t.error.line for t in tagged if t.phase == FIRST_OF_DUPLICATE
                       and t.error.line in check.revoked]  # fmt: skip
        late = tuple(line for line in revocations if not check.revoked[line][1])
        invalid = sum(line in check.invalid for line in lines)
        summary.total += count
        summary.valid += count - invalid - len(revocations)
        summary.invalid += invalid + len(revocations)
        yield Batch(tuple(records), tuple(t.error for t in tagged), late)


def _record(validator: RowValidator, line: int, values: tuple):
    schema = validator.schema
    if validator._positional:
        return schema.record_type(line, *values)
    return schema.record_type(line=line, **dict(zip(validator._names, values, strict=True)))


def _python_values(spec: FieldSpec, position: int | None, fields: pl.Series,
                   scalar: Mapping[str, object]) -> list[object]:  # fmt: skip
    """A batch's values of one field as the streaming validator parses them (valid cells;
    a refused cell gives None, its row is not a record)."""
    if position is None:
        return [spec.default] * len(fields)
    raw = fields.list.get(position, null_on_oob=True)
    blank = raw.is_null() | raw.str.contains(_BLANK)
    fast = VECTOR_MASKS.get(spec.parser)
    if fast is not None:
        accepted, parsed = fast(raw)
        accepted = accepted.fill_null(False) & ~blank
        values = parsed.to_list()
        if fast is amount_mask:
            values = [None if x is None else Decimal(x) for x in values]
        if accepted.all():
            return values
        ok = accepted.to_list()
    else:
        values, ok = [None] * len(raw), [False] * len(raw)
    default, cells = spec.default, raw.to_list()
    return [value if good else default if empty else scalar.get(cell)
            for value, good, empty, cell in zip(values, ok, blank.to_list(), cells,
                                                strict=True)]  # fmt: skip
