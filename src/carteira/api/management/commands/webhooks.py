from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from carteira.api.events import emit_overdue_tasks
from carteira.api.webhooks import deliver_due
from carteira.web.formats import number


class Command(BaseCommand):
    @property
    def help(self) -> str:  # at run time: argparse needs a real str, in the active language
        return _(
            "Queue task.overdue events and deliver every webhook that is due (run it every minute)."
        )

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=500, help=_("deliveries per run"))

    def handle(self, *args, limit: int, **options):
        queued = emit_overdue_tasks()
        attempted = deliver_due(limit=limit)
        events = ngettext(
            "queued %(count)s task.overdue event", "queued %(count)s task.overdue events", queued
        ) % {"count": number(queued)}
        deliveries = ngettext(
            "attempted %(count)s delivery", "attempted %(count)s deliveries", attempted
        ) % {"count": number(attempted)}
        self.stdout.write(f"{events}; {deliveries}")
