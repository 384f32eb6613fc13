"""The portfolio rules in force: stored as numbered versions, never edited in place."""

import json

from django.db import transaction

from carteira.accounts.models import User
from carteira.audit.services import do_record
from carteira.portfolio.models import RulesVersion
from carteira_core.rules import DEFAULT_RULES, PortfolioRules, rules_from_dict, rules_to_dict


def rules_json(rules: PortfolioRules) -> dict:
    """The rules as JSON-ready data (exact shares survive: Decimal("0.8") → 0.8 → "0.8")."""
    return json.loads(json.dumps(rules_to_dict(rules), default=float))


def current_rules_version() -> RulesVersion:
    """The version in force; the first call in a new workspace stores the defaults as v1."""
    version = RulesVersion.objects.order_by("-number").first()
    if version is None:
        version, _ = RulesVersion.objects.get_or_create(
            number=1,
            defaults={"rules": rules_json(DEFAULT_RULES), "comment": "defaults"},
        )
    return version


def current_rules() -> PortfolioRules:
    return rules_from_dict(current_rules_version().rules)


@transaction.atomic
def do_save_rules(
    rules: PortfolioRules, *, by: User | None = None, comment: str = ""
) -> RulesVersion:
    """Put ``rules`` in force as a new version (or keep the current one if identical)."""
    current = current_rules_version()
    data = rules_json(rules)
    if rules_from_dict(current.rules) == rules:
        return current
    version = RulesVersion.objects.create(
        number=current.number + 1, rules=data, comment=comment, created_by=by
    )
    do_record("rules.changed", actor=by, obj=version, number=version.number)
    return version
