"""Rows written from columns: a Polars frame inserted into a model's table with no Python
object per cell — ``COPY`` on PostgreSQL, ``executemany`` of plain values on SQLite.

Used for the large per-reading tables (the readings, the predictive values, the
potentials): at 100,000 clients the ORM's ``bulk_create`` spent about 50 s building a
model instance and a ``Decimal`` per cell."""

from __future__ import annotations

import polars as pl
from django.db import connection
from django.db.models import Model

BATCH = 5_000


def money_text(cents: str | pl.Expr) -> pl.Expr:
    """Integer cents as the decimal text the database parses exactly ("-0.50", "12.00");
    null stays null."""
    column = pl.col(cents) if isinstance(cents, str) else cents
    whole = column.abs()
    sign = pl.when(column < 0).then(pl.lit("-")).otherwise(pl.lit(""))
    return pl.concat_str(
        sign,
        (whole // 100).cast(pl.Utf8),
        pl.lit("."),
        (whole % 100).cast(pl.Utf8).str.zfill(2),
    )


def insert_frame(model: type[Model], frame: pl.DataFrame) -> None:
    """Insert ``frame``'s rows into ``model``'s table; its columns are the table's column
    names (``run_id``, not ``run``). Dates go as dates (ISO text on SQLite), flags as
    booleans (0/1 on SQLite), money as ``money_text``."""
    if frame.height == 0:
        return
    table = model._meta.db_table
    names = ", ".join(frame.columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # NULL spelled \N: an unquoted empty field stays an empty string
            sql = f"COPY {table} ({names}) FROM STDIN WITH (FORMAT csv, NULL '\\N')"
            with cursor.cursor.copy(sql) as copy:
                copy.write(frame.write_csv(include_header=False, null_value="\\N"))
            return
        frame = frame.with_columns(pl.col(pl.Date).dt.to_string("%Y-%m-%d"),
                                   pl.col(pl.Boolean).cast(pl.Int8))  # fmt: skip
        placeholders = ", ".join(["%s"] * frame.width)
        sql = f"INSERT INTO {table} ({names}) VALUES ({placeholders})"  # noqa: S608
        for start in range(0, frame.height, BATCH):
            cursor.executemany(sql, frame.slice(start, BATCH).rows())
