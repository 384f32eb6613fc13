from django.core.management.base import BaseCommand
from django.utils import timezone

from carteira.distribution.services import do_return_covers
from carteira.portfolio.management.commands._dates import parse_as_of


class Command(BaseCommand):
    help = "Give back the clients whose temporary cover (leave, vacation) has ended. Nightly."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", help="the day to return at (YYYY-MM-DD, default today)")

    def handle(self, *args, as_of=None, **options):
        day = parse_as_of(as_of) if as_of else timezone.localdate()
        moved = do_return_covers(day)
        self.stdout.write(f"covers returned {day.isoformat()}: {moved} clients")
