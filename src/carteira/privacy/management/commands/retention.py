from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from carteira.privacy.services import do_apply_retention
from carteira.web.formats import number


class Command(BaseCommand):
    @property
    def help(self) -> str:  # at run time: argparse needs a real str, in the active language
        return _(
            "Anonymise contacts without activity for longer than the workspace's retention period."
        )

    def handle(self, *args, **options):
        run = do_apply_retention()
        if run is None:
            self.stdout.write(_("retention: another run is in progress; skipped"))
            return
        self.stdout.write(
            ngettext(
                "retention: %(count)s contact anonymised (run %(run)s)",
                "retention: %(count)s contacts anonymised (run %(run)s)",
                run.anonymised,
            )
            % {"count": number(run.anonymised), "run": run.pk}
        )
