"""Match a file's header to a schema: names folded, aliases, and an optional user mapping."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from carteira_core.ingest.problems import IngestError, RowError
from carteira_core.ingest.schemas import SCHEMAS, Schema
from carteira_core.ingest.values import fold

type ColumnMapping = Mapping[str, str | None]  # source column → standard field (None: ignore)


@dataclass(frozen=True, slots=True)
class HeaderMap:
    """Which source column feeds which field, and what was wrong with the header."""

    kind: str
    columns: tuple[str, ...]  # the source header as read
    fields: tuple[str | None, ...]  # per source column: the field it feeds, or None
    index: Mapping[str, int]  # field → source column index (present fields only)
    missing: tuple[str, ...]  # required fields with no column
    unknown: tuple[str, ...]  # source columns ignored (reported, not an error)
    errors: tuple[RowError, ...]  # missing + duplicated columns, on the header line

    @property
    def present(self) -> frozenset[str]:
        """Fields the file carries: the writer must not blank the others on update."""
        return frozenset(self.index)


def schema_for(kind: str) -> Schema:
    try:
        return SCHEMAS[kind]
    except KeyError:
        raise IngestError("unknown_kind", kind=kind) from None


def lookup_table(schema: Schema) -> dict[str, str]:
    """Folded name or alias → field name."""
    table: dict[str, str] = {}
    for spec in schema.fields:
        for name in (spec.name, *spec.aliases):
            table.setdefault(fold(name), spec.name)
    return table


def map_headers(
    kind: str,
    header: Sequence[str],
    mapping: ColumnMapping | None = None,
    *,
    header_line: int = 1,
) -> HeaderMap:
    schema = schema_for(kind)
    table = lookup_table(schema)
    user = _folded_mapping(schema, mapping or {})
    fields: list[str | None] = []
    for column in header:
        key = fold(column)
        fields.append(user[key] if key in user else table.get(key))
    index: dict[str, int] = {}
    sources: dict[str, list[str]] = {}
    for position, field in enumerate(fields):
        if field is not None:
            index.setdefault(field, position)
            sources.setdefault(field, []).append(_label(header, position))
    errors = [
        RowError.make(header_line, field, ", ".join(cols), "duplicate_column", field=field,
                      columns=", ".join(f"'{c}'" for c in cols))
        for field, cols in sources.items() if len(cols) > 1
    ]  # fmt: skip
    missing = tuple(name for name in schema.required if name not in index)
    errors += [
        RowError.make(header_line, name, "", "missing_column", field=name) for name in missing
    ]
    unknown = tuple(
        _label(header, i)
        for i, f in enumerate(fields)
        if f is None and fold(header[i]) not in user and header[i].strip()
    )
    return HeaderMap(kind, tuple(header), tuple(fields), index, missing, unknown, tuple(errors))


def _label(header: Sequence[str], position: int) -> str:
    return header[position].strip() or f"(column {position + 1})"


def _folded_mapping(schema: Schema, mapping: ColumnMapping) -> dict[str, str | None]:
    known = {spec.name for spec in schema.fields}
    folded: dict[str, str | None] = {}
    for source, target in mapping.items():
        if target and target not in known:
            raise IngestError("mapping_unknown_field", field=target)
        folded[fold(source)] = target or None
    return folded
