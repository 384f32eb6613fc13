from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from carteira.backup.engines import do_backup


class Command(BaseCommand):
    help = "Write a consistent copy of the database (safe while the app is running)."

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, help="file to write (default: HOME/backups/)")

    def handle(self, *args, output=None, **options):
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        output = output or Path(settings.HOME) / "backups" / f"carteira-{stamp}.backup"
        do_backup(output)
        self.stdout.write(f"backup written: {output}")
