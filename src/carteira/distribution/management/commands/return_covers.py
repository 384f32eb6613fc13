from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from carteira.distribution.services import do_return_covers
from carteira.portfolio.management.commands._dates import parse_as_of
from carteira.web.formats import number


class Command(BaseCommand):
    @property
    def help(self) -> str:  # at run time: argparse needs a real str, in the active language
        return _(
            "Give back the clients whose temporary cover (leave, vacation) has ended. Nightly."
        )

    def add_arguments(self, parser):
        parser.add_argument("--as-of", help=_("the day to return at (YYYY-MM-DD, default today)"))

    def handle(self, *args, as_of=None, **options):
        day = parse_as_of(as_of) if as_of else timezone.localdate()
        moved = do_return_covers(day)
        self.stdout.write(
            ngettext(
                "covers returned %(day)s: %(count)s client",
                "covers returned %(day)s: %(count)s clients",
                moved,
            )
            % {"day": day.isoformat(), "count": number(moved)}
        )
