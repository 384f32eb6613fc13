"""On SQLite an interactions file is staged while it is read — the lines with a code keyed
by it, those without one (each new unless equal to a stored interaction) apart — and its
new interactions written in short hidden batches, revealed at once by the run's final
transaction (issue 24, ADR 0024). Counts, all-or-nothing and idempotency are those of the
one-transaction path, which runs inside a caller's transaction (checked side by side)."""

import datetime as dt

import pytest
from django.db import OperationalError, connection, transaction
from django.db.models import Q

from carteira.clients.models import Client, HiddenImport
from carteira.imports import bulk
from carteira.imports.services import do_import
from carteira.interactions.models import Interaction
from carteira.portfolio.engine_input import load_input
from carteira.territory.client360 import client_figures
from tests.imports.test_staged import another_writer_can_write

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'sqlite'", reason="SQLite's single writer"),
]
HEADER = "codigo;cliente;data;canal;sucesso;observacoes\n"


def contacts_file(tmp_path, lines: list[str], name: str = "contatos.csv"):
    path = tmp_path / name
    path.write_text(HEADER + "\n".join(lines) + "\n")
    return path


def numbered(rows: int, *, bad_line: int | None = None, coded: bool = True) -> list[str]:
    """``rows`` contacts on distinct days (a code each when ``coded``)."""
    day = dt.date(2025, 1, 1)
    return [
        f"{f'I{n:05d}' if coded else ''};C10{n % 3 + 1};"
        f"{'31/02/2025' if n + 2 == bad_line else (day + dt.timedelta(n)).strftime('%d/%m/%Y')};"
        f"{'visita' if n % 2 else 'telefone'};sim;nota {n}"
        for n in range(rows)
    ]


def stored_interactions() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM interactions_interaction")
        return cursor.fetchone()[0]


@pytest.fixture
def batches_of_100(monkeypatch):
    for name in ("FIRST_BATCH", "MIN_BATCH", "MAX_BATCH"):
        monkeypatch.setattr(bulk, name, 100)
    pauses = []

    def pause(_seconds: float) -> None:
        client = Client.objects.get(external_id="C101")
        page = client_figures(client, today=dt.date(2026, 1, 1)).timeline_entries
        engine = load_input(dt.date(2026, 1, 1), use_adbc=False).interactions.height
        pauses.append((stored_interactions(), another_writer_can_write(),
                       Interaction.objects.count(), page, engine))  # fmt: skip

    monkeypatch.setattr(bulk.time, "sleep", pause)
    return pauses


def test_contacts_are_written_in_short_batches_between_which_others_write_and_nobody_sees_them(
    erp_clients, tmp_path, batches_of_100
):
    lines = numbered(250) + numbered(200, coded=False)

    run, _report = do_import("interactions", contacts_file(tmp_path, lines), batch_size=1_000)

    # stored so far, another writer got in, interactions / C101's on its page / the engine's
    # (the coded lines first, 250 in three batches, then the 200 without a code in two)
    assert batches_of_100 == [(100, True, 0, 0, 0), (200, True, 0, 0, 0),
                              (350, True, 0, 0, 0)]  # fmt: skip
    assert (run.status, run.created, run.updated, run.unchanged) == ("committed", 450, 0, 0)
    assert Interaction.objects.count() == stored_interactions() == 450
    assert Interaction.objects.filter(hidden_by__isnull=False).count() == 0  # settled
    assert HiddenImport.objects.count() == 0


def test_other_connections_write_while_the_contacts_file_is_read(erp_clients, tmp_path):
    seen = []

    def progress(rows: int) -> None:
        seen.append((rows, another_writer_can_write(), Interaction.objects.count()))

    lines = numbered(300) + numbered(300, coded=False)
    run, _report = do_import("interactions", contacts_file(tmp_path, lines), progress=progress,
                             batch_size=200)  # fmt: skip

    assert seen == [(200, True, 0), (400, True, 0), (600, True, 0)]
    assert (run.status, run.created) == ("committed", 600)


