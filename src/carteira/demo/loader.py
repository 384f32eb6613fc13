"""Write a generated ``DemoData`` into the database, in bulk and in one transaction.

Small tables go through the ORM; the big ones through ``executemany`` on the raw
cursor (and ``COPY`` for orders on PostgreSQL), with money as exact decimal text.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import polars as pl
from django.apps import apps
from django.contrib.auth.hashers import PBKDF2PasswordHasher, get_hasher, make_password
from django.core.management.color import no_style
from django.db import OperationalError, connection, models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from carteira.accounts.models import User
from carteira.audit.wipe import audit_wipe
from carteira.clients.models import Assignment, Client, Contact
from carteira.complaints.models import Complaint
from carteira.credit.models import CreditLimit, Receivable
from carteira.interactions.models import InactivityReason, Interaction
from carteira.leads.models import AcquisitionSpend, Lead, LossReason
from carteira.leads.services import do_backfill_history
from carteira.orders.models import Order
from carteira.organization.models import Seller, Team, WorkspaceSettings
from carteira.plans.models import ActionPlanCell
from carteira.plans.services import do_load_defaults
from carteira.portfolio.cache import clear_figures
from carteira.web.formats import number
from carteira_core.demo import DemoData

BATCH = 20_000
SQLITE_LOAD_CACHE_KIB = -512 * 1024  # negative: KiB, so 512 MiB
# Demo logins are hashed with few PBKDF2 rounds so hundreds of sellers load in
# seconds; Django re-hashes with the full count at each user's first login.
DEMO_PBKDF2_ITERATIONS = 10_000
# Wiped by a reset: the company's data and logins; Django's own bookkeeping stays.
WIPED_APPS = frozenset(
    {"accounts", "organization", "clients", "orders", "interactions", "agenda", "portfolio",
     "goals", "complaints", "credit", "leads", "audit", "admin", "sessions"}
)  # fmt: skip

# The workspace's managed lists survive a reset (a data migration seeds them).
KEPT_MODELS = frozenset({InactivityReason})

Progress = Callable[[str], None]


def seconds_since(clock: float) -> str:
    """Seconds since ``clock`` (``time.perf_counter()``), in the active language."""
    return number(time.perf_counter() - clock, digits=1)


def demo_password(username: str) -> str:
    """The demo's published password for a login: ``demo-<username>``."""
    return f"demo-{username}"


@dataclass(frozen=True)
class LoadedCounts:
    rows: dict[str, int]
    seconds: float


def _hash(password: str) -> str:
    hasher = get_hasher("default")
    if isinstance(hasher, PBKDF2PasswordHasher):
        return hasher.encode(password, hasher.salt(), iterations=DEMO_PBKDF2_ITERATIONS)
    return make_password(password)


def _money(column: str) -> pl.Expr:
    """Integer cents → exact decimal text (``-1234`` → ``"-12.34"``)."""
    cents = pl.col(column)
    sign = pl.when(cents < 0).then(pl.lit("-")).otherwise(pl.lit(""))
    whole = (cents.abs() // 100).cast(pl.String)
    fraction = (cents.abs() % 100).cast(pl.String).str.zfill(2)
    return pl.concat_str([sign, whole, pl.lit("."), fraction]).alias(column)


def _as_db_values(frame: pl.DataFrame) -> pl.DataFrame:
    """Dates as ISO text and cents as decimal text: what both backends accept."""
    exprs = []
    for name, dtype in frame.schema.items():
        if dtype == pl.Date:
            exprs.append(pl.col(name).dt.to_string("%Y-%m-%d"))
        elif name.endswith("_cents"):
            exprs.append(_money(name))
        else:
            exprs.append(pl.col(name))
    return frame.select(exprs)


def _columns(model: type[models.Model], names: list[str]) -> list[str]:
    """Field names (``amount_cents`` → ``amount``) to quoted database columns."""
    out = []
    for name in names:
        field = model._meta.get_field(name.removesuffix("_cents"))
        out.append(connection.ops.quote_name(field.column))
    return out


def _insert(
    model: type[models.Model], frame: pl.DataFrame, sql_values: dict[str, str] | None = None
) -> int:
    """INSERT every row of ``frame`` (columns named after the model's fields); extra
    columns get the SQL expressions in ``sql_values`` (e.g. ``CURRENT_TIMESTAMP``)."""
    sql_values = sql_values or {}
    frame = _as_db_values(frame)
    given = {name.removesuffix("_cents") for name in frame.columns} | set(sql_values)
    fixed = _left_out(model, given)
    columns = (_columns(model, frame.columns) + _columns(model, list(sql_values))
               + _columns(model, list(fixed)))  # fmt: skip
    values = ["%s"] * frame.width + list(sql_values.values()) + ["%s"] * len(fixed)
    table = connection.ops.quote_name(model._meta.db_table)
    # Identifiers come from the model's metadata, values are bound parameters.
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(values)})"  # noqa: S608
    constants = tuple(fixed.values())
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # The driver's own cursor: Django's wrapper costs more than SQLite here.
            raw, sql = cursor.cursor, sql.replace("%s", "?")
            for chunk in frame.iter_slices(BATCH):
                raw.executemany(sql, (row + constants for row in chunk.rows()))
        else:
            for chunk in frame.iter_slices(BATCH):
                cursor.executemany(sql, [row + constants for row in chunk.rows()])
    return frame.height


