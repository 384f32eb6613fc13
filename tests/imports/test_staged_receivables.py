"""On SQLite a receivables file is staged while it is read, its new instalments written in
short hidden batches between which other connections write, and revealed at once by the
run's final transaction (issue 24, ADR 0024), as an orders file: all-or-nothing, counts
and idempotency by invoice + instalment are unchanged, and no reader (the report's open
rows, the client page's credit block) sees half a file."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import OperationalError, connection

from carteira.clients.models import Client, HiddenImport
from carteira.credit.ledger import receivables_version
from carteira.credit.models import Receivable
from carteira.credit.reading import open_rows
from carteira.credit.selectors import client_credit
from carteira.imports import bulk
from carteira.imports.services import do_import
from carteira.territory.client360 import client_figures
from carteira_core.rules import CreditRules
from tests.imports.test_staged import another_writer_can_write

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'sqlite'", reason="SQLite's single writer"),
]
AS_OF = dt.date(2026, 6, 30)


def titles_file(tmp_path, rows: int, *, bad_line: int | None = None, paid: int | None = None):
    """``rows`` instalments of 10,00 + n cents, two per invoice, due 31/05/2026 (30 days
    late at AS_OF); instalment ``paid`` (a row number) paid on 10/06/2026."""
    lines = []
    for n in range(rows):
        amount = "x" if n + 2 == bad_line else f"{10 + n // 100},{n % 100:02d}"
        payment = "10/06/2026" if n == paid else ""
        lines.append(f"NF{n // 2:05d};{n % 2 + 1};C10{n % 3 + 1};01/05/2026;31/05/2026;"
                     f"{amount};{payment}")  # fmt: skip
    path = tmp_path / "titulos.csv"
    path.write_text("nota;parcela;cliente;emissao;vencimento;valor;pagamento\n"
                    + "\n".join(lines) + "\n")  # fmt: skip
    return path


def stored_titles() -> int:
    """Every instalment row in the table, hidden ones included."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM credit_receivable")
        return cursor.fetchone()[0]


def open_titles() -> int:
    """The instalments the receivables report reads as open at AS_OF."""
    return open_rows(Receivable.objects.all(), as_of=AS_OF, rules=CreditRules()).height


@pytest.fixture
def batches_of_100(monkeypatch):
    """The hidden writes in batches of 100 rows; at each pause between them, what another
    connection and the readers saw."""
    for name in ("FIRST_BATCH", "MIN_BATCH", "MAX_BATCH"):
        monkeypatch.setattr(bulk, name, 100)
    pauses = []

    def pause(_seconds: float) -> None:
        client = Client.objects.get(external_id="C101")
        credit = client_credit(client, as_of=AS_OF, rules=CreditRules())
        page = client_figures(client, today=AS_OF).credit["count"]
        pauses.append((stored_titles(), another_writer_can_write(), Receivable.objects.count(),
                       open_titles(), credit.open_count, page))  # fmt: skip

    monkeypatch.setattr(bulk.time, "sleep", pause)
    return pauses


def test_titles_are_written_in_short_batches_between_which_others_write_and_nobody_sees_them(
    erp_clients, tmp_path, batches_of_100
):
    version = receivables_version()

    run, _report = do_import("receivables", titles_file(tmp_path, 450), batch_size=1_000)

    # stored so far, another writer got in, instalments / open in the report / C101's
    # open ones on its credit block / its titles in the client page's figures
    assert batches_of_100 == [(100, True, 0, 0, 0, 0), (200, True, 0, 0, 0, 0),
                              (300, True, 0, 0, 0, 0), (400, True, 0, 0, 0, 0)]  # fmt: skip
    assert (run.status, run.created, run.updated, run.unchanged) == ("committed", 450, 0, 0)
    assert Receivable.objects.count() == stored_titles() == open_titles() == 450
    assert Receivable.objects.filter(hidden_by__isnull=False).count() == 0  # settled
    assert HiddenImport.objects.count() == 0
    assert receivables_version() != version  # the credit figures are computed again


