"""The instalments read from the database as columns (Polars frames of integer cents and
dates), and the instalments open at a date computed by the database itself.

``open_rows`` is ``carteira_core.credit.open_instalments`` (docs/portfolio-rules.md,
"Credit and receivables") written in SQL, for reads too large to bring every instalment
over: the database hands over one row per open instalment with its open balance and
bucket, three integers, instead of six columns of amounts and dates to age in Python.
Its bucket bounds are the core's ``due_cutoffs``; tests/credit/test_open_sql.py holds it
equal to the core on the definition's edge cases, on SQLite and PostgreSQL. It reads the
unsettled instalments and those settled after the date apart (``open_halves``), each from
a partial index that holds every column it needs, at once on two connections when it
may use ADBC (the CLI): the report does not read the instalments settled by the date.
"""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, closing

import polars as pl
from django.db import connection
from django.db.models import (
    BigIntegerField,
    Case,
    CharField,
    DecimalField,
    F,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce

from carteira.clients.models import Client, HiddenImport
from carteira.credit.models import SETTLED, UNSETTLED, Receivable
from carteira.portfolio.engine_input import _adbc_connect as adbc_connect
from carteira.portfolio.engine_input import adbc_cursor, can_use_adbc
from carteira_core.credit import due_cutoffs
from carteira_core.rules import CreditRules

_SCHEMA = {
    "client_id": pl.Int64,
    "issue_date": pl.Date,
    "due_date": pl.Date,
    "amount": pl.Int64,
    "paid_date": pl.Date,
    "paid": pl.Int64,
}


def receivables_frame(receivables: QuerySet[Receivable]) -> pl.DataFrame:
    """The instalments as the core reads them: money in integer cents (rounded in SQL,
    as the engine's input), dates as dates, read as columns (``read_columns``: no
    Decimal or date object per row, millions of rows in seconds)."""
    rows = receivables.order_by().values_list(
        "client_id", _text_of("issue_date"), _text_of("due_date"), _cents_of("amount"),
        _text_of("paid_date"), _cents_of("paid_amount"),
    )  # fmt: skip
    return read_columns(rows, _SCHEMA)


def open_rows(
    receivables: QuerySet[Receivable],
    *,
    as_of: dt.date,
    rules: CreditRules,
    fields: tuple[str, ...] = ("client_id",),
) -> pl.DataFrame:
    """The instalments of ``receivables`` open at ``as_of``, computed by the database:
    ``fields`` (integer columns of the instalment), ``bucket`` (0 current … 5 over the
    last bound) and ``open`` (cents), as ``open_instalments`` gives them (without the
    days past due). Read in the two halves of ``open_halves``, each from its partial
    index, at once when each can have its own connection; an instalment whose open
    balance comes to zero (an amount of zero) is dropped here."""
    amount = _cents_of("amount")
    open_cents = Case(
        When(paid_date__lte=as_of, then=amount - Coalesce(_cents_of("paid_amount"), amount)),
        default=amount,
        output_field=BigIntegerField(),
    )
    # Bucket k: due before the first k cutoffs. Asked from the current side (most of a
    # book is not yet due, so most rows stop at the first comparison).
    cutoffs = due_cutoffs(as_of, rules)
    bucket = Case(
        *(When(due_date__gte=cutoff, then=Value(index)) for index, cutoff in enumerate(cutoffs)),
        default=Value(len(cutoffs)),
        output_field=IntegerField(),
    )
    halves = [
        receivables.filter(half, issue_date__lte=as_of)
        .order_by()
        .annotate(bucket_of=bucket, open_of=open_cents)
        .values_list(*fields, "bucket_of", "open_of")
        for half in open_halves(as_of)
    ]
    schema = dict.fromkeys(fields, pl.Int64) | {"bucket": pl.Int8, "open": pl.Int64}
    return pl.concat(read_columns_each(halves, schema)).filter(pl.col("open") > 0)


def open_halves(as_of: dt.date) -> tuple[Q, Q]:
    """The instalments that may be open at ``as_of``, besides being issued by then, in two
    parts that never meet: not paid in full today (``UNSETTLED``), and paid in full after
    ``as_of`` (``SETTLED``); each is the condition of a partial index that holds every
    column the open balance and the bucket need (credit 0004). The core decides exactly
    (``open_instalments``)."""
    return UNSETTLED, SETTLED & Q(paid_date__gt=as_of)


def open_by(as_of: dt.date) -> Q:
    """A SQL pre-filter of the instalments that may be open at ``as_of`` (issued by then
    and not paid in full by then): the two ``open_halves`` together."""
    unsettled, settled_after = open_halves(as_of)
    return Q(issue_date__lte=as_of) & (unsettled | settled_after)


def of_clients(receivables: QuerySet[Receivable], clients: QuerySet[Client]):
    """``receivables`` of ``clients``; the whole portfolio without a condition (SQLite
    plans ``client_id IN (SELECT id FROM clients)`` as a loop over the client index:
    9.1 s instead of 2.9 s for 500k instalments)."""
    if is_whole_portfolio(clients):
        return receivables
    return receivables.filter(client__in=clients)


def is_whole_portfolio(clients: QuerySet[Client]) -> bool:
    """Whether ``clients`` is every client: the default manager's rows (the visible ones)
    while no import hides any client (ADR 0024; an import hiding orders or titles only
    leaves every client visible, and its titles are hidden by their own rule)."""
    every = Client.objects.order_by().query.sql_with_params()
    if clients.order_by().query.sql_with_params() != every:
        return False
    hiding = HiddenImport.objects.values("run_id")
    return not Client._base_manager.filter(hidden_by__isnull=False, hidden_by__in=hiding).exists()


def read_columns_each(queries: list[QuerySet], schema: dict) -> list[pl.DataFrame]:
    """``read_columns`` of each query; through ADBC on a connection of its own each, read
    at the same time (the driver steps SQLite, or reads PostgreSQL's answer, without
    holding the GIL), else one after the other."""
    if len(queries) < 2 or not can_use_adbc():
        return [read_columns(query, schema) for query in queries]
    statements = [_adbc_sql(*query.query.sql_with_params()) for query in queries]
    with ExitStack() as opened:
        cursors = [opened.enter_context(adbc_cursor(opened.enter_context(closing(adbc_connect()))))
                   for _query in queries]  # fmt: skip
        if connection.vendor == "sqlite":
            for cursor in cursors:
                _waits_for_locks(cursor)
        with ThreadPoolExecutor(len(queries)) as pool:
            frames = list(pool.map(_fetch, cursors, statements))
    return [_shaped(frame, schema) for frame in frames]


def _waits_for_locks(cursor) -> None:
    """SQLite: an ADBC connection waits for a lock as Django's do (``timeout``) instead of
    failing at once. The halves' connections first read the file at the same moment, and
    the first may be rebuilding the WAL index (the last connection closed removes it):
    the other got "database is locked" now and then."""
    seconds = connection.settings_dict.get("OPTIONS", {}).get("timeout", 20)
    cursor.execute(f"PRAGMA busy_timeout = {int(seconds * 1000)}")
    cursor.fetchall()


def read_columns(rows: QuerySet, schema: dict) -> pl.DataFrame:
    """A ``values_list`` query as a frame with ``schema``'s names and types (in the
    query's order). Through ADBC, as Arrow columns, when it may open its own connection
    (committed data: the CLI on SQLite, PostgreSQL outside a transaction:
    ``portfolio.engine_input.can_use_adbc``); else through Django's cursor."""
    sql, params = rows.query.sql_with_params()
    if can_use_adbc():
        with closing(adbc_connect()) as adbc, adbc_cursor(adbc) as cursor:
            frame = _fetch(cursor, _adbc_sql(sql, params))
    else:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            data = cursor.fetchall()
        frame = pl.DataFrame(data, schema=list(schema), orient="row", infer_schema_length=None)
    return _shaped(frame, schema)


def _shaped(frame: pl.DataFrame, schema: dict) -> pl.DataFrame:
    frame.columns = list(schema)
    return frame.select(_typed(name, dtype, frame.schema[name]) for name, dtype in schema.items())


def _adbc_sql(sql: str, params) -> tuple[str, tuple | None]:
    """Django's SQL (``%s`` placeholders) for ADBC: ``?`` for SQLite, ``$n`` for
    PostgreSQL (the queries read here carry no literal ``%``)."""
    parts = sql.split("%s")
    if connection.vendor == "sqlite":
        sql = "?".join(parts)
    else:
        sql = parts[0] + "".join(f"${n}{part}" for n, part in enumerate(parts[1:], start=1))
    return sql, tuple(params) or None


def _fetch(cursor, statement: tuple[str, tuple | None]) -> pl.DataFrame:
    cursor.execute(*statement)
    frame = pl.from_arrow(cursor.fetch_arrow_table())
    assert isinstance(frame, pl.DataFrame)
    return frame


def _cents_of(field: str):
    """ROUND(amount * 100) as a big integer: ``Round`` adds its precision as a parameter,
    which PostgreSQL cannot type when ADBC binds it (``round(numeric, bigint)``)."""
    rounded = Func(F(field) * 100, function="ROUND", output_field=DecimalField())
    return Cast(rounded, BigIntegerField())


def _text_of(field: str):
    """A date as ISO text: SQLite's driver would parse every date cell in Python (2.6 s
    for 1M instalments); Polars parses the column at once (``_typed``)."""
    return Cast(F(field), CharField())


def _typed(name: str, dtype, found) -> pl.Expr:
    """SQLite hands dates over as text; PostgreSQL as dates; empty columns as null."""
    column = pl.col(name)
    if dtype == pl.Date and found == pl.String:
        column = column.str.slice(0, 10).str.to_date("%Y-%m-%d")
    return column.cast(dtype)