def _left_out(model: type[models.Model], given: set[str]) -> dict[str, object]:
    """The NOT NULL columns the generator does not fill, with what the ORM would write:
    the field's default, or an empty text for a blank text field. A field added to a
    model later never breaks the demo's raw INSERT."""
    out = {}
    for field in model._meta.concrete_fields:
        if field.primary_key or field.null or field.name in given:
            continue
        if field.has_default():
            value = field.get_default()
        elif field.blank and isinstance(field, models.CharField | models.TextField):
            value = ""
        else:
            continue
        out[field.name] = field.get_db_prep_save(value, connection)
    return out


def _copy(model: type[models.Model], frame: pl.DataFrame) -> int:
    """PostgreSQL COPY: the fastest way in for millions of rows."""
    frame = _as_db_values(frame)
    columns = ", ".join(_columns(model, frame.columns))
    table = connection.ops.quote_name(model._meta.db_table)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        for chunk in frame.iter_slices(BATCH):
            for row in chunk.iter_rows():
                copy.write_row(row)
    return frame.height


def _lookup(ids: np.ndarray, index: pl.Series) -> pl.Series:
    """Row numbers (nullable) → database ids."""
    valid = index.is_not_null()
    return pl.Series(np.where(valid, ids[index.fill_null(0).to_numpy()], 0)).scatter(
        np.flatnonzero(~valid.to_numpy()), None
    )


def _map(frame: pl.DataFrame, **targets: tuple[str, np.ndarray]) -> pl.DataFrame:
    """Replace ``x_idx`` columns by ``x_id`` database ids: ``client=("client_idx", ids)``."""
    for field, (column, ids) in targets.items():
        frame = frame.with_columns(_lookup(ids, frame[column]).alias(f"{field}_id")).drop(column)
    return frame


@contextmanager
def _bulk_friendly_connection() -> Iterator[None]:
    """On SQLite, a large page cache while loading: the orders' indexes grow at random
    places, and with the default 2 MB cache every insert goes back to disk."""
    if connection.vendor != "sqlite":
        yield
        return
    # temp_store 2: the index rebuilds sort in memory (settable outside a transaction only).
    pragmas = {"cache_size": SQLITE_LOAD_CACHE_KIB, "temp_store": 2}
    previous = {}
    with connection.cursor() as cursor:
        for name, value in pragmas.items():
            cursor.execute(f"PRAGMA {name}")
            (current,) = cursor.fetchone()
            try:
                cursor.execute(f"PRAGMA {name} = {int(value)}")
            except OperationalError:
                continue
            previous[name] = current
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for name, value in previous.items():
                cursor.execute(f"PRAGMA {name} = {int(value)}")