def test_other_connections_write_while_the_titles_file_is_read(erp_clients, tmp_path):
    seen = []

    def progress(rows: int) -> None:
        seen.append((rows, another_writer_can_write(), Receivable.objects.count()))

    run, _report = do_import("receivables", titles_file(tmp_path, 600), progress=progress,
                             batch_size=200)  # fmt: skip

    assert seen == [(200, True, 0), (400, True, 0), (600, True, 0)]
    assert (run.status, run.created) == ("committed", 600)


def test_staged_titles_stay_all_or_nothing_and_idempotent_by_invoice_and_instalment(
    erp_clients, tmp_path
):
    refused, _ = do_import("receivables", titles_file(tmp_path, 300, bad_line=200),
                           batch_size=100)  # fmt: skip
    assert (refused.status, refused.rejected, stored_titles()) == ("failed", 1, 0)

    first, _ = do_import("receivables", titles_file(tmp_path, 300), batch_size=100)
    again, _ = do_import("receivables", titles_file(tmp_path, 300), batch_size=100)
    assert (first.created, first.updated, first.unchanged) == (300, 0, 0)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 300)
    assert Receivable.objects.count() == 300

    skipping, _ = do_import("receivables", titles_file(tmp_path, 350, bad_line=340),
                            skip_invalid=True, batch_size=100)  # fmt: skip
    assert (skipping.status, skipping.created, skipping.unchanged, skipping.rejected) == (
        "committed", 49, 300, 1,
    )  # fmt: skip
    assert Receivable.objects.count() == 349
    assert Receivable.objects.filter(invoice="NF00170", instalment=2).exists()


def test_a_payment_in_a_file_of_new_titles_counts_as_updated_and_lands_in_the_final_one(
    erp_clients, tmp_path, batches_of_100
):
    do_import("receivables", titles_file(tmp_path, 250), batch_size=1_000)
    batches_of_100.clear()

    run, _report = do_import("receivables", titles_file(tmp_path, 400, paid=7),
                             batch_size=1_000)  # fmt: skip

    assert (run.created, run.updated, run.unchanged) == (150, 1, 249)
    # at the only pause: 350 rows stored, 250 seen, NF00003/2 still open (250 open)
    assert [seen[:4] for seen in batches_of_100] == [(350, True, 250, 250)]
    paid = Receivable.objects.get(invoice="NF00003", instalment=2)
    assert (paid.paid_date, paid.amount) == (dt.date(2026, 6, 10), Decimal("10.07"))
    assert (Receivable.objects.count(), open_titles()) == (400, 399)


def test_titles_hidden_by_an_import_that_never_committed_stay_unseen_and_the_next_drops_them(
    erp_clients, tmp_path, batches_of_100, monkeypatch
):
    def lost(*_args, **_kwargs):
        raise OperationalError("disk I/O error")

    monkeypatch.setattr(bulk.HiddenRows, "drop", lambda self, run_id: None)  # as if killed
    with monkeypatch.context() as broken:
        broken.setattr(bulk.SqliteStage, "apply_pending", lost)  # the final transaction fails
        failed, _report = do_import("receivables", titles_file(tmp_path, 300), batch_size=1_000)
    assert (failed.status, failed.created) == ("failed", 0)
    assert (Receivable.objects.count(), open_titles(), stored_titles()) == (0, 0, 300)
    assert HiddenImport.objects.count() == 1
    monkeypatch.undo()
    monkeypatch.setattr(bulk.time, "sleep", lambda _seconds: None)

    run, _report = do_import("receivables", titles_file(tmp_path, 300), batch_size=1_000)

    assert (run.status, run.created, run.updated, run.unchanged) == ("committed", 300, 0, 0)
    assert Receivable.objects.count() == stored_titles() == 300
    assert HiddenImport.objects.count() == 0
