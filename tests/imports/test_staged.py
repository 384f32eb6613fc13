"""On SQLite (one writer), an orders import reads, validates and stages its rows without
locking the live tables, and writes them in one short final transaction (issue 24): other
connections write while it reads; all-or-nothing, counts and idempotency are unchanged."""

import sqlite3

import pytest
from django.db import connection

from carteira.imports.services import do_import
from carteira.orders.models import Order

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


def test_other_connections_write_while_the_import_reads_and_its_rows_arrive_at_once(
    erp_clients, tmp_path
):
    seen = []

    def progress(rows: int) -> None:
        seen.append((rows, another_writer_can_write(), Order.objects.count()))

    run, _report = do_import("orders", orders_file(tmp_path, 1_000), progress=progress,
                             batch_size=250)  # fmt: skip

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
