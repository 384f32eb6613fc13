"""The one mapper between the database and the pure engine (``carteira_core.engine``).

Reads what the computation needs in bulk into Arrow/Polars, with ADBC when the data is
committed (a whole workspace, nightly runs), or through Django's own connection inside
an open transaction (tests, or a caller that has just written). Both give the same frames.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, closing, contextmanager

import polars as pl
from django.db import connection

from carteira.clients.models import VISIBLE_SQL
from carteira.workspace import database_url
from carteira_core.engine import (
    ASSIGNMENT_SCHEMA,
    CLIENT_SCHEMA,
    INTERACTION_OPTIONAL,
    INTERACTION_SCHEMA,
    ORDER_SCHEMA,
    SELLER_SCHEMA,
    SPEND_SCHEMA,
    PortfolioInput,
)

READERS = 2  # ADBC connections reading at the same time (read_frames)

QUERIES = {
    "clients": (
        "SELECT id AS client_id, external_id, name, NULLIF(segment, '') AS segment, "  # noqa: S608
        "NULLIF(state, '') AS region, created_date FROM clients_client WHERE "
        + VISIBLE_SQL.format(alias=""),
        CLIENT_SCHEMA,
    ),
    "assignments": (
        "SELECT client_id, seller_id, start_date, end_date FROM clients_assignment WHERE "  # noqa: S608
        + VISIBLE_SQL.format(alias=""),
        ASSIGNMENT_SCHEMA,
    ),
    "sellers": (
        "SELECT s.id AS seller_id, s.external_id, s.name, s.team_id, t.name AS team "
        "FROM organization_seller s LEFT JOIN organization_team t ON t.id = s.team_id",
        SELLER_SCHEMA,
    ),
    "orders": (
        "SELECT client_id, {date}, CAST(ROUND(amount * 100) AS BIGINT) AS amount_cents, "
        "CAST(ROUND(margin * 100) AS BIGINT) AS margin_cents, "
        "CASE WHEN status = 'cancelled' THEN 1 ELSE 0 END AS cancelled "
        "FROM orders_order",  # the conditions: _orders
        ORDER_SCHEMA,
    ),
    # unverified_visit: a visit none of whose field check-ins was verified (coverage may
    # leave it out: indicators.verified_visits_only).
    "interactions": (
        "SELECT i.client_id, {i_date}, i.successful, CASE WHEN i.channel = 'visit' AND "
        "v.interaction_id IS NULL THEN 1 ELSE 0 END AS unverified_visit "
        "FROM interactions_interaction i LEFT JOIN (SELECT DISTINCT interaction_id "
        "FROM field_checkin WHERE verified AND interaction_id IS NOT NULL) v "
        "ON v.interaction_id = i.id WHERE i.date <= '{as_of}' AND "
        + VISIBLE_SQL.format(alias="i."),
        {**INTERACTION_SCHEMA, **INTERACTION_OPTIONAL},
    ),
    "spend": (
        "SELECT period_start AS date, CAST(ROUND(amount * 100) AS BIGINT) AS amount_cents "
        "FROM leads_acquisitionspend WHERE period_start <= '{as_of}'",
        SPEND_SCHEMA,
    ),
}


def _conform(frame: pl.DataFrame, schema: dict) -> pl.DataFrame:
    """Give every column the engine's type (SQLite hands dates over as text, flags as 0/1)."""
    columns = []
    for name, dtype in schema.items():
        column = pl.col(name)
        if dtype == pl.Date and frame.schema[name] == pl.Utf8:
            column = column.str.slice(0, 10).str.to_date("%Y-%m-%d")
        elif dtype == pl.Date and frame.schema[name].is_integer():  # a day number (SQLITE_DAY)
            column = column.cast(pl.Int32)
        elif dtype == pl.Boolean and frame.schema[name] != pl.Boolean:
            column = column.cast(pl.Int64).cast(pl.Boolean)
        columns.append(column.cast(dtype).alias(name))
    return frame.select(columns)


