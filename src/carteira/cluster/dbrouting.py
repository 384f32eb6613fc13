"""The database router: lag-tolerant reads on the streaming replica, everything else on
the primary (ADR 22).

Reads go to the replica only inside ``replica_reads()`` (the middleware opens it for the
routes in ``CARTEIRA_REPLICA_ROUTES``), and only when the replica answers, is no further
behind than ``CARTEIRA_REPLICA_MAX_LAG_SECONDS`` and has replayed the caller's last write
(its primary WAL position, ``min_lsn``): a user who just wrote reads it back. Sessions,
the cache, the task queue and logins always stay on the primary, and so does any read
inside a transaction on the primary.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections.abc import Iterator
from contextvars import ContextVar

from django.conf import settings
from django.db import DatabaseError, connections

from carteira.cluster.config import REPLICA

logger = logging.getLogger(__name__)

# Apps whose reads must see the latest write: a stale session logs a user out, a stale
# rate-limit count lets requests through, a stale queue runs a task twice.
PRIMARY_ONLY_APPS = frozenset(
    {"sessions", "django_cache", "django_tasks_db", "auth", "accounts", "contenttypes",
     "admin", "cluster"}
)  # fmt: skip

_use_replica: ContextVar[bool] = ContextVar("carteira_use_replica", default=False)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if not _use_replica.get() or model._meta.app_label in PRIMARY_ONLY_APPS:
            return None
        if connections["default"].in_atomic_block:
            return None  # read-after-write inside one transaction
        return REPLICA

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica is a copy of the primary: the same rows

    def allow_migrate(self, db, app_label, **hints):
        return db == "default"


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


@contextlib.contextmanager
def replica_reads(*, min_lsn: str | None = None) -> Iterator[bool]:
    """Route this block's lag-tolerant reads to the replica when it can serve them;
    yields whether it does."""
    usable = replica_configured() and replica_can_serve(min_lsn)
    token = _use_replica.set(usable)
    try:
        yield usable
    finally:
        _use_replica.reset(token)


def reading_from_replica() -> bool:
    return _use_replica.get()


# -- the replica's state, checked at most once a second per process ------------------------

_state_lock = threading.Lock()
_state: dict[str, float | int | None] = {"checked": 0.0, "replayed": None, "down_until": 0.0}


def replica_can_serve(min_lsn: str | None) -> bool:
    try:
        required = lsn_number(min_lsn) if min_lsn else 0
    except ValueError:
        return False  # a tampered cookie: the primary is always right
    replayed = replayed_lsn()
    if replayed is not None and replayed < required:
        replayed = replayed_lsn(fresh=True)  # the cached position may be a second old
    return replayed is not None and replayed >= required


def replayed_lsn(*, fresh: bool = False) -> int | None:
    """The WAL position the replica has replayed, or None when it cannot serve (down,
    not a replica, or lagging more than the allowed seconds). Cached for a second; a
    down replica is retried after CARTEIRA_REPLICA_RETRY_SECONDS."""
    now = time.monotonic()
    with _state_lock:
        if now < float(_state["down_until"] or 0):
            return None
        recent = now - float(_state["checked"] or 0) < 1.0
        if recent and not fresh and _state["replayed"] is not None:
            return int(_state["replayed"])
    replayed = _probe()
    with _state_lock:
        _state["checked"] = now
        _state["replayed"] = replayed
        if replayed is None:
            retry = float(os.environ.get("CARTEIRA_REPLICA_RETRY_SECONDS", "5"))
            _state["down_until"] = now + retry
    return replayed


def forget_replica_state() -> None:
    """Tests and the cluster test: the next read probes again."""
    with _state_lock:
        _state.update(checked=0.0, replayed=None, down_until=0.0)


def _probe() -> int | None:
    max_lag = float(os.environ.get("CARTEIRA_REPLICA_MAX_LAG_SECONDS", "30"))
    replica = connections[REPLICA]
    try:
        with replica.cursor() as cursor:
            cursor.execute(
                "SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn()::text,"
                " CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0"
                " ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()) END"
            )
            in_recovery, replayed, lag = cursor.fetchone()
    except DatabaseError as error:
        logger.warning("replica unavailable, reading from the primary: %s", error)
        replica.close()
        return None
    if not in_recovery or replayed is None:
        logger.warning("DATABASE_REPLICA_URL is not a streaming replica: not used")
        return None
    if lag is not None and float(lag) > max_lag:
        logger.warning("replica %.0f s behind (max %.0f): reading from the primary", lag, max_lag)
        return None
    return lsn_number(replayed)


def primary_lsn() -> str | None:
    """The primary's current WAL position (after a write: what a replica must have
    replayed to show it), or None when there is no replica to compare with."""
    if not replica_configured():
        return None
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        return cursor.fetchone()[0]


def lsn_number(lsn: str) -> int:
    """'16/B374D848' → a comparable integer."""
    high, low = lsn.split("/")
    return (int(high, 16) << 32) + int(low, 16)
