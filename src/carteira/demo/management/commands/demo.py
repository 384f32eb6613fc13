"""`carteira demo`: a demo workspace with a realistic distributor, computed and served."""

from __future__ import annotations

import sys
import time
from datetime import date

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from carteira.accounts.capabilities import CENTRAL_TEAM
from carteira.accounts.models import Role, User
from carteira.console import ProgressLine
from carteira.demo.loader import demo_password
from carteira.demo.services import do_prepare_demo
from carteira.portfolio.engine_input import adbc_on_sqlite
from carteira.web.formats import number

CENTRAL_TEAM_MARK = " *"
BANNER_ROLES = (Role.ADMIN, Role.DIRECTOR, Role.MANAGER, Role.ANALYST, Role.SELLER)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise CommandError(_("--today must be YYYY-MM-DD: %(text)r") % {"text": text}) from error


class Command(BaseCommand):
    @property
    def help(self) -> str:  # at run time: argparse needs a real str, in the active language
        return _("Create (once) and serve a demo workspace: a Brazilian distributor with history.")

    def add_arguments(self, parser):
        parser.add_argument("--clients", type=int, default=3000, help=_("number of clients"))
        parser.add_argument("--seed", type=int, default=42, help=_("random seed"))
        parser.add_argument("--today", type=_date, default=None, help=_("last day of history"))
        parser.add_argument("--reset", action="store_true", help=_("wipe and regenerate"))
        parser.add_argument("--no-serve", action="store_true", help=_("prepare only"))
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args, **options):
        if options["clients"] < 1:
            raise CommandError(_("--clients must be at least 1"))
        started = time.perf_counter()
        self._line = ProgressLine(sys.stderr)
        with adbc_on_sqlite():
            do_prepare_demo(
                clients=options["clients"],
                seed=options["seed"],
                today=options["today"] or timezone.localdate(),
                reset=options["reset"],
                progress=self._progress,
            )
        seconds = number(time.perf_counter() - started, 1)
        self._progress(_("demo ready in %(seconds)s s") % {"seconds": seconds})
        address = None if options["no_serve"] else f"http://{options['host']}:{options['port']}/"
        self.stdout.write(self._banner(address))
        if not options["no_serve"]:
            call_command("serve", host=options["host"], port=options["port"])

    def _progress(self, message: str) -> None:
        self._line.say(f"[demo] {message}")

    def _banner(self, address: str | None) -> str:
        """The logins; the address only when this command goes on to serve it."""
        lines = ["", _("Carteira demo — Distribuidora Horizonte")]
        if address:
            lines.append("  " + _("Address: %(url)s") % {"url": address})
        else:
            lines.append("  " + _("To serve it: carteira serve"))
        lines.append("  " + _("Logins (username / password):"))
        for role in BANNER_ROLES:
            user = User.objects.filter(role=role, is_active=True).order_by("pk").first()
            if user is not None:
                label = f"{role.label}{CENTRAL_TEAM_MARK if role in CENTRAL_TEAM.roles else ''}:"
                lines.append(f"    {label:<24} {user.username} / {demo_password(user.username)}")
        lines.append("  " + _("All passwords: demo-<username>"))
        lines.append("  " + _("* the central team: sees and acts on the whole portfolio"))
        return "\n".join(lines) + "\n"
