"""`carteira --help` answers in the workspace language before any workspace exists."""

from django.conf import settings
from django.utils.translation import to_locale

from carteira import cli


def test_the_help_speaks_the_language_of_the_settings():
    assert to_locale(settings.LANGUAGE_CODE) == cli.LOCALE


def test_the_help_lists_every_command_in_brazilian_portuguese():
    text = cli.usage()
    assert text.startswith("uso: carteira [--home DIR] COMANDO [ARGS]\n")
    assert (
        "  import      importa vendedores, clientes, contatos, pedidos ou interações de CSV/XLSX\n"
        in text
    )
    assert "Execute `carteira COMANDO --help` para ver as opções de um comando.\n" in text


def test_the_help_in_spanish_and_english():
    assert cli.usage("es").startswith(
        "uso: carteira [--home DIR] COMANDO [ARGS]\n\nCarteira: gestión"
    )
    assert "  serve       serve the web app\n" in cli.usage("en")


def test_an_unknown_command_is_refused_in_brazilian_portuguese(capsys):
    assert cli.main(["nope"]) == 2
    assert (
        capsys.readouterr().err == "carteira: comando desconhecido 'nope'; veja `carteira --help`\n"
    )
