"""Computing and storing portfolio readings (snapshots)."""

from __future__ import annotations

import datetime as dt
import json
import time

import polars as pl
from django.db import IntegrityError, connection, transaction

from carteira.accounts.models import User
from carteira.audit.events import OFFICIAL_READING, emit
from carteira.audit.services import do_record
from carteira.portfolio import engine_input
from carteira.portfolio.models import (
    ClientSnapshot,
    GroupSnapshot,
    RulesVersion,
    SnapshotRun,
    StatusTransition,
)
from carteira.portfolio.rules_store import current_rules_version, rules_json
from carteira.portfolio.table_writer import insert_frame, money_text
from carteira_core.engine import (
    GROUPS,
    Period,
    PortfolioInput,
    indicators,
    month_to_date,
    read_portfolio,
    rolling,
)
from carteira_core.rules import PortfolioRules, rules_from_dict

CLIENT_ROW = (
    "client_id", "seller_id", "status", "status_previous", "abc", "days_since_last_purchase",
    "last_purchase_date", "first_purchase_date", "purchases_in_frequency_window",
    "revenue_in_abc_window_cents", "margin_in_abc_window_cents", "revenue_period_cents",
    "purchases_period", "revenue_at_risk_cents", "rfm", "positivated", "covered",
    "active_threshold_days", "inactive_threshold_days",
)  # fmt: skip
CLIENT_COLUMNS = (
    "client_id", "seller_id", "status", "status_previous", "abc", "days_since_last_purchase",
    "last_purchase_date", "first_purchase_date", "purchases_in_frequency_window",
    "revenue_in_abc_window", "margin_in_abc_window", "revenue_in_period",
    "purchases_in_period", "revenue_at_risk", "rfm", "positivated", "covered",
    "active_threshold_days", "inactive_threshold_days",
)  # fmt: skip
CENTS = ("revenue_in_abc_window_cents", "margin_in_abc_window_cents", "revenue_period_cents",
         "revenue_at_risk_cents")  # fmt: skip
BATCH = 5_000


class SnapshotBusy(RuntimeError):
    """Another run is writing the same official reading right now."""


def stored_values(clients: pl.DataFrame) -> pl.DataFrame:
    """A reading's clients as ClientSnapshot stores them: its column names
    (CLIENT_COLUMNS), empty text for no class, RFM or earlier status, money in whole cents
    (zero for none). What the dashboards' warm-up sums for the run just computed."""
    columns = []
    for name, column in zip(CLIENT_ROW, CLIENT_COLUMNS, strict=True):
        value = pl.col(name)
        if name in CENTS:
            value = value.fill_null(0)
        elif name in {"status_previous", "abc", "rfm"}:
            value = value.fill_null("")
        columns.append(value.alias(column))
    return clients.select(columns)


def _client_columns(clients: pl.DataFrame, run_id: int) -> pl.DataFrame:
    """The run's readings as the columns of ClientSnapshot (``run_id`` first, then
    CLIENT_COLUMNS): money as exact decimal text made from the cents column by column, no
    Python object per cell (it took 2.6–2.8 s of 100k rows as one ``Decimal`` per cell)."""
    pairs = zip(CLIENT_ROW, CLIENT_COLUMNS, strict=True)
    money = {column for name, column in pairs if name in CENTS}
    stored = stored_values(clients)
    columns = [money_text(n).alias(n) if n in money else pl.col(n) for n in stored.columns]
    return stored.select(pl.lit(run_id, pl.Int64).alias("run_id"), *columns)


def _write_clients(clients: pl.DataFrame, run_id: int) -> None:
    insert_frame(ClientSnapshot, _client_columns(clients, run_id))


def _json_ready(value):
    if isinstance(value, float) and value != value:  # NaN never reaches JSON
        return None
    return value


