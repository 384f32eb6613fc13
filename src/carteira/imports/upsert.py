"""Bulk upsert of validated records, one batch at a time: one query to find what exists,
``bulk_create`` for the new rows, one ``executemany`` UPDATE for the changed ones.

Only the fields the file carries (``present``) are compared and written: a later file
with fewer columns never blanks the others. Rows that name something missing (a client,
a seller) become row errors here, next to the validator's.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from django.db import connection, models
from django.utils import timezone
from django.utils.translation import gettext as _

from carteira_core.ingest import RowError

Label = Callable[[str], str]  # field → the source column's name, for error messages


@dataclass(slots=True)
class Outcome:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    def add(self, other: Outcome) -> None:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.errors += other.errors


@dataclass(slots=True)
class Row:
    """One record ready for the database: ``values`` by model attname (ids, not keys)."""

    line: int
    key: str | None
    values: dict[str, object]


def row_error(line: int, column: str, value: object, code: str, message: str) -> RowError:
    text = "" if value is None else str(value)
    return RowError(line, column, text, code, message, {"value": text})


def unknown(line: int, column: str, value: str, what: str) -> RowError:
    messages = {
        "client": _("Client '%(value)s' does not exist: import it first (clients file)."),
        "seller": _("Seller '%(value)s' does not exist: import it first (sellers file)."),
    }
    return row_error(line, column, value, f"unknown_{what}", messages[what] % {"value": value})


def ids_by_external_id(model: type[models.Model], keys: Iterable[str | None]) -> dict[str, int]:
    return dict(_pairs(model, "external_id", {k for k in keys if k}))


def pk_and_value(
    model: type[models.Model], attname: str, keys: Iterable[str | None]
) -> dict[str, tuple[int, object]]:
    """external_id → (pk, the stored ``attname``) of the rows with those keys."""
    found = _pairs(model, "external_id", {k for k in keys if k}, extra=attname)
    return {key: (pk, value) for key, pk, value in found}


def _pairs(model: type[models.Model], key: str, wanted: set[str],
           extra: str | None = None) -> list:  # fmt: skip
    """(key, pk[, extra]) of the rows whose ``key`` is in ``wanted``, in one raw query: the
    ORM's per-parameter preparation costs more than the query for thousands of keys."""
    if not wanted:
        return []
    meta, qn = model._meta, connection.ops.quote_name
    column, pk = qn(meta.get_field(key).column), qn(meta.pk.column)
    picked = f", {qn(meta.get_field(extra).column)}" if extra else ""
    select = f"SELECT {column}, {pk}{picked} FROM {qn(meta.db_table)} WHERE {column}"  # noqa: S608
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"{select} = ANY(%s)", [list(wanted)])
            return cursor.fetchall()
        found: list[tuple[str, int]] = []
        items = list(wanted)
        for start in range(0, len(items), 10_000):  # under SQLite's parameter limit
            part = items[start : start + 10_000]
            cursor.execute(f"{select} IN ({', '.join(['%s'] * len(part))})", part)
            found += cursor.fetchall()
        return found


def same(old: object, new: object) -> bool:
    return old == new


def db_value(model_field: models.Field, value: object) -> object:
    """A record value as the model stores it: text never None, floats as floats."""
    if value is None and isinstance(model_field, models.CharField | models.TextField):
        return "" if not model_field.null else None
    if value is not None and isinstance(model_field, models.FloatField):
        return float(value)
    return value


@functools.cache
def _needs_preparing(model: type[models.Model], name: str) -> models.Field | None:
    """The field when ``db_value`` may change a value of it, else None (kept as is)."""
    model_field = model._meta.get_field(name)
    if isinstance(model_field, models.FloatField):
        return model_field
    if isinstance(model_field, models.CharField | models.TextField) and not model_field.null:
        return model_field
    return None


def prepare(model: type[models.Model], values: dict[str, object]) -> dict[str, object]:
    for name, value in values.items():
        model_field = _needs_preparing(model, name)
        if model_field is not None:
            values[name] = db_value(model_field, value)
    return values


def compare(
    rows: Sequence[Row], existing: dict[str, dict], outcome: Outcome
) -> tuple[list[Row], list[tuple[int, dict]]]:
    """Split rows into new ones and (pk, values) updates; count the unchanged."""
    new: list[Row] = []
    changed: list[tuple[int, dict]] = []
    for row in rows:
        old = existing.get(row.key) if row.key is not None else None
        if old is None:
            new.append(row)
        elif all(same(old[name], value) for name, value in row.values.items()):
            outcome.unchanged += 1
        else:
            changed.append((old["pk"], row.values))
    outcome.created += len(new)
    outcome.updated += len(changed)
    return new, changed


def existing_by_key(
    model: type[models.Model], rows: Sequence[Row], names: Iterable[str], key: str = "external_id"
) -> dict[str, dict]:
    keys = {row.key for row in rows if row.key is not None}
    pks = [pk for _key, pk in _pairs(model, key, keys)]
    if not pks:  # a first import: nothing to compare, no ORM query
        return {}
    found = model.objects.filter(pk__in=pks).values("pk", key, *names)
    return {item[key]: item for item in found}


def create_rows(model: type[models.Model], rows: Sequence[Row], key: str | None = "external_id"):
    if key is None:
        objs = [model(**row.values) for row in rows]
    else:
        objs = [model(**{key: row.key}, **row.values) for row in rows]
    return model.objects.bulk_create(objs, batch_size=2_000)


def update_rows(model: type[models.Model], changed: Sequence[tuple[int, dict]]) -> None:
    """One ``executemany`` UPDATE per set of columns (a file has one set)."""
    if not changed:
        return
    meta = model._meta
    stamp = [f for f in meta.concrete_fields if getattr(f, "auto_now", False)]
    now = timezone.now()
    groups: dict[tuple[str, ...], list[tuple[int, dict]]] = {}
    for pk, values in changed:
        groups.setdefault(tuple(values), []).append((pk, values))
    qn = connection.ops.quote_name
    for names, items in groups.items():
        fields = [meta.get_field(name) for name in names]
        sets = [f"{qn(f.column)} = %s" for f in (*fields, *stamp)]
        # Only quoted model metadata is interpolated; every value is a parameter.
        sql = f"UPDATE {qn(meta.db_table)} SET {', '.join(sets)} WHERE {qn(meta.pk.column)} = %s"  # noqa: S608
        params = [
            [f.get_db_prep_save(values[f.attname if f.attname in values else f.name], connection)
             for f in fields]
            + [s.get_db_prep_save(now, connection) for s in stamp]
            + [pk]
            for pk, values in items
        ]  # fmt: skip
        with connection.cursor() as cursor:
            cursor.executemany(sql, params)


def today() -> dt.date:
    return timezone.localdate()
