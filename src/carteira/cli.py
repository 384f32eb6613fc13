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
    "value": gettext_noop("predictive value: P(alive), expected purchases, CLV, portfolio value"),
    "exports": gettext_noop("web exports: cleanup deletes the expired files"),
    "plan": gettext_noop("apply the action plan: tasks, escalations, daily digest"),
    "agenda": gettext_noop("a seller's planned week: visits in route order, calls, backlog"),
    "complaints": gettext_noop("complaints: warn before and escalate on an SLA breach"),
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
    try:
        return run(command, rest)
    except KeyboardInterrupt:
        print(translator().gettext("carteira: interrupted"), file=sys.stderr)
        return 130


# Commands that must not find the schema created for them: `restore` loads a backup into
# an empty database, and `manage` is the door to `migrate` itself.
NO_SCHEMA_COMMANDS = frozenset({"manage", "restore"})


def run(command: str, rest: list[str]) -> int:
    """Set Django up, make sure the workspace exists, run the command; errors are one line."""
    import django
    from django.core.management import CommandError
    from django.db import DatabaseError

    try:
        django.setup()
        if command not in NO_SCHEMA_COMMANDS and not {"-h", "--help"} & set(rest):
            prepare_workspace()
        if command == "manage":
            from django.core.management import ManagementUtility

            ManagementUtility(["carteira manage", *rest]).execute()
        else:
            run_command(command, rest)
    except CommandError as error:
        print(f"carteira {command}: {error}", file=sys.stderr)
        return error.returncode
    except DatabaseError as error:
        return fail(command, translator().gettext("database error: %(reason)s"), error)
    except OSError as error:
        return fail(command, "%(reason)s", error)
    except Exception as error:  # a bug: one line here, the traceback in the log
        return crash(command, error)
    return 0


def run_command(name: str, argv: list[str]) -> None:
    """Django's ``run_from_argv`` without its error printing, so errors reach ``run``."""
    from django.core.management import ManagementUtility
    from django.db import connections

    command = ManagementUtility(["carteira", name, *argv]).fetch_command(name)
    command._called_from_command_line = True  # argparse errors: usage and exit 2
    parser = command.create_parser("carteira", name)
    options = vars(parser.parse_args(argv))
    args = options.pop("args", ())
    try:
        command.execute(*args, **options)
    finally:
        connections.close_all()


def prepare_workspace() -> None:
    """Create or upgrade the workspace's database on first use (see carteira.schema)."""
    from carteira.schema import ensure_current

    def announce() -> None:
        from django.conf import settings
        from django.utils.translation import gettext

        message = gettext("carteira: preparing the workspace in %(home)s (first use or upgrade)")
        print(message % {"home": settings.HOME}, file=sys.stderr, flush=True)

    ensure_current(announce)


def fail(command: str, template: str, error: BaseException) -> int:
    reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    print(f"carteira {command}: " + template % {"reason": reason}, file=sys.stderr)
    return 1


def crash(command: str, error: BaseException) -> int:
    """An unexpected error: the traceback goes to the workspace's log, the user gets a line."""
    import traceback

    from carteira.workspace import home

    log: Path | None = home() / "logs" / "cli-errors.log"
    try:
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("a", encoding="utf-8") as handle:
            handle.write(f"--- carteira {command}\n{traceback.format_exc()}\n")
    except OSError:
        log = None
    _ = translator().gettext
    text = _("carteira %(command)s: unexpected error (%(error)s); details in %(log)s")
    print(
        text % {"command": command, "error": type(error).__name__, "log": log or "—"},
        file=sys.stderr,
    )
    return 1


if __name__ == "__main__":
    sys.exit(main())
