"""Re-importing orders: the stored rows are compared in SQL (ADR 0006, "Re-import"), and
the counts, the dry run's counts and the values are exactly those of a field-by-field
comparison — the same number written another way is unchanged, a cent is an update."""

from decimal import Decimal

import pytest

from carteira.audit.models import AuditEvent
from carteira.imports.models import ImportRun
from carteira.orders.models import Order
from tests.imports.conftest import run_import

HEADER = "pedido;cliente;data;valor;margem;situacao\n"
FIRST = HEADER + (
    "A1;C101;07/03/2025;1.234,56;123,45;Faturado\n"
    "A2;C101;08/03/2025;7,00;;\n"
    "A3;C102;09/03/2025;0,10;0;\n"
    "A4;C102;10/03/2025;99,90;;\n"
    "A5;C103;11/03/2025;2.500,00;;\n"
    "A6;C103;12/03/2025;(10,00);;Devolução\n"
)
SECOND = HEADER + (
    "A1;C101;2025-03-07;R$ 1.234,56;123,45;faturado\n"  # the same values, written otherwise
    "A2;C101;08/03/2025;7;;\n"
    "A3;C102;09/03/2025;0,1;0,00;\n"
    "A4;C102;10/03/2025;99,91;;\n"  # one cent
    "A5;C103;11/03/2025;2.500,00;10,00;\n"  # a margin where there was none
    "A6;C103;12/03/2025;(10,00);;Cancelado\n"  # cancelled
    "A7;C101;13/03/2025;5,00;;\n"  # new
)


def write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def counts(result) -> str:
    return next(line for line in result.out.splitlines() if "rejected" in line)


@pytest.mark.django_db
def test_a_reimport_counts_each_row_exactly_in_the_dry_run_and_when_written(erp_clients, tmp_path):
    first, second = write(tmp_path, "a.csv", FIRST), write(tmp_path, "b.csv", SECOND)
    assert counts(run_import("orders", first)) == "6 created, 0 updated, 0 unchanged, 0 rejected"
    before = dict(Order.objects.values_list("external_id", "pk"))

    dry = run_import("orders", second, "--dry-run")
    assert counts(dry) == ("1 would be created, 3 would be updated, 3 unchanged, 0 rejected")
    assert Order.objects.count() == 6
    assert Order.objects.get(external_id="A4").amount == Decimal("99.90")

    written = run_import("orders", second)
    assert counts(written) == "1 created, 3 updated, 3 unchanged, 0 rejected"
    stored = {
        o.external_id: (o.pk, o.amount, o.margin, o.status)
        for o in Order.objects.order_by("external_id")
    }
    assert stored == {
        "A1": (before["A1"], Decimal("1234.56"), Decimal("123.45"), "valid"),
        "A2": (before["A2"], Decimal("7.00"), None, "valid"),
        "A3": (before["A3"], Decimal("0.10"), Decimal("0.00"), "valid"),
        "A4": (before["A4"], Decimal("99.91"), None, "valid"),
        "A5": (before["A5"], Decimal("2500.00"), Decimal("10.00"), "valid"),
        "A6": (before["A6"], Decimal("-10.00"), None, "cancelled"),
        "A7": (stored["A7"][0], Decimal("5.00"), None, "valid"),
    }
    assert stored["A7"][0] > max(before.values())

    again = run_import("orders", second)
    assert counts(again) == "0 created, 0 updated, 7 unchanged, 0 rejected"
    run = ImportRun.objects.filter(status="committed").first()
    assert (run.total, run.created, run.updated, run.unchanged, run.rejected) == (7, 0, 0, 7, 0)
    audit = AuditEvent.objects.filter(action="import").first()
    assert (audit.details["created"], audit.details["unchanged"]) == (0, 7)


@pytest.mark.django_db
def test_a_reimport_without_the_margin_column_compares_and_keeps_the_stored_margins(
    erp_clients, tmp_path
):
    run_import("orders", write(tmp_path, "a.csv", FIRST))
    fewer = write(tmp_path, "c.csv", "pedido;cliente;data;valor\nA1;C101;07/03/2025;1.234,56\n"
                  "A3;C102;09/03/2025;0,20\n")  # fmt: skip

    result = run_import("orders", fewer)

    assert counts(result) == "0 created, 1 updated, 1 unchanged, 0 rejected"
    margins = dict(Order.objects.values_list("external_id", "margin"))
    assert (margins["A1"], margins["A3"]) == (Decimal("123.45"), Decimal("0.00"))
    assert Order.objects.get(external_id="A3").amount == Decimal("0.20")


@pytest.mark.django_db
def test_a_reimport_with_a_bad_row_writes_nothing_and_still_counts_the_rest(erp_clients, tmp_path):
    run_import("orders", write(tmp_path, "a.csv", FIRST))
    broken = write(tmp_path, "d.csv", SECOND + "A8;C101;31/02/2025;1,00;;\n")

    refused = run_import("orders", broken)
    skipped = run_import("orders", broken, "--skip-invalid")

    assert counts(refused) == "0 created, 0 updated, 0 unchanged, 1 rejected"
    assert counts(skipped) == "1 created, 3 updated, 3 unchanged, 1 rejected"
    assert Order.objects.count() == 7
