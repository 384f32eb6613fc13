"""Run an import: validate (``carteira_core.ingest``), upsert in bulk (``kinds``), record.

Modes: all-or-nothing (default: one transaction, rolled back if any row is bad),
``skip_invalid`` (the valid rows are written, the bad ones reported) and ``dry_run``
(nothing written; the counts say what would happen).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from carteira.audit.services import do_record
from carteira.imports.bulk import import_pragmas
from carteira.imports.kinds import WRITERS
from carteira.imports.messages import errors_csv
from carteira.imports.models import ImportRun
from carteira.imports.upsert import Outcome
from carteira_core.ingest import IngestError, RowError, open_import
from carteira_core.ingest.validate import DEFAULT_BATCH_SIZE

Progress = Callable[[int], None]
# Imports of any kind take this PostgreSQL advisory lock for their transaction, so two
# imports of the same file run one after the other instead of racing on the same keys.
ADVISORY_LOCK = 0x43415254


@dataclass(slots=True)
class ImportReport:
    kind: str
    file_name: str
    status: str
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    errors: list[RowError] = field(default_factory=list)
    message: str = ""
    encoding: str | None = None
    separator: str | None = None
    ignored_columns: tuple[str, ...] = ()

    @property
    def counts(self) -> dict[str, int]:
        return {"total": self.total, "created": self.created, "updated": self.updated,
                "unchanged": self.unchanged, "rejected": self.rejected}  # fmt: skip


class _Undo(Exception):
    """Raised inside the transaction to roll it back."""


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def do_import(
    kind: str,
    path: Path,
    *,
    name: str | None = None,
    actor=None,
    dry_run: bool = False,
    skip_invalid: bool = False,
    mapping: Mapping[str, str | None] | None = None,
    progress: Progress | None = None,
    run: ImportRun | None = None,
    batch_size: int | None = None,
) -> tuple[ImportRun, ImportReport]:
    """Import ``path`` as ``kind``; raises ``IngestError`` for a refused file (nothing
    stored, nothing recorded). Returns the recorded run and the full report."""
    path = Path(path)
    name = name or path.name
    with open_import(kind, path, name=name, mapping=mapping) as probe:
        info = probe.info  # refuses hostile files and bad headers before anything is stored
    run = _start_run(run, kind, path, name, actor, mapping, skip_invalid, info)
    report = ImportReport(kind, name, run.status, encoding=info.encoding,
                          separator=info.separator)  # fmt: skip
    try:
        _execute(report, path, name=name, actor=actor, dry_run=dry_run,
                 skip_invalid=skip_invalid, mapping=mapping, progress=progress,
                 batch_size=batch_size)  # fmt: skip
    except (IntegrityError, DatabaseError) as error:
        report.status = ImportRun.Status.FAILED
        report.created = report.updated = report.unchanged = 0
        report.message = _("The database refused the import (%(error)s); nothing was written.") % {
            "error": type(error).__name__
        }
    _finish_run(run, report, actor=actor, dry_run=dry_run)
    return run, report


def _start_run(run, kind, path, name, actor, mapping, skip_invalid, info) -> ImportRun:
    if run is None:
        run = ImportRun(kind=kind, file_name=name[:255], sha256=file_sha256(path),
                        size=path.stat().st_size, created_by=actor)  # fmt: skip
    run.status = ImportRun.Status.RUNNING
    run.skip_invalid = skip_invalid
    run.mapping = dict(mapping or {})
    run.encoding = info.encoding or ""
    run.separator = info.separator or ""
    run.save()
    return run


def _execute(report: ImportReport, path: Path, *, dry_run, skip_invalid, **options) -> None:
    excluded: frozenset[int] = frozenset()
    while True:  # at most twice: once more without the lines a later duplicate revoked
        try:
            with import_pragmas(), transaction.atomic():
                if not dry_run and connection.vendor == "postgresql":
                    with connection.cursor() as cursor:
                        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK])
                revoked = _one_pass(report, path, excluded=excluded, write=not dry_run,
                                    skip_invalid=skip_invalid, **options)  # fmt: skip
                again = bool(revoked - excluded) and (dry_run or skip_invalid)
                if again or dry_run or (report.errors and not skip_invalid):
                    raise _Undo
        except _Undo:
            pass
        if not again:
            break
        excluded |= revoked
    _conclude(report, dry_run=dry_run, skip_invalid=skip_invalid)


def _one_pass(report, path, *, excluded, write, skip_invalid, name, actor, mapping, progress,
              batch_size) -> frozenset[int]:  # fmt: skip
    writer_type = WRITERS[report.kind]
    size = batch_size or writer_type.batch_size or DEFAULT_BATCH_SIZE
    outcome, revoked = Outcome(), set()
    with open_import(report.kind, path, name=name, mapping=mapping, batch_size=size) as run:
        columns = run.header_map

        def label(field_name: str) -> str:
            position = columns.index.get(field_name)
            return columns.columns[position] if position is not None else field_name

        writer = writer_type(present=columns.present, label=label, write=write, actor=actor)
        for batch in run.batches():
            outcome.errors += batch.errors
            revoked.update(batch.revoked_lines)
            if outcome.errors and not skip_invalid:
                writer.write = False  # all-or-nothing: keep reading only to report
            records = [r for r in batch.records if r.line not in excluded]
            outcome.add(writer.apply(records))
            if progress:
                progress(run.summary.total)
        outcome.add(writer.finish())
        report.total = run.summary.total
        report.ignored_columns = run.summary.ignored_columns
    report.created, report.updated, report.unchanged = (
        outcome.created, outcome.updated, outcome.unchanged)  # fmt: skip
    report.errors = sorted(outcome.errors, key=lambda e: e.line)
    report.rejected = len({e.line for e in report.errors})
    return frozenset(revoked)


def _conclude(report: ImportReport, *, dry_run: bool, skip_invalid: bool) -> None:
    if dry_run:
        report.status = ImportRun.Status.DRY_RUN
        report.message = _("Dry run: nothing was written.")
    elif report.errors and not skip_invalid:
        report.status = ImportRun.Status.FAILED
        report.created = report.updated = report.unchanged = 0
        report.message = _("Nothing was written: %(count)d row(s) are invalid.") % {
            "count": report.rejected
        }
    else:
        report.status = ImportRun.Status.COMMITTED
        report.message = _("Import finished.")


def _finish_run(run: ImportRun, report: ImportReport, *, actor, dry_run: bool) -> None:
    run.status = report.status
    run.total = report.total
    run.created, run.updated = report.created, report.updated
    run.unchanged, run.rejected = report.unchanged, report.rejected
    run.message = report.message[:500]
    run.finished_at = timezone.now()
    run.error_report = _write_error_report(run, report) if report.errors else ""
    run.save()
    do_record("import", actor=actor, obj=run, kind=run.kind, status=run.status,
              dry_run=dry_run, skip_invalid=run.skip_invalid, **report.counts)  # fmt: skip


def _write_error_report(run: ImportRun, report: ImportReport) -> str:
    relative = f"imports/errors/{run.pk}.csv"
    target = Path(settings.MEDIA_ROOT) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(errors_csv(report.errors), encoding="utf-8-sig")
    return relative


def error_report_path(run: ImportRun) -> Path | None:
    if not run.error_report:
        return None
    path = Path(settings.MEDIA_ROOT) / run.error_report
    return path if path.is_file() else None


__all__ = ["ImportReport", "IngestError", "do_import", "error_report_path", "file_sha256"]
