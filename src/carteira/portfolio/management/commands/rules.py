from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from carteira.portfolio.rules_store import current_rules_version, do_save_rules
from carteira_core.rules import RulesError, rules_from_dict, rules_from_toml, rules_to_toml


class Command(BaseCommand):
    help = "Show the portfolio rules in force (TOML), or load new ones from a file."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("show", help="print the rules in force as TOML")
        load = sub.add_parser("load", help="put the rules of a TOML file in force")
        load.add_argument("file", type=Path)
        load.add_argument("--comment", default="", help="why the rules change")

    def handle(self, *args, action, **options):
        if action == "show":
            version = current_rules_version()
            self.stdout.write(f"# rules version {version.number}")
            self.stdout.write(rules_to_toml(rules_from_dict(version.rules)), ending="")
            return
        path: Path = options["file"]
        try:
            rules = rules_from_toml(path.read_text(encoding="utf-8"))
        except OSError as error:
            raise CommandError(f"cannot read {path}: {error.strerror}") from None
        except RulesError as error:
            raise CommandError(f"{path}: {error}") from None
        before = current_rules_version()
        version = do_save_rules(rules, comment=options["comment"])
        if version.pk == before.pk:
            self.stdout.write(f"rules unchanged (version {version.number})")
        else:
            self.stdout.write(f"rules version {version.number} in force")
