import threading
import time

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


def orders_file(path, numbers: range):
    """Orders K<n> for clients C101–C103, the same values whichever file carries them."""
    lines = [f"K{n:06d};C10{n % 3 + 1};{n % 28 + 1:02d}/03/2025;{n % 9000},{n % 100:02d}\n"
             for n in numbers]  # fmt: skip
    path.write_text("pedido;cliente;data;valor\n" + "".join(lines), encoding="utf-8")
    return path


@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_two_command_line_imports_of_overlapping_orders_at_once_end_with_each_order_once(
    erp_clients, workspace, tmp_path
):
    import subprocess

    from carteira.imports.models import ImportRun
    from carteira.orders.models import Order
    from tests.imports.conftest import CARTEIRA

    first = orders_file(tmp_path / "a.csv", range(0, 60_000))
    second = orders_file(tmp_path / "b.csv", range(30_000, 90_000))  # half of it in a.csv
    command = [CARTEIRA, "import", "orders"]
    pipes = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE}
    processes = [subprocess.Popen([*command, str(path)], env=workspace, **pipes)
                 for path in (first, second)]  # fmt: skip
    outputs = [process.communicate(timeout=600) for process in processes]

    assert [process.returncode for process in processes] == [0, 0], outputs
    runs = ImportRun.objects.filter(status="committed")
    assert sorted((r.total, r.created, r.updated, r.unchanged) for r in runs) == [
        (60_000, 30_000, 0, 30_000),
        (60_000, 60_000, 0, 0),
    ]
    assert Order.objects.count() == 90_000
    assert Order.objects.values("external_id").distinct().count() == 90_000


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_unique_constraint_not_the_lock_decides_between_two_overlapping_copy_upserts(
    erp_clients,
):
    """Two transactions COPY + upsert overlapping batches at the same time, without the
    advisory lock: the second waits on the first's keys, then counts them unchanged."""
    import datetime as dt
    from decimal import Decimal

    from django.db import transaction

    from carteira.imports.bulk import copy_upsert
    from carteira.imports.upsert import Row
    from carteira.orders.models import Order

    client_id = erp_clients["C101"].pk

    def rows(numbers):
        return [Row(n, f"U{n}", {"client_id": client_id, "date": dt.date(2025, 3, 1),
                                 "amount": Decimal(f"{n}.50")}) for n in numbers]  # fmt: skip

    both_staged, results, failures = threading.Barrier(2, timeout=30), {}, []

    def load(name, numbers, hold: float):
        try:
            with transaction.atomic():
                if name == "second":
                    both_staged.wait()  # the first has written its rows, uncommitted
                results[name] = copy_upsert(Order, rows(numbers))
                if name == "first":
                    both_staged.wait()
                    time.sleep(hold)  # the second is now blocked on these keys
        except Exception as error:  # pragma: no cover - reported below
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=load, args=("first", range(0, 600), 0.5)),
               threading.Thread(target=load, args=("second", range(300, 900), 0))]  # fmt: skip
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert results == {"first": (600, 0), "second": (300, 0)}  # (created, updated)
    assert Order.objects.count() == 900
    assert Order.objects.values("external_id").distinct().count() == 900
