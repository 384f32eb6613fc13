from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from carteira.complaints.escalation import do_watch_sla


class Command(BaseCommand):
    @property
    def help(self) -> str:
        return _(
            "Complaints: `watch` warns the owners of complaints close to their SLA and "
            "escalates the breached ones by e-mail (run it from cron, e.g. every 15 minutes)."
        )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["watch"])

    def handle(self, *args, action, **opts):
        watch = do_watch_sla()
        self.stdout.write(
            _("complaints: %(warned)d warned, %(escalated)d escalated, %(emails)d e-mails sent")
            % {"warned": watch.warned, "escalated": watch.escalated, "emails": watch.emails}
        )