def _read_with_django(sql: str, schema: dict) -> pl.DataFrame:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        names = [column[0] for column in cursor.description]
        rows = cursor.fetchall()
    return pl.DataFrame(rows, schema=names, orient="row", infer_schema_length=None)


def _adbc_connect():
    config = connection.settings_dict
    if connection.vendor == "sqlite":
        import adbc_driver_sqlite.dbapi

        # ADBC links its own copy of SQLite. Two copies in one process do not see each
        # other's POSIX locks, so Django's connection is closed while ADBC reads (Django
        # reopens it on the next query); otherwise a WAL database can be damaged.
        connection.close()
        adbc = adbc_driver_sqlite.dbapi.connect(database_url(config))
        # Wait for a lock as Django's connections do: readers opening the file at the same
        # moment may find the first one rebuilding the WAL index ("database is locked").
        seconds = config.get("OPTIONS", {}).get("timeout", 20)
        with adbc.cursor() as cursor:
            cursor.execute(f"PRAGMA busy_timeout = {int(seconds * 1000)}")
            cursor.fetchall()
        return adbc
    import adbc_driver_postgresql.dbapi

    return adbc_driver_postgresql.dbapi.connect(database_url(config))


def adbc_cursor(adbc):
    """A cursor of an ADBC connection (``_adbc_connect``) whose result columns are typed
    from every row. SQLite's driver types each column from its first batch (1,024 rows by
    default): a column null there and text later (a segment, a payment date) fails with
    "Type mismatch". One batch: the same memory, since every read here fetches the whole
    table."""
    cursor = adbc.cursor()
    if connection.vendor == "sqlite":
        cursor.adbc_statement.set_options(**{"adbc.sqlite.query.batch_rows": str(2**30)})
    return cursor


def _adbc_read(adbc, sql: str) -> pl.DataFrame:
    with adbc_cursor(adbc) as cursor:
        cursor.execute(sql)
        frame = pl.from_arrow(cursor.fetch_arrow_table())
    assert isinstance(frame, pl.DataFrame)
    return frame


def _read_with_adbc(statements: dict[str, str]) -> dict[str, pl.DataFrame]:
    """{name: frame} of each SQL statement, read by ``READERS`` ADBC connections at the
    same time, each taking the next statement in the given order (largest first): the
    driver steps SQLite, or receives PostgreSQL's answer, without holding the GIL, so two
    connections read in about half the time on two cores."""
    names = list(statements)
    lock = threading.Lock()
    found: dict[str, pl.DataFrame] = {}

    def work(adbc) -> None:
        while True:
            with lock:
                if not names:
                    return
                name = names.pop(0)
            found[name] = _adbc_read(adbc, statements[name])

    with ExitStack() as opened:
        count = max(1, min(READERS, len(statements)))
        connections = [opened.enter_context(closing(_adbc_connect())) for _ in range(count)]
        with ThreadPoolExecutor(count) as pool:
            list(pool.map(work, connections))  # list(): a reader's error is raised here
    return {name: found[name] for name in statements}


_sqlite_adbc_allowed = False


@contextmanager
def adbc_on_sqlite() -> Iterator[None]:
    """Let the CLI read a SQLite workspace through ADBC while it is the only connection.
    ADBC links its own copy of SQLite, and two copies in one process do not see each
    other's POSIX locks, so a web server's other connections could damage a WAL
    database: the web app reads SQLite through Django's connection instead."""
    global _sqlite_adbc_allowed
    _sqlite_adbc_allowed = True
    try:
        yield
    finally:
        _sqlite_adbc_allowed = False


def can_use_adbc() -> bool:
    """ADBC opens its own connection: it sees only committed data, and never an
    in-memory SQLite database."""
    if connection.in_atomic_block:
        return False
    if connection.vendor == "sqlite":
        name = str(connection.settings_dict["NAME"])
        in_memory = name == ":memory:" or "mode=memory" in name
        return _sqlite_adbc_allowed and not in_memory
    return connection.vendor == "postgresql"


