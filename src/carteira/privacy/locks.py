"""One run at a time for nightly jobs: a PostgreSQL advisory lock, or a file lock in the
workspace for SQLite (one host)."""

import contextlib
import fcntl
import zlib
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.db import connection


def lock_key(name: str) -> int:
    return zlib.crc32(f"carteira:{name}".encode())


@contextlib.contextmanager
def exclusive(name: str) -> Iterator[bool]:
    """Yields True if this process holds the lock ``name``, False if another run does.
    (PostgreSQL advisory locks are re-entrant within one connection.)"""
    if connection.vendor == "postgresql":
        key = lock_key(name)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
            acquired = cursor.fetchone()[0]
            try:
                yield acquired
            finally:
                if acquired:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
        return
    path = Path(settings.HOME) / f"{name}.lock"
    with path.open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
