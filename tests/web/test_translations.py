"""The interface speaks Brazilian Portuguese by default, plus Spanish and English.

Source strings are English; the pt_BR and es catalogs must translate every one of them,
keep every placeholder, and ship compiled (.mo) so the app runs without gettext tools.
"""

import re
from collections import Counter
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from django.urls import reverse
from django.utils import translation

import carteira

LOCALE_DIR = Path(carteira.__file__).parent / "locale"
TRANSLATED = {
    "pt_BR": "nplurals=2; plural=(n > 1);",
    "es": "nplurals=2; plural=(n != 1);",
}
PLACEHOLDER = re.compile(
    r"%(?:\((?P<name>\w+)\))?[#0 +-]*\d*(?:\.\d+)?(?P<conv>[diouxXeEfFgGcrsa%])"
)


def catalog(language: str, kind: str = "po"):
    path = LOCALE_DIR / language / "LC_MESSAGES" / f"django.{kind}"
    with path.open("rb") as handle:
        return read_mo(handle) if kind == "mo" else read_po(handle, abort_invalid=True)


def entries(language: str):
    return [message for message in catalog(language) if message.id]


def forms(value) -> list[str]:
    return list(value) if isinstance(value, (list, tuple)) else [value]


def placeholders(text: str) -> Counter:
    found = Counter()
    for match in PLACEHOLDER.finditer(text):
        if match["conv"] != "%":
            found[match["name"] or f"positional %{match['conv']}"] += 1
    return found


def key_and_text(message) -> tuple[tuple, tuple[str, ...]]:
    context = message.context  # babel's read_mo leaves a plural entry's context as bytes
    if isinstance(context, bytes):
        context = context.decode()
    return (context, *forms(message.id)), tuple(forms(message.string))


def entry_name(message) -> str:
    return forms(message.id)[0]


@pytest.mark.parametrize("language", sorted(TRANSLATED))
class TestEveryCatalogEntryIsTranslated:
    def test_the_catalog_has_entries(self, language):
        assert len(entries(language)) > 50

    def test_no_entry_is_left_empty(self, language):
        empty = [
            entry_name(m) for m in entries(language) if not all(s.strip() for s in forms(m.string))
        ]
        assert empty == []

    def test_no_entry_is_fuzzy(self, language):
        fuzzy = [entry_name(m) for m in entries(language) if m.fuzzy]
        assert fuzzy == []

    def test_every_translation_keeps_the_placeholders_of_its_source(self, language):
        broken = []
        for message in entries(language):
            expected = placeholders(forms(message.id)[-1])
            for text in forms(message.string):
                if placeholders(text) != expected:
                    broken.append((entry_name(message), text))
        assert broken == []

    def test_plural_entries_have_exactly_two_forms(self, language):
        wrong = [entry_name(m) for m in entries(language) if m.pluralizable and len(m.string) != 2]
        assert wrong == []

    def test_the_header_names_the_language_and_its_plural_rule(self, language):
        po = catalog(language)
        assert not po.fuzzy
        headers = dict(po.mime_headers)
        assert headers["Language"] == language
        assert headers["Plural-Forms"] == TRANSLATED[language]

    def test_the_committed_mo_file_matches_the_po_file(self, language):
        compiled = dict(map(key_and_text, (m for m in catalog(language, "mo") if m.id)))
        source = dict(map(key_and_text, entries(language)))
        stale = sorted(str(key) for key, text in source.items() if compiled.get(key) != text)
        assert stale == [], "run `carteira manage compilemessages`"


def test_the_english_catalog_covers_the_same_strings_as_the_translated_ones():
    english = {m.id for m in entries("en")}
    for language in TRANSLATED:
        assert {m.id for m in entries(language)} == english


@pytest.mark.parametrize(
    ("source", "portuguese", "spanish"),
    [
        ("Log in", "Entrar", "Iniciar sesión"),
        ("Log out", "Sair", "Cerrar sesión"),
        ("Log in to Carteira", "Entrar no Carteira", "Iniciar sesión en Carteira"),
        ("Username", "Usuário", "Usuario"),
        ("Password", "Senha", "Contraseña"),
        ("Forgot your password?", "Esqueceu sua senha?", "¿Olvidaste tu contraseña?"),
        ("Clients", "Clientes", "Clientes"),
        ("Seller", "Vendedor", "Vendedor"),
        ("Days without buying", "Dias sem comprar", "Días sin comprar"),
        ("Revenue (12 months)", "Faturamento (12 meses)", "Facturación (12 meses)"),
        ("Pre-inactive", "Pré-inativo", "Preinactivo"),
        ("Average ticket", "Ticket médio", "Ticket promedio"),
        ("Positivation", "Positivação", "Positivación"),
    ],
)
class TestKeyStringsComeOutInTheActiveLanguage:
    def test_in_brazilian_portuguese(self, source, portuguese, spanish):
        with translation.override("pt-br"):
            assert translation.gettext(source) == portuguese

    def test_in_spanish(self, source, portuguese, spanish):
        with translation.override("es"):
            assert translation.gettext(source) == spanish

    def test_in_english_the_source_string_is_used(self, source, portuguese, spanish):
        with translation.override("en"):
            assert translation.gettext(source) == source


@pytest.mark.parametrize(
    ("language", "count", "expected"),
    [
        ("pt-br", 0, "0 cliente"),  # Portuguese: zero is singular
        ("pt-br", 1, "1 cliente"),
        ("pt-br", 2, "2 clientes"),
        ("es", 0, "0 clientes"),  # Spanish: zero is plural
        ("es", 1, "1 cliente"),
        ("es", 2, "2 clientes"),
    ],
)
def test_plurals_follow_the_rule_of_each_language(language, count, expected):
    with translation.override(language):
        text = translation.ngettext("%(counter)s client", "%(counter)s clients", count)
    assert text % {"counter": count} == expected


@pytest.mark.django_db
class TestTheLoginPageSpeaksTheBrowsersLanguage:
    def test_a_spanish_browser_gets_the_spanish_login_page(self, client):
        response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="es")
        assert response.status_code == 200
        assert "<title>Iniciar sesión · Carteira</title>" in response.content.decode()
        assert "Iniciar sesión en Carteira" in response.content.decode()
        assert '<html lang="es"' in response.content.decode()

    def test_a_browser_without_preference_gets_brazilian_portuguese(self, client):
        response = client.get(reverse("login"))
        content = response.content.decode()
        assert "Entrar no Carteira" in content
        assert "Esqueceu sua senha?" in content
        assert '<html lang="pt-br"' in content

    def test_an_english_browser_gets_the_english_login_page(self, client):
        response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en")
        assert "Log in to Carteira" in response.content.decode()


def test_the_call_script_reads_as_a_conversation_script_not_a_visit_route():
    """A Brazilian team reads "Roteiro" alone as a visit route: the call script is
    "Roteiro de conversa" in pt-BR and "Guion" in es (issue 15)."""
    with translation.override("pt-br"):
        assert translation.gettext("Script") == "Roteiro de conversa"
        assert translation.gettext("script") == "roteiro de conversa"
        assert translation.gettext("script / checklist") == "roteiro de conversa / checklist"
    with translation.override("es"):
        assert translation.gettext("Script") == "Guion"
    alone = re.compile(r"\broteiro\b(?! de conversa)", re.IGNORECASE)
    assert [m.id for m in entries("pt_BR") if any(alone.search(s) for s in forms(m.string))] == []
