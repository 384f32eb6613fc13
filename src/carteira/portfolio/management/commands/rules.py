from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from carteira.portfolio.rules_messages import rules_error_message
from carteira.portfolio.rules_store import current_rules_version, do_save_rules
from carteira_core.rules import RulesError, rules_from_dict, rules_from_toml, rules_to_toml


class Command(BaseCommand):
    @property
    def help(self) -> str:  # at run time: argparse needs a real str, in the active language
        return _("Show the portfolio rules in force (TOML), or load new ones from a file.")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("show", help=_("print the rules in force as TOML"))
        load = sub.add_parser("load", help=_("put the rules of a TOML file in force"))
        load.add_argument("file", type=Path)
        load.add_argument("--comment", default="", help=_("why the rules change"))

    def handle(self, *args, action, **options):
        if action == "show":
            version = current_rules_version()
            # a TOML comment: the output stays a rules file `rules load` reads back
            self.stdout.write("# " + _("rules version %(number)s") % {"number": version.number})
            self.stdout.write(rules_to_toml(rules_from_dict(version.rules)), ending="")
            return
        path: Path = options["file"]
        try:
            rules = rules_from_toml(path.read_text(encoding="utf-8"))
        except OSError as error:
            raise CommandError(
                _("cannot read %(path)s: %(reason)s") % {"path": path, "reason": error.strerror}
            ) from None
        except RulesError as error:
            raise CommandError(f"{path}: {rules_error_message(error)}") from None
        before = current_rules_version()
        version = do_save_rules(rules, comment=options["comment"])
        if version.pk == before.pk:
            self.stdout.write(
                _("rules unchanged (version %(number)s)") % {"number": version.number}
            )
        else:
            self.stdout.write(_("rules version %(number)s in force") % {"number": version.number})
