"""Once a bad row refuses an all-or-nothing import, the rest of the file is checked (every
bad row and unknown client still named) but no longer compared with the database: the
counts of a refused import are not shown. A dry run keeps counting past a bad row."""

import pytest

from carteira.imports.services import do_import
from carteira.orders.models import Order

pytestmark = pytest.mark.django_db(transaction=True)


BAD = [(3, "invalid_number"), (11, "unknown_client")]


def orders_file(tmp_path):
    lines = [f"P{n:03d};C10{n % 3 + 1};01/03/2025;{n},50" for n in range(12)]
    lines[1] = "P001;C101;01/03/2025;x"  # line 3: not an amount
    lines[9] = "P009;C999;01/03/2025;9,50"  # line 11: an unknown client, three batches later
    path = tmp_path / "pedidos.csv"
    path.write_text("pedido;cliente;data;valor\n" + "\n".join(lines) + "\n")
    return path


def test_a_refused_file_still_names_every_bad_row_and_writes_nothing(erp_clients, tmp_path):
    run, report = do_import("orders", orders_file(tmp_path), batch_size=3)

    assert [(e.line, e.code) for e in report.errors] == BAD
    assert (run.status, run.rejected, run.created, run.updated, run.unchanged) == (
        "failed", 2, 0, 0, 0)  # fmt: skip
    assert Order.objects.count() == 0


def test_a_dry_run_counts_every_valid_row_past_a_bad_one(erp_clients, tmp_path):
    run, report = do_import("orders", orders_file(tmp_path), batch_size=3, dry_run=True)

    assert [(e.line, e.code) for e in report.errors] == BAD
    assert (run.status, run.created, run.rejected) == ("dry_run", 10, 2)
    assert Order.objects.count() == 0
