"""Run an import: validate (``carteira_core.ingest``), upsert in bulk (``kinds``), record.

Modes: all-or-nothing (default: one transaction, rolled back if any row is bad),
``skip_invalid`` (the valid rows are written, the bad ones reported) and ``dry_run``
(nothing written; the counts say what would happen).
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, Mapping, Sequence
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from carteira.audit.events import IMPORT_FINISHED, emit
from carteira.audit.services import do_record
from carteira.imports.bulk import import_pragmas
from carteira.imports.columnar import ColumnPass, check_by_columns
from carteira.imports.kinds import HIDDEN, WRITERS
from carteira.imports.limits import import_limits, max_problems
from carteira.imports.messages import errors_csv, problem_message, render_problem
from carteira.imports.models import ImportRun
from carteira.imports.progress import Heartbeat, do_fail_abandoned_runs, stopped_message
from carteira.imports.upsert import Outcome
from carteira_core.ingest import KINDS, SCHEMAS, IngestError, RowError, open_import
from carteira_core.ingest.headers import HeaderMap
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
    error_count: int | None = None  # a stored report keeps only the first problems
    stopped: str = ""  # why reading stopped before the end (too many problems)

    @property
    def problems(self) -> int:
        return len(self.errors) if self.error_count is None else self.error_count

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
    heartbeat: bool = True,
) -> tuple[ImportRun, ImportReport]:
    """Import ``path`` as ``kind``; raises ``IngestError`` for a refused file (nothing
    stored, nothing recorded). Returns the recorded run and the full report.

    ``heartbeat``: keep the run's progress file fresh while it runs, so that a killed
    process leaves a run the next import (or page) sees as abandoned; false only for a
    caller that beats itself (the web commit task)."""
    job = _Job(kind, Path(path), name or Path(path).name, mapping, run)
    _run_jobs([job], actor=actor, dry_run=dry_run, skip_invalid=skip_invalid,
              progress=progress, batch_size=batch_size, heartbeat=heartbeat)  # fmt: skip
    return job.run, job.report


def do_import_files(
    files: Sequence[tuple[str, Path]],
    *,
    actor=None,
    dry_run: bool = False,
    skip_invalid: bool = False,
    progress: Progress | None = None,
    batch_size: int | None = None,
) -> list[tuple[ImportRun, ImportReport]]:
    """Import several files as one run: in dependency order (sellers → clients →
    contacts → orders → interactions), in one transaction, so an orders file may name
    the clients its clients file creates, and all-or-nothing holds across the files.
    One kind at most once. Raises ``IngestError`` (with ``file``) for a refused file."""
    kinds = [kind for kind, _path in files]
    if len(set(kinds)) != len(kinds):
        raise ValueError("each kind at most once in a run")
    ordered = sorted(files, key=lambda item: KINDS.index(item[0]))
    jobs = [_Job(kind, Path(path), Path(path).name, None, None) for kind, path in ordered]
    _run_jobs(jobs, actor=actor, dry_run=dry_run, skip_invalid=skip_invalid,
              progress=progress, batch_size=batch_size, heartbeat=True)  # fmt: skip
    return [(job.run, job.report) for job in jobs]


@dataclass(slots=True)
class _Job:
    """One file of a run, and what became of it."""

    kind: str
    path: Path
    name: str
    mapping: Mapping[str, str | None] | None
    run: ImportRun | None
    report: ImportReport | None = None
    excluded: frozenset[int] = frozenset()
    revoked: frozenset[int] = frozenset()
    finished: bool = False  # its run recorded in the transaction that wrote its rows


def _run_jobs(jobs: list[_Job], *, actor, dry_run, skip_invalid, progress, batch_size,
              heartbeat) -> None:  # fmt: skip
    infos = []
    for job in jobs:  # refuse hostile files and bad headers before anything is stored
        try:
            with open_import(
                job.kind, job.path, name=job.name, mapping=job.mapping, limits=import_limits()
            ) as probe:
                infos.append(probe.info)
        except IngestError as error:
            error.params.setdefault("file", job.name)
            raise
    do_fail_abandoned_runs()  # a killed import before this one is not left running forever
    _clear_hidden_rows()
    try:
        _run_beating(jobs, infos, actor=actor, dry_run=dry_run, skip_invalid=skip_invalid,
                     progress=progress, batch_size=batch_size, heartbeat=heartbeat)  # fmt: skip
    except BaseException:  # Ctrl+C, a lost connection, a bug: said at once, not in a minute
        _fail_unfinished([job.run for job in jobs if job.run is not None])
        raise


def _clear_hidden_rows() -> None:
    """What earlier imports left hidden (ADR 0024): the rows of a run that stopped before
    its final transaction are deleted; those of a committed run settled. A running run's
    rows are left alone (it is still writing them)."""
    marked, carried = HIDDEN.leftovers()
    if not (marked or carried):
        return
    running = set(ImportRun.objects.filter(pk__in=marked, status=ImportRun.Status.RUNNING)
                  .values_list("pk", flat=True))  # fmt: skip
    for run_id in marked - running:
        HIDDEN.drop(run_id)
    for run_id in carried - marked:
        HIDDEN.settle(run_id)


def _fail_unfinished(runs: list[ImportRun]) -> None:
    # Best effort while another error propagates: if the database is what failed, the
    # heartbeat rule marks the runs a minute later.
    with suppress(Exception):
        running = ImportRun.objects.filter(
            pk__in=[run.pk for run in runs], status=ImportRun.Status.RUNNING
        )
        stopped = list(running.values_list("pk", flat=True))
        running.update(status=ImportRun.Status.FAILED, finished_at=timezone.now(),
                       message=stopped_message(worker=False)[:500])  # fmt: skip
        for run in ImportRun.objects.filter(pk__in=stopped):
            emit(IMPORT_FINISHED, run=run)


def _run_beating(jobs: list[_Job], infos, *, actor, dry_run, skip_invalid, progress,
                 batch_size, heartbeat) -> None:  # fmt: skip
    with ExitStack() as beating:
        beats = []
        for job, info in zip(jobs, infos, strict=True):
            if job.run is None:  # created running: covered by its age until the beat starts
                job.run = _new_run(job.kind, job.path, job.name, actor)
            if heartbeat:  # beating before the run is marked running
                beats.append(beating.enter_context(Heartbeat(job.run.pk)))
            job.run = _start_run(job.run, job.mapping, skip_invalid, info)
            job.report = ImportReport(job.kind, job.name, job.run.status,
                                      encoding=info.encoding, separator=info.separator)  # fmt: skip

        def tick(rows: int) -> None:
            for beat in beats:
                beat.rows(rows)
            if progress:
                progress(rows)

        _run_started_jobs(jobs, actor=actor, dry_run=dry_run, skip_invalid=skip_invalid,
                          progress=tick, batch_size=batch_size)  # fmt: skip


def _run_started_jobs(jobs: list[_Job], *, actor, dry_run, skip_invalid, progress,
                      batch_size) -> None:  # fmt: skip
    try:
        _execute(jobs, actor=actor, dry_run=dry_run, skip_invalid=skip_invalid,
                 progress=progress, batch_size=batch_size)  # fmt: skip
    except (IntegrityError, DatabaseError) as error:
        for job in jobs:
            report = job.report
            report.status = ImportRun.Status.FAILED
            report.created = report.updated = report.unchanged = 0
            report.message = _(
                "The database refused the import (%(error)s); nothing was written."
            ) % {"error": type(error).__name__}
    except IngestError as error:  # a limit or a broken record found past the header
        for job in jobs:
            report = job.report
            report.status = ImportRun.Status.FAILED
            report.created = report.updated = report.unchanged = 0
            report.message = problem_message(error)
    for job in jobs:
        if not job.finished:  # a refused or rolled-back run: recorded after the rollback
            _finish_run(job.run, job.report, actor=actor, dry_run=dry_run)


def _new_run(kind: str, path: Path, name: str, actor) -> ImportRun:
    return ImportRun.objects.create(kind=kind, file_name=name[:255], sha256=file_sha256(path),
                                    size=path.stat().st_size, created_by=actor,
                                    status=ImportRun.Status.RUNNING)  # fmt: skip


def _start_run(run: ImportRun, mapping, skip_invalid: bool, info) -> ImportRun:
    run.status = ImportRun.Status.RUNNING
    run.skip_invalid = skip_invalid
    run.mapping = dict(mapping or {})
    run.encoding = info.encoding or ""
    run.separator = info.separator or ""
    run.save()
    return run


def _execute(jobs: list[_Job], *, actor, dry_run, skip_invalid, **options) -> None:
    """Validate and write every job in one transaction. A run that keeps its rows is
    concluded and recorded (status, counts, audit entry, event) inside that transaction,
    so a kill at any moment leaves either nothing (and a running run, which the heartbeat
    rule fails) or everything with its run "committed"; a rolled-back one is concluded
    after the rollback."""
    # A dry run of one file compares without writing; a run of several files must write
    # (a later file reads what an earlier one creates) and is rolled back at the end.
    write = not dry_run or len(jobs) > 1
    checked = None
    if len(jobs) == 1 and not (dry_run or skip_invalid):
        job = jobs[0]
        direct = WRITERS[job.kind].direct if _stages_first(jobs) else ()
        checked = check_by_columns(job.report, job.path, name=job.name, mapping=job.mapping,
                                   wanted=direct, **options)  # fmt: skip
        if checked is not None and checked.refused:
            # a bad file refused after one columnar pass: nothing staged, nothing compared
            _conclude_all(jobs, dry_run=False, skip_invalid=False)
            return
    if write and not dry_run and _stages_first(jobs):
        if checked is not None and checked.rows is not None:
            _execute_direct(jobs[0], checked, actor=actor, **options)
        else:
            _execute_staged(jobs[0], actor=actor, skip_invalid=skip_invalid, **options)
        return
    if dry_run and _stages_first(jobs) and WRITERS[jobs[0].kind].dry_run_staged:
        _dry_run_staged(jobs[0], actor=actor, skip_invalid=skip_invalid, **options)
        return
    reading = dry_run and len(jobs) == 1 and WRITERS[jobs[0].kind].dry_run_reads_only
    while True:  # at most twice: once more without the lines a later duplicate revoked
        again = kept = False
        try:
            with import_pragmas(), _reading_only(reading), transaction.atomic():
                if write and connection.vendor == "postgresql":
                    with connection.cursor() as cursor:
                        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK])
                for job in jobs:
                    job.revoked, _writer = _one_pass(job.report, job.path, excluded=job.excluded,
                                            write=write, skip_invalid=skip_invalid,
                                            name=job.name, mapping=job.mapping,
                                            actor=actor, counted=dry_run, **options)  # fmt: skip
                again = any(job.revoked - job.excluded for job in jobs) and (
                    dry_run or skip_invalid
                )
                invalid = any(job.report.errors for job in jobs) and not skip_invalid
                invalid = invalid or any(job.report.stopped for job in jobs)
                if again or dry_run or invalid:
                    raise _Undo
                _conclude_all(jobs, dry_run=dry_run, skip_invalid=skip_invalid)
                for job in jobs:
                    _finish_run(job.run, job.report, actor=actor, dry_run=dry_run)
                kept = True
        except _Undo:
            pass
        if kept:  # committed with the data
            for job in jobs:
                job.finished = True
            return
        if not again:
            break
        for job in jobs:
            job.excluded |= job.revoked
    _conclude_all(jobs, dry_run=dry_run, skip_invalid=skip_invalid)


@contextmanager
def _reading_only(reading: bool):
    """SQLite: the transaction begun inside takes the write lock only if something writes
    (``BEGIN DEFERRED``), not at its start — for a dry run whose writer only reads
    (``Writer.dry_run_reads_only``): others write while it reads the whole file, and it
    still sees one snapshot of the database and is rolled back."""
    if not reading or connection.vendor != "sqlite" or connection.in_atomic_block:
        yield
        return
    connection.ensure_connection()
    mode = connection.transaction_mode
    connection.transaction_mode = "DEFERRED"
    try:
        yield
    finally:
        connection.transaction_mode = mode


def _stages_first(jobs: list[_Job]) -> bool:
    """SQLite has one writer: a run of one file whose rows all go through the stage reads,
    validates and stages them without locking the live tables, then writes them in a
    short final transaction (the other requests wait for that only). Not inside a
    transaction of the caller's: that one holds the lock anyway, and the stage's own
    transactions cannot nest in it."""
    return (connection.vendor == "sqlite" and len(jobs) == 1
            and WRITERS[jobs[0].kind].stageable
            and not connection.in_atomic_block)  # fmt: skip


def _execute_staged(job: _Job, *, actor, skip_invalid: bool, **options) -> None:
    """``_execute`` for one stageable file on SQLite: the same all-or-nothing, counts,
    idempotency and records, with the write lock held only for the final transaction."""
    while True:
        with import_pragmas():
            job.revoked, writer = _one_pass(job.report, job.path, excluded=job.excluded,
                                            write=True, skip_invalid=skip_invalid,
                                            name=job.name, mapping=job.mapping, actor=actor,
                                            deferred=True, counted=False, **options)  # fmt: skip
        again = bool(job.revoked - job.excluded) and skip_invalid
        refused = bool(job.report.errors and not skip_invalid) or bool(job.report.stopped)
        if again or refused:
            writer.finish_unwritten()
        if again:
            job.excluded |= job.revoked
            continue
        if refused:
            _conclude_all([job], dry_run=False, skip_invalid=skip_invalid)
            return
        break
    _reveal(job, writer, writer.write_hidden, actor=actor, skip_invalid=skip_invalid)


def _execute_direct(job: _Job, checked: ColumnPass, *, actor, progress, batch_size) -> None:
    """``_execute_staged`` for a file the column pass found valid (SQLite, a kind with
    ``Writer.direct``): no second validation and no stage between — its rows go from the
    columns into the live table, hidden until the final transaction (ADR 0024)."""
    assert checked.rows is not None and checked.header_map is not None
    header = checked.header_map
    writer = WRITERS[job.kind](present=header.present, label=_labels(header), write=True,
                               actor=actor, deferred=True)  # fmt: skip
    job.report.total, job.report.ignored_columns = checked.total, checked.ignored_columns

    def hide(run_id: int) -> None:
        writer.write_columns(checked.rows, checked.ids, run_id, progress)

    _reveal(job, writer, hide, actor=actor, skip_invalid=False)


def _reveal(job: _Job, writer, hide: Callable[[int], None], *, actor, skip_invalid) -> None:
    """The new rows written hidden (``hide(run_id)``, short transactions), then the final
    transaction: what is left written, the hidden rows revealed, the run concluded and
    recorded; then the rows settled. A failure drops what was hidden."""
    run_id = job.run.pk
    try:
        with import_pragmas():
            hide(run_id)  # short transactions; nothing visible yet
        with import_pragmas(), transaction.atomic():
            written = writer.apply_deferred(run_id)  # the hidden rows appear at its commit
            writer.finish()
            report = job.report
            report.created, report.updated, report.unchanged = (
                written.created, written.updated, written.unchanged)  # fmt: skip
            _conclude_all([job], dry_run=False, skip_invalid=skip_invalid)
            _finish_run(job.run, report, actor=actor, dry_run=False)
    except Exception:
        if writer.hidden is not None:  # best effort; else the next import drops them
            with suppress(Exception):
                writer.hidden.drop(run_id)
        raise
    job.finished = True
    if writer.hidden is not None:
        with suppress(DatabaseError):  # visible already; the next import settles them
            writer.hidden.settle(run_id)


def _dry_run_staged(job: _Job, *, actor, skip_invalid: bool, **options) -> None:
    """A dry run of one stageable file on SQLite: each batch compared in the stage's own
    short transaction, which writes TEMP tables only, instead of one transaction over the
    whole file (it begins IMMEDIATE: other requests would wait for the write lock while
    the file is read). Nothing is written; the counts are the one-transaction path's."""
    while True:  # at most twice: once more without the lines a later duplicate revoked
        with import_pragmas():
            job.revoked, writer = _one_pass(job.report, job.path, excluded=job.excluded,
                                            write=False, skip_invalid=skip_invalid,
                                            name=job.name, mapping=job.mapping, actor=actor,
                                            deferred=True, counted=True, **options)  # fmt: skip
        writer.finish_unwritten()
        if not job.revoked - job.excluded:
            break
        job.excluded |= job.revoked
    _conclude_all([job], dry_run=True, skip_invalid=skip_invalid)


