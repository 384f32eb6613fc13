"""Where a job's file lives, how long it stays, and writing it (a ``.part`` file renamed
into place, so a half-written file is never served)."""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from django.conf import settings

from carteira.exports.models import ExportJob
from carteira.web.writers import write_csv, write_xlsx

BEAT_SECONDS = 1.0
STALE_SECONDS = 60.0  # a running job without a beat for this long: its worker is gone
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "xlsx": XLSX_TYPE}


def ttl() -> dt.timedelta:
    """How long a finished file stays: ``CARTEIRA_EXPORT_TTL_HOURS`` (default 24)."""
    return dt.timedelta(hours=float(settings.CARTEIRA_EXPORT_TTL_HOURS))


def job_path(job: ExportJob) -> Path:
    return Path(settings.MEDIA_ROOT) / job.stored_name


def write_job_file(
    job: ExportJob,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    beat: Callable[[int], None],
) -> tuple[int, int]:
    """Write the job's file with the formula-safe writers; (rows, bytes)."""
    path = job_path(job)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".part")
    rows = _beating(rows, beat)
    try:
        if job.fmt == "xlsx":
            with open(partial, "wb") as out:
                count = write_xlsx(columns, rows, out)
        else:
            with open(partial, "w", encoding="utf-8", newline="") as out:
                out.write("\ufeff")  # Excel reads the UTF-8 accents right
                count = write_csv(columns, rows, out)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return count, path.stat().st_size


def _beating(rows: Iterable[Sequence[Any]], beat: Callable[[int], None]) -> Iterator:
    """The rows, calling ``beat(rows so far)`` about once a second while they flow."""
    last = time.monotonic()
    for count, row in enumerate(rows, start=1):
        yield row
        if count % 500 == 0 and time.monotonic() - last >= BEAT_SECONDS:
            beat(count)
            last = time.monotonic()