def scenario(tmp_path, prefix: str, *, inside_a_transaction: bool) -> list:
    """The same files for codes ``prefix``*, imported one way or the other: each run's
    counts and the interactions at the end. Lines without a code equal to a stored one
    (or to one earlier in the file, in another batch) are unchanged."""
    plain = ";C101;01/03/2025;visita;sim;mesma nota"
    files = [
        [f"{prefix}1;C101;02/03/2025;telefone;sim;a", plain,
         f"{prefix}2;C102;03/03/2025;telefone;nao;b", plain],
        [f"{prefix}1;C101;02/03/2025;telefone;sim;a", plain, plain],
        # 1 changed, 3 new, a third plain line, an unknown client refuses the file
        [f"{prefix}1;C101;02/03/2025;telefone;nao;a", f"{prefix}3;C103;04/03/2025;visita;sim;c",
         plain, plain, plain, f"{prefix}4;C999;04/03/2025;visita;sim;d"],
        [f"{prefix}1;C101;02/03/2025;telefone;nao;a", f"{prefix}3;C103;04/03/2025;visita;sim;c",
         plain, plain, plain, f"{prefix}4;C999;04/03/2025;visita;sim;d"],
    ]  # fmt: skip
    options = [{}, {}, {}, {"skip_invalid": True}]
    counts = []
    for number, (lines, extra) in enumerate(zip(files, options, strict=True)):
        path = contacts_file(tmp_path, [line.replace(";mesma", f";{prefix} mesma")
                                        for line in lines], f"{prefix}{number}.csv")  # fmt: skip
        if inside_a_transaction:
            with transaction.atomic():
                run, _ = do_import("interactions", path, batch_size=2, **extra)
        else:
            run, _ = do_import("interactions", path, batch_size=2, **extra)
        counts.append((run.status, run.created, run.updated, run.unchanged, run.rejected))
    mine = Interaction.objects.filter(Q(external_id__startswith=prefix)
                                      | Q(notes=f"{prefix} mesma nota"))  # fmt: skip
    stored = sorted(
        ((i.external_id or "")[1:], i.client.external_id, i.date, i.successful,
         i.notes.removeprefix(prefix))
        for i in mine.select_related("client")
    )  # fmt: skip
    return [counts, stored]


def test_staged_contacts_count_and_write_exactly_as_in_one_transaction(erp_clients, tmp_path):
    staged = scenario(tmp_path, "S", inside_a_transaction=False)
    one_transaction = scenario(tmp_path, "A", inside_a_transaction=True)

    assert staged == one_transaction
    counts, stored = staged
    assert counts == [
        ("committed", 3, 0, 1, 0),  # the plain line twice, in two batches: one interaction
        ("committed", 0, 0, 3, 0),
        ("failed", 0, 0, 0, 1),  # all-or-nothing: C999 is unknown
        ("committed", 2, 1, 2, 1),  # 3 and a second plain line are new; 1 changed
    ]
    assert len(stored) == 5
    assert Interaction.objects.filter(hidden_by__isnull=False).count() == 0


def test_contacts_hidden_by_an_import_that_never_committed_stay_unseen_and_the_next_drops_them(
    erp_clients, tmp_path, batches_of_100, monkeypatch
):
    def lost(*_args, **_kwargs):
        raise OperationalError("disk I/O error")

    lines = numbered(150) + numbered(150, coded=False)
    monkeypatch.setattr(bulk.HiddenRows, "drop", lambda self, run_id: None)  # as if killed
    with monkeypatch.context() as broken:
        broken.setattr(bulk.SqliteStage, "apply_pending", lost)  # the final transaction fails
        failed, _report = do_import("interactions", contacts_file(tmp_path, lines),
                                    batch_size=1_000)  # fmt: skip
    assert (failed.status, failed.created) == ("failed", 0)
    assert (Interaction.objects.count(), stored_interactions()) == (0, 300)
    assert HiddenImport.objects.count() == 1
    monkeypatch.undo()
    monkeypatch.setattr(bulk.time, "sleep", lambda _seconds: None)

    run, _report = do_import("interactions", contacts_file(tmp_path, lines), batch_size=1_000)

    assert (run.status, run.created, run.updated, run.unchanged) == ("committed", 300, 0, 0)
    assert Interaction.objects.count() == stored_interactions() == 300
    assert HiddenImport.objects.count() == 0
