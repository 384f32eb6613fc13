"""`carteira createuser USERNAME --role ROLE`: a login, from a terminal or a script.

The password is asked twice on a terminal; a script pipes it with --password-stdin (never
on the command line, where `ps` and the shell history would keep it)."""

from __future__ import annotations

import getpass
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from carteira.accounts.models import Role
from carteira.accounts.services import do_create_user


class Command(BaseCommand):
    @property
    def help(self) -> str:  # at run time: argparse needs a real str, in the active language
        return _("Create a login with a role (a seller's login sees only that seller's clients).")

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--email", default="")
        parser.add_argument("--language", default="pt-br", choices=["pt-br", "es", "en"])
        parser.add_argument("--seller", metavar="CODE", help=_("the seller this login is"))
        parser.add_argument(
            "--manages", metavar="TEAM", action="append", default=[], help=_("a team it manages")
        )
        parser.add_argument("--dpo", action="store_true", help=_("data-protection officer"))
        parser.add_argument(
            "--password-stdin", action="store_true", help=_("read the password from stdin")
        )

    def handle(self, *args, username, role, **options):
        password = self._password(options["password_stdin"])
        try:
            user = do_create_user(
                username=username,
                password=password,
                role=role,
                email=options["email"],
                language=options["language"],
                seller_code=options["seller"],
                manages=options["manages"],
                is_dpo=options["dpo"],
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(
            _("login %(username)s created (%(role)s)")
            % {"username": user.username, "role": user.get_role_display()}
        )

    def _password(self, from_stdin: bool) -> str:
        if from_stdin:
            return sys.stdin.readline().rstrip("\n")
        if not sys.stdin.isatty():
            raise CommandError(_("no terminal to ask the password: use --password-stdin"))
        first = getpass.getpass(_("Password: "))
        if first != getpass.getpass(_("Password (again): ")):
            raise CommandError(_("the passwords differ"))
        return first
