from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext as _

from carteira.backup.engines import do_backup


class Command(BaseCommand):
    @property
    def help(self) -> str:  # at run time: argparse needs a real str, in the active language
        return _("Write a consistent copy of the database (safe while the app is running).")

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, help=_("file to write (default: HOME/backups/)"))

    def handle(self, *args, output=None, **options):
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        output = output or Path(settings.HOME) / "backups" / f"carteira-{stamp}.backup"
        do_backup(output)
        self.stdout.write(_("backup written: %(path)s") % {"path": output})
