import datetime as dt
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from carteira.portfolio import reports
from carteira.portfolio.engine_input import adbc_on_sqlite
from carteira.portfolio.hooks import extra_reports
from carteira.portfolio.kpis import period_of_run
from carteira.portfolio.management.commands._dates import parse_as_of
from carteira.portfolio.services import official_run
from carteira.web.writers import rows_as_text, to_json


class Command(BaseCommand):
    @property
    def help(self) -> str:  # at run time: argparse needs a real str, in the active language
        return _(
            "Portfolio reports (clients, kpis, matrix) read from the stored snapshot; "
            "receivables: aging and provision at a date."
        )

    def add_arguments(self, parser):
        parser.add_argument("report", choices=["clients", "kpis", "matrix", *extra_reports()])
        parser.add_argument("--as-of", help=_("YYYY-MM-DD (default today)"))
        extra_by = {by for report in extra_reports().values() for by in report.by}
        parser.add_argument("--by", choices=sorted({*reports.BY_CHOICES, *extra_by}))
        parser.add_argument(
            "--period",
            help=_(
                "kpis over: month (from the 1st of the as-of month), quarter or days:N "
                "(default: the rules' rolling window)"
            ),
        )
        parser.add_argument("--from", dest="start", help=_("YYYY-MM-DD: a window's first day"))
        parser.add_argument("--to", dest="end", help=_("YYYY-MM-DD: a window's last day"))
        parser.add_argument("--format", default="table", choices=["table", "csv", "json", "xlsx"])
        parser.add_argument("--output", type=Path, help=_("write to this file instead of stdout"))

    def handle(self, *args, report, as_of=None, by=None, format="table", output=None,
               period=None, start=None, end=None, **opts):  # fmt: skip
        if format == "xlsx" and output is None:
            raise CommandError(_("--format xlsx needs --output FILE"))
        if report == "clients" and by:
            raise CommandError(_("--by applies to kpis and matrix, not to the clients report"))
        if report != "kpis" and period:
            raise CommandError(_("--period applies to the kpis report only"))
        day = parse_as_of(as_of)
        window = {"start": _day(start, "--from"), "end": _day(end, "--to")}
        if (start or end) and not getattr(extra_reports().get(report), "window", False):
            raise CommandError(_("--from and --to apply to the funnel report"))
        if report in extra_reports():
            return self._extra(report, day, by, format, output, period, window)
        if by not in (None, *reports.BY_CHOICES):
            raise CommandError(
                _("--by %(by)s does not apply to the %(report)s report")
                % {"by": by, "report": report}
            )
        with adbc_on_sqlite():
            run = official_run(day)
            if report == "kpis":
                try:
                    window, run = period_of_run(run, period)
                except ValueError:
                    raise CommandError(
                        _("--period must be month, quarter or days:N (N ≥ 1), got %(text)r")
                        % {"text": period}
                    ) from None
        if report == "clients":
            data = reports.client_report(run)
        elif report == "kpis":
            data = reports.kpi_report(run, by, window)
        else:
            data = reports.matrix_report(run, by)
        if format == "json":
            text = to_json(data) + "\n"
        else:
            columns, rows = reports.as_table(report, data)
            text = rows_as_text(columns, rows, format)
        if output is None:
            sys.stdout.write(text)
        elif isinstance(text, bytes):
            output.write_bytes(text)
        else:
            output.write_text(text, encoding="utf-8")

    def _extra(self, name, day, by, format, output, period, window):
        report = extra_reports()[name]
        if period:
            raise CommandError(_("--period applies to the kpis report only"))
        if by not in (None, *report.by):
            raise CommandError(
                _("--by for the %(report)s report: %(choices)s")
                % {"report": name, "choices": ", ".join(report.by)}
            )
        text = (
            report.render(day, by, format, **window)
            if report.window
            else report.render(day, by, format)
        )
        if output is None:
            self.stdout.write(text if isinstance(text, str) else text.decode(), ending="")
        elif isinstance(text, bytes):
            output.write_bytes(text)
        else:
            output.write_text(text, encoding="utf-8")


def _day(text: str | None, option: str):
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(
            _("%(option)s must be a date as YYYY-MM-DD, got %(text)r")
            % {"option": option, "text": text}
        ) from None
