"""The run's status, counts and audit entry are written in the transaction that writes its
rows (issue 24): recorded together, or not at all."""

import pytest
from django.db import connection

from carteira.audit.events import IMPORT_FINISHED, happened
from carteira.audit.models import AuditEvent
from carteira.imports import services
from carteira.imports.models import ImportRun
from carteira.imports.services import do_import
from carteira.orders.models import Order
from tests.imports.conftest import FIXTURES

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_committed_run_is_recorded_inside_the_transaction_that_wrote_its_rows(erp_clients):
    seen = []

    def listener(sender, run, **kwargs):
        audited = AuditEvent.objects.filter(action="import", object_id=str(run.pk))
        seen.append((connection.in_atomic_block, Order.objects.count(),
                     ImportRun.objects.get(pk=run.pk).status, audited.count()))  # fmt: skip

    happened.connect(listener, sender=IMPORT_FINISHED)
    try:
        run, _report = do_import("orders", FIXTURES / "orders_cp1252.csv")
    finally:
        happened.disconnect(listener, sender=IMPORT_FINISHED)

    assert run.status == "committed"
    assert seen == [(True, 5, "committed", 1)]  # rows, status and audit: one transaction


def test_a_crash_while_the_run_is_recorded_leaves_no_row_and_the_run_failed(
    erp_clients, monkeypatch
):
    def crash(action, **kwargs):
        raise KeyboardInterrupt  # as a kill would stop it, between the rows and the status

    monkeypatch.setattr(services, "do_record", crash)

    with pytest.raises(KeyboardInterrupt):
        do_import("orders", FIXTURES / "orders_cp1252.csv")

    run = ImportRun.objects.get()
    assert (run.status, run.created, Order.objects.count()) == ("failed", 0, 0)
    assert not AuditEvent.objects.filter(action="import").exists()


def test_a_refused_run_is_recorded_failed_after_the_rollback(erp_clients, tmp_path):
    path = tmp_path / "pedidos.csv"
    path.write_text("pedido;cliente;data;valor\nP1;C101;01/03/2025;10\nP2;C101;01/03/2025;x\n")

    run, _report = do_import("orders", path)

    assert (run.status, run.created, run.rejected, Order.objects.count()) == ("failed", 0, 1, 0)
    audited = AuditEvent.objects.get(action="import", object_id=str(run.pk))
    assert (audited.details["status"], audited.details["created"]) == ("failed", 0)
