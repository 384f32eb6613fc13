"""What `carteira restore` checks before it touches anything: that the file is a backup this
database can take, readable to its end, and that the target holds nothing a restore would
destroy (unless told `--replace`)."""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

from django.db import connections
from django.utils.translation import gettext as _

from carteira.accounts.models import User
from carteira.audit.models import AuditEvent
from carteira.backup.engines import pg_binary
from carteira.clients.models import Client
from carteira.orders.models import Order
from carteira.organization.models import Seller

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_CUSTOM_MAGIC = b"PGDMP"

# The tables a company fills by using Carteira. Migrations seed reference rows elsewhere
# (content types, the default rules, the plan cells), so "any row anywhere" would call a
# brand-new workspace populated.
OWNED_DATA = (User, Seller, Client, Order, AuditEvent)


class BackupRefused(Exception):
    """A one-line reason, in the user's language, why the restore did not start."""


def check_backup_file(source: Path, vendor: str) -> None:
    """Refuse a file that is not a whole backup for ``vendor`` (``sqlite``/``postgresql``)."""
    if not source.is_file():
        raise BackupRefused(_("no such backup file: %(path)s") % {"path": source})
    with source.open("rb") as handle:
        head = handle.read(len(SQLITE_MAGIC))
    kind = "sqlite" if head == SQLITE_MAGIC else "postgresql" if head.startswith(
        PG_CUSTOM_MAGIC) else None  # fmt: skip
    if kind is None:
        raise BackupRefused(
            _("%(path)s is not a Carteira backup (unknown format); nothing was changed")
            % {"path": source}
        )
    if kind != vendor:
        message = _(
            "%(path)s is a %(kind)s backup, but this workspace's database is %(vendor)s;"
            " nothing was changed"
        )
        raise BackupRefused(
            message % {"path": source, "kind": _label(kind), "vendor": _label(vendor)}
        )
    if kind == "sqlite":
        _check_sqlite_file(source)
    else:
        _check_pg_archive(source)


def _label(vendor: str) -> str:
    return {"sqlite": "SQLite", "postgresql": "PostgreSQL"}[vendor]


def _damaged(source: Path) -> BackupRefused:
    return BackupRefused(
        _("%(path)s is damaged or truncated (it cannot be read to its end); nothing was changed")
        % {"path": source}
    )


def _check_sqlite_file(source: Path) -> None:
    try:
        copy = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
        try:
            if copy.execute("PRAGMA quick_check").fetchone() != ("ok",):
                raise _damaged(source)
            tables = {row[0] for row in copy.execute("SELECT name FROM sqlite_master")}
        finally:
            copy.close()
    except sqlite3.DatabaseError as error:
        raise _damaged(source) from error
    if "django_migrations" not in tables:
        raise BackupRefused(
            _("%(path)s is a SQLite file but not a Carteira backup; nothing was changed")
            % {"path": source}
        )


def _check_pg_archive(source: Path) -> None:
    listed = subprocess.run(  # noqa: S603 -- fixed argv, no shell
        [pg_binary("pg_restore"), "--list", str(source)], capture_output=True, text=True
    )
    if listed.returncode != 0:
        raise _damaged(source)
    if " TABLE public django_migrations " not in listed.stdout:
        raise BackupRefused(
            _("%(path)s is a PostgreSQL archive but not a Carteira backup; nothing was changed")
            % {"path": source}
        )


def target_holds_data(alias: str = "default") -> bool:
    """True when the database has users, sellers, clients, orders or audit events."""
    connection = connections[alias]
    tables = set(connection.introspection.table_names())
    for model in OWNED_DATA:
        if model._meta.db_table in tables and model._default_manager.using(alias).exists():
            return True
    return False
