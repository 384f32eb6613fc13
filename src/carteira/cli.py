"""`carteira`: the command line (see docs and ../shared/spec/cli.md).

Each product command is a Django management command; this wrapper finds the
workspace (``--home`` or ``CARTEIRA_HOME``), sets Django up and hands over.
"""

from __future__ import annotations

import gettext
import os
import sys
from pathlib import Path

# The workspace language (settings.LANGUAGE_CODE "pt-br" as a gettext locale). `carteira
# --help` reads the catalog directly: it must answer before any workspace or settings exist.
LOCALE = "pt_BR"


def gettext_noop(text: str) -> str:
    """Marks ``text`` for makemessages (Django's own needs settings, absent here)."""
    return text


PRODUCT_COMMANDS = {
    "demo": gettext_noop("make a demo workspace with realistic data, compute it and serve it"),
    "serve": gettext_noop("serve the web app"),
    "import": gettext_noop(
        "import sellers, clients, contacts, orders or interactions from CSV/XLSX"
    ),
    "rules": gettext_noop("show or load the portfolio rules"),
    "snapshot": gettext_noop("compute and store the portfolio reading at a date"),
    "report": gettext_noop("portfolio reports: clients, kpis, matrix"),
    "exports": gettext_noop("web exports: cleanup deletes the expired files"),
    "plan": gettext_noop("apply the action plan: tasks, escalations, daily digest"),
    "createuser": gettext_noop("create a login with a role"),
    "backup": gettext_noop("write a consistent copy of the database"),
    "restore": gettext_noop("restore a backup into an empty database"),
    "manage": gettext_noop("run any Django management command (migrate, shell, …)"),
}

USAGE = gettext_noop("""usage: carteira [--home DIR] COMMAND [ARGS]

Carteira: client portfolio management.

commands:
%(commands)s

Run `carteira COMMAND --help` for a command's options.
The workspace is --home DIR, else $CARTEIRA_HOME, else ./var;
DATABASE_URL=postgresql://… uses PostgreSQL instead of the workspace's SQLite.
""")


def translator(locale: str = LOCALE) -> gettext.NullTranslations:
    """The project's compiled catalog for ``locale`` (the source English if it is missing)."""
    directory = Path(__file__).resolve().parent / "locale"
    return gettext.translation("django", directory, languages=[locale], fallback=True)


def usage(locale: str = LOCALE) -> str:
    _ = translator(locale).gettext
    width = max(map(len, PRODUCT_COMMANDS))
    lines = [f"  {name.ljust(width)}  {_(text)}" for name, text in PRODUCT_COMMANDS.items()]
    return _(USAGE) % {"commands": "\n".join(lines)}


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["--home"] and len(args) >= 2:
        os.environ["CARTEIRA_HOME"] = args[1]
        args = args[2:]
    elif args and args[0].startswith("--home="):
        os.environ["CARTEIRA_HOME"] = args[0].split("=", 1)[1]
        args = args[1:]
    if not args or args[0] in {"-h", "--help", "help"}:
        print(usage())
        return 0
    command, rest = args[0], args[1:]
    if command not in PRODUCT_COMMANDS:
        message = translator().gettext(
            "carteira: unknown command %(command)r; see `carteira --help`"
        )
        print(message % {"command": command}, file=sys.stderr)
        return 2
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carteira.settings")
    from django.core.management import ManagementUtility

    if command == "manage":
        ManagementUtility(["carteira manage", *rest]).execute()
    else:
        ManagementUtility(["carteira", command, *rest]).execute()
    return 0


if __name__ == "__main__":
    sys.exit(main())
