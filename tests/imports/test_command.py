import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from carteira.audit.models import AuditEvent
from carteira.imports.models import ImportRun
from carteira.orders.models import Order
from tests.imports.conftest import FIXTURES, run_import

BROKEN_LINES = (
    "9006;C101;31/02/2025;10,00;;\r\n"  # line 7: no such date
    "9007;C999;01/03/2025;5,00;;\r\n"  # line 8: unknown client
    "9008;C102;02/03/2025;abc;;\r\n"  # line 9: not a number
)


@pytest.fixture
def broken_orders(tmp_path):
    """The ERP's cp1252, ';'-separated orders file with three broken rows at the end."""
    path = tmp_path / "pedidos.csv"
    path.write_bytes((FIXTURES / "orders_cp1252.csv").read_bytes() + BROKEN_LINES.encode("cp1252"))
    return path


@pytest.mark.django_db
class TestTheIssuesDoneWhen:
    def test_a_dry_run_names_every_broken_row_and_writes_nothing(self, erp_clients, broken_orders):
        result = run_import("orders", broken_orders, "--dry-run")
        assert "5 would be created, 0 would be updated, 0 unchanged, 3 rejected" in result.out
        assert "line 7, order 9006, column 'Data Emissão', value '31/02/2025'" in result.out
        assert (
            "line 8, order 9007, column 'Cliente', value 'C999': Client 'C999' does not exist"
            in result.out
        )
        assert "line 9, order 9008, column 'Valor Total', value 'abc'" in result.out
        assert str(result.error) == ("dry run: 3 rows are invalid; the import would write nothing")
        assert Order.objects.count() == 0

    def test_the_default_import_writes_nothing_and_says_why(self, erp_clients, broken_orders):
        result = run_import("orders", broken_orders)
        assert str(result.error).startswith("Nothing was written: 3 rows are invalid.")
        assert "0 created, 0 updated, 0 unchanged, 3 rejected" in result.out
        assert Order.objects.count() == 0
        assert ImportRun.objects.get().status == ImportRun.Status.FAILED

    def test_skip_invalid_loads_the_rest_to_the_cent_and_again_changes_nothing(
        self, erp_clients, broken_orders, tmp_path
    ):
        errors = tmp_path / "rejeitadas.csv"
        first = run_import("orders", broken_orders, "--skip-invalid", "--errors", errors)
        assert first.error is None
        assert "5 created, 0 updated, 0 unchanged, 3 rejected" in first.out
        amounts = dict(Order.objects.values_list("external_id", "amount"))
        assert amounts == {
            "9001": Decimal("1234.56"),
            "9002": Decimal("-1234.56"),
            "9003": Decimal("2500.00"),
            "9004": Decimal("-99.90"),
            "9005": Decimal("1234.50"),
        }
        cancelled = Order.objects.filter(status="cancelled").values_list("external_id", flat=True)
        assert sorted(cancelled) == ["9003", "9005"]
        lines = errors.read_text(encoding="utf-8-sig").splitlines()
        assert lines[0] == "line,key (order or client code),column,value,reason"
        assert [row.split(",")[0] for row in lines[1:]] == ["7", "8", "9"]
        assert [row.split(",")[1] for row in lines[1:]] == ["9006", "9007", "9008"]

        again = run_import("orders", broken_orders, "--skip-invalid")
        assert "0 created, 0 updated, 5 unchanged, 3 rejected" in again.out
        assert Order.objects.count() == 5


@pytest.mark.django_db
class TestIdempotentUpsert:
    def test_the_same_file_twice_changes_nothing_the_second_time(self, erp_clients):
        assert run_import("orders", FIXTURES / "orders_cp1252.csv").error is None
        second = run_import("orders", FIXTURES / "orders_cp1252.csv")
        assert "0 created, 0 updated, 5 unchanged, 0 rejected" in second.out
        assert Order.objects.count() == 5

    def test_a_file_overlapping_half_updates_in_place_and_adds_the_rest(
        self, erp_clients, tmp_path
    ):
        first, second = tmp_path / "a.csv", tmp_path / "b.csv"
        header = "pedido;cliente;data;valor\n"
        first.write_text(header + "".join(f"P{i};C101;01/03/2025;{i},00\n" for i in range(10)))
        second.write_text(
            header
            + "".join(f"P{i};C102;01/03/2025;{i},00\n" for i in range(5, 8))  # moved client
            + "".join(f"P{i};C101;01/03/2025;{i},00\n" for i in range(8, 10))  # as before
            + "".join(f"P{i};C101;02/03/2025;{i},50\n" for i in range(10, 15))  # new
        )
        assert "10 created" in run_import("orders", first).out
        ids = dict(Order.objects.values_list("external_id", "pk"))
        result = run_import("orders", second)
        assert "5 created, 3 updated, 2 unchanged, 0 rejected" in result.out
        assert Order.objects.count() == 15
        moved = Order.objects.filter(client__external_id="C102")
        assert sorted(moved.values_list("external_id", flat=True)) == ["P5", "P6", "P7"]
        assert all(ids[o.external_id] == o.pk for o in moved)  # updated in place
        assert Order.objects.get(external_id="P0").amount == Decimal("0.00")

    def test_duplicate_keys_in_one_file_are_reported_on_both_lines(self, erp_clients, tmp_path):
        path = tmp_path / "dup.csv"
        path.write_text("pedido;cliente;data;valor\nX1;C101;01/03/2025;1\nX1;C102;01/03/2025;2\n")
        result = run_import("orders", path, "--skip-invalid")
        assert "0 created, 0 updated, 0 unchanged, 2 rejected" in result.out
        assert (
            "line 2, order X1, column 'pedido', value 'X1': The same external_id 'X1' is also "
            "on line 3." in result.out
        )
        assert (
            "line 3, order X1, column 'pedido', value 'X1': The same external_id 'X1' is also "
            "on line 2." in result.out
        )
        assert Order.objects.count() == 0

    def test_an_order_for_an_unknown_client_is_rejected(self, erp_clients, tmp_path):
        path = tmp_path / "o.csv"
        path.write_text("pedido;cliente;data;valor\nX1;NOPE;01/03/2025;1\n")
        result = run_import("orders", path)
        assert (
            "line 2, order X1, column 'cliente', value 'NOPE': Client 'NOPE' does not exist"
            in result.out
        )
        assert Order.objects.count() == 0

    def test_every_import_is_in_the_audit_without_personal_data(self, erp_clients):
        run_import("orders", FIXTURES / "orders_cp1252.csv")
        event = AuditEvent.objects.get(action="import")
        assert event.details == {
            "kind": "orders", "status": "committed", "dry_run": False, "skip_invalid": False,
            "total": 5, "created": 5, "updated": 0, "unchanged": 0, "rejected": 0,
        }  # fmt: skip


