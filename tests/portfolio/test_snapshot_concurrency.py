"""An official snapshot started twice at once (two nightly jobs, a double click) leaves one
complete run: the loser either ran after the winner or stops with ``SnapshotBusy``."""

from __future__ import annotations

import hashlib
import threading
import time

import pytest
from django.db import connections

from carteira.clients.models import Client
from carteira.portfolio import services
from carteira.portfolio.models import ClientSnapshot, SnapshotRun
from carteira.portfolio.rules_store import current_rules_version
from carteira.portfolio.services import SnapshotBusy, do_snapshot
from tests.histories import T

ROW_FIELDS = list(services.CLIENT_COLUMNS)


def checksum(run: SnapshotRun) -> str:
    rows = ClientSnapshot.objects.filter(run=run).order_by("client_id").values_list(*ROW_FIELDS)
    return hashlib.sha256(repr(list(rows)).encode()).hexdigest()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_official_snapshots_of_one_day_at_once_leave_one_complete_run(history, monkeypatch):
    version = current_rules_version()  # stored before the race, as a real workspace has it
    write_clients = services._write_clients

    def slow_write(*args, **kwargs):
        write_clients(*args, **kwargs)
        time.sleep(0.5)  # hold the uncommitted run so the other thread runs into it

    monkeypatch.setattr(services, "_write_clients", slow_write)
    start = threading.Barrier(2)
    outcomes: list[object] = [None, None]

    def run(slot: int) -> None:
        try:
            start.wait()
            outcomes[slot] = do_snapshot(T)
        except Exception as exc:  # the outcome is what the test checks
            outcomes[slot] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(slot,)) for slot in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)

    runs = SnapshotRun.objects.filter(kind="official", as_of=T, rules_version=version)
    assert runs.count() == 1
    (winner,) = runs
    assert winner.clients.count() == Client.objects.count() == 6
    succeeded = [o for o in outcomes if isinstance(o, SnapshotRun)]
    failed = [o for o in outcomes if not isinstance(o, SnapshotRun)]
    assert succeeded, outcomes
    for error in failed:  # never a raw IntegrityError: a clear "busy" message
        assert isinstance(error, SnapshotBusy), repr(error)
        assert T.isoformat() in str(error)
    assert winner.pk in {o.pk for o in succeeded}
    before = checksum(winner)

    monkeypatch.setattr(services, "_write_clients", write_clients)
    third = do_snapshot(T)
    assert SnapshotRun.objects.filter(kind="official", as_of=T).count() == 1
    assert checksum(third) == before
