"""What `carteira demo` prints when it is ready: the logins, who the central team is, and
the address only when it goes on to serve it."""

from django.utils import translation

from carteira.demo.management.commands.demo import Command


def banner(address):
    with translation.override("pt-br"):
        return Command()._banner(address)


def test_the_banner_shows_the_address_only_when_the_demo_is_served(director, analyst):
    served = banner("http://127.0.0.1:8000/")
    prepared_only = banner(None)

    assert "  Endereço: http://127.0.0.1:8000/\n" in served
    assert "127.0.0.1" not in prepared_only
    assert "  Para abrir: carteira serve\n" in prepared_only


def test_the_banner_marks_the_central_team_roles(director, analyst, seller_ana):
    text = banner(None)

    assert "    Diretor *:" in text
    assert "    Analista de carteira *:" in text
    assert "    Vendedor:" in text
    assert "  * equipe central: vê e age sobre toda a carteira\n" in text
