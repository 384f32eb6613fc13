import time

from django.core.management.base import BaseCommand

from carteira.plans.notify import send_digests, send_plan_notices
from carteira.plans.planner import do_plan
from carteira.plans.services import do_load_defaults
from carteira.portfolio.management.commands._dates import parse_as_of


class Command(BaseCommand):
    help = (
        "Apply the action plan to the latest official portfolio reading: create, keep and "
        "cancel tasks, and e-mail the escalations. --digest e-mails each seller today's agenda."
    )

    def add_arguments(self, parser):
        parser.add_argument("--as-of", help="the date to plan at (YYYY-MM-DD, default today)")
        parser.add_argument(
            "--load-defaults", action="store_true", help="add the default cells that are missing"
        )
        parser.add_argument(
            "--digest", action="store_true", help="e-mail each seller their agenda for the day"
        )
        parser.add_argument("--no-email", action="store_true", help="send no escalation e-mail")

    def handle(
        self, *args, as_of=None, load_defaults=False, digest=False, no_email=False, **options
    ):
        day = parse_as_of(as_of)
        if load_defaults:
            added = do_load_defaults()
            self.stdout.write(f"default cells added: {added}")
            return
        if digest:
            sent = send_digests(day)
            self.stdout.write(f"digest {day.isoformat()}: {sent} e-mails sent")
            return
        started = time.perf_counter()
        result = do_plan(day)
        elapsed = int((time.perf_counter() - started) * 1000)
        if result.run_id is None:
            self.stdout.write(f"plan {day.isoformat()}: no official reading yet (run `snapshot`)")
            return
        sent = 0 if no_email else send_plan_notices(result.notices)
        self.stdout.write(
            f"plan {day.isoformat()}: created {result.created}, kept {result.kept}, "
            f"cancelled {result.cancelled}; {sent} e-mails sent; {elapsed} ms"
        )