def _conclude_all(jobs: list[_Job], *, dry_run: bool, skip_invalid: bool) -> None:
    rejected = sum(job.report.rejected for job in jobs)
    for job in jobs:
        _conclude(job.report, dry_run=dry_run, skip_invalid=skip_invalid, run_rejected=rejected)


def _one_pass(report, path, *, excluded, write, skip_invalid, name, actor, mapping, progress,
              batch_size, deferred: bool = False, counted: bool = True):  # fmt: skip
    """Read, validate and write (or stage, when ``deferred``) one file: (the lines a
    later duplicate revoked, the writer — still holding what it staged when deferred).
    ``counted`` false: once a bad row refuses the file, the rest is only validated (and
    checked for unknown clients and the like), not compared with the database — the
    counts of a refused import are not shown."""
    writer_type = WRITERS[report.kind]
    size = batch_size or writer_type.batch_size or DEFAULT_BATCH_SIZE
    outcome, revoked, bad_lines, limit = Outcome(), set(), set(), max_problems()
    with open_import(report.kind, path, name=name, mapping=mapping, batch_size=size,
                     limits=import_limits()) as run:  # fmt: skip
        writer = writer_type(present=run.header_map.present, label=_labels(run.header_map),
                             write=write, actor=actor, deferred=deferred)  # fmt: skip
        for batch in run.batches():
            seen = len(outcome.errors)
            outcome.errors += batch.errors
            revoked.update(batch.revoked_lines)
            if outcome.errors and not skip_invalid:
                writer.write = False  # all-or-nothing: keep reading only to report
                writer.counting = counted
            records = [r for r in batch.records if r.line not in excluded]
            outcome.add(_keyed(writer.apply(records), records, SCHEMAS[report.kind].row_key))
            if progress:
                progress(run.summary.total)
            bad_lines.update(error.line for error in outcome.errors[seen:])
            if len(bad_lines) > limit:  # memory and time stay bounded
                report.stopped = render_problem(
                    "too_many_problems", {"limit": number_format(limit, force_grouping=True)}
                )
                writer.write = False
                break
        if not deferred:
            outcome.add(writer.finish())
        report.total = run.summary.total
        report.ignored_columns = run.summary.ignored_columns
    report.created, report.updated, report.unchanged = (
        outcome.created, outcome.updated, outcome.unchanged)  # fmt: skip
    report.errors = sorted(outcome.errors, key=lambda e: e.line)
    report.rejected = len({e.line for e in report.errors})
    return frozenset(revoked), writer


