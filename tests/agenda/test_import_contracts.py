"""`carteira import contracts`: client contracts and their end dates from a file; each
becomes a renewal task in the client's seller's week N days before it ends; idempotent by
client and contract, all or nothing, bad rows named."""

import datetime as dt

import pytest
import time_machine

from carteira.agenda.models import ClientContract, Task
from tests.imports.conftest import run_import
from tests.personas import make_client

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 12, 1, 15, tzinfo=dt.UTC)  # a Tuesday


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def clients(db, seller_ana, media):
    return {code: make_client(code, seller_ana, state="RS") for code in ("C101", "C102")}


def write(tmp_path, text, name="contratos.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="cp1252")
    return path


def renewals():
    return sorted(
        Task.objects.filter(origin="renewal", status="open").values_list(
            "client__external_id", "due_date", "scheduled_date"
        )
    )


def test_contracts_load_and_their_renewals_are_planned_in_the_sellers_week(clients, tmp_path):
    path = write(tmp_path, "cliente;contrato;vencimento;dias_antes\n"
                           "C101;Fornecimento 2026;30/12/2026;\n"
                           "C102;Comodato de freezer;15/01/2027;20\n")  # fmt: skip
    with time_machine.travel(NOW, tick=False):
        result = run_import("contracts", path)
        assert result.error is None, result.out
        assert "\n2 created, 0 updated, 0 unchanged" in result.out
        rows = sorted(ClientContract.objects.values_list("client__external_id", "name",
                                                         "ends_on", "renewal_days"))  # fmt: skip
        assert rows == [("C101", "Fornecimento 2026", dt.date(2026, 12, 30), 30),
                        ("C102", "Comodato de freezer", dt.date(2027, 1, 15), 20)]  # fmt: skip
        # 30/12 − 30 days = 30/11 (past): planned today; 15/01 − 20 = 26/12 (Saturday): 28/12.
        assert renewals() == [("C101", dt.date(2026, 11, 30), dt.date(2026, 12, 1)),
                              ("C102", dt.date(2026, 12, 26), dt.date(2026, 12, 28))]  # fmt: skip
        again = run_import("contracts", path)
        assert "\n0 created, 0 updated, 2 unchanged" in again.out
        moved = write(tmp_path, "cliente;contrato;vencimento\nC101;Fornecimento 2026;31/01/2027\n")
        assert "\n0 created, 1 updated, 0 unchanged" in run_import("contracts", moved).out
        assert renewals()[0][:2] == ("C101", dt.date(2027, 1, 1))


def test_bad_rows_are_named_and_nothing_is_written(clients, tmp_path):
    path = write(tmp_path, "cliente;contrato;vencimento;dias_antes\n"
                           "C999;Fornecimento;30/12/2026;\n"
                           "C101;Fornecimento;31/02/2026;\n"
                           "C102;Fornecimento;30/12/2026;400\n"
                           "C101;Comodato;30/12/2026;\n"
                           "C101;Comodato;30/01/2027;\n")  # fmt: skip
    result = run_import("contracts", path)
    assert result.error is not None
    out = result.out
    assert "Client 'C999' does not exist" in out
    assert "'31/02/2026'" in out
    assert "'400' days before the end: at most 365." in out
    assert "is also on line 6." in out and "is also on line 5." in out
    assert ClientContract.objects.count() == 0
    assert Task.objects.count() == 0
