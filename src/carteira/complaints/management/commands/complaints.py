from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from carteira.complaints.escalation import do_watch_sla
from carteira.complaints.inbox import do_read_inbox
from carteira.complaints.nps import do_send_nps
from carteira.complaints.selectors import categories


class Command(BaseCommand):
    @property
    def help(self) -> str:
        return _(
            "Complaints: `watch` warns the owners of complaints close to their SLA and "
            "escalates the breached ones by e-mail (run it from cron, e.g. every 15 minutes); "
            "`nps` e-mails the NPS question to the active clients not asked in 90 days "
            "(run it daily or weekly; --limit spreads them); `inbox --folder DIR` opens a "
            "complaint for each saved e-mail from a known contact."
        )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["watch", "nps", "inbox"])
        parser.add_argument("--limit", type=int, default=None)
        parser.add_argument("--folder", type=Path, help="inbox: the folder of saved e-mails")
        parser.add_argument("--category", default="", help="inbox: the category to file under")

    def handle(self, *args, action, **opts):
        if action == "inbox":
            return self._inbox(opts["folder"], opts["category"])
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

    def _inbox(self, folder, category):
        if folder is None or not folder.is_dir():
            raise CommandError(_("inbox: give --folder, an existing folder of e-mails."))
        category = category or (categories() or [""])[0]
        result = do_read_inbox(folder, category=category)
        self.stdout.write(
            _("inbox: %(opened)d complaints opened, %(refused)d refused, %(unknown)d from "
              "unknown senders (left in the folder)")
            % {"opened": result.opened, "refused": len(result.refused),
               "unknown": len(result.unknown)}
        )  # fmt: skip
        for name, why in result.refused:
            self.stdout.write(f"  {name}: {why}")
        for sender in result.unknown:
            self.stdout.write(
                "  " + _("no contact with the e-mail %(sender)s") % {"sender": sender}
            )
