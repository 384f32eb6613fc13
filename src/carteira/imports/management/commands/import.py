"""`carteira import KIND FILE [KIND FILE ...]`: load ERP files; all-or-nothing unless
--skip-invalid. Several files are one run: loaded in dependency order in one transaction
(an orders file may name the clients its clients file creates).

Messages speak the workspace language (settings.LANGUAGE_CODE: pt-BR), numbers included
("100.000 linhas lidas"); the KIND arguments stay the English words of the spec."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from carteira.console import ProgressLine
from carteira.imports.forms import KIND_LABELS
from carteira.imports.messages import KEY_LABELS, errors_csv, problem_message
from carteira.imports.models import ColumnMapping
from carteira.imports.services import ImportReport, do_import, do_import_files
from carteira.web.formats import number
from carteira_core.ingest import KINDS, IngestError


class Command(BaseCommand):
    @property
    def help(self) -> str:  # at run time: argparse needs a real str, in the active language
        return _(
            "Import a .csv or .xlsx file of one of the kinds below: sellers, clients, contacts,"
            " orders, interactions, receivables, leads, acquisition spend, complaints, credit"
            " limits, contracts or sell-out (docs/import-format.md)."
        )

    requires_system_checks: list[str] = []  # a data load needs no URL/admin checks

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=KINDS)
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "more",
            nargs="*",
            metavar="KIND FILE",
            help=_("more files for the same run, e.g. `clients c.csv orders o.csv`"),
        )
        parser.add_argument("--dry-run", action="store_true", help=_("validate; write nothing"))
        parser.add_argument(
            "--skip-invalid", action="store_true", help=_("write the valid rows, report the rest")
        )
        parser.add_argument("--mapping", help=_("a saved column mapping (by name) for this kind"))
        parser.add_argument("--errors", type=Path, help=_("write the rejected rows to this CSV"))

    def handle(self, *args, **options):
        self._line = ProgressLine(self.stderr)
        if options["more"]:
            return self._handle_files(self._pairs(options), options)
        kind, path = options["kind"], options["file"]
        if not path.is_file():
            raise CommandError(_("%(path)s: no such file") % {"path": path})
        mapping = self._mapping(kind, options["mapping"])
        try:
            _run, report = do_import(
                kind,
                path,
                dry_run=options["dry_run"],
                skip_invalid=options["skip_invalid"],
                mapping=mapping,
                progress=self._progress,
            )
        except IngestError as error:
            self._problems(error)
            raise CommandError(f"{path.name}: {problem_message(error)}") from None
        finally:
            self._line.done()
        self._print(report, path)
        if options["errors"] is not None:
            options["errors"].write_text(errors_csv(report.errors), encoding="utf-8-sig")
        if report.status == "failed":
            hint = _("Fix them, or use --skip-invalid to load the valid rows.")
            raise CommandError(f"{report.message} {hint}" if report.errors else report.message)
        if options["dry_run"] and report.errors and not options["skip_invalid"]:
            raise CommandError(self._dry_run_refusal(report.rejected))

    def _pairs(self, options) -> list[tuple[str, Path]]:
        more = options["more"]
        if len(more) % 2:
            raise CommandError(_("give files as KIND FILE pairs, e.g. clients c.csv orders o.csv"))
        pairs = [(options["kind"], options["file"])]
        pairs += [(more[i], Path(more[i + 1])) for i in range(0, len(more), 2)]
        kinds = [kind for kind, _path in pairs]
        for kind, path in pairs:
            if kind not in KINDS:
                raise CommandError(
                    _("unknown kind %(kind)r; one of %(kinds)s")
                    % {"kind": kind, "kinds": ", ".join(KINDS)}
                )
            if not path.is_file():
                raise CommandError(_("%(path)s: no such file") % {"path": path})
        if len(set(kinds)) != len(kinds):
            raise CommandError(_("each kind at most once in a run"))
        if options["mapping"]:
            raise CommandError(_("--mapping works with one file; import that file on its own"))
        return pairs

    def _handle_files(self, pairs, options) -> None:
        try:
            results = do_import_files(
                pairs,
                dry_run=options["dry_run"],
                skip_invalid=options["skip_invalid"],
                progress=self._progress,
            )
        except IngestError as error:
            self._problems(error)
            raise CommandError(f"{error.params.get('file')}: {problem_message(error)}") from None
        finally:
            self._line.done()
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
            raise CommandError(self._dry_run_refusal(sum(r.rejected for r in reports)))

    def _mapping(self, kind: str, name: str | None):
        if not name:
            return None
        saved = ColumnMapping.objects.filter(kind=kind, name=name).first()
        if saved is None:
            raise CommandError(
                _("no saved column mapping %(name)r for %(kind)s") % {"name": name, "kind": kind}
            )
        return saved.mapping

    def _dry_run_refusal(self, rejected: int) -> str:
        return ngettext(
            "dry run: %(count)s row is invalid; the import would write nothing",
            "dry run: %(count)s rows are invalid; the import would write nothing",
            rejected,
        ) % {"count": number(rejected)}

    def _problems(self, error: IngestError) -> None:
        for problem in error.errors:
            self.stderr.write(
                _("line %(line)s, %(column)s: %(reason)s")
                % {
                    "line": problem.line,
                    "column": problem.column,
                    "reason": problem_message(problem),
                }
            )

    def _progress(self, rows: int) -> None:
        text = ngettext("%(count)s row read", "%(count)s rows read", rows)
        self._line.count(text % {"count": number(rows)})

    def _print(self, report: ImportReport, path: Path) -> None:
        detected = f"{report.encoding}, '{report.separator}'" if report.encoding else "xlsx"
        kind = str(KIND_LABELS.get(report.kind, report.kind)).lower()
        rows = ngettext("%(count)s row", "%(count)s rows", report.total)
        out = self.stdout.write
        out(f"{path.name}: {kind} ({detected}), {rows % {'count': number(report.total)}}")
        if report.ignored_columns:
            out(_("ignored columns: %(columns)s") % {"columns": ", ".join(report.ignored_columns)})
        out(", ".join(self._counts(report)))
        for error in report.errors:
            out(self._error_line(error, KEY_LABELS[report.kind]))
        out(report.message)

    def _error_line(self, error, key_label) -> str:
        """``line 12, order P-17, column 'valor', value 'x': reason`` (no key on the header)."""
        values = {"line": error.line, "key_label": key_label, "key": error.key,
                  "column": error.column, "value": error.value,
                  "reason": problem_message(error)}  # fmt: skip
        if error.key:
            return (
                _("line %(line)s, %(key_label)s %(key)s, column '%(column)s', value "
                  "'%(value)s': %(reason)s") % values
            )  # fmt: skip
        return _("line %(line)s, column '%(column)s', value '%(value)s': %(reason)s") % values

    def _counts(self, report: ImportReport) -> list[str]:
        if report.status == "dry_run":
            created = ngettext(
                "%(count)s would be created", "%(count)s would be created", report.created
            )
            updated = ngettext(
                "%(count)s would be updated", "%(count)s would be updated", report.updated
            )
        else:
            created = ngettext("%(count)s created", "%(count)s created", report.created)
            updated = ngettext("%(count)s updated", "%(count)s updated", report.updated)
        unchanged = ngettext("%(count)s unchanged", "%(count)s unchanged", report.unchanged)
        rejected = ngettext("%(count)s rejected", "%(count)s rejected", report.rejected)
        pairs = (
            (created, report.created),
            (updated, report.updated),
            (unchanged, report.unchanged),
            (rejected, report.rejected),
        )
        return [text % {"count": number(n)} for text, n in pairs]
