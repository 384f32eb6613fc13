"""The bulk write paths behind ``Writer.upsert`` (ADR 0006): no model instances, no ORM
compiler per row.

* ``insert_rows``: one ``executemany`` INSERT (SQLite, and PostgreSQL dry runs are not
  written at all). Columns the file does not carry get the model's default.
* ``copy_upsert`` (PostgreSQL): ``COPY`` the batch into a temporary table, then one
  ``INSERT … SELECT … ON CONFLICT (key) DO UPDATE … WHERE … IS DISTINCT FROM …
  RETURNING (xmax = 0)``: a returned ``true`` is a created row, ``false`` an updated
  one, and a staged row not returned was unchanged. The unique constraint, not Python,
  decides what exists, so two imports at once cannot create a duplicate.
* ``SqliteStage`` (SQLite): the same idea without COPY — ``executemany`` into a TEMP
  table, one join to count, one ``INSERT … SELECT … ON CONFLICT … DO UPDATE … WHERE``.
* ``SqliteStage.write_hidden`` / ``HiddenRows`` (SQLite, ADR 0024): a staged file's new
  rows written in short transactions of their own, invisible (``hidden_by`` = the run)
  until the run's final transaction deletes its marker.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from itertools import repeat

import polars as pl
from django.db import connection, models, transaction
from django.utils import timezone

STAGE = "carteira_import_stage"
PENDING = "carteira_import_pending"  # SQLite: a run's rows, staged until its final transaction
KEYS = "carteira_import_keys"  # SQLite: keys asked about in the final transaction
STORED = "carteira_import_stored"  # SQLite: kept rows whose key was stored (not hidden)
HIDDEN = "hidden_by"  # the column naming the run that wrote a row still hidden
# Each hidden batch holds SQLite's write lock about this long, then lets the others in:
# a waiting connection's busy handler retries every 100 ms once it has waited a second.
# While nobody else has written during the last pauses, a batch holds it a little longer
# (``IDLE_BATCH_SECONDS``): a connection that starts waiting then waits at most that.
BATCH_SECONDS = 0.2
IDLE_BATCH_SECONDS = 0.5
BUSY_PAUSES = 3  # after another connection wrote in a pause: this many short batches at least
PAUSE_SECONDS = 0.12
FIRST_BATCH, MIN_BATCH, MAX_BATCH = 5_000, 500, 50_000
SETTLE_BATCH = 5_000  # rows settled or dropped a transaction at first (``HiddenRows``)
SETTLE_MAX = 200_000  # ... and at most, sized by time as the hidden batches
SQLITE_CACHE_KIB = 256 * 1024  # page cache for the import's index maintenance


def _converter(model_field: models.Field) -> Callable[[object], object] | None:
    """How a record value becomes a driver parameter (None: as it is)."""
    if isinstance(model_field, models.DateTimeField):
        return lambda value: model_field.get_db_prep_save(value, connection)
    if isinstance(model_field, models.DateField):
        return connection.ops.adapt_datefield_value
    if isinstance(
        model_field,
        models.CharField | models.TextField | models.IntegerField | models.BooleanField
        | models.ForeignKey | models.DecimalField | models.FloatField,
    ):  # fmt: skip
        return None  # the driver adapts str/int/bool/Decimal/float itself
    return lambda value: model_field.get_db_prep_save(value, connection)


class Columns:
    """The INSERT columns for rows carrying ``given`` attnames: those, then every other
    concrete column (but the primary key) with its model default or timestamp."""

    def __init__(self, model: type[models.Model], key: str | None, given: Sequence[str]):
        meta = model._meta
        self.model = model
        self.key = key
        self.given = [name for name in given if name != key]
        named = {*self.given, *([key] if key else [])}
        self.fields = [meta.get_field(key)] if key else []
        self.fields += [meta.get_field(name) for name in self.given]
        self.defaults = [
            f for f in meta.concrete_fields if not f.primary_key and f.attname not in named
        ]
        now = timezone.now()
        self.default_values = tuple(
            f.get_db_prep_save(now if _stamped(f) else f.get_default(), connection)
            for f in self.defaults
        )
        self.converters = [_converter(f) for f in self.fields]

    @property
    def names(self) -> list[str]:
        return [f.column for f in (*self.fields, *self.defaults)]

    def params(self, rows) -> list[tuple]:
        values = [([row.key] if self.key else []) + [row.values[n] for n in self.given]
                  for row in rows]  # fmt: skip
        for position, convert in enumerate(self.converters):
            if convert is not None:
                for item in values:
                    if item[position] is not None:
                        item[position] = convert(item[position])
        tail = self.default_values
        return [(*item, *tail) for item in values]


def driver_values(model_field: models.Field, values: pl.Series) -> pl.Series:
    """A column of validated values (``ingest.columns``' types) as ``Columns.params``
    hands a record's values to the driver after ``upsert.prepare``: text never None where
    the field is not null, floats as floats; on SQLite a date as its ISO text and an
    amount as its exact decimal text (what the driver makes of a ``date`` or a
    ``Decimal``); elsewhere the Python values."""
    if isinstance(model_field, models.CharField | models.TextField) and not model_field.null:
        values = values.fill_null("")
    elif isinstance(model_field, models.FloatField):
        values = values.cast(pl.Float64)
    elif connection.vendor == "sqlite" and values.dtype == pl.Date:
        values = values.dt.strftime("%Y-%m-%d")
    elif connection.vendor == "sqlite" and isinstance(values.dtype, pl.Decimal):
        values = values.cast(pl.String)
    return values


def column_ids(codes: pl.Series, ids: dict[str, int]) -> pl.Series:
    """Each code's id (null for a null code or one not in ``ids``), by one join."""
    old = pl.Series(list(ids), dtype=pl.String)
    new = pl.Series(list(ids.values()), dtype=pl.Int64)
    return codes.replace_strict(old, new, default=None, return_dtype=pl.Int64)


def _stamped(model_field: models.Field) -> bool:
    return bool(getattr(model_field, "auto_now", False) or getattr(model_field, "auto_now_add",
                                                                   False))  # fmt: skip


def same_columns(rows) -> list[list]:
    """Rows grouped by the attnames they carry (a file has one set; this keeps it safe)."""
    groups: dict[tuple[str, ...], list] = {}
    for row in rows:
        groups.setdefault(tuple(row.values), []).append(row)
    return list(groups.values())


def _qn(name: str) -> str:
    return connection.ops.quote_name(name)


def insert_rows(model: type[models.Model], rows, key: str | None = "external_id") -> None:
    """Plain INSERT of new rows in one ``executemany`` (no objects returned)."""
    if not rows:
        return
    columns = Columns(model, key, list(rows[0].values))
    names = ", ".join(_qn(name) for name in columns.names)
    marks = ", ".join(["%s"] * len(columns.names))
    # Only quoted model metadata is interpolated; every value is a parameter.
    sql = f"INSERT INTO {_qn(model._meta.db_table)} ({names}) VALUES ({marks})"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.executemany(sql, columns.params(rows))


def copy_upsert(model: type[models.Model], rows, key: str = "external_id") -> tuple[int, int]:
    """PostgreSQL: (created, updated) for ``rows`` written through COPY + ON CONFLICT."""
    if not rows:
        return 0, 0
    columns = Columns(model, key, list(rows[0].values))
    table, names = _qn(model._meta.db_table), [_qn(n) for n in columns.names]
    listed = ", ".join(names)
    given = [_qn(f.column) for f in columns.fields[1:]]
    stamps = [_qn(f.column) for f in columns.defaults if getattr(f, "auto_now", False)]
    sets = ", ".join(f"{name} = EXCLUDED.{name}" for name in (*given, *stamps))
    mine = ", ".join(f"{table}.{name}" for name in given)
    theirs = ", ".join(f"EXCLUDED.{name}" for name in given)
    update = (
        f"DO UPDATE SET {sets} WHERE ({mine}) IS DISTINCT FROM ({theirs})"
        if given else "DO NOTHING"
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")
        # Same column types as the target; no constraints, no indexes; gone at commit.
        cursor.execute(
            f"CREATE TEMPORARY TABLE {STAGE} ON COMMIT DROP AS "  # noqa: S608
            f"SELECT {listed} FROM {table} WITH NO DATA"
        )
        with cursor.cursor.copy(f"COPY {STAGE} ({listed}) FROM STDIN") as copy:
            for item in columns.params(rows):
                copy.write_row(item)
        cursor.execute(
            f"INSERT INTO {table} ({listed}) SELECT {listed} FROM {STAGE} "  # noqa: S608
            f"ON CONFLICT ({_qn(model._meta.get_field(key).column)}) {update} "
            f"RETURNING (xmax = 0)"
        )
        returned = [inserted for (inserted,) in cursor.fetchall()]
    created = sum(returned)
    return created, len(returned) - created


class Pacer:
    """The size of each short write transaction of a long SQLite write (ADR 0024) and the
    pause after it. Sized by time: a batch holds the write lock about ``BATCH_SECONDS``
    while another connection has written during one of the last ``BUSY_PAUSES`` pauses
    (``PRAGMA data_version`` changed: someone was waiting, or writes often), else about
    ``IDLE_BATCH_SECONDS``. The pause itself is never skipped: SQLite gives no sign of a
    connection waiting for the lock, and one that waits retries only every 100 ms."""

    def __init__(self, first: int, low: int, high: int) -> None:
        self.size, self.low, self.high = first, low, high
        self._busy = 0

    def took(self, rows: int, elapsed: float) -> None:
        """A transaction of ``rows`` rows held the lock ``elapsed`` seconds."""
        target = BATCH_SECONDS if self._busy else IDLE_BATCH_SECONDS
        self.size = int(min(self.high, max(self.low, rows * target / max(elapsed, 1e-3))))

    def pause(self) -> None:
        """Let waiting connections in (outside any transaction)."""
        if connection.in_atomic_block:
            return
        before = _data_version()
        time.sleep(PAUSE_SECONDS)
        self._busy = BUSY_PAUSES if _data_version() != before else max(0, self._busy - 1)


def _data_version() -> int:
    """SQLite's count of commits by other connections, as this one sees it."""
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA data_version")
        return cursor.fetchone()[0]


class SqliteStage:
    """SQLite: each batch staged in a TEMP table (``executemany``, no indexes), compared
    with the stored rows in one SQL join and written with one ``INSERT … SELECT … ON
    CONFLICT (key) DO UPDATE … WHERE <a column IS NOT its new value>``: nothing is read
    back into Python, so a re-import of unchanged rows costs two indexed passes over the
    batch inside SQLite. The join counts what exists and what differs before the write,
    in the import's own transaction (SQLite has one writer), so the counts are exact for
    dry runs and writes alike. Affinity: the stage is created ``AS SELECT`` from the
    target, so a value gets the same storage class on both sides of ``IS NOT``.

    Only quoted model metadata is interpolated into the SQL; every value is a parameter.
    """

    def __init__(self, model: type[models.Model], key: str | tuple[str, ...] = "external_id",
                 *, name: str = ""):  # fmt: skip
        """``key``: the unique column, or the columns of a unique constraint (invoice +
        instalment), whose values then travel among the row's values, not as its key;
        ``()``: rows without a key, each one new (kept and written hidden only). ``name``:
        a suffix of its TEMP tables, for two stages on one connection."""
        meta = model._meta
        self.model = model
        self.stage_table, self.pending_table = f"{STAGE}{name}", f"{PENDING}{name}"
        self.stored_table, self.keys_table = f"{STORED}{name}", f"{KEYS}{name}"
        self.keys = (key,) if isinstance(key, str) else tuple(key)
        self.key = key if isinstance(key, str) else None  # ``Columns``' key
        self.table, self.pk = _qn(meta.db_table), _qn(meta.pk.column)
        self.key_columns = [_qn(meta.get_field(name).column) for name in self.keys]
        self.key_column = ", ".join(self.key_columns)
        self._layout: list[str] | None = None  # the stage's columns as created
        self._kept = False  # rows kept for the final transaction (``defer``)
        self._pending: tuple[Columns, list[str]] | None = None
        self._hidden: int | None = None  # rows ``write_hidden`` inserted (None: not called)

    def apply(self, rows, *, write: bool, defer: bool = False) -> tuple[int, int, int]:
        """(created, updated, unchanged) for ``rows`` (one set of columns, unique keys);
        written only when ``write``. ``defer``: kept in a second TEMP table instead, for
        ``apply_pending`` in the run's final transaction; each batch is then its own
        transaction on the TEMP database alone, so the live tables are never locked."""
        stage = self.stage_table
        if not rows:
            return 0, 0, 0
        columns = Columns(self.model, self.key, list(rows[0].values))
        given = [_qn(f.column) for f in columns.fields if f.attname not in self.keys]
        with connection.cursor() as cursor:
            if defer:
                cursor.execute("BEGIN DEFERRED")  # writes TEMP only: no lock on the main file
            try:
                self._stage(cursor, columns, rows)
                matched, changed = self._compare(cursor, given, f"temp.{stage}")
                if write and defer:
                    self._keep(cursor)
                elif write:
                    self._upsert(cursor, columns, given, f"temp.{stage}")
            except BaseException:
                if defer:
                    cursor.execute("ROLLBACK")
                raise
            if defer:
                cursor.execute("COMMIT")
        self._pending = (columns, given)
        return len(rows) - matched, changed, matched - changed

    def _keep(self, cursor) -> None:
        stage, pending = self.stage_table, self.pending_table
        if not self._kept:
            cursor.execute(f"DROP TABLE IF EXISTS temp.{pending}")
            cursor.execute(f"CREATE TEMP TABLE {pending} AS SELECT * FROM temp.{stage} WHERE 0")  # noqa: S608
            self._kept = True
        cursor.execute(f"INSERT INTO temp.{pending} SELECT * FROM temp.{stage}")  # noqa: S608

    def apply_pending(self) -> tuple[int, int, int]:
        """Write the rows kept by ``apply(defer=True)``: (created, updated, unchanged),
        counted again against the live table inside the caller's transaction (exact even if
        someone wrote meanwhile). After ``write_hidden``, only the kept rows whose key was
        already stored are compared and written here; the hidden ones count as created."""
        pending, stored = self.pending_table, self.stored_table
        if not self._kept or self._pending is None:
            return 0, 0, 0
        columns, given = self._pending
        hidden = self._hidden is not None
        source = (
            f"(SELECT * FROM temp.{pending} WHERE rowid IN (SELECT rid FROM temp.{stored}))"  # noqa: S608
            if hidden else f"temp.{pending}"
        )  # fmt: skip
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {source}")  # noqa: S608
            (total,) = cursor.fetchone()
            if hidden and not total:
                return self._hidden, 0, 0
            matched, changed = self._compare(cursor, given, source)
            self._upsert(cursor, columns, given, source)
        return total - matched + (self._hidden or 0), changed, matched - changed

    def left_keys(self) -> set:
        """After ``write_hidden``: the keys of the kept rows left to ``apply_pending``
        (tuples for a key of several columns)."""
        pending, stored = self.pending_table, self.stored_table
        if self._hidden is None or not self._kept:
            return set()
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {self.key_column} FROM temp.{pending} WHERE rowid IN "  # noqa: S608
                           f"(SELECT rid FROM temp.{stored})")  # fmt: skip
            return {key if len(key) > 1 else key[0] for key in cursor.fetchall()}

    def write_hidden(self, run_id: int, computed: dict[str, str] | None = None) -> int:
        """Insert the kept rows whose key is not stored yet, each batch in a short
        transaction of its own, with ``hidden_by = run_id``: invisible to every reader
        while the run's marker exists (``HiddenRows``). The kept rows whose key is stored
        (or that meet a unique value stored) are left for ``apply_pending``. Returns how many were
        inserted. Outside any transaction (each batch commits). ``computed``: column →
        an SQL expression over the staged row ``s`` written instead of its staged value."""
        pending, stored = self.pending_table, self.stored_table
        if not self._kept or self._pending is None:
            self._hidden = 0
            return 0
        columns, _given = self._pending
        names = [_qn(n) for n in columns.names]
        computed = {_qn(name): sql for name, sql in (computed or {}).items()}
        computed[_qn(HIDDEN)] = "%s"
        picked = ", ".join(computed.get(n, f"s.{n}") for n in names)
        with connection.cursor() as cursor:
            cursor.execute("BEGIN DEFERRED")  # reads the live table, writes TEMP only
            cursor.execute(f"DROP TABLE IF EXISTS temp.{stored}")
            cursor.execute(f"CREATE TEMP TABLE {stored} (rid INTEGER PRIMARY KEY)")
            if self.keys:
                cursor.execute(
                    f"INSERT INTO temp.{stored} SELECT s.rowid "  # noqa: S608
                    f"FROM temp.{pending} s JOIN {self.table} t ON {self._same_key()}"
                )
            cursor.execute("COMMIT")
            cursor.execute(f"SELECT coalesce(max(rowid), 0) FROM temp.{pending}")  # noqa: S608
            (last,) = cursor.fetchone()
        # OR IGNORE: a row that meets any unique value stored (its key taken meanwhile, a
        # document another stored row gives up in this file) is left for the final
        # transaction, which writes the rows in the file's order, as before.
        insert = (
            f"INSERT OR IGNORE INTO {self.table} ({', '.join(names)}) SELECT {picked} "  # noqa: S608
            f"FROM temp.{pending} s WHERE s.rowid > %s AND s.rowid <= %s AND s.rowid NOT IN "
            f"(SELECT rid FROM temp.{stored})"
        )
        left = (
            f"INSERT INTO temp.{stored} SELECT s.rowid FROM temp.{pending} s "  # noqa: S608
            f"WHERE s.rowid > %s AND s.rowid <= %s AND s.rowid NOT IN (SELECT rid FROM "
            f"temp.{stored}) AND NOT EXISTS (SELECT 1 FROM {self.table} t WHERE "
            f"{self._same_key()} AND t.{_qn(HIDDEN)} IS %s)"
        )
        upto_sql = (
            f"SELECT max(rowid) FROM (SELECT rowid FROM temp.{pending} WHERE rowid > %s AND "  # noqa: S608
            f"rowid NOT IN (SELECT rid FROM temp.{stored}) ORDER BY rowid LIMIT %s)"
        )
        inserted, done, pacer = 0, 0, Pacer(FIRST_BATCH, MIN_BATCH, MAX_BATCH)
        while done < last:
            started = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute(upto_sql, [done, pacer.size])  # the next new rows (TEMP)
                upto = cursor.fetchone()[0]
                if upto is None:
                    break
                cursor.execute("BEGIN IMMEDIATE")
                try:
                    cursor.execute(insert, [run_id, done, upto])
                    inserted += cursor.rowcount
                    if cursor.rowcount < upto - done and self.keys:  # some left (or stored)
                        cursor.execute(left, [done, upto, run_id])
                except BaseException:
                    cursor.execute("ROLLBACK")
                    raise
                cursor.execute("COMMIT")
            pacer.took(pacer.size, time.perf_counter() - started)
            done = upto
            if done < last:
                pacer.pause()
        self._hidden = inserted
        return inserted

    def insert_hidden(self, run_id: int, keys: pl.Series, given: dict[str, pl.Series], *,
                      progress: Callable[[int], None] | None = None) -> int:  # fmt: skip
        """Rows of a file already validated whole (``imports.columnar``) inserted straight
        into the live table, hidden by ``run_id``, in short transactions (``Pacer``) — no
        stage between: ``write_hidden`` without the TEMP copy. ``keys``: the key column's
        values; ``given``: attname -> the values as the driver takes them
        (``driver_values``), made Python values a batch at a time. A row that meets a stored
        unique value (its key stored, or taken meanwhile) is kept for ``apply_pending``,
        in the file's order, as ``write_hidden`` leaves it. Returns the rows inserted;
        ``progress``: the rows done so far, after each transaction."""
        assert self.key is not None, "one key column"
        pending, stored = self.pending_table, self.stored_table
        columns = Columns(self.model, self.key, list(given))
        names = [_qn(n) for n in columns.names]
        listed, marks = ", ".join(names), ", ".join(["%s"] * len(names))
        tail = list(columns.default_values)
        kept_tail = tuple(tail)  # a kept row is written visible by the final transaction
        tail[[f.attname for f in columns.defaults].index(HIDDEN)] = run_id
        values = [keys, *given.values()]
        with connection.cursor() as cursor:
            cursor.execute("BEGIN DEFERRED")  # TEMP only
            for table in (pending, stored):
                cursor.execute(f"DROP TABLE IF EXISTS temp.{table}")
            cursor.execute(f"CREATE TEMP TABLE {pending} AS SELECT {listed} FROM {self.table} "  # noqa: S608
                           "WHERE 0")  # fmt: skip
            cursor.execute(f"CREATE TEMP TABLE {stored} (rid INTEGER PRIMARY KEY)")
            cursor.execute("COMMIT")
        self._layout, self._kept = names, True
        self._pending = (columns, [_qn(f.column) for f in columns.fields[1:]])
        insert = f"INSERT OR IGNORE INTO {self.table} ({listed}) VALUES ({marks})"  # noqa: S608
        keep = f"INSERT INTO temp.{pending} ({listed}) VALUES ({marks})"  # noqa: S608
        width = len(columns.fields)
        total, inserted, done = len(keys), 0, 0
        pacer = Pacer(FIRST_BATCH, MIN_BATCH, MAX_BATCH)
        while done < total:
            upto = min(total, done + pacer.size)
            # the tail repeats: the row ends where the columns' slices end
            rows = list(zip(*(column.slice(done, upto - done).to_list() for column in values),
                            *map(repeat, tail), strict=False))  # fmt: skip
            started = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute("BEGIN IMMEDIATE")
                try:
                    cursor.executemany(insert, rows)
                    written = cursor.rowcount
                    left = [] if written == len(rows) else self._not_mine(cursor, run_id, rows)
                except BaseException:
                    cursor.execute("ROLLBACK")
                    raise
                cursor.execute("COMMIT")
                elapsed = time.perf_counter() - started
                if left:  # TEMP only
                    cursor.execute("BEGIN DEFERRED")
                    cursor.executemany(keep, [(*row[:width], *kept_tail) for row in left])
                    cursor.execute(f"INSERT INTO temp.{stored} SELECT rowid FROM temp.{pending} "  # noqa: S608
                                   f"WHERE rowid > (SELECT coalesce(max(rid), 0) FROM "
                                   f"temp.{stored})")  # fmt: skip
                    cursor.execute("COMMIT")
            inserted += written
            pacer.took(len(rows), elapsed)
            done = upto
            if progress:
                progress(done)
            if done < total:
                pacer.pause()
        self._hidden = inserted
        return inserted

    def _not_mine(self, cursor, run_id: int, rows: list[tuple]) -> list[tuple]:
        """The rows of a batch just inserted ``OR IGNORE`` that were not (their key is
        not hidden by this run), in their order."""
        mine: set[str] = set()
        key = self.key_column
        for part in range(0, len(rows), 10_000):  # under SQLite's variable limit
            asked = [row[0] for row in rows[part : part + 10_000]]
            cursor.execute(f"SELECT {key} FROM {self.table} WHERE {_qn(HIDDEN)} = %s AND "  # noqa: S608
                           f"{key} IN ({', '.join(['%s'] * len(asked))})",
                           [run_id, *asked])  # fmt: skip
            mine.update(found for (found,) in cursor.fetchall())
        return [row for row in rows if row[0] not in mine]

    def unchanged_among(self, keys: Sequence[str]) -> int:
        """How many of the kept rows with these keys match their stored row in every
        staged column (before ``apply_pending``; 0 with nothing kept)."""
        pending, asked = self.pending_table, self.keys_table
        if not keys or not self._kept or self._pending is None:
            return 0
        assert self.key is not None, "one key column"
        _columns, given = self._pending
        same = " AND ".join(f"s.{c} IS t.{c}" for c in given) or "1"
        key = self.key_column
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS temp.{asked}")
            cursor.execute(f"CREATE TEMP TABLE {asked} (k TEXT PRIMARY KEY)")
            cursor.executemany(f"INSERT OR IGNORE INTO temp.{asked} (k) VALUES (%s)",  # noqa: S608
                               [(k,) for k in keys])  # fmt: skip
            cursor.execute(
                f"SELECT count(*) FROM temp.{pending} s JOIN {self.table} t "  # noqa: S608
                f"ON t.{key} = s.{key} WHERE s.{key} IN (SELECT k FROM temp.{asked}) AND {same}"
            )
            (count,) = cursor.fetchone()
            cursor.execute(f"DROP TABLE temp.{asked}")
        return count

    def _stage(self, cursor, columns: Columns, rows) -> None:
        stage = self.stage_table
        names = [_qn(n) for n in columns.names]
        listed = ", ".join(names)
        if self._layout != names:
            cursor.execute(f"DROP TABLE IF EXISTS temp.{stage}")
            cursor.execute(
                f"CREATE TEMP TABLE {stage} AS SELECT {listed} FROM {self.table} WHERE 0"  # noqa: S608
            )
            self._layout = names
        else:
            cursor.execute(f"DELETE FROM temp.{stage}")  # noqa: S608
        marks = ", ".join(["%s"] * len(names))
        cursor.executemany(
            f"INSERT INTO temp.{stage} ({listed}) VALUES ({marks})",  # noqa: S608
            columns.params(rows),
        )

    def _compare(self, cursor, given: list[str], staged: str) -> tuple[int, int]:
        """(staged rows already stored, those of them with a different value); ``staged``:
        a TEMP table (``temp.name``) or a subquery over one."""
        if not self.keys:  # rows without a key are all new
            return 0, 0
        differs = " OR ".join(f"s.{c} IS NOT t.{c}" for c in given) or "0"
        cursor.execute(
            f"SELECT count(t.{self.pk}), coalesce(sum({differs}), 0) "  # noqa: S608
            f"FROM {staged} s JOIN {self.table} t ON {self._same_key()}"
        )
        matched, changed = cursor.fetchone()
        return matched, changed

    def _same_key(self) -> str:
        """The join of a staged row ``s`` to the stored row ``t`` with its key."""
        return " AND ".join(f"t.{column} = s.{column}" for column in self.key_columns)

    def _upsert(self, cursor, columns: Columns, given: list[str], staged: str) -> None:
        assert self.keys, "rows without a key are kept and written hidden only"
        listed = ", ".join(_qn(n) for n in columns.names)
        stamps = [_qn(f.column) for f in columns.defaults if getattr(f, "auto_now", False)]
        if given:
            sets = ", ".join(f"{c} = excluded.{c}" for c in (*given, *stamps))
            news = " OR ".join(f"{self.table}.{c} IS NOT excluded.{c}" for c in given)
            update = f"DO UPDATE SET {sets} WHERE {news}"
        else:
            update = "DO NOTHING"
        # ``WHERE true``: SQLite's parser needs it before ON CONFLICT after a SELECT.
        cursor.execute(
            f"INSERT INTO {self.table} ({listed}) SELECT {listed} FROM {staged} "  # noqa: S608
            f"WHERE true ON CONFLICT ({self.key_column}) {update}"
        )

    def close(self) -> None:
        stage, pending, stored = self.stage_table, self.pending_table, self.stored_table
        if self._layout is not None:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE IF EXISTS temp.{stage}")
                cursor.execute(f"DROP TABLE IF EXISTS temp.{pending}")
                cursor.execute(f"DROP TABLE IF EXISTS temp.{stored}")
            self._layout = None
            self._kept = False
            self._hidden = None


class HiddenRows:
    """The tables an import may write hidden (``hidden_by`` = its run, ADR 0024) and the
    marker model whose row per run keeps them hidden. Revealed at once by deleting that
    row (in the run's final transaction); afterwards ``settle`` clears ``hidden_by`` in
    short batches — first calling the table's ``settled`` hook on each batch (the audit
    entries of an import's first assignments), in the same transaction. A run that never
    reached its final transaction leaves its marker: ``drop`` deletes its rows.

    ``tables``: in the order their rows can be deleted (a table before those it refers to).
    """

    def __init__(self, marker: type[models.Model], tables: Sequence[type[models.Model]],
                 settled: dict[type[models.Model], Callable[[list[int]], None]]):  # fmt: skip
        self.marker, self.tables, self.settled = marker, list(tables), settled

    def hide(self, run_id: int) -> None:
        self.marker.objects.get_or_create(run_id=run_id)

    def reveal(self, run_id: int) -> None:
        """In the run's final transaction: its rows all appear when it commits."""
        self.marker.objects.filter(run_id=run_id).delete()

    def drop(self, run_id: int) -> None:
        """Delete the run's hidden rows (in short batches), then its marker."""
        for model in self.tables:
            table, pk = _qn(model._meta.db_table), _qn(model._meta.pk.column)
            sql = (f"DELETE FROM {table} WHERE {pk} IN (SELECT {pk} FROM {table} "  # noqa: S608
                   f"WHERE {_qn(HIDDEN)} = %s LIMIT %s)")  # fmt: skip
            while True:
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute(sql, [run_id, SETTLE_BATCH])
                    if cursor.rowcount < SETTLE_BATCH:
                        break
                self._pause()
        self.reveal(run_id)

    def settle(self, run_id: int) -> None:
        """A revealed run's rows: the table's hook, then ``hidden_by`` back to NULL (they
        are visible already), a batch a transaction, sized by time (``Pacer``)."""
        for model in self.tables:
            hook = self.settled.get(model)
            if hook is None:
                self._settle_by_range(model, run_id)
                continue
            table, pk = _qn(model._meta.db_table), _qn(model._meta.pk.column)
            pacer = Pacer(SETTLE_BATCH, SETTLE_BATCH, SETTLE_MAX)
            while True:
                started, size = time.perf_counter(), pacer.size
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute(f"SELECT {pk} FROM {table} WHERE {_qn(HIDDEN)} = %s "  # noqa: S608
                                   f"LIMIT %s", [run_id, size])  # fmt: skip
                    pks = [pk_value for (pk_value,) in cursor.fetchall()]
                    if pks:
                        hook(pks)
                    for part in range(0, len(pks), 10_000):  # under SQLite's variable limit
                        ids = pks[part : part + 10_000]
                        cursor.execute(f"UPDATE {table} SET {_qn(HIDDEN)} = NULL WHERE {pk} "  # noqa: S608
                                       f"IN ({', '.join(['%s'] * len(ids))})", ids)  # fmt: skip
                if len(pks) < size:
                    break
                pacer.took(size, time.perf_counter() - started)
                pacer.pause()

    def _settle_by_range(self, model: type[models.Model], run_id: int) -> None:
        """``settle`` for a table without a hook: ``hidden_by`` cleared by ranges of primary
        keys, one UPDATE each, no key read into Python (an import's rows are written in key
        order, so a range holds about as many of them as it is wide)."""
        table, pk = _qn(model._meta.db_table), _qn(model._meta.pk.column)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT min({pk}), max({pk}) FROM {table} "  # noqa: S608
                           f"WHERE {_qn(HIDDEN)} = %s", [run_id])  # fmt: skip
            low, high = cursor.fetchone()
        if low is None:
            return
        clear = (f"UPDATE {table} SET {_qn(HIDDEN)} = NULL WHERE {_qn(HIDDEN)} = %s "  # noqa: S608
                 f"AND {pk} >= %s AND {pk} < %s")  # fmt: skip
        pacer = Pacer(SETTLE_BATCH, SETTLE_BATCH, SETTLE_MAX)
        while low <= high:
            started, size = time.perf_counter(), pacer.size
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(clear, [run_id, low, low + size])
            low += size
            if low <= high:
                pacer.took(size, time.perf_counter() - started)
                pacer.pause()

    def leftovers(self) -> tuple[set[int], set[int]]:
        """(runs with a marker, runs whose rows in some table still carry ``hidden_by``)."""
        marked = set(self.marker.objects.values_list("run_id", flat=True))
        carried: set[int] = set()
        with connection.cursor() as cursor:
            for model in self.tables:
                cursor.execute(f"SELECT DISTINCT {_qn(HIDDEN)} FROM {_qn(model._meta.db_table)} "  # noqa: S608
                               f"WHERE {_qn(HIDDEN)} IS NOT NULL")  # fmt: skip
                carried.update(run for (run,) in cursor.fetchall())
        return marked, carried

    @staticmethod
    def _pause() -> None:
        if not connection.in_atomic_block:  # let waiting connections in
            time.sleep(PAUSE_SECONDS)


@contextmanager
def import_pragmas():
    """SQLite: a big page cache while one import rebuilds its indexes, then as it was."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (before,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")
