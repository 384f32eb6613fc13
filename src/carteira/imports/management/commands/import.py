"""`carteira import KIND FILE [KIND FILE ...]`: load ERP files; all-or-nothing unless
--skip-invalid. Several files are one run: loaded in dependency order in one transaction
(an orders file may name the clients its clients file creates)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from carteira.imports.messages import errors_csv, problem_message
from carteira.imports.models import ColumnMapping
from carteira.imports.services import ImportReport, do_import, do_import_files
from carteira_core.ingest import KINDS, IngestError


class Command(BaseCommand):
    help = "Import sellers, clients, contacts, orders or interactions from a .csv or .xlsx file."
    requires_system_checks: list[str] = []  # a data load needs no URL/admin checks

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=KINDS)
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "more", nargs="*", metavar="KIND FILE",
            help="more files for the same run, e.g. `clients c.csv orders o.csv`",
        )  # fmt: skip
        parser.add_argument("--dry-run", action="store_true", help="validate; write nothing")
        parser.add_argument(
            "--skip-invalid", action="store_true", help="write the valid rows, report the rest"
        )
        parser.add_argument("--mapping", help="a saved column mapping (by name) for this kind")
        parser.add_argument("--errors", type=Path, help="write the rejected rows to this CSV")

    def handle(self, *args, **options):
        if options["more"]:
            return self._handle_files(self._pairs(options), options)
        kind, path = options["kind"], options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        mapping = self._mapping(kind, options["mapping"])
        try:
            _run, report = do_import(
                kind, path, dry_run=options["dry_run"], skip_invalid=options["skip_invalid"],
                mapping=mapping, progress=self._progress,
            )  # fmt: skip
        except IngestError as error:
            for problem in error.errors:
                reason = problem_message(problem)
                self.stderr.write(f"line {problem.line}, {problem.column}: {reason}")
            raise CommandError(f"{path.name}: {problem_message(error)}") from None
        finally:
            self.stderr.write("")
        self._print(report, path)
        if options["errors"] is not None:
            options["errors"].write_text(errors_csv(report.errors), encoding="utf-8-sig")
        if report.status == "failed":
            hint = (
                " Fix them, or use --skip-invalid to load the valid rows." if report.errors else ""
            )
            raise CommandError(report.message + hint)
        if options["dry_run"] and report.errors and not options["skip_invalid"]:
            raise CommandError(
                f"dry run: {report.rejected} row(s) are invalid; the import would write nothing"
            )

    def _pairs(self, options) -> list[tuple[str, Path]]:
        more = options["more"]
        if len(more) % 2:
            raise CommandError("give files as KIND FILE pairs, e.g. clients c.csv orders o.csv")
        pairs = [(options["kind"], options["file"])]
        pairs += [(more[i], Path(more[i + 1])) for i in range(0, len(more), 2)]
        kinds = [kind for kind, _path in pairs]
        for kind, path in pairs:
            if kind not in KINDS:
                raise CommandError(f"unknown kind {kind!r}; one of {', '.join(KINDS)}")
            if not path.is_file():
                raise CommandError(f"{path}: no such file")
        if len(set(kinds)) != len(kinds):
            raise CommandError("each kind at most once in a run")
        if options["mapping"]:
            raise CommandError("--mapping works with one file; import that file on its own")
        return pairs

    def _handle_files(self, pairs, options) -> None:
        try:
            results = do_import_files(pairs, dry_run=options["dry_run"],
                                      skip_invalid=options["skip_invalid"],
                                      progress=self._progress)  # fmt: skip
        except IngestError as error:
            for problem in error.errors:
                reason = problem_message(problem)
                self.stderr.write(f"line {problem.line}, {problem.column}: {reason}")
            raise CommandError(f"{error.params.get('file')}: {problem_message(error)}") from None
        finally:
            self.stderr.write("")
        paths = dict(pairs)
        reports = [report for _run, report in results]
        for report in reports:
            self._print(report, paths[report.kind])
        if options["errors"] is not None:
            errors = [error for report in reports for error in report.errors]
            options["errors"].write_text(errors_csv(errors), encoding="utf-8-sig")
        failed = [report for report in reports if report.status == "failed"]
        if failed:
            raise CommandError(failed[0].message)
        if options["dry_run"] and not options["skip_invalid"] and any(r.errors for r in reports):
            rejected = sum(report.rejected for report in reports)
            raise CommandError(
                f"dry run: {rejected} row(s) are invalid; the import would write nothing"
            )

    def _mapping(self, kind: str, name: str | None):
        if not name:
            return None
        saved = ColumnMapping.objects.filter(kind=kind, name=name).first()
        if saved is None:
            raise CommandError(f"no saved column mapping {name!r} for {kind}")
        return saved.mapping

    def _progress(self, rows: int) -> None:
        self.stderr.write(f"\r{rows:,} rows read".replace(",", "."), ending="")
        self.stderr.flush()

    def _print(self, report: ImportReport, path: Path) -> None:
        detected = f"{report.encoding}, '{report.separator}'" if report.encoding else "xlsx"
        out = self.stdout.write
        out(f"{path.name}: {report.kind} ({detected}), {report.total} rows")
        if report.ignored_columns:
            out("ignored columns: " + ", ".join(report.ignored_columns))
        verb = "would be " if report.status == "dry_run" else ""
        out(f"{report.created} {verb}created, {report.updated} {verb}updated, "
            f"{report.unchanged} unchanged, {report.rejected} rejected")  # fmt: skip
        for error in report.errors:
            out(f"line {error.line}, column '{error.column}', value '{error.value}': "
                f"{problem_message(error)}")  # fmt: skip
        out(report.message)
