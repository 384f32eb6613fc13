"""Import problems are shown in the user's language, keyed by the core's stable codes."""

import string

import pytest
from django.utils import translation

from carteira.imports.messages import MESSAGES, errors_csv, problem_message, render_problem
from carteira_core.ingest.problems import MESSAGES as CORE_MESSAGES
from carteira_core.ingest.problems import IngestError, RowError, ValueProblem


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(str(template)) if name}


def test_every_core_code_has_a_translatable_message():
    assert set(MESSAGES) == set(CORE_MESSAGES)


@pytest.mark.parametrize("code", sorted(CORE_MESSAGES))
def test_same_english_text_and_placeholders(code):
    with translation.override("en"):
        assert str(MESSAGES[code]) == CORE_MESSAGES[code]
    for language in ("pt-br", "es"):
        with translation.override(language):
            translated = str(MESSAGES[code])
        assert placeholders(translated) == placeholders(CORE_MESSAGES[code]), language


def test_invalid_date_in_portuguese():
    with translation.override("pt-br"):
        text = render_problem("invalid_date", {"value": "31/02/2025"})
    assert "'31/02/2025'" in text
    assert "não é uma data" in text


def test_english_rendering_matches_the_core():
    with translation.override("en"):
        assert render_problem("invalid_date", {"value": "x"}) == (
            "'x' is not a date (use 31/12/2025 or 2025-12-31)."
        )


def test_unknown_code_falls_back_to_the_core():
    assert render_problem("no_such_code", {}) == "no_such_code"


def test_missing_placeholder_never_raises():
    with translation.override("pt-br"):
        assert render_problem("too_long", {})  # the core's English text, unformatted


def test_problem_message_for_row_errors_and_file_errors():
    error = RowError.make(3, "cnpj", "123", "invalid_document")
    with translation.override("pt-br"):
        assert "'123'" in problem_message(error)
        assert problem_message(error) != error.message
        refused = problem_message(IngestError("empty_file"))
        assert refused != "The file is empty."
        assert problem_message(ValueProblem("invalid_state", value="XX")).startswith("'XX'")
    with translation.override("en"):
        assert problem_message(error) == error.message


def test_web_layer_problems_keep_their_own_message():
    error = RowError(2, "cliente", "C9", "unknown_client", "Cliente 'C9' não existe.", {})
    assert problem_message(error) == "Cliente 'C9' não existe."


def test_error_csv_reason_is_translated():
    error = RowError.make(5, "data", "ontem", "invalid_date")
    with translation.override("pt-br"):
        text = errors_csv([error])
    assert "não é uma data" in text
    with translation.override("en"):
        assert "is not a date" in errors_csv([error])


@pytest.mark.parametrize(
    ("language", "count", "expected"),
    [
        ("en", 1, "The header line has 1 problem; see the list."),
        ("en", 3, "The header line has 3 problems; see the list."),
        ("pt-br", 1, "A linha de cabeçalho tem 1 problema; veja a lista."),
        ("pt-br", 3, "A linha de cabeçalho tem 3 problemas; veja a lista."),
    ],
)
def test_header_problems_are_counted_in_words(language, count, expected):
    with translation.override(language):
        assert render_problem("invalid_header", {"count": count}) == expected
