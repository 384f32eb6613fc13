"""Emptying the audit trail on purpose (a test flush, a demo reset) on SQLite.

PostgreSQL empties tables with TRUNCATE, which row triggers do not see. SQLite has no
TRUNCATE: Django flushes with ``DELETE FROM``, which the append-only triggers refuse
unless the SQL function ``carteira_audit_wipe()`` answers 1. Django's connections get
that function (answering 0, or 1 inside ``audit_wipe()`` on the same thread); any other
connection (the sqlite3 shell, a script) lacks it, so its DELETE fails as well.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

WIPE_FUNCTION = "carteira_audit_wipe"
_state = threading.local()


@contextmanager
def audit_wipe() -> Iterator[None]:
    """Let this thread's DELETEs empty the audit table (SQLite); nothing else changes."""
    previous = getattr(_state, "wiping", False)
    _state.wiping = True
    try:
        yield
    finally:
        _state.wiping = previous


def _wiping() -> int:
    return int(getattr(_state, "wiping", False))


def register_wipe_function(sender, connection, **kwargs) -> None:
    """``connection_created`` receiver: give SQLite connections ``carteira_audit_wipe()``."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(WIPE_FUNCTION, 0, _wiping)
