import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from carteira.cluster.nightly import CHAINS, do_enqueue_chain


class Command(BaseCommand):
    @property
    def help(self) -> str:
        return _("Queue the nightly jobs of a date once, whichever host asks (workers run them).")

    def add_arguments(self, parser):
        parser.add_argument("--as-of", help=_("the date of the jobs (YYYY-MM-DD, default today)"))

    def handle(self, *args, as_of=None, **options):
        try:
            day = dt.date.fromisoformat(as_of) if as_of else timezone.localdate()
        except ValueError:
            raise CommandError(_("invalid date: %(value)s") % {"value": as_of}) from None
        for chain in CHAINS:
            queued = do_enqueue_chain(chain, day)
            message = (
                _("%(chain)s %(day)s: queued") if queued else _("%(chain)s %(day)s: already queued")
            )
            self.stdout.write(message % {"chain": chain, "day": day.isoformat()})
