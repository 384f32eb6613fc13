from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from carteira.backup.engines import do_restore


class Command(BaseCommand):
    @property
    def help(self) -> str:  # at run time: argparse needs a real str, in the active language
        return _(
            "Restore a backup written by `carteira backup` into the configured (empty) database."
        )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        if not file.is_file():
            raise CommandError(_("no such backup file: %(path)s") % {"path": file})
        do_restore(file)
        self.stdout.write(
            _("restored from %(path)s; run `carteira manage migrate` if it is older")
            % {"path": file}
        )
