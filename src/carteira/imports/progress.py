"""Progress of a web import running in the worker, readable by the page while it runs.

The import writes in one transaction (all-or-nothing), and nothing it writes is visible
to another connection before the commit — on SQLite a second writer would even wait
for it. So the worker reports progress in a small file, ``MEDIA_ROOT/imports/progress/
<run>.json`` (rows read, and a heartbeat refreshed every second by a thread, also while
the database commits). Command-line runs and web validations beat the same way. A run
still marked running whose heartbeat stopped belongs to a process that died (a worker,
a killed ``carteira import``): its transaction was rolled back by the database, so the
run is marked failed and can simply be run again.
"""

from __future__ import annotations

import json
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.tasks import default_task_backend
from django.utils import timezone
from django.utils.translation import gettext as _

from carteira.audit.events import IMPORT_FINISHED, emit
from carteira.imports.models import ImportRun

HEARTBEAT_SECONDS = 1.0
STALE_SECONDS = 60.0  # no heartbeat for this long: the worker is gone


def progress_path(run_id: int) -> Path:
    return Path(settings.MEDIA_ROOT) / "imports" / "progress" / f"{int(run_id)}.json"


def estimate_rows(path: Path, *, name: str) -> int:
    """Data rows of a CSV from its line breaks (quoted newlines make it a slight over-
    estimate; the bar stops short of 100 % until the run ends). 0 for XLSX: unknown."""
    if not name.lower().endswith((".csv", ".txt", ".tsv")):
        return 0
    breaks = 0
    with open(path, "rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            breaks += chunk.count(b"\n")
    return max(breaks - 1, 0)


class Heartbeat:
    """``with Heartbeat(run_id) as beat: … beat.rows(n) …`` — the file, kept fresh."""

    def __init__(self, run_id: int) -> None:
        self.path = progress_path(run_id)
        self._rows = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, daemon=True, name=f"import-{run_id}")

    def rows(self, count: int) -> None:
        self._rows = count

    def __enter__(self) -> Heartbeat:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._write()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.path.unlink(missing_ok=True)

    def _beat(self) -> None:
        while not self._stop.wait(HEARTBEAT_SECONDS):
            self._write()

    def _write(self) -> None:
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(json.dumps({"rows": self._rows, "beat": time.time()}))
        os.replace(temporary, self.path)


@dataclass(frozen=True, slots=True)
class Progress:
    rows: int
    total: int  # 0: unknown

    @property
    def percent(self) -> int | None:
        if not self.total:
            return None
        return min(99, self.rows * 100 // self.total)


def read_progress(run: ImportRun) -> Progress:
    state = _state(run.pk)
    return Progress(int(state.get("rows", 0)) if state else 0, run.rows_estimate)


def _state(run_id: int) -> dict | None:
    try:
        return json.loads(progress_path(run_id).read_text())
    except (OSError, ValueError):
        return None


def do_fail_if_abandoned(run: ImportRun, *, now: float | None = None) -> bool:
    """Mark a running import failed when the process running it is gone. True if it did.

    A web commit (it has a task) is gone when its heartbeat is stale or missing, or its
    task ended without finishing the run. Any other run (the command line, a web
    validation) beats from the moment it starts: it is gone when its heartbeat is stale,
    or missing ``STALE_SECONDS`` after the run was created. The database rolled the
    import's transaction back, so the run wrote nothing and can simply be run again."""
    if run.status != ImportRun.Status.RUNNING:
        return False
    now = time.time() if now is None else now
    state = _state(run.pk)
    beat = float(state.get("beat", 0)) if state is not None else None
    if run.task_id:
        alive = beat is not None and now - beat < STALE_SECONDS and not _task_ended(run)
    else:
        since = beat if beat is not None else run.created_at.timestamp()
        alive = now - since < STALE_SECONDS
    if alive:
        return False
    message = stopped_message(worker=bool(run.task_id))
    updated = ImportRun.objects.filter(pk=run.pk, status=ImportRun.Status.RUNNING).update(
        status=ImportRun.Status.FAILED, finished_at=timezone.now(), message=message[:500]
    )
    progress_path(run.pk).unlink(missing_ok=True)
    if updated:
        run.refresh_from_db()
        emit(IMPORT_FINISHED, run=run)
    return bool(updated)


def stopped_message(*, worker: bool) -> str:
    if worker:
        return _("The import stopped before finishing (the worker ended); nothing was "
                 "written. Run it again.")  # fmt: skip
    return _("The import stopped before finishing (its process ended); nothing was "
             "written. Run it again.")  # fmt: skip


def do_fail_abandoned_runs(*, now: float | None = None) -> int:
    """``do_fail_if_abandoned`` for every run still marked running; how many it failed."""
    running = ImportRun.objects.filter(status=ImportRun.Status.RUNNING)
    return sum(do_fail_if_abandoned(run, now=now) for run in running)


def _task_ended(run: ImportRun) -> bool:
    if not run.task_id:
        return False
    try:
        # By id from the backend, not through imports.tasks (which imports this module).
        result = default_task_backend.get_result(run.task_id)
    except Exception:
        return False
    return result.is_finished
