import sys

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from carteira.portfolio.engine_input import adbc_on_sqlite
from carteira.portfolio.management.commands._dates import parse_as_of
from carteira.value.messages import fit_message
from carteira.value.services import compute_value, value_report
from carteira.web.writers import rows_as_text, to_json


def columns(expectation_days: int) -> tuple[str, ...]:
    return ("client", "frequency", "recency", "T", "p_alive",
            f"expected_purchases_{expectation_days}d", "expected_next_purchase",
            "expected_spend", "clv")  # fmt: skip


class Command(BaseCommand):
    @property
    def help(self) -> str:  # at run time: argparse needs a real str, in the active language
        return _(
            "Predictive value: P(alive), expected purchases and CLV per client, and the "
            "portfolio's value (BG/NBD or Pareto/NBD with Gamma-Gamma)."
        )

    def add_arguments(self, parser):
        parser.add_argument("--as-of", help=_("YYYY-MM-DD (default today)"))
        parser.add_argument(
            "--model",
            choices=["bgnbd", "pareto"],
            help=_("default: the model of the [value] rules (bgnbd unless changed)"),
        )
        parser.add_argument("--format", default="table", choices=["table", "json"])

    def handle(self, *args, as_of=None, model=None, format="table", **options):
        day = parse_as_of(as_of)
        with adbc_on_sqlite():
            values, data = compute_value(day, model=model)
        report = value_report(values, data)
        if format == "json":
            sys.stdout.write(to_json(report) + "\n")
        else:
            sys.stdout.write(self._table(report, values))
        # Why there is no (reliable) prediction, once: the purchase model's reason when it
        # failed (the spend model then fails for the same want of history), else the
        # spend model's.
        failed = next((f for f in (values.purchase_fit, values.spend_fit) if not f.ok), None)
        if failed is not None:
            self.stderr.write(fit_message(failed.status, failed.reason))

    def _table(self, report: dict, values) -> str:
        model, spend = report["model"], report["spend"]
        lines = [
            _("model %(name)s (%(status)s): %(params)s, log-likelihood %(ll)s, time in days")
            % {
                "name": model["name"],
                "status": model["status"],
                "params": ", ".join(
                    f"{k} {v}" for k, v in model.items() if k in values.purchase_fit.params
                )
                or "—",
                "ll": "—" if model["log_likelihood"] is None else model["log_likelihood"],
            },
            _("spend Gamma-Gamma (%(status)s): %(params)s")
            % {
                "status": spend["status"],
                "params": ", ".join(
                    f"{k} {v}" for k, v in spend.items() if k in values.spend_fit.params
                )
                or "—",
            },
            _("portfolio value over %(months)s months at %(rate)s %% a month: %(value)s")
            % {
                "months": report["horizon_months"],
                "rate": f"{report['monthly_rate'] * 100:g}",
                "value": report["portfolio_value"]
                if report["portfolio_value"] is not None
                else "—",
            },
            "",
        ]
        shown = columns(values.expectation_days)
        rows = [[row.get(column) for column in shown] for row in report["clients"]]
        return "\n".join(lines) + rows_as_text(shown, rows, "table")
