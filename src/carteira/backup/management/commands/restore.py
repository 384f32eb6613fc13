import sqlite3
import subprocess
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from carteira.backup.checks import BackupRefused, check_backup_file, target_holds_data
from carteira.backup.engines import do_backup, do_restore


class Command(BaseCommand):
    @property
    def help(self) -> str:  # at run time: argparse needs a real str, in the active language
        return _(
            "Restore a backup written by `carteira backup` into the configured database. "
            "A database that already holds data is refused unless --replace is given; "
            "then a safety backup of it is written first."
        )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--replace",
            action="store_true",
            help=_("replace the data this database holds (a safety backup is written first)"),
        )

    def handle(self, *args, file: Path, replace: bool = False, **options):
        try:
            check_backup_file(file, connection.vendor)
        except BackupRefused as refusal:
            raise CommandError(str(refusal)) from None
        if target_holds_data():
            if not replace:
                raise CommandError(
                    _(
                        "this database already holds data (users, clients, orders…) and a "
                        "restore would replace all of it; nothing was changed. To replace it, "
                        "run again with --replace: a safety backup of the current data is "
                        "written first."
                    )
                )
            stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
            safety = Path(settings.HOME) / "backups" / f"carteira-before-restore-{stamp}.backup"
            do_backup(safety)
            self.stdout.write(
                _("safety backup of the data being replaced: %(path)s") % {"path": safety}
            )
            self.stdout.flush()
        try:
            do_restore(file)
        except subprocess.CalledProcessError as error:
            raise CommandError(
                _("the restore failed and was rolled back, the database is unchanged: %(reason)s")
                % {"reason": _first_error_line(error.stderr)}
            ) from None
        except sqlite3.Error as error:
            raise CommandError(
                _("the restore failed, the database is unchanged: %(reason)s") % {"reason": error}
            ) from None
        self.stdout.write(
            _("restored from %(path)s; run `carteira manage migrate` if it is older")
            % {"path": file}
        )


def _first_error_line(stderr: bytes | str | None) -> str:
    text = stderr.decode(errors="replace") if isinstance(stderr, bytes) else stderr or ""
    lines = [line for line in text.splitlines() if "error" in line.lower()] or text.splitlines()
    return lines[0].strip() if lines else "?"