def read_frames(
    queries: dict[str, tuple[str, dict]], *, use_adbc: bool | None = None
) -> dict[str, pl.DataFrame]:
    """{name: frame} of each (SQL, schema) of ``queries``, its columns given the schema's
    types (``_conform``); through ADBC when it can see the data (``can_use_adbc``), several
    queries at a time (``_read_with_adbc``: give the largest first)."""
    if can_use_adbc() if use_adbc is None else use_adbc:
        read = _read_with_adbc({name: sql for name, (sql, _schema) in queries.items()})
    else:
        read = {name: _read_with_django(sql, schema) for name, (sql, schema) in queries.items()}
    frames = {}
    for name, (_sql, schema) in queries.items():
        frame = read[name]
        if frame.width == 0 or frame.height == 0:
            frame = pl.DataFrame(schema=schema)
        frames[name] = _conform(frame, schema)
    return frames


# SQLite keeps a date as ISO text: read as a day number (days since 1970-01-01, a Polars
# Date's value) instead of 5.86M strings parsed again in Polars. julianday('1970-01-01')
# is 2440587.5.
SQLITE_DAY = "CAST(julianday({column}) - 2440587.5 AS INTEGER) AS date"


def _dated(sql: str, as_of: dt.date) -> str:
    sqlite = connection.vendor == "sqlite"
    dates = {"date": "date", "i_date": "i.date"}
    if sqlite:
        dates = {key: SQLITE_DAY.format(column=column) for key, column in dates.items()}
    return sql.format(as_of=as_of.isoformat(), **dates)


def _orders(sql: str, as_of: dt.date, halves: bool) -> dict[str, str]:
    """The orders query with only the conditions that leave rows out: orders after
    ``as_of`` if there are any, those an import hides if an import hides any (each costs
    a comparison per row of 5.86M at 100k clients). ``halves``: in two halves of the id
    range, read at the same time by ``_read_with_adbc``."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT MIN(id), MAX(id), MAX(date), EXISTS (SELECT 1 FROM clients_hiddenimport) "
            "FROM orders_order"
        )
        low, high, last, hiding = cursor.fetchone()
    conditions = []
    if last is not None and str(last)[:10] > as_of.isoformat():
        conditions.append(f"date <= '{as_of.isoformat()}'")
    if hiding:
        conditions.append(VISIBLE_SQL.format(alias=""))
    if not halves or low is None:
        parts = {"orders": conditions}
    else:
        middle = (int(low) + int(high)) // 2
        parts = {"orders": [*conditions, f"id <= {middle}"],
                 "orders 2": [*conditions, f"id > {middle}"]}  # fmt: skip
    return {name: " WHERE ".join([sql, " AND ".join(where)]) if where else sql
            for name, where in parts.items()}  # fmt: skip


def load_input(as_of: dt.date, *, use_adbc: bool | None = None) -> PortfolioInput:
    """Everything the engine needs to read the portfolio at ``as_of``: every order up to
    ``as_of`` (the value step fits on whole purchase histories from the same input), in
    two halves read at the same time through ADBC."""
    adbc = can_use_adbc() if use_adbc is None else use_adbc
    queries = {name: (_dated(sql, as_of), schema) for name, (sql, schema) in QUERIES.items()}
    orders_sql, orders_schema = queries.pop("orders")
    halves = {name: (sql, orders_schema) for name, sql in _orders(orders_sql, as_of, adbc).items()}
    frames = read_frames({**halves, **queries}, use_adbc=adbc)
    frames["orders"] = pl.concat([frames.pop(name) for name in halves])
    if frames["spend"].height == 0:  # no spend entered: CAC is unknown, not zero
        frames["spend"] = None
    return PortfolioInput(**frames)
