"""Rules errors are raised by code in the core and worded in the user's language here."""

import string

from django.utils import translation

from carteira.portfolio.rules_messages import MESSAGES, rules_error_message
from carteira_core import rules as core
from carteira_core.rules import RulesError, rules_from_toml


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(str(text)) if name}


def test_every_core_code_has_a_translatable_message_with_the_same_placeholders():
    assert MESSAGES.keys() == core.MESSAGES.keys()
    for code, text in core.MESSAGES.items():
        assert _placeholders(MESSAGES[code]) == _placeholders(text), code


def test_a_message_names_the_toml_keys_when_no_labels_are_given():
    try:
        rules_from_toml("[lifecycle]\nactive_days = 200\n")
    except RulesError as error:
        with translation.override("en"):
            message = rules_error_message(error)
    assert message == ("lifecycle.active_days (200) must not exceed lifecycle.inactive_days (180).")


def test_labels_replace_the_toml_keys():
    error = RulesError("shares_over_one", key="abc.a_share", other="abc.b_share")
    labels = {"abc.a_share": "“A”", "abc.b_share": "“B”"}
    with translation.override("en"):
        assert rules_error_message(error, labels) == "“A” + “B” must not exceed 1."


def test_a_code_the_web_layer_does_not_know_keeps_the_core_text():
    error = RulesError("not_a_mapping")
    error.code = "something_new"
    assert rules_error_message(error) == "rules must be a mapping of sections"
