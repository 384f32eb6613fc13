import time

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from carteira.plans.notify import send_digests, send_plan_notices
from carteira.plans.planner import do_plan
from carteira.plans.services import do_load_defaults
from carteira.portfolio.management.commands._dates import parse_as_of
from carteira.web.formats import number


class Command(BaseCommand):
    @property
    def help(self) -> str:  # at run time: argparse needs a real str, in the active language
        return _(
            "Apply the action plan to the latest official portfolio reading: create, keep and "
            "cancel tasks, and e-mail the escalations. --digest e-mails each seller today's agenda."
        )

    def add_arguments(self, parser):
        parser.add_argument("--as-of", help=_("the date to plan at (YYYY-MM-DD, default today)"))
        parser.add_argument(
            "--load-defaults",
            action="store_true",
            help=_("add the default cells that are missing"),
        )
        parser.add_argument(
            "--digest", action="store_true", help=_("e-mail each seller their agenda for the day")
        )
        parser.add_argument("--no-email", action="store_true", help=_("send no escalation e-mail"))

    def handle(
        self, *args, as_of=None, load_defaults=False, digest=False, no_email=False, **options
    ):
        day = parse_as_of(as_of)
        if load_defaults:
            added = do_load_defaults()
            self.stdout.write(
                ngettext("default cells added: %(count)s", "default cells added: %(count)s", added)
                % {"count": number(added)}
            )
            return
        if digest:
            sent = send_digests(day)
            self.stdout.write(
                ngettext(
                    "digest %(day)s: %(count)s e-mail sent",
                    "digest %(day)s: %(count)s e-mails sent",
                    sent,
                )
                % {"day": day.isoformat(), "count": number(sent)}
            )
            return
        started = time.perf_counter()
        result = do_plan(day)
        elapsed = int((time.perf_counter() - started) * 1000)
        if result.run_id is None:
            self.stdout.write(
                _("plan %(day)s: no official reading yet (run `snapshot`)")
                % {"day": day.isoformat()}
            )
            return
        sent = 0 if no_email else send_plan_notices(result.notices)
        tasks = _("created %(created)s, kept %(kept)s, cancelled %(cancelled)s") % {
            "created": number(result.created),
            "kept": number(result.kept),
            "cancelled": number(result.cancelled),
        }
        emails = ngettext("%(count)s e-mail sent", "%(count)s e-mails sent", sent) % {
            "count": number(sent)
        }
        self.stdout.write(
            _("plan %(day)s: %(tasks)s; %(emails)s; %(ms)s ms")
            % {"day": day.isoformat(), "tasks": tasks, "emails": emails, "ms": number(elapsed)}
        )
