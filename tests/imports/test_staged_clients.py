"""On SQLite a clients import stages too (issue 24): its rows are read, validated and
staged without locking the live tables, then written — and their sellers assigned, with
history and audit — in one short final transaction. Counts, all-or-nothing and
idempotency are those of the one-transaction path, which runs inside a caller's
transaction (checked side by side on the same files)."""

import datetime as dt

import pytest
import time_machine
from django.db import OperationalError, connection, transaction

from carteira.api.models import WebhookDelivery
from carteira.api.webhooks import do_subscribe
from carteira.audit.models import AuditEvent
from carteira.clients.models import Assignment, Client, HiddenImport
from carteira.imports import bulk, kinds
from carteira.imports.services import do_import
from tests.imports.conftest import FIXTURES, run_import
from tests.imports.test_staged import another_writer_can_write

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'sqlite'", reason="SQLite's single writer"),
]


@pytest.fixture
def sellers(media):
    assert run_import("sellers", FIXTURES / "sellers.csv").error is None


def clients_file(tmp_path, lines: list[str], name: str = "clientes.csv"):
    path = tmp_path / name
    path.write_text("codigo;nome;cidade;vendedor\n" + "\n".join(lines) + "\n")
    return path


def test_other_connections_write_while_a_clients_file_is_read_and_all_arrive_at_once(
    sellers, tmp_path
):
    lines = [f"K{n:04d};Cliente {n};Canoas;{'V01' if n % 2 else 'V02'}" for n in range(800)]
    seen = []

    def progress(rows: int) -> None:
        seen.append((rows, another_writer_can_write(), Client.objects.count()))

    run, _report = do_import("clients", clients_file(tmp_path, lines), progress=progress,
                             batch_size=200)  # fmt: skip

    assert seen == [(200, True, 0), (400, True, 0), (600, True, 0), (800, True, 0)]
    assert (run.status, run.created, run.updated, run.unchanged) == ("committed", 800, 0, 0)
    by_seller = Client.objects.values_list("seller__external_id", flat=True)
    assert (list(by_seller).count("V01"), list(by_seller).count("V02")) == (400, 400)
    assert Assignment.objects.filter(start_date=None, end_date=None,
                                     reason="importação").count() == 800  # fmt: skip
    assert AuditEvent.objects.filter(action="client.reassigned").count() == 800


def scenario(tmp_path, prefix: str, *, inside_a_transaction: bool) -> list:
    """The same four files for clients ``prefix``*, imported one way or the other: the
    counts of each run and the clients and assignments at the end."""

    def line(n: int, city: str, seller: str) -> str:
        return f"{prefix}{n};Cliente {n};{city};{seller}"

    files = [
        [line(1, "Canoas", "V01"), line(2, "Canoas", "V01"), line(3, "Canoas", "V02")],
        [line(1, "Canoas", "V01"), line(2, "Canoas", "V01"), line(3, "Canoas", "V02")],
        # 1: seller only; 2: city only; 3: unchanged; 4: new; 5 refers to no seller
        [line(1, "Canoas", "V02"), line(2, "Gramado", "V01"), line(3, "Canoas", "V02"),
         line(4, "Canoas", "V01"), line(5, "Canoas", "V77")],
        [line(1, "Canoas", "V02"), line(2, "Gramado", "V01"), line(3, "Canoas", "V02"),
         line(4, "Canoas", "V01"), line(5, "Canoas", "V77")],
        [line(1, "Esteio", "V01"), line(2, "Gramado", "V02"), line(6, "Canoas", "")],
    ]  # fmt: skip
    options = [{}, {}, {}, {"skip_invalid": True}, {}]
    counts = []
    with time_machine.travel(dt.datetime(2025, 6, 2, 12, tzinfo=dt.UTC)):
        for number, (lines, extra) in enumerate(zip(files, options, strict=True)):
            path = clients_file(tmp_path, lines, f"{prefix}{number}.csv")
            if inside_a_transaction:
                with transaction.atomic():
                    run, _ = do_import("clients", path, batch_size=2, **extra)
            else:
                run, _ = do_import("clients", path, batch_size=2, **extra)
            counts.append((run.status, run.created, run.updated, run.unchanged, run.rejected))
    clients = [
        (c.external_id[1:], c.city, c.seller.external_id if c.seller else None)
        for c in Client.objects.filter(external_id__startswith=prefix).order_by("external_id")
    ]
    history = [
        (a.client.external_id[1:], a.seller.external_id, a.start_date, a.end_date)
        for a in Assignment.objects.filter(client__external_id__startswith=prefix)
        .select_related("client", "seller").order_by("client__external_id", "pk")
    ]  # fmt: skip
    return [counts, clients, history]