@pytest.mark.django_db
def test_a_10k_row_file_with_row_9999_bad_writes_nothing_by_default_and_the_rest_when_skipping(
    erp_clients, tmp_path
):
    path = tmp_path / "big.csv"
    rows = [f"N{i},C101,2025-03-01,{i}.25" for i in range(1, 10_001)]
    rows[9_998] = "N9999,C101,2025-03-01,not-money"  # data row 9,999 (line 10,000)
    path.write_text("external_id,client_external_id,date,amount\n" + "\n".join(rows) + "\n")
    default = run_import("orders", path)
    assert "line 10000, order N9999, column 'amount', value 'not-money'" in default.out
    assert Order.objects.count() == 0
    skipping = run_import("orders", path, "--skip-invalid")
    assert "9,999 created, 0 updated, 0 unchanged, 1 rejected" in skipping.out
    assert Order.objects.count() == 9_999
    counts = skipping.err.splitlines()  # not a terminal: whole lines, never a carriage return
    assert "\r" not in skipping.err and counts[-1] == "10,000 rows read"
    assert all(line.endswith(" rows read") for line in counts)


@pytest.mark.django_db
class TestTheCommandSpeaksTheWorkspaceLanguage:
    """`carteira import` activates no language of its own: it speaks the workspace's
    (settings.LANGUAGE_CODE, Brazilian Portuguese), numbers included."""

    def run(self, *args) -> tuple[str, str, str]:
        out, err = io.StringIO(), io.StringIO()
        translation.deactivate()  # as in a fresh `carteira` process
        try:
            call_command("import", *map(str, args), stdout=out, stderr=err)
        except CommandError as refusal:
            return out.getvalue(), err.getvalue(), str(refusal)
        return out.getvalue(), err.getvalue(), ""

    def test_a_refused_file_is_reported_in_brazilian_portuguese(self, erp_clients, broken_orders):
        out, _err, refusal = self.run("orders", broken_orders)
        assert out.splitlines() == [
            "pedidos.csv: pedidos (cp1252, ';'), 8 linhas",
            "0 criada, 0 atualizada, 0 sem alteração, 3 rejeitadas",
            "linha 7, pedido 9006, coluna 'Data Emissão', valor '31/02/2025': '31/02/2025' não "
            "é uma data (use 31/12/2025 ou 2025-12-31).",
            "linha 8, pedido 9007, coluna 'Cliente', valor 'C999': O cliente 'C999' não existe: "
            "importe-o primeiro (arquivo de clientes).",
            "linha 9, pedido 9008, coluna 'Valor Total', valor 'abc': 'abc' não é um número.",
            "Nada foi gravado: 3 linhas inválidas.",
        ]
        assert refusal == (
            "Nada foi gravado: 3 linhas inválidas. "
            "Corrija-as ou use --skip-invalid para carregar as linhas válidas."
        )
        assert Order.objects.count() == 0

    def test_thousands_take_the_brazilian_separator(self, erp_clients, tmp_path):
        path = tmp_path / "grande.csv"
        rows = [f"N{i},C101,2025-03-01,{i}.25" for i in range(1, 1_201)]
        rows[-1] = "N1200,C101,2025-03-01,sem-valor"
        path.write_text("external_id,client_external_id,date,amount\n" + "\n".join(rows) + "\n")
        out, err, refusal = self.run("orders", path, "--skip-invalid")
        assert out.splitlines() == [
            "grande.csv: pedidos (utf-8, ','), 1.200 linhas",
            "1.199 criadas, 0 atualizada, 0 sem alteração, 1 rejeitada",
            "linha 1201, pedido N1200, coluna 'amount', valor 'sem-valor': 'sem-valor' não é um "
            "número.",
            "Importação concluída.",
        ]
        assert err == "1.200 linhas lidas\n"  # a whole line: stderr is no terminal here
        assert refusal == ""

    def test_a_dry_run_refusal_agrees_in_number(self, erp_clients, tmp_path):
        path = tmp_path / "um.csv"
        path.write_text("external_id,client_external_id,date,amount\nN1,C101,2025-03-01,x\n")
        _out, _err, refusal = self.run("orders", path, "--dry-run")
        assert refusal == "simulação: 1 linha inválida; a importação não gravaria nada"

    def test_a_missing_file_is_named_in_brazilian_portuguese(self, db, tmp_path):
        _out, _err, refusal = self.run("orders", tmp_path / "nada.csv")
        assert refusal == f"{tmp_path / 'nada.csv'}: arquivo não encontrado"