def _write_groups(reading, run: SnapshotRun) -> None:
    rows = []
    for by in (None, *GROUPS):
        table = indicators(reading, by)
        key_column = GROUPS.get(by) if by else None
        for row in table.iter_rows(named=True):
            key = "" if key_column is None else ("" if row[key_column] is None else
                                                  str(row[key_column]))  # fmt: skip
            figures = {name: _json_ready(value) for name, value in row.items()
                       if name != key_column}  # fmt: skip
            rows.append(GroupSnapshot(run=run, by=by or "", key=key, figures=figures))
    GroupSnapshot.objects.bulk_create(rows, batch_size=1000)


def _write_transitions(reading, run: SnapshotRun) -> None:
    previous = (
        SnapshotRun.objects.filter(kind=SnapshotRun.Kind.OFFICIAL, as_of__lt=run.as_of)
        .order_by("-as_of", "-pk")
        .first()
    )
    if previous is None:
        return
    # The earlier run's statuses as plain rows (no ORM row per reading), compared as columns.
    table = ClientSnapshot._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT client_id, status FROM {table} WHERE run_id = %s", [previous.pk])  # noqa: S608 -- the model's table
        rows = cursor.fetchall()
    before = pl.DataFrame(rows, schema={"client_id": pl.Int64, "from_status": pl.Utf8},
                          orient="row")  # fmt: skip
    changed = (
        reading.clients.select("client_id", pl.col("status").alias("to_status"))
        .join(before, on="client_id", how="inner", maintain_order="left")
        .filter(pl.col("from_status") != pl.col("to_status"))
    )
    StatusTransition.objects.bulk_create(
        (
            StatusTransition(client_id=c, run=run, date=run.as_of, from_status=f, to_status=t)
            for c, t, f in changed.iter_rows()
        ),
        batch_size=BATCH,
    )


def do_refresh_statistics() -> None:
    """ANALYZE the tables a run writes (PostgreSQL). The pages plan their queries from
    table statistics; once a few runs are stored, a new run's rows stay under autovacuum's
    analyze threshold (10 % of the table), so until the next analyze the planner takes the
    new run for a run of one row and the client list joins it by a full scan (0.08 s →
    0.8 s at 100k clients; docs/benchmarks.md)."""
    if connection.vendor != "postgresql":
        return
    tables = [model._meta.db_table for model in (ClientSnapshot, GroupSnapshot, StatusTransition)]
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {', '.join(tables)}")


def do_snapshot(
    as_of: dt.date,
    *,
    what_if: PortfolioRules | None = None,
    by: User | None = None,
    use_adbc: bool | None = None,
    analyze: bool = True,
    period: Period | None = None,
    data: PortfolioInput | None = None,
) -> SnapshotRun:
    """Read the portfolio at ``as_of`` and store it. Official runs use the rules in force
    and replace an earlier official run of the same date and rules (same data, same rows);
    ``what_if`` rules are stored apart and change nothing official. A ``period`` other
    than the rules' rolling window (a month or quarter to date, ending at ``as_of``) makes
    a *window* run: the same reading with its period figures over that window, never
    taken for the official reading of the date (ADR 12); an official reading at a month
    end also stores its month's window (the reviews', goals' and trends' months).
    ``data``: the input already loaded for ``as_of``, to read several periods of one date."""
    started = time.perf_counter()
    version: RulesVersion | None = None if what_if else current_rules_version()
    rules = what_if or rules_from_dict(version.rules)
    if data is None:
        data = engine_input.load_input(as_of, use_adbc=use_adbc)
    reading = read_portfolio(data, as_of, rules, period)
    kind = SnapshotRun.Kind.WHAT_IF if what_if else SnapshotRun.Kind.OFFICIAL
    if not what_if and not reading.period.same_window(rolling(as_of, rules.lifecycle.period_days)):
        kind = SnapshotRun.Kind.WINDOW
    with transaction.atomic():
        if version is not None:
            SnapshotRun.objects.filter(
                kind=kind, as_of=as_of, period_start=reading.period.start, rules_version=version
            ).delete()
        try:
            with transaction.atomic():
                run = SnapshotRun.objects.create(
                    as_of=as_of, kind=kind, rules_version=version, rules=rules_json(rules),
                    period_start=reading.period.start,
                )  # fmt: skip
        except IntegrityError as exc:  # another run of this date and rules committed first
            raise SnapshotBusy(
                f"Another official snapshot of {as_of.isoformat()} with rules "
                f"v{version.number} was written at the same time and is stored; "
                "run it again to recompute."
            ) from exc
        _write_clients(reading.clients, run.pk)
        _write_groups(reading, run)
        if kind == SnapshotRun.Kind.OFFICIAL:
            _write_transitions(reading, run)
            emit(
                OFFICIAL_READING, run_id=run.pk, data=data, readings=stored_values(reading.clients)
            )
        run.duration_ms = int((time.perf_counter() - started) * 1000)
        run.save(update_fields=["duration_ms"])
    run.reading = reading
    do_record("snapshot.computed", actor=by, obj=run, as_of=as_of.isoformat(), kind=kind,
              clients=reading.clients.height)  # fmt: skip
    month = month_to_date(as_of)
    official = kind == SnapshotRun.Kind.OFFICIAL
    if official and _is_month_end(as_of) and not month.same_window(reading.period):
        # the month's own window, read from the same input
        do_snapshot(as_of, by=by, analyze=False, period=month, data=data)
    if analyze:
        do_refresh_statistics()
    return run


