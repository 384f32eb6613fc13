from django.core.management.base import BaseCommand

from carteira.api.events import emit_overdue_tasks
from carteira.api.webhooks import deliver_due


class Command(BaseCommand):
    help = "Queue task.overdue events and deliver every webhook that is due (run it every minute)."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=500, help="deliveries per run")

    def handle(self, *args, limit: int, **options):
        queued = emit_overdue_tasks()
        attempted = deliver_due(limit=limit)
        self.stdout.write(
            f"queued {queued} task.overdue event(s); attempted {attempted} delivery(ies)"
        )
