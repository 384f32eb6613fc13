"""The task worker on many hosts (ADR 22): django_tasks_db claims a task with
SELECT … FOR UPDATE SKIP LOCKED, so two workers never take the same one; what it lacks is
a way back for a task whose worker died while running it. Here each worker holds a
PostgreSQL advisory lock named after its id for as long as it lives (the server drops it
when the process or its host dies), and every worker, between tasks, gives the running
tasks whose worker's lock is free back to the queue. Tasks are written to be run again:
imports are all-or-nothing, exports rewrite their file, the nightly jobs are idempotent.

On SQLite (one machine) a worker's liveness is its process id on this host."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import socket
import threading

from django.db import (
    InterfaceError,
    OperationalError,
    close_old_connections,
    connection,
    connections,
    transaction,
)
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from carteira.cluster import nightly

logger = logging.getLogger(__name__)

REAP_EVERY_SECONDS = 5.0
LIVENESS_ALIAS = "default"


def default_worker_id() -> str:
    """host:pid:random — unique, and on SQLite enough to tell a dead worker."""
    host = socket.gethostname()[:40]
    return f"{host}:{os.getpid()}:{os.urandom(4).hex()}"


def lock_key(worker_id: str) -> int:
    digest = hashlib.sha256(f"carteira-worker:{worker_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


class LivenessLock:
    """A session advisory lock on a connection of its own, held while the worker lives."""

    def __init__(self, worker_id: str):
        self.worker_id = worker_id
        self._conn = None

    def hold(self) -> None:
        if connection.vendor != "postgresql" or self.held():
            return
        import psycopg

        self.release()
        params = connections[LIVENESS_ALIAS].get_connection_params()
        params.pop("pool", None)
        params.pop("cursor_factory", None)
        params.pop("context", None)
        # A host that vanishes without closing its socket is noticed in about 25 s.
        keepalive = {"keepalives": 1, "keepalives_idle": 10, "keepalives_interval": 5,
                     "keepalives_count": 3, "tcp_user_timeout": 25000}  # fmt: skip
        self._conn = psycopg.connect(**{**params, **keepalive}, autocommit=True)
        self._conn.execute("SELECT pg_advisory_lock(%s)", (lock_key(self.worker_id),))

    def held(self) -> bool:
        if self._conn is None:
            return False
        try:
            self._conn.execute("SELECT 1")
        except Exception:  # the primary restarted: take the lock again
            return False
        return True

    def release(self) -> None:
        if self._conn is not None:
            try:
                with contextlib.suppress(Exception):  # a lost connection holds nothing
                    self._conn.execute("SELECT pg_advisory_unlock_all()")
                self._conn.close()
            finally:
                self._conn = None


def worker_alive(worker_id: str) -> bool:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [lock_key(worker_id)])
            free = cursor.fetchone()[0]
            if free:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [lock_key(worker_id)])
        return not free
    host, _, rest = worker_id.partition(":")
    if host != socket.gethostname()[:40] or not rest:
        return True  # another host's worker on SQLite: not ours to judge
    try:
        os.kill(int(rest.split(":")[0]), 0)
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:
        return True
    return True


def do_requeue_orphans() -> list[str]:
    """Give back to the queue the running tasks whose worker is gone; their ids."""
    requeued = []
    running = DBTaskResult.objects.running().only("id", "worker_ids")
    for result in running:
        if not result.worker_ids or worker_alive(result.worker_ids[-1]):
            continue
        with transaction.atomic():
            # Only if still the same run: another reaper may have been first.
            count = DBTaskResult.objects.filter(
                id=result.id, status="RUNNING", worker_ids=result.worker_ids
            ).update(status="READY", started_at=None)
        if count:
            logger.warning("task %s: worker %s died; queued again", result.id,
                           result.worker_ids[-1])  # fmt: skip
            requeued.append(str(result.id))
    return requeued


class ClusterWorker(Worker):
    """django_tasks_db's worker, plus the liveness lock and, on a thread of its own, the
    chores every worker does: keep the lock, reap orphans, schedule the nightly jobs."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.liveness = LivenessLock(self.worker_id)
        self._stop = threading.Event()

    def run(self) -> None:
        self.liveness.hold()  # before the first claim
        chores = threading.Thread(target=self.chores_loop, name="worker-chores", daemon=True)
        chores.start()
        try:
            while self.running:
                try:
                    super().run()
                    return  # --batch or --max-tasks: done
                except (OperationalError, InterfaceError) as error:
                    # The primary restarts or fails over: wait for it, do not die.
                    logger.warning("worker %s: database unavailable (%s); retrying",
                                   self.worker_id, error)  # fmt: skip
                    connections.close_all()
                    self._stop.wait(1.0)
        finally:
            self._stop.set()
            chores.join(timeout=REAP_EVERY_SECONDS + 1)
            self.liveness.release()

    def chores_loop(self) -> None:
        while not self._stop.wait(REAP_EVERY_SECONDS):
            self.chores()

    def chores(self) -> None:
        try:
            self.liveness.hold()
            do_requeue_orphans()
            if not self.batch:  # `--batch` drains the queue; only a standing worker schedules
                nightly.do_schedule_due()
        except Exception:  # the database is restarting: the next tick tries again
            logger.exception("worker chores failed")
        finally:
            close_old_connections()