@contextmanager
def _indexes_rebuilt_after(model: type[models.Model], say: Progress) -> Iterator[None]:
    """On SQLite, drop the table's plain indexes while millions of rows go in and build
    them once at the end: sorting once beats growing each B-tree at random places.
    Inside the load's transaction, so a failure leaves the schema as it was."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s"
            " AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%%'",
            [model._meta.db_table],
        )
        indexes = cursor.fetchall()
        for name, _sql in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    yield
    clock = time.perf_counter()
    with connection.cursor() as cursor:
        for _name, sql in indexes:
            cursor.execute(sql)
    rebuilt = ngettext(
        "%(count)s index rebuilt in %(seconds)s s", "%(count)s indexes rebuilt in %(seconds)s s",
        len(indexes),
    )  # fmt: skip
    say("  " + rebuilt % {"count": len(indexes), "seconds": seconds_since(clock)})


def do_wipe_workspace() -> None:
    """Delete the company's data and logins (a demo reset); tables that point at them
    are emptied too (``allow_cascade``)."""
    tables = {
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in WIPED_APPS and model not in KEPT_MODELS
    }
    statements = connection.ops.sql_flush(
        no_style(), sorted(tables), reset_sequences=True, allow_cascade=True
    )
    with audit_wipe(), transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # TRUNCATE refuses tables with deferred FK checks pending in this transaction.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for sql in statements:
            cursor.execute(sql)
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    clear_figures()  # ids start again from 1: no figure may outlive the data it sums
    _restore_defaults()


def _restore_defaults() -> None:
    """The rows the data migrations made: PostgreSQL's TRUNCATE … CASCADE also empties
    the tables that point at the wiped ones (the action plan names who last edited a cell),
    and a demo without its action plan would give the sellers an empty agenda."""
    if not ActionPlanCell.objects.exists():
        do_load_defaults()


def _ensure_reasons(reasons: pl.DataFrame) -> dict[str, int]:
    """The demo's inactivity reasons, reusing those the workspace already lists."""
    existing = set(InactivityReason.objects.values_list("code", flat=True))
    InactivityReason.objects.bulk_create(
        [
            InactivityReason(code=code, label=label)
            for code, label in reasons.iter_rows()
            if code not in existing
        ]
    )
    return dict(InactivityReason.objects.values_list("code", "pk"))


def _with_loss_reasons(leads: pl.DataFrame) -> pl.DataFrame:
    """The demo's free-text loss reasons as rows of the managed list (leads.LossReason)."""
    names = sorted(set(leads["lost_reason"].to_list()) - {""})
    existing = set(LossReason.objects.filter(name__in=names).values_list("name", flat=True))
    LossReason.objects.bulk_create([LossReason(name=n) for n in names if n not in existing])
    ids = dict(LossReason.objects.filter(name__in=names).values_list("name", "pk"))
    reason = pl.col("lost_reason").replace_strict(ids, default=None, return_dtype=pl.Int64)
    return leads.with_columns(reason.alias("loss_reason_id")).drop("lost_reason")


def _load_people(data: DemoData) -> tuple[np.ndarray, np.ndarray]:
    """Users, teams and sellers; returns (seller ids, each seller's user id or 0)."""
    users = User.objects.bulk_create(
        [
            User(
                username=row["username"],
                first_name=row["first_name"],
                last_name=row["last_name"],
                email=row["email"],
                role=row["role"],
                is_superuser=row["is_superuser"],
                is_staff=row["is_superuser"],
                language="pt-br",
                password=_hash(demo_password(row["username"])),
            )
            for row in data.users.iter_rows(named=True)
        ]
    )
    user_by_name = {u.username: u for u in User.objects.filter(pk__in=[u.pk for u in users])}
    teams = Team.objects.bulk_create(
        [
            Team(
                name=row["name"],
                region=row["region"],
                manager=user_by_name[row["manager_username"]],
            )
            for row in data.teams.iter_rows(named=True)
        ]
    )
    team_ids = [
        t.pk for t in Team.objects.filter(name__in=data.teams["name"].to_list()).order_by("pk")
    ]
    sellers = Seller.objects.bulk_create(
        [
            Seller(
                external_id=row["external_id"],
                name=row["name"],
                email=row["email"],
                team_id=team_ids[row["team_idx"]],
                user=user_by_name.get(row["username"]) if row["username"] else None,
                active=row["active"],
                home_city=row["home_city"],
                home_latitude=row["home_latitude"],
                home_longitude=row["home_longitude"],
                weekly_capacity=row["weekly_capacity"],
                segments=row["segments"],
            )
            for row in data.sellers.iter_rows(named=True)
        ]
    )
    del teams, sellers
    by_code = dict(Seller.objects.values_list("external_id", "pk"))
    seller_ids = np.array([by_code[code] for code in data.sellers["external_id"]], dtype=np.int64)
    user_of = dict(Seller.objects.values_list("pk", "user_id"))
    seller_users = np.array([user_of[pk] or 0 for pk in seller_ids], dtype=np.int64)
    return seller_ids, seller_users


