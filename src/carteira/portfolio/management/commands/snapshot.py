from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from carteira.portfolio.engine import adbc_on_sqlite
from carteira.portfolio.management.commands._dates import parse_as_of
from carteira.portfolio.services import do_snapshot
from carteira_core.rules import RulesError, rules_from_toml


class Command(BaseCommand):
    help = "Compute and store the portfolio reading at a date (default today)."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", help="the date to read the portfolio at (YYYY-MM-DD)")
        parser.add_argument(
            "--rules", type=Path, help="what-if: compute with these rules, stored apart"
        )

    def handle(self, *args, as_of=None, rules=None, **options):
        day = parse_as_of(as_of)
        what_if = None
        if rules is not None:
            try:
                what_if = rules_from_toml(rules.read_text(encoding="utf-8"))
            except OSError as error:
                raise CommandError(f"cannot read {rules}: {error.strerror}") from None
            except RulesError as error:
                raise CommandError(f"{rules}: {error}") from None
        with adbc_on_sqlite():
            run = do_snapshot(day, what_if=what_if)
        counts = {}
        for status in run.clients.values_list("status", flat=True):
            counts[status] = counts.get(status, 0) + 1
        summary = ", ".join(f"{name} {count}" for name, count in sorted(counts.items()))
        kind = "what-if " if what_if else ""
        self.stdout.write(
            f"{kind}snapshot {day.isoformat()}: {sum(counts.values())} clients ({summary}) "
            f"in {run.duration_ms} ms"
        )