def _labels(columns: HeaderMap) -> Callable[[str], str]:
    """A field's source column as the file names it, for the writer's errors."""

    def label(field_name: str) -> str:
        position = columns.index.get(field_name)
        return columns.columns[position] if position is not None else field_name

    return label


def _keyed(applied: Outcome, records, row_key: str) -> Outcome:
    """The writer's errors (an unknown client, a taken document) named by their row's key,
    like the validator's."""
    if applied.errors:
        keys = {record.line: getattr(record, row_key) or "" for record in records}
        applied.errors = [
            error if error.key else dataclasses.replace(error, key=keys.get(error.line, ""))
            for error in applied.errors
        ]
    return applied


def _conclude(
    report: ImportReport, *, dry_run: bool, skip_invalid: bool, run_rejected: int
) -> None:
    """``run_rejected``: the invalid rows of every file of the run (all-or-nothing holds
    across the files)."""
    if report.stopped:
        report.status = ImportRun.Status.FAILED
        report.created = report.updated = report.unchanged = 0
        report.message = report.stopped
    elif dry_run:
        report.status = ImportRun.Status.DRY_RUN
        report.message = _("Dry run: nothing was written.")
    elif report.errors and not skip_invalid:
        report.status = ImportRun.Status.FAILED
        report.created = report.updated = report.unchanged = 0
        report.message = ngettext(
            "Nothing was written: %(count)d row is invalid.",
            "Nothing was written: %(count)d rows are invalid.",
            report.rejected,
        ) % {"count": report.rejected}
    elif run_rejected and not skip_invalid:
        report.status = ImportRun.Status.FAILED
        report.created = report.updated = report.unchanged = 0
        report.message = ngettext(
            "Nothing was written: another file of the same run has %(count)d invalid row.",
            "Nothing was written: another file of the same run has %(count)d invalid rows.",
            run_rejected,
        ) % {"count": run_rejected}
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
    run.report = _report_json(report)
    run.save()
    do_record("import", actor=actor, obj=run, kind=run.kind, status=run.status,
              dry_run=dry_run, skip_invalid=run.skip_invalid, **report.counts)  # fmt: skip
    if run.status in (ImportRun.Status.COMMITTED, ImportRun.Status.FAILED):
        emit(IMPORT_FINISHED, run=run)


