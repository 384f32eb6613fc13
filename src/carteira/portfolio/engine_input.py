"""The one mapper between the database and the pure engine (``carteira_core.engine``).

Reads what the computation needs in bulk into Arrow/Polars, with ADBC when the data is
committed (a whole workspace, nightly runs), or through Django's own connection inside
an open transaction (tests, or a caller that has just written). Both give the same frames.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager

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
        "SELECT client_id, date, CAST(ROUND(amount * 100) AS BIGINT) AS amount_cents, "
        "CAST(ROUND(margin * 100) AS BIGINT) AS margin_cents, "
        "CASE WHEN status = 'cancelled' THEN 1 ELSE 0 END AS cancelled "
        "FROM orders_order WHERE date <= '{as_of}' AND " + VISIBLE_SQL.format(alias=""),
        ORDER_SCHEMA,
    ),
    # unverified_visit: a visit none of whose field check-ins was verified (coverage may
    # leave it out: indicators.verified_visits_only).
    "interactions": (
        "SELECT i.client_id, i.date, i.successful, CASE WHEN i.channel = 'visit' AND "
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
        return adbc_driver_sqlite.dbapi.connect(database_url(config))
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


def _reader_for(use_adbc: bool) -> tuple[Callable[[str, dict], pl.DataFrame], Callable]:
    if not use_adbc:
        return _read_with_django, lambda: None
    adbc = _adbc_connect()

    def read(sql: str, schema: dict) -> pl.DataFrame:
        with adbc_cursor(adbc) as cursor:
            cursor.execute(sql)
            return pl.from_arrow(cursor.fetch_arrow_table())

    return read, adbc.close


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
    types (``_conform``); through ADBC when it can see the data (``can_use_adbc``)."""
    read, close = _reader_for(can_use_adbc() if use_adbc is None else use_adbc)
    try:
        frames = {}
        for name, (sql, schema) in queries.items():
            frame = read(sql, schema)
            if frame.width == 0 or frame.height == 0:
                frame = pl.DataFrame(schema=schema)
            frames[name] = _conform(frame, schema)
    finally:
        close()
    return frames


def load_input(as_of: dt.date, *, use_adbc: bool | None = None) -> PortfolioInput:
    """Everything the engine needs to read the portfolio at ``as_of``."""
    day = as_of.isoformat()
    queries = {name: (sql.format(as_of=day), schema) for name, (sql, schema) in QUERIES.items()}
    frames = read_frames(queries, use_adbc=use_adbc)
    if frames["spend"].height == 0:  # no spend entered: CAC is unknown, not zero
        frames["spend"] = None
    return PortfolioInput(**frames)