def _is_month_end(day: dt.date) -> bool:
    return (day + dt.timedelta(days=1)).day == 1


def period_run(period: Period, *, compute_if_missing: bool = True) -> SnapshotRun | None:
    """The stored reading whose period figures cover ``period`` with the rules in force:
    the official reading of its last day for the rules' rolling window, else a window run
    (computed if missing, like ``official_run``)."""
    version = current_rules_version()
    days = version.rules["lifecycle"]["period_days"]
    official = period.same_window(rolling(period.end, days))
    run = SnapshotRun.objects.filter(
        kind=SnapshotRun.Kind.OFFICIAL if official else SnapshotRun.Kind.WINDOW,
        as_of=period.end,
        period_start=period.start,
        rules_version=version,
    ).first()
    if run is None and compute_if_missing:
        run = do_snapshot(period.end, period=None if official else period)
    return run


def official_run(as_of: dt.date, *, compute_if_missing: bool = True) -> SnapshotRun | None:
    """The official reading of ``as_of`` with the rules in force (computed if missing, so
    a report never shows a reading made with older rules)."""
    version = current_rules_version()
    run = SnapshotRun.objects.filter(
        kind=SnapshotRun.Kind.OFFICIAL, as_of=as_of, rules_version=version
    ).first()
    if run is None and compute_if_missing:
        run = do_snapshot(as_of)
    return run


def dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, default=str)


def month_ends(today: dt.date, months: int) -> list[dt.date]:
    """The last day of each of the ``months`` months before ``today``'s, oldest first."""
    days, cursor = [], today.replace(day=1)
    for _ in range(months):
        cursor -= dt.timedelta(days=1)
        days.append(cursor)
        cursor = cursor.replace(day=1)
    return list(reversed(days))


def do_snapshot_history(today: dt.date, *, months: int = 12, by: User | None = None) -> int:
    """Official readings at each month end of the last ``months`` months, a period ago
    and today, oldest first (so transitions chain): the dashboard's trend and changes.
    Each month end also stores its whole month (``do_snapshot``): the reviews' and goals'
    months. Returns how many official readings were stored."""
    period = current_rules_version().rules["lifecycle"]["period_days"]
    days = sorted({*month_ends(today, months), today - dt.timedelta(days=period), today})
    for day in days:
        do_snapshot(day, by=by, analyze=False)
    do_refresh_statistics()
    return len(days)
