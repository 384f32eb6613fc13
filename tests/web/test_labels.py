"""Codes a shared template shows get the name their app registered (web.labels)."""

from django.utils import translation

from carteira.web import labels
from carteira.web.templatetags.carteira import status_label


def test_the_portfolio_registers_its_statuses_and_classes_in_order():
    with translation.override("pt-br"):
        assert labels.choices("status")[:3] == [
            ("prospect", "Prospect"), ("active", "Ativo"), ("pre_inactive", "Pré-inativo"),
        ]  # fmt: skip
        assert [code for code, _label in labels.choices("abc")] == ["A", "B", "C"]


def test_an_unknown_code_shows_as_itself_and_an_empty_one_as_a_dash():
    assert status_label("archived") == "archived"
    assert status_label("") == "—"
    assert labels.label("nothing-registered", "x") == "x"
    assert labels.choices("nothing-registered") == []


def test_the_action_plans_objectives_are_named_for_the_agenda():
    with translation.override("en"):
        assert labels.label("objective", "reactivate") == "Reactivate"
    with translation.override("pt-br"):
        assert labels.label("objective", "reactivate") == "Reativar"
