from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from carteira.exports.jobs import do_clean_exports
from carteira.web.formats import number


class Command(BaseCommand):
    @property
    def help(self) -> str:  # at run time: argparse needs a real str, in the active language
        return _("Manage the files of web exports.")

    def add_arguments(self, parser):
        parser.add_argument(
            "action",
            choices=["cleanup"],
            help=_("cleanup: delete expired export files and mark their jobs expired"),
        )

    def handle(self, *args, action, **options):
        expired, failed = do_clean_exports()
        self.stdout.write(
            ngettext(
                "exports: %(count)s expired file deleted",
                "exports: %(count)s expired files deleted",
                expired,
            )
            % {"count": number(expired)}
        )
        if failed:
            self.stdout.write(
                ngettext(
                    "exports: %(count)s export whose worker stopped marked failed",
                    "exports: %(count)s exports whose worker stopped marked failed",
                    failed,
                )
                % {"count": number(failed)}
            )
