import threading

import pytest
from django.db import connection

from carteira.clients.models import Assignment, Client
from carteira.imports.services import do_import
from tests.imports.conftest import FIXTURES


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_imports_of_the_same_clients_file_create_each_client_once(media):
    do_import("sellers", FIXTURES / "sellers.csv")
    reports, failures = [], []

    def load():
        try:
            reports.append(do_import("clients", FIXTURES / "clients.csv")[1])
        except Exception as error:  # pragma: no cover - reported below
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=load) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert sorted((r.status, r.created, r.unchanged) for r in reports) == [
        ("committed", 0, 8),
        ("committed", 8, 0),
    ]
    assert Client.objects.count() == 8
    assert Assignment.objects.filter(end_date__isnull=True).count() == 8


@pytest.mark.postgres
@pytest.mark.django_db
def test_orders_go_in_through_copy_and_the_counts_stay_exact(erp_clients, media, tmp_path):
    from decimal import Decimal

    from django.test.utils import CaptureQueriesContext

    from carteira.orders.models import Order

    source = FIXTURES / "orders_cp1252.csv"
    with CaptureQueriesContext(connection) as queries:
        first = do_import("orders", source)[1]
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert "ON CONFLICT" in sql and "RETURNING (xmax = 0)" in sql
    assert (first.created, first.updated, first.unchanged) == (5, 0, 0)

    changed = tmp_path / "pedidos.csv"
    text = source.read_bytes().decode("cp1252").replace("1.234,56;123,45", "1.300,00;123,45")
    changed.write_bytes(text.encode("cp1252"))
    second = do_import("orders", changed)[1]

    assert (second.created, second.updated, second.unchanged) == (0, 1, 4)
    assert Order.objects.get(external_id="9001").amount == Decimal("1300.00")
    assert Order.objects.count() == 5
