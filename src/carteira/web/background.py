"""Is background work moving? The task worker's state (written by its supervisor,
`carteira.web.supervisor`) and the queue's age, for `/health/` and for the warning the
central team sees on the pages that wait for the worker (exports, imports)."""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult


def worker_state_file() -> Path:
    return Path(settings.HOME) / "run" / "task-worker.json"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def worker_state() -> dict:
    """``{"state": "running" | "restarting" | "stopped" | "unsupervised", …}``: what the
    supervisor last wrote, checked against the process table (same host). "unsupervised":
    no `carteira serve` wrote one (a separate `db_worker`, or none at all)."""
    try:
        state = json.loads(worker_state_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"state": "unsupervised"}
    supervisor = state.pop("supervisor_pid", None)
    if state.get("state") in {"running", "restarting"} and not (supervisor and _alive(supervisor)):
        state = {"state": "stopped", "restarts": state.get("restarts", 0)}
    elif state.get("state") == "running" and not _alive(state.get("pid") or 0):
        state["state"] = "restarting"
    return state


@dataclass(frozen=True)
class Queue:
    waiting: int  # tasks due to run and not started
    oldest_waiting: dt.timedelta | None

    @property
    def stuck(self) -> bool:
        limit = dt.timedelta(minutes=settings.CARTEIRA_STUCK_TASK_MINUTES)
        return self.oldest_waiting is not None and self.oldest_waiting > limit


def queue_state() -> Queue:
    now = timezone.now()
    ready = DBTaskResult.objects.ready()  # due now (no run_after, or one that has passed)
    oldest = ready.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
    return Queue(waiting=ready.count(), oldest_waiting=now - oldest if oldest else None)
