"""Rules errors in the user's language.

``carteira_core.rules.MESSAGES`` holds the English text of every ``RulesError`` code;
the core must not import Django, so the translatable copy lives here (a test holds the
codes and placeholders equal). ``key``/``other`` are TOML keys (``lifecycle.active_days``);
a page may show its own labels for them instead.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext_lazy as _

from carteira_core.rules import RulesError

MESSAGES = {
    "not_a_mapping": _("The rules must be a mapping of sections."),
    "unknown_section": _("Unknown section [{section}] in the rules."),
    "not_a_table": _("[{section}] must be a table."),
    "unknown_key": _("Unknown key {key}."),
    "invalid_toml": _("The rules file is not valid TOML: {detail}"),
    "not_boolean": _("{key} must be true or false."),
    "not_positive_integer": _("{key} must be a positive integer."),
    "not_a_number": _("{key} must be a number."),
    "not_positive_number": _("{key} must be a number greater than 0."),
    "integer_below_minimum": _("{key} must be an integer of at least {minimum}."),
    "not_one_of_two": _('{key} must be "{first}" or "{second}".'),
    "exceeds_with_values": _("{key} ({value}) must not exceed {other} ({other_value})."),
    "exceeds": _("{key} must not exceed {other}."),
    "share_out_of_range": _("{key} must be a number greater than 0 and at most 1."),
    "share_not_fraction": _("{key} must be a number between 0 and 1."),
    "shares_over_one": _("{key} + {other} must not exceed 1."),
    "not_a_list": _("{key} must be a list of {count} values."),
    "not_increasing": _("{key} must increase from one value to the next."),
    "not_non_decreasing": _("{key} must not decrease from one value to the next."),
    "integer_out_of_range": _("{key} must be an integer from {minimum} to {maximum}."),
    "rate_out_of_range": _("{key} must be a number from 0 to less than 1."),
}


def rules_error_message(error: RulesError, labels: Mapping[str, str] | None = None) -> str:
    """The message of ``error`` in the active language; ``labels`` replace TOML keys
    (``{"lifecycle.active_days": "“Active up to”"}``). Unknown codes keep the core's text."""
    template = MESSAGES.get(error.code)
    if template is None:
        return str(error)
    params = dict(error.params)
    for name in ("key", "other"):
        if name in params and labels:
            params[name] = labels.get(params[name], params[name])
    try:
        return str(template).format(**params)
    except (KeyError, IndexError, ValueError):
        return str(error)
