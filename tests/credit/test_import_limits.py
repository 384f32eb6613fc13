"""`carteira import credit_limits`: each client's credit limit from a file, with the same
history and audit as a limit set on the client page; idempotent by client, all or
nothing, bad rows named."""

from decimal import Decimal

import pytest

from carteira.audit.models import AuditEvent
from carteira.credit.models import CreditLimit, CreditLimitChange
from tests.imports.conftest import run_import
from tests.personas import make_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def clients(db, seller_ana, media):
    return {code: make_client(code, seller_ana) for code in ("C101", "C102", "C103")}


def write(tmp_path, text, name="limites.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


def test_limits_load_with_pt_br_columns_and_a_reimport_changes_nothing(clients, tmp_path):
    path = write(tmp_path, "cliente;limite;observacao\nC101;R$ 50.000,00;Revisão anual\n"
                           "C102;12.500,5;\n", encoding="cp1252")  # fmt: skip
    result = run_import("credit_limits", path)
    assert result.error is None, result.out
    assert "\n2 created, 0 updated, 0 unchanged" in result.out
    limits = {c.client.external_id: (c.limit, c.source, c.set_at is not None)
              for c in CreditLimit.objects.select_related("client")}  # fmt: skip
    assert limits == {"C101": (Decimal("50000.00"), "import", True),
                      "C102": (Decimal("12500.50"), "import", True)}  # fmt: skip
    change = CreditLimitChange.objects.get(client=clients["C101"])
    assert (change.previous, change.limit, change.note) == (None, Decimal("50000"), "Revisão anual")
    assert AuditEvent.objects.filter(action="credit.limit_set").count() == 2

    again = run_import("credit_limits", path)
    assert "\n0 created, 0 updated, 2 unchanged" in again.out
    assert CreditLimitChange.objects.count() == 2

    raised = write(tmp_path, "cliente;limite_credito\nC101;60.000,00\nC102;12.500,50\n")
    assert "\n0 created, 1 updated, 1 unchanged" in run_import("credit_limits", raised).out
    latest = CreditLimitChange.objects.filter(client=clients["C101"]).first()
    assert (latest.previous, latest.limit) == (Decimal("50000.00"), Decimal("60000.00"))


def test_bad_rows_are_named_and_nothing_is_written(clients, tmp_path):
    path = write(tmp_path, "cliente;limite\nC101;10.000,00\nC999;5.000,00\nC102;-1,00\n"
                           "C103;abc\nC101;20.000,00\n")  # fmt: skip
    result = run_import("credit_limits", path)
    assert result.error is not None
    out = result.out
    assert "Client 'C999' does not exist" in out
    assert "'-1,00' is negative; an amount here cannot be below zero." in out
    assert "line 5, client C103, column 'limite', value 'abc'" in out
    assert "is also on line 6." in out and "is also on line 2." in out
    assert CreditLimit.objects.count() == 0
    assert CreditLimitChange.objects.count() == 0