def do_load_demo(data: DemoData, *, progress: Progress | None = None) -> LoadedCounts:
    """Write ``data`` into an empty workspace inside one transaction."""
    say = progress or (lambda _message: None)
    started = time.perf_counter()
    rows: dict[str, int] = {}

    def step(name: str, action: Callable[[], int]) -> None:
        clock = time.perf_counter()
        rows[name] = action()
        say(
            "  "
            + _("%(table)s: %(rows)s rows in %(seconds)s s")
            % {"table": name, "rows": number(rows[name]), "seconds": seconds_since(clock)}
        )

    with _bulk_friendly_connection(), transaction.atomic():
        settings = WorkspaceSettings.current()
        settings.company_name = data.company_name
        settings.save()
        seller_ids, seller_users = _load_people(data)
        rows["users"], rows["sellers"] = data.users.height, data.sellers.height
        reason_ids = _ensure_reasons(data.inactivity_reasons)
        now = {"updated_at": "CURRENT_TIMESTAMP"}
        created = {"created_at": "CURRENT_TIMESTAMP"}
        sellers = ("seller_idx", seller_ids)

        clients = _map(data.clients, seller=sellers)
        step("clients", lambda: _insert(Client, clients, {**now, "version": "1"}))
        by_code = dict(Client.objects.values_list("external_id", "pk"))
        client_ids = np.array([by_code[c] for c in data.clients["external_id"]], dtype=np.int64)
        client = ("client_idx", client_ids)

        assignments = _map(data.assignments, client=client, seller=sellers)
        step("assignments", lambda: _insert(Assignment, assignments, created))
        contacts = _map(data.contacts, client=client).with_columns(
            pl.col("consent_date").cast(pl.Datetime("us", "UTC")).dt.offset_by("12h")
        )
        contacts = contacts.rename({"consent_date": "consent_at"})
        step("contacts", lambda: _insert(Contact, _datetimes(contacts), {**now, **created}))
        orders = _map(data.orders, client=client, seller=sellers)
        write = _copy if connection.vendor == "postgresql" else _insert
        with _indexes_rebuilt_after(Order, say):
            step("orders", lambda: write(Order, orders))
        interactions = _map(
            data.interactions.with_columns(pl.col("seller_idx").alias("user_idx")),
            client=client,
            seller=sellers,
            recorded_by=("user_idx", seller_users),
        ).with_columns(
            pl.col("recorded_by_id").replace(0, None),
            pl.col("reason").replace_strict(reason_ids, default=None, return_dtype=pl.Int64)
            .alias("reason_id"),
        ).drop("reason")  # fmt: skip
        with _indexes_rebuilt_after(Interaction, say):
            step("interactions", lambda: _insert(Interaction, interactions, created))
        leads = _with_loss_reasons(_map(data.leads, client=client, seller=sellers))
        step("leads", lambda: _insert(Lead, leads))
        step("lead_history", lambda: do_backfill_history(today=data.today))
        step("acquisition_spend", lambda: _insert(AcquisitionSpend, data.acquisition_spend))
        complaints = _map(data.complaints, client=client, seller=sellers)
        step("complaints", lambda: _insert(Complaint, complaints))
        limits = _map(data.credit_limits, client=client)
        step("credit_limits", lambda: _insert(CreditLimit, limits))
        receivables = _map(data.receivables, client=client)
        with _indexes_rebuilt_after(Receivable, say):
            step("receivables", lambda: _insert(Receivable, receivables))
    return LoadedCounts(rows=rows, seconds=time.perf_counter() - started)


def _datetimes(frame: pl.DataFrame) -> pl.DataFrame:
    """Aware datetimes as the backend stores them (SQLite: naive UTC text)."""
    exprs = []
    for name, dtype in frame.schema.items():
        if isinstance(dtype, pl.Datetime):
            if connection.vendor == "sqlite":
                exprs.append(pl.col(name).dt.to_string("%Y-%m-%d %H:%M:%S"))
            else:
                exprs.append(pl.col(name).dt.to_string("%Y-%m-%d %H:%M:%S+00:00"))
        else:
            exprs.append(pl.col(name))
    return frame.select(exprs)
