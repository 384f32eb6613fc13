"""On SQLite a valid orders file is checked whole by columns once and its rows go from
those columns straight into the live table, hidden until the final transaction (issue 25:
no second validation, no per-row dicts, no stage between). What is stored, counted and
alerted is what the record path stores, counts and alerts, to the value and its type."""

from decimal import Decimal

import pytest
from django.db import connection

from carteira.imports import kinds, services
from carteira.imports.services import do_import
from carteira.orders.models import Order

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'sqlite'", reason="the SQLite staged path"),
]

HEADER = "pedido;cliente;data;valor;margem;vendedor;situacao"
ROWS = [
    "P1;C101;07/03/2025;1.234,56;100,5;V001;",
    "P2;C102;31/12/2024;0,00;;;cancelado",
    "P3;C101;01/01/2025;-10,00;-1,00;;",  # a return
    "P4;C103;29/02/2024;99999999999,99;0;V001;Válido",
    "P5;C102;15/06/2025;7;;;",
    "P6;C101;15/06/2025;12,3;;;CANCELADA",
]


@pytest.fixture
def clients(erp_clients):
    return erp_clients


def stored() -> list[tuple]:
    """Every order row as SQLite holds it: values and their storage classes."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT external_id, client_id, seller_id, date, typeof(date), amount, "
            "typeof(amount), margin, typeof(margin), status, hidden_by FROM orders_order "
            "ORDER BY external_id"
        )
        return cursor.fetchall()


def imported(monkeypatch, tmp_path, lines, *, direct: bool, header: str = HEADER):
    path = tmp_path / "pedidos.csv"
    path.write_text(header + "\n" + "\n".join(lines) + "\n", encoding="cp1252")
    alerts = []
    monkeypatch.setattr(kinds, "do_credit_alerts", lambda bought, today: alerts.append(bought))
    used = []
    real = services._execute_direct

    def spy(*args, **kwargs):
        used.append(True)
        return real(*args, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(services, "_execute_direct", spy)
        if not direct:  # the column pass finds the file valid, the records path writes it
            patch.setattr(kinds.OrdersWriter, "direct", ())
        run, _report = do_import("orders", path)
    assert used == ([True] if direct else [])
    return (run.status, run.created, run.updated, run.unchanged), stored(), alerts


def test_a_valid_file_stores_counts_and_alerts_as_the_record_path(
    monkeypatch, tmp_path, clients, seller_ana
):
    by_records = imported(monkeypatch, tmp_path, ROWS, direct=False)
    Order._base_manager.all().delete()
    by_columns = imported(monkeypatch, tmp_path, ROWS, direct=True)

    assert by_columns == by_records
    counts, rows, alerts = by_columns
    assert counts == ("committed", 6, 0, 0)
    assert [row[4:7] for row in rows[:2]] == [
        ("text", 1234.56, "real"),
        ("text", 0, "integer"),
    ]
    assert alerts == [{clients["C101"].pk: Decimal("1234.56"),
                       clients["C103"].pk: Decimal("99999999999.99"),
                       clients["C102"].pk: Decimal("7")}]  # fmt: skip


def test_a_later_file_without_a_column_changes_only_what_it_carries(
    monkeypatch, tmp_path, clients, seller_ana
):
    imported(monkeypatch, tmp_path, ROWS, direct=True)
    fewer = ["P1;C101;07/03/2025;1.234,56", "P3;C101;01/01/2025;-11,00", "P7;C103;01/02/2025;5"]

    by_columns = imported(monkeypatch, tmp_path, fewer, direct=True,
                          header="pedido;cliente;data;valor")  # fmt: skip

    counts, rows, _alerts = by_columns
    assert counts == ("committed", 1, 1, 1)
    by_number = {row[0]: row for row in rows}
    assert (by_number["P1"][7], by_number["P1"][2]) == (100.5, seller_ana.pk)  # kept
    assert (by_number["P3"][5], by_number["P3"][7]) == (-11, -1)  # the amount only
    assert by_number["P7"][5:8] == (5, "integer", None)
    assert all(row[10] is None for row in rows)  # every row settled
    assert Order.objects.count() == 7
