import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from carteira.console import ProgressLine
from carteira.portfolio.engine_input import adbc_on_sqlite
from carteira.portfolio.figures import do_warm_dashboards
from carteira.portfolio.management.commands._dates import parse_as_of
from carteira.portfolio.models import Status
from carteira.portfolio.rules_messages import rules_error_message
from carteira.portfolio.selectors import latest_official_run
from carteira.portfolio.services import do_snapshot
from carteira.web.formats import number
from carteira_core.rules import RulesError, rules_from_toml


class Command(BaseCommand):
    @property
    def help(self) -> str:  # at run time: argparse needs a real str, in the active language
        return _("Compute and store the portfolio reading at a date (default today).")

    def add_arguments(self, parser):
        parser.add_argument("--as-of", help=_("the date to read the portfolio at (YYYY-MM-DD)"))
        parser.add_argument(
            "--rules", type=Path, help=_("what-if: compute with these rules, stored apart")
        )

    def handle(self, *args, as_of=None, rules=None, **options):
        day = parse_as_of(as_of)
        what_if = None
        if rules is not None:
            try:
                what_if = rules_from_toml(rules.read_text(encoding="utf-8"))
            except OSError as error:
                raise CommandError(
                    _("cannot read %(path)s: %(reason)s")
                    % {"path": rules, "reason": error.strerror}
                ) from None
            except RulesError as error:
                raise CommandError(f"{rules}: {rules_error_message(error)}") from None
        self._line = ProgressLine(self.stderr)
        self._line.say(_("reading the portfolio at %(day)s…") % {"day": day.isoformat()})
        with adbc_on_sqlite():
            run = do_snapshot(day, what_if=what_if)
            assert run.reading is not None  # do_snapshot gives it
            counts = dict(run.reading.clients["status"].value_counts().iter_rows())
            self.stdout.write(
                self._summary(day.isoformat(), counts, run.duration_ms, bool(what_if))
            )
            if what_if is None:
                self._warm_dashboards(run)

    def _warm_dashboards(self, run) -> None:
        """The first dashboards after the nightly snapshot read stored figures (ADR 10)."""
        started = time.perf_counter()
        self._line.say(_("storing the dashboard figures…"))
        latest = latest_official_run()
        views = do_warm_dashboards(latest, reading=run.reading if latest == run else None)
        ms = round((time.perf_counter() - started) * 1000)
        text = ngettext(
            "dashboard figures stored for %(views)s view in %(ms)s ms",
            "dashboard figures stored for %(views)s views in %(ms)s ms",
            views,
        )
        self.stdout.write(text % {"views": number(views), "ms": number(ms)})

    def _summary(self, day: str, counts: dict[str, int], ms: int, what_if: bool) -> str:
        """``snapshot 2026-06-30: 3.000 clients (active 2.100, …) in 850 ms``; statuses in
        the order of the lifecycle, named in the active language."""
        statuses = ", ".join(
            f"{str(status.label).lower()} {number(counts[status.value])}"
            for status in Status
            if counts.get(status.value)
        )
        total = sum(counts.values())
        values = {"day": day, "clients": number(total), "statuses": statuses, "ms": number(ms)}
        if what_if:
            text = ngettext(
                "what-if snapshot %(day)s: %(clients)s client (%(statuses)s) in %(ms)s ms",
                "what-if snapshot %(day)s: %(clients)s clients (%(statuses)s) in %(ms)s ms",
                total,
            )
        else:
            text = ngettext(
                "snapshot %(day)s: %(clients)s client (%(statuses)s) in %(ms)s ms",
                "snapshot %(day)s: %(clients)s clients (%(statuses)s) in %(ms)s ms",
                total,
            )
        return text % values
