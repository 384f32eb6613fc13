"""`carteira import receivables`: the ERP's instalments, by invoice + instalment."""

import datetime as dt
from decimal import Decimal

import pytest

from carteira.credit.models import Receivable
from tests.imports.conftest import run_import
from tests.personas import make_client

pytestmark = pytest.mark.django_db

HEADER = "nota;parcela;cliente;emissao;vencimento;valor;data_pagamento;valor_pago\n"


@pytest.fixture
def clients(db, seller_ana, media):
    return {code: make_client(code, seller_ana) for code in ("C101", "C102")}


def write(tmp_path, *lines, header=HEADER):
    path = tmp_path / "titulos.csv"
    path.write_text(header + "".join(f"{line}\n" for line in lines), encoding="utf-8")
    return path


def test_titles_load_with_pt_br_columns_and_a_reimport_updates_the_payment(clients, tmp_path):
    first = write(
        tmp_path,
        "NF10;1;C101;01/03/2026;31/03/2026;1.234,56;;",
        "NF10;2;C101;01/03/2026;30/04/2026;1.234,56;;",
        "NF11;;C102;05/03/2026;05/04/2026;500,00;10/04/2026;500,00",
    )
    result = run_import("receivables", first)
    assert result.error is None, result.out
    assert "\n3 created, 0 updated, 0 unchanged" in result.out
    rows = Receivable.objects.order_by("invoice", "instalment")
    assert [(r.invoice, r.instalment, r.client.external_id, r.amount) for r in rows] == [
        ("NF10", 1, "C101", Decimal("1234.56")),
        ("NF10", 2, "C101", Decimal("1234.56")),
        ("NF11", 1, "C102", Decimal("500.00")),
    ]
    assert rows[2].paid_date == dt.date(2026, 4, 10)

    paid = write(tmp_path, "NF10;1;C101;01/03/2026;31/03/2026;1.234,56;02/04/2026;1.234,56")
    result = run_import("receivables", paid)
    assert "\n0 created, 1 updated, 0 unchanged" in result.out
    assert Receivable.objects.count() == 3
    assert Receivable.objects.get(invoice="NF10", instalment=1).paid_date == dt.date(2026, 4, 2)
    again = run_import("receivables", paid)
    assert "\n0 created, 0 updated, 1 unchanged" in again.out


def test_every_bad_row_is_named_and_nothing_is_written(clients, tmp_path):
    path = write(
        tmp_path,
        "NF1;1;C101;01/03/2026;31/03/2026;100,00;;",  # fine
        "NF2;1;C101;10/03/2026;01/03/2026;100,00;;",  # due before issue
        "NF3;1;C101;01/03/2026;31/03/2026;-5,00;;",  # negative
        "NF4;1;C101;01/03/2026;31/03/2026;100,00;05/04/2026;150,00",  # paid more than owed
        "NF5;1;C999;01/03/2026;31/03/2026;100,00;;",  # unknown client
        "NF6;1;C102;01/03/2026;31/03/2026;100,00;;",
        "NF6;1;C102;01/03/2026;30/04/2026;100,00;;",  # duplicated invoice + instalment
        "NF7;1;C102;01/03/2026;31/03/2026;100,00;;80,00",  # paid without a date
    )
    result = run_import("receivables", path)
    assert result.error is not None
    out = result.out
    assert "line 3, invoice NF2, column 'vencimento', value '01/03/2026'" in out
    assert "The due date 01/03/2026 is before the issue date 10/03/2026." in out
    assert "'-5,00' is negative; an amount here cannot be below zero." in out
    assert "The amount paid 150,00 is more than the amount owed 100,00." in out
    assert "Client 'C999' does not exist" in out
    assert "The same invoice + instalment 'NF6 / 1' is also on line 8." in out
    assert "The same invoice + instalment 'NF6 / 1' is also on line 7." in out
    assert "An amount paid (80,00) needs the payment date." in out
    assert Receivable.objects.count() == 0


def test_skip_invalid_loads_the_good_rows_only(clients, tmp_path):
    path = write(
        tmp_path,
        "NF1;1;C101;01/03/2026;31/03/2026;100,00;;",
        "NF2;1;C101;10/03/2026;01/03/2026;100,00;;",
    )
    result = run_import("receivables", path, "--skip-invalid")
    assert result.error is None, result.out
    assert list(Receivable.objects.values_list("invoice", flat=True)) == ["NF1"]
