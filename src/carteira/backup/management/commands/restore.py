from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from carteira.backup.engines import do_restore


class Command(BaseCommand):
    help = "Restore a backup written by `carteira backup` into the configured (empty) database."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        if not file.is_file():
            raise CommandError(f"no such backup file: {file}")
        do_restore(file)
        self.stdout.write(f"restored from {file}; run `carteira manage migrate` if it is older")
