from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from carteira.complaints.escalation import do_watch_sla
from carteira.complaints.nps import do_send_nps


class Command(BaseCommand):
    @property
    def help(self) -> str:
        return _(
            "Complaints: `watch` warns the owners of complaints close to their SLA and "
            "escalates the breached ones by e-mail (run it from cron, e.g. every 15 minutes); "
            "`nps` e-mails the NPS question to the active clients not asked in 90 days "
            "(run it daily or weekly; --limit spreads them)."
        )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["watch", "nps"])
        parser.add_argument("--limit", type=int, default=None)

    def handle(self, *args, action, **opts):
        if action == "nps":
            sent = do_send_nps(limit=opts["limit"])
            self.stdout.write(
                _("nps: %(asked)d clients asked, %(unreachable)d without a reachable contact")
                % {"asked": sent.asked, "unreachable": sent.unreachable}
            )
            return
        watch = do_watch_sla()
        self.stdout.write(
            _("complaints: %(warned)d warned, %(escalated)d escalated, %(emails)d e-mails sent")
            % {"warned": watch.warned, "escalated": watch.escalated, "emails": watch.emails}
        )
