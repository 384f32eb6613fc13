"""On SQLite (one writer), an orders import reads, validates and stages its rows without
locking the live tables, and writes them in one short final transaction (issue 24): other
connections write while it reads; all-or-nothing, counts and idempotency are unchanged."""

import datetime as dt
import sqlite3
from decimal import Decimal

import pytest
from django.db import OperationalError, connection

from carteira.clients.models import Client, HiddenImport
from carteira.imports import bulk
from carteira.imports.services import do_import
from carteira.orders.models import Order
from carteira.portfolio.engine_input import load_input
from carteira.territory.client360 import client_figures

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'sqlite'", reason="SQLite's single writer"),
]


def orders_file(tmp_path, rows: int, *, bad_line: int | None = None):
    path = tmp_path / "pedidos.csv"
    lines = [f"P{n:05d};C10{n % 3 + 1};01/03/2025;{'x' if n + 2 == bad_line else n},50"
             for n in range(rows)]  # fmt: skip
    path.write_text("pedido;cliente;data;valor\n" + "\n".join(lines) + "\n")
    return path


def another_writer_can_write() -> bool:
    """Whether a second connection gets SQLite's write lock within 0.2 s."""
    other = sqlite3.connect(connection.settings_dict["NAME"], timeout=0.2, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        other.close()


def test_other_connections_write_while_the_import_writes_and_its_rows_arrive_at_once(
    erp_clients, tmp_path, monkeypatch
):
    for name in ("FIRST_BATCH", "MIN_BATCH", "MAX_BATCH"):
        monkeypatch.setattr(bulk, name, 250)
    seen = []

    def progress(rows: int) -> None:
        seen.append((rows, another_writer_can_write(), Order.objects.count()))

    run, _report = do_import("orders", orders_file(tmp_path, 1_000), progress=progress,
                             batch_size=100)  # fmt: skip

    # a valid file is read and checked whole by columns, then written: a tick a batch
    assert seen == [(250, True, 0), (500, True, 0), (750, True, 0), (1_000, True, 0)]
    assert (run.status, run.created, run.updated, run.unchanged) == ("committed", 1_000, 0, 0)
    assert Order.objects.count() == 1_000


def test_staged_imports_stay_all_or_nothing_and_idempotent(erp_clients, tmp_path):
    refused, _ = do_import("orders", orders_file(tmp_path, 600, bad_line=400), batch_size=100)
    assert (refused.status, refused.rejected, Order.objects.count()) == ("failed", 1, 0)

    first, _ = do_import("orders", orders_file(tmp_path, 600), batch_size=100)
    again, _ = do_import("orders", orders_file(tmp_path, 600), batch_size=100)
    assert (first.created, first.updated, first.unchanged) == (600, 0, 0)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 600)
    assert Order.objects.count() == 600

    skipping, _ = do_import("orders", orders_file(tmp_path, 700, bad_line=650),
                            skip_invalid=True, batch_size=100)  # fmt: skip
    assert (skipping.status, skipping.created, skipping.unchanged, skipping.rejected) == (
        "committed", 99, 600, 1,
    )  # fmt: skip
    assert Order.objects.count() == 699


def stored_orders() -> int:
    """Every order row in the table, hidden ones included."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM orders_order")
        return cursor.fetchone()[0]


@pytest.fixture
def batches_of_100(monkeypatch):
    """The hidden writes in batches of 100 rows; each pause between them recorded with
    what another connection and the readers saw then."""
    for name in ("FIRST_BATCH", "MIN_BATCH", "MAX_BATCH"):
        monkeypatch.setattr(bulk, name, 100)
    pauses = []

    def pause(_seconds: float) -> None:
        client = Client.objects.get(external_id="C101")
        figures = client_figures(client, today=dt.date(2025, 3, 31))
        engine = load_input(dt.date(2025, 3, 31), use_adbc=False).orders.height
        pauses.append((stored_orders(), another_writer_can_write(), Order.objects.count(),
                       figures.orders, engine))  # fmt: skip

    monkeypatch.setattr(bulk.time, "sleep", pause)
    return pauses


def test_the_final_write_goes_in_short_batches_between_which_others_write_and_nobody_sees_them(
    erp_clients, tmp_path, batches_of_100
):
    run, _report = do_import("orders", orders_file(tmp_path, 450), batch_size=1_000)

    # stored so far, another writer got in, orders / the client page's / the engine's
    assert batches_of_100 == [(100, True, 0, 0, 0), (200, True, 0, 0, 0),
                              (300, True, 0, 0, 0), (400, True, 0, 0, 0)]  # fmt: skip
    assert (run.status, run.created, run.updated, run.unchanged) == ("committed", 450, 0, 0)
    assert Order.objects.count() == stored_orders() == 450
    assert Order.objects.filter(hidden_by__isnull=False).count() == 0  # settled
    assert HiddenImport.objects.count() == 0


def test_a_file_of_new_and_changed_orders_counts_the_same_and_changes_only_in_the_final_one(
    erp_clients, tmp_path, batches_of_100
):
    do_import("orders", orders_file(tmp_path, 250), batch_size=1_000)
    path = orders_file(tmp_path, 400)
    path.write_text(path.read_text().replace("P00007;C102;01/03/2025;7,50",
                                             "P00007;C102;01/03/2025;8,50"))  # fmt: skip
    batches_of_100.clear()

    run, _report = do_import("orders", path, batch_size=1_000)

    assert (run.created, run.updated, run.unchanged) == (150, 1, 249)
    # the stored keys are kept for the final transaction, the new ones hidden meanwhile
    assert [seen[:3] for seen in batches_of_100] == [
        (250, True, 250),
        (250, True, 250),
        (300, True, 250),
    ]  # P00007 still 7.50
    assert Order.objects.get(external_id="P00007").amount == Decimal("8.50")
    assert Order.objects.count() == 400


def test_rows_hidden_by_an_import_that_never_committed_stay_unseen_and_the_next_import_drops_them(
    erp_clients, tmp_path, batches_of_100, monkeypatch
):
    def lost(*_args, **_kwargs):
        raise OperationalError("disk I/O error")

    monkeypatch.setattr(bulk.HiddenRows, "drop", lambda self, run_id: None)  # as if killed
    with monkeypatch.context() as broken:
        broken.setattr(bulk.SqliteStage, "apply_pending", lost)  # the final transaction fails
        failed, _report = do_import("orders", orders_file(tmp_path, 300), batch_size=1_000)
    assert (failed.status, failed.created) == ("failed", 0)
    assert (Order.objects.count(), stored_orders(), HiddenImport.objects.count()) == (0, 300, 1)
    monkeypatch.undo()
    monkeypatch.setattr(bulk.time, "sleep", lambda _seconds: None)

    run, _report = do_import("orders", orders_file(tmp_path, 300), batch_size=1_000)

    assert (run.status, run.created, run.updated, run.unchanged) == ("committed", 300, 0, 0)
    assert Order.objects.count() == stored_orders() == 300
    assert HiddenImport.objects.count() == 0
