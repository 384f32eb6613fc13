"""On SQLite a dry run of one orders, receivables or interactions file compares each batch
in a short transaction of its own that writes TEMP tables only (issue 24): other
connections write while it reads, nothing is written, and its counts are those of the
one-transaction dry run, which runs inside a caller's transaction."""

import pytest
from django.db import connection, transaction

from carteira.credit.models import Receivable
from carteira.imports.services import do_import
from carteira.interactions.models import Interaction
from carteira.orders.models import Order
from tests.imports.test_staged import another_writer_can_write, orders_file
from tests.imports.test_staged_interactions import contacts_file, numbered
from tests.imports.test_staged_receivables import titles_file

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'sqlite'", reason="SQLite's single writer"),
]


def stored(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 -- the test's names
        return cursor.fetchone()[0]


def dry_run(kind: str, path, *, inside_a_transaction: bool = False):
    """(status, created, updated, unchanged, rejected) of a dry run, and whether another
    connection could write at each batch."""
    seen = []

    def progress(_rows: int) -> None:
        seen.append(another_writer_can_write())

    if inside_a_transaction:
        with transaction.atomic():
            run, _ = do_import(kind, path, dry_run=True, batch_size=100, progress=progress)
    else:
        run, _ = do_import(kind, path, dry_run=True, batch_size=100, progress=progress)
    return (run.status, run.created, run.updated, run.unchanged, run.rejected), seen


@pytest.mark.parametrize(
    ("kind", "table", "model"),
    [("orders", "orders_order", Order), ("receivables", "credit_receivable", Receivable),
     ("interactions", "interactions_interaction", Interaction)],
)  # fmt: skip
def test_a_dry_run_lets_others_write_writes_nothing_and_counts_as_in_one_transaction(
    erp_clients, tmp_path, kind, table, model
):
    def file(rows: int, bad_line: int | None = None):
        if kind == "orders":
            return orders_file(tmp_path, rows, bad_line=bad_line)
        if kind == "receivables":
            return titles_file(tmp_path, rows, bad_line=bad_line)
        half = rows // 2  # coded lines, then as many without a code (the bad one there)
        plain = numbered(rows - half, coded=False, bad_line=bad_line and bad_line - half)
        return contacts_file(tmp_path, numbered(half) + plain)

    do_import(kind, file(150), batch_size=100)  # 150 stored; the next file adds 150

    counts, seen = dry_run(kind, file(300))
    assert counts == ("dry_run", 150, 0, 150, 0)
    assert seen == [True, True, True]
    assert (stored(table), model.objects.count()) == (150, 150)
    assert dry_run(kind, file(300), inside_a_transaction=True)[0] == counts

    counts, seen = dry_run(kind, file(300, bad_line=250))
    assert counts[0] == "dry_run" and counts[4] == 1
    assert seen == [True, True, True]
    assert dry_run(kind, file(300, bad_line=250), inside_a_transaction=True)[0] == counts
    assert stored(table) == 150
