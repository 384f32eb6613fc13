from django.core.management.base import BaseCommand

from carteira.privacy.services import do_apply_retention


class Command(BaseCommand):
    help = "Anonymise contacts without activity for longer than the workspace's retention period."

    def handle(self, *args, **options):
        run = do_apply_retention()
        if run is None:
            self.stdout.write("retention: another run is in progress; skipped")
            return
        self.stdout.write(f"retention: {run.anonymised} contact(s) anonymised (run {run.pk})")
