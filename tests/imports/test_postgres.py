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