def test_staged_clients_count_write_and_assign_exactly_as_in_one_transaction(sellers, tmp_path):
    staged = scenario(tmp_path, "S", inside_a_transaction=False)
    one_transaction = scenario(tmp_path, "A", inside_a_transaction=True)

    assert staged == one_transaction
    counts, clients, history = staged
    assert counts == [
        ("committed", 3, 0, 0, 0),
        ("committed", 0, 0, 3, 0),
        ("failed", 0, 0, 0, 1),  # all-or-nothing: V77 is unknown
        ("committed", 1, 2, 1, 1),  # seller only and city only are updates
        ("committed", 1, 2, 0, 0),
    ]
    june = dt.date(2025, 6, 2)
    assert clients == [("1", "Esteio", "V01"), ("2", "Gramado", "V02"), ("3", "Canoas", "V02"),
                       ("4", "Canoas", "V01"), ("6", "Canoas", None)]  # fmt: skip
    assert history == [
        ("1", "V01", None, june), ("1", "V02", june, june), ("1", "V01", june, None),
        ("2", "V01", None, june), ("2", "V02", june, None),
        ("3", "V02", None, None),
        ("4", "V01", None, None),
    ]  # fmt: skip


def test_a_document_freed_earlier_in_the_file_can_be_taken_later_in_it(media, tmp_path):
    first = tmp_path / "a.csv"
    first.write_text("codigo;nome;cnpj\nK1;Um;38.302.000/0001-19\n")
    do_import("clients", first)
    moved = tmp_path / "b.csv"
    moved.write_text("codigo;nome;cnpj\nK1;Um;08596032000103\nK2;Dois;38302000000119\n")

    run, _report = do_import("clients", moved, batch_size=1)

    assert (run.status, run.created, run.updated) == ("committed", 1, 1)
    assert dict(Client.objects.values_list("external_id", "document")) == {
        "K1": "08596032000103", "K2": "38302000000119"}  # fmt: skip

    taken = tmp_path / "c.csv"
    taken.write_text("codigo;nome;cnpj\nK3;Três;35.262.577/0001-56\nK4;Quatro;08596032000103\n")
    refused, report = do_import("clients", taken, batch_size=1)
    assert (refused.status, [e.code for e in report.errors]) == ("failed", ["document_taken"])
    assert Client.objects.count() == 2


def stored(table: str) -> int:
    """Every row of ``table``, hidden ones included."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 -- a literal name
        return cursor.fetchone()[0]


def test_new_clients_and_their_first_sellers_are_written_hidden_in_batches_and_audited_as_they_settle(  # noqa: E501
    sellers, tmp_path, monkeypatch, director, settings
):
    settings.CARTEIRA_WEBHOOK_ALLOW_PRIVATE = True  # never delivered here: only queued
    do_subscribe(owner=director, url="http://127.0.0.1:9/", events=["client.reassigned"])
    for name in ("FIRST_BATCH", "MIN_BATCH", "MAX_BATCH", "SETTLE_BATCH", "SETTLE_MAX"):
        monkeypatch.setattr(bulk, name, 100)
    monkeypatch.setattr(kinds, "SETTLE_BATCH", 100)
    pauses = []

    def pause(_seconds: float) -> None:
        audited = AuditEvent.objects.filter(action="client.reassigned").count()
        pauses.append((stored("clients_client"), another_writer_can_write(),
                       Client.objects.count(), Assignment.objects.count(), audited))  # fmt: skip

    monkeypatch.setattr(bulk.time, "sleep", pause)
    lines = [f"K{n:04d};Cliente {n};Canoas;{'V01' if n % 2 else 'V02'}" for n in range(250)]

    run, _report = do_import("clients", clients_file(tmp_path, lines), batch_size=1_000)

    # stored clients, another writer got in, clients / assignments / audit entries seen
    assert pauses == [
        (100, True, 0, 0, 0), (200, True, 0, 0, 0),  # the clients, hidden
        (250, True, 0, 0, 0), (250, True, 0, 0, 0),  # their first assignments, hidden
        (250, True, 250, 250, 100), (250, True, 250, 250, 200),  # revealed; audited
        (250, True, 250, 250, 250), (250, True, 250, 250, 250),  # the clients settled
    ]  # fmt: skip
    assert (run.status, run.created, run.updated, run.unchanged) == ("committed", 250, 0, 0)
    assert Client.objects.filter(seller__external_id="V01").count() == 125
    assert Assignment.objects.filter(start_date=None, end_date=None,
                                     reason="importação").count() == 250  # fmt: skip
    assert stored("clients_client") == Client.objects.filter(hidden_by=None).count() == 250
    assert HiddenImport.objects.count() == 0
    announced = WebhookDelivery.objects.filter(event="client.reassigned")
    assert sorted((p["seller_from"], p["seller_to"]) for p in announced.values_list(
        "payload", flat=True)) == [(None, "V01")] * 125 + [(None, "V02")] * 125  # fmt: skip


def test_a_clients_file_whose_final_transaction_fails_leaves_no_client_and_no_history(
    sellers, tmp_path, monkeypatch
):
    def lost(*_args, **_kwargs):
        raise OperationalError("disk I/O error")

    monkeypatch.setattr(bulk.SqliteStage, "apply_pending", lost)
    lines = [f"K{n:04d};Cliente {n};Canoas;V01" for n in range(30)]

    run, _report = do_import("clients", clients_file(tmp_path, lines))

    assert (run.status, run.created) == ("failed", 0)
    assert (stored("clients_client"), stored("clients_assignment")) == (0, 0)
    assert AuditEvent.objects.filter(action="client.reassigned").count() == 0
    assert HiddenImport.objects.count() == 0