REPORT_ERRORS = 200  # problems kept with the run (and shown); the CSV holds them all


def _report_json(report: ImportReport) -> dict:
    errors = [
        {"line": e.line, "key": e.key, "column": e.column, "value": e.value, "code": e.code,
         "message": e.message, "params": _plain(e.params)}
        for e in report.errors[:REPORT_ERRORS]
    ]  # fmt: skip
    return {"errors": errors, "error_count": len(report.errors),
            "ignored_columns": list(report.ignored_columns)}  # fmt: skip


def _plain(params: Mapping) -> dict:
    return {k: v if isinstance(v, int | float | str | bool | None) else str(v)
            for k, v in params.items()}  # fmt: skip


def stored_report(run: ImportRun) -> ImportReport | None:
    """The report of the run's last validation or import, as it was shown (first
    ``REPORT_ERRORS`` problems), for a page reloaded later; None before any."""
    if run.status not in {ImportRun.Status.DRY_RUN, ImportRun.Status.COMMITTED,
                          ImportRun.Status.FAILED} or not run.report:  # fmt: skip
        return None
    errors = [RowError(e["line"], e["column"], e["value"], e["code"], e["message"],
                       e.get("params") or {}, e.get("key", ""))
              for e in run.report.get("errors", [])]  # fmt: skip
    return ImportReport(
        run.kind, run.file_name, run.status, total=run.total, created=run.created,
        updated=run.updated, unchanged=run.unchanged, rejected=run.rejected, errors=errors,
        message=run.message, encoding=run.encoding or None, separator=run.separator or None,
        ignored_columns=tuple(run.report.get("ignored_columns", ())),
        error_count=run.report.get("error_count", len(errors)),
    )  # fmt: skip


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


__all__ = [
    "ImportReport",
    "IngestError",
    "do_import",
    "do_import_files",
    "error_report_path",
    "file_sha256",
    "stored_report",
]
