"""On SQLite a contacts file is read and checked without holding the write lock, and
written in the run's final transaction (issue 24: not one long transaction); a clients or
contacts dry run reads without taking it. Counts, rows and refusals are those of the
one-transaction path, which runs inside a caller's transaction."""

import pytest
from django.db import connection, transaction  # noqa: F401 -- the skipif reads it
from django.utils import timezone

from carteira.clients.models import Client, Contact
from carteira.imports import kinds
from carteira.imports.services import do_import
from tests.imports.test_staged import another_writer_can_write

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'sqlite'", reason="SQLite's single writer"),
]

HEADER = "cliente;nome;cargo;email;codigo"


def contacts_file(tmp_path, lines: list[str]):
    path = tmp_path / "contatos.csv"
    path.write_text(HEADER + "\n" + "\n".join(lines) + "\n")
    return path


def people(rows: int, *, role: str = "Compras", bad_line: int | None = None) -> list[str]:
    """Half with a code, half identified by client + name; ``bad_line``: no client."""
    return [
        f"{'' if n + 2 == bad_line else f'C10{n % 3 + 1}'};Pessoa {n};{role};p{n}@x.com.br;"
        + (f"K{n:04d}" if n % 2 else "")
        for n in range(rows)
    ]


def contacts() -> list[tuple]:
    return sorted(Contact.objects.values_list("client__external_id", "name", "role", "email",
                                              "external_id", "source"))  # fmt: skip


def imported(tmp_path, lines, *, one_transaction: bool, **options):
    """(status, created, updated, unchanged, rejected), the contacts stored, and whether
    another connection could write at each batch read."""
    seen = []

    def progress(_rows: int) -> None:
        seen.append(another_writer_can_write())

    path = contacts_file(tmp_path, lines)
    if one_transaction:
        with transaction.atomic():
            run, _ = do_import("contacts", path, batch_size=100, progress=progress, **options)
    else:
        run, _ = do_import("contacts", path, batch_size=100, progress=progress, **options)
    return (run.status, run.created, run.updated, run.unchanged, run.rejected), contacts(), seen


def test_a_contacts_file_is_read_while_others_write_and_counts_as_in_one_transaction(
    erp_clients, tmp_path
):
    steps = [people(250), people(250), people(300, role="Diretoria"), people(300, bad_line=120)]
    staged = [imported(tmp_path, lines, one_transaction=False) for lines in steps]
    Contact.objects.all().delete()
    alone = [imported(tmp_path, lines, one_transaction=True)[:2] for lines in steps]

    assert [result[:2] for result in staged] == alone
    assert [result[0] for result in staged] == [
        ("committed", 250, 0, 0, 0),
        ("committed", 0, 0, 250, 0),
        ("committed", 50, 250, 0, 0),
        ("failed", 0, 0, 0, 1),
    ]
    assert [result[2] for result in staged] == [[True] * 3, [True] * 3, [True] * 3, [True] * 3]
    assert len(staged[-1][1]) == 300 and {row[5] for row in staged[-1][1]} == {"importação"}


def test_an_anonymised_person_stays_anonymised_when_staged(erp_clients, tmp_path):
    imported(tmp_path, people(10), one_transaction=False)
    Contact.objects.filter(external_id="K0003").update(name="Anônimo", email="",
                                                        anonymized_at=timezone.now())  # fmt: skip

    counts, rows, _seen = imported(tmp_path, people(10, role="Diretoria"), one_transaction=False)

    assert counts == ("committed", 0, 9, 1, 0)
    assert ("C101", "Anônimo", "Compras", "", "K0003", "importação") in rows


@pytest.mark.parametrize("kind", ["clients", "contacts"])
def test_a_clients_or_contacts_dry_run_lets_others_write_and_counts_as_in_one_transaction(
    erp_clients, tmp_path, kind
):
    if kind == "clients":
        path = tmp_path / "clientes.csv"
        lines = [f"C10{n};Cliente {n} renomeado;V001" for n in (1, 2)]
        lines += [f"N{n:04d};Cliente Novo {n};V001" for n in range(250)]
        path.write_text("codigo;razao_social;vendedor\n" + "\n".join(lines) + "\n")
    else:
        do_import("contacts", contacts_file(tmp_path, people(100)))
        path = contacts_file(tmp_path, people(250))
    before = (Client.objects.count(), Contact.objects.count())
    seen = []

    def progress(_rows: int) -> None:
        seen.append(another_writer_can_write())

    run, _ = do_import(kind, path, dry_run=True, batch_size=100, progress=progress)
    with transaction.atomic():
        alone, _ = do_import(kind, path, dry_run=True, batch_size=100)

    counts = (run.status, run.created, run.updated, run.unchanged, run.rejected)
    assert counts == (alone.status, alone.created, alone.updated, alone.unchanged, alone.rejected)
    assert counts == (
        ("dry_run", 250, 2, 0, 0) if kind == "clients" else ("dry_run", 150, 0, 100, 0)
    )
    assert seen == [True, True, True]
    assert (Client.objects.count(), Contact.objects.count()) == before


def test_the_contacts_writer_is_staged_on_sqlite():
    assert kinds.ContactsWriter.stageable and not kinds.ContactsWriter.hides
