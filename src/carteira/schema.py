"""A workspace's database schema brought up to date on first use.

Every command (and `carteira serve`) calls :func:`ensure_current` before it touches data,
so a user's first `carteira import` on an empty ``CARTEIRA_HOME`` creates the workspace
instead of failing on a missing table. Two commands started together (two cron lines, a
server and an import) must not both migrate: on SQLite a lock file in the workspace
serialises them, on PostgreSQL a session advisory lock does; the second one finds the
schema current and goes on.
"""

from __future__ import annotations

import fcntl
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

# pg_advisory_lock's key: any constant the product owns ("carteira" in ASCII, truncated).
PG_MIGRATION_LOCK = 0x636172746569


def pending_migrations() -> int:
    """How many migrations the database still lacks (0: the schema is current)."""
    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def ensure_current(announce: Callable[[], None] | None = None) -> bool:
    """Migrate the database if it lacks migrations; True when it did.

    ``announce`` is called once, before migrating, so a command can tell the user why
    its first run takes a few seconds longer."""
    if not pending_migrations():
        return False
    with _migration_lock():
        if not pending_migrations():  # another process migrated while we waited
            return False
        if announce is not None:
            announce()
        call_command("migrate", interactive=False, verbosity=0)
    return True


@contextmanager
def _migration_lock() -> Iterator[None]:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [PG_MIGRATION_LOCK])
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [PG_MIGRATION_LOCK])
        return
    path = Path(settings.DATABASES["default"]["NAME"]).with_suffix(".migrate.lock")
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
