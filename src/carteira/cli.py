"""`carteira`: the command line (see docs and ../shared/spec/cli.md).

Each product command is a Django management command; this wrapper finds the
workspace (``--home`` or ``CARTEIRA_HOME``), sets Django up and hands over.
"""

from __future__ import annotations

import os
import sys

PRODUCT_COMMANDS = {
    "demo": "make a demo workspace with realistic data, compute it and serve it",
    "serve": "serve the web app",
    "import": "import sellers, clients, contacts, orders or interactions from CSV/XLSX",
    "rules": "show or load the portfolio rules",
    "snapshot": "compute and store the portfolio reading at a date",
    "report": "portfolio reports: clients, kpis, matrix",
    "plan": "apply the action plan: tasks, escalations, daily digest",
    "createuser": "create a login with a role",
    "backup": "write a consistent copy of the database",
    "restore": "restore a backup into an empty database",
    "manage": "run any Django management command (migrate, shell, …)",
}

USAGE = """usage: carteira [--home DIR] COMMAND [ARGS]

Carteira: client portfolio management.

commands:
{commands}

Run `carteira COMMAND --help` for a command's options.
The workspace is --home DIR, else $CARTEIRA_HOME, else ./var;
DATABASE_URL=postgresql://… uses PostgreSQL instead of the workspace's SQLite.
"""


def usage() -> str:
    width = max(map(len, PRODUCT_COMMANDS))
    lines = [f"  {name.ljust(width)}  {text}" for name, text in PRODUCT_COMMANDS.items()]
    return USAGE.format(commands="\n".join(lines))


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
        print(f"carteira: unknown command {command!r}; see `carteira --help`", file=sys.stderr)
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
