"""`carteira demo`: a demo workspace with a realistic distributor, computed and served."""

from __future__ import annotations

import sys
import time
from datetime import date

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from carteira.accounts.models import Role, User
from carteira.demo.loader import demo_password
from carteira.demo.services import do_prepare_demo
from carteira.portfolio.engine import adbc_on_sqlite

BANNER_ROLES = (Role.ADMIN, Role.DIRECTOR, Role.MANAGER, Role.ANALYST, Role.SELLER)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise CommandError(f"--today must be YYYY-MM-DD: {text!r}") from error


class Command(BaseCommand):
    help = "Create (once) and serve a demo workspace: a Brazilian distributor with history."

    def add_arguments(self, parser):
        parser.add_argument("--clients", type=int, default=3000, help="number of clients")
        parser.add_argument("--seed", type=int, default=42, help="random seed")
        parser.add_argument("--today", type=_date, default=None, help="last day of history")
        parser.add_argument("--reset", action="store_true", help="wipe and regenerate")
        parser.add_argument("--no-serve", action="store_true", help="prepare only")
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args, **options):
        if options["clients"] < 1:
            raise CommandError("--clients must be at least 1")
        started = time.perf_counter()
        with adbc_on_sqlite():
            do_prepare_demo(
                clients=options["clients"],
                seed=options["seed"],
                today=options["today"] or date.today(),
                reset=options["reset"],
                progress=self._progress,
            )
        self._progress(f"demo ready in {time.perf_counter() - started:.1f}s")
        self.stdout.write(self._banner(options["host"], options["port"]))
        if not options["no_serve"]:
            call_command("serve", host=options["host"], port=options["port"])

    def _progress(self, message: str) -> None:
        print(f"[demo] {message}", file=sys.stderr, flush=True)

    def _banner(self, host: str, port: int) -> str:
        lines = [
            "",
            "Carteira demo — Distribuidora Horizonte",
            f"  Endereço / URL: http://{host}:{port}/",
            "  Logins (usuário / senha — username / password):",
        ]
        for role in BANNER_ROLES:
            user = User.objects.filter(role=role, is_active=True).order_by("pk").first()
            if user is not None:
                label = f"{role.label}:"
                lines.append(f"    {label:<20} {user.username} / {demo_password(user.username)}")
        lines.append("  Todas as senhas: demo-<usuário> (all passwords: demo-<username>)")
        return "\n".join(lines) + "\n"
