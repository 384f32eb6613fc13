"""A bad file is refused after one columnar pass (``imports.columnar``) with exactly the
report the streaming path gives — errors (the writer's unknown clients and sellers among
them), their order and row keys, counts, message, where reading stopped — and nothing is
staged or written."""

import pytest

from carteira.imports import columnar, services
from carteira.imports.bulk import SqliteStage
from carteira.imports.services import do_import
from carteira.orders.models import Order
from carteira.organization.models import Seller
from tests.personas import make_client

pytestmark = pytest.mark.django_db(transaction=True)


def report_of(run, report):
    errors = [(e.line, e.column, e.value, e.code, e.message, e.key, e.params)
              for e in report.errors]  # fmt: skip
    return (run.status, run.total, run.rejected, run.created, run.message, run.report,
            report.stopped, errors)  # fmt: skip


def both_paths(monkeypatch, kind, path, **options):
    """(the streaming path's report, the columnar path's report, whether it refused)."""
    used = []
    real = columnar.check_by_columns

    def spy(*args, **kwargs):
        checked = real(*args, **kwargs)
        used.append(checked is not None and checked.refused)
        return checked

    with monkeypatch.context() as patch:
        patch.setattr(services, "check_by_columns", lambda *a, **k: None)
        streaming = report_of(*do_import(kind, path, **options))
    with monkeypatch.context() as patch:
        patch.setattr(services, "check_by_columns", spy)
        by_columns = report_of(*do_import(kind, path, **options))
    return streaming, by_columns, used == [True]


@pytest.fixture
def clients(db, media):
    seller = Seller.objects.create(external_id="V1", name="Vera")
    return {code: make_client(code, seller) for code in ("C1", "C2", "C3")}


def orders(tmp_path, rows, header="pedido;cliente;data;valor;vendedor"):
    path = tmp_path / "pedidos.csv"
    path.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="cp1252")
    return path


def test_a_file_with_every_kind_of_error_gets_the_streaming_report(monkeypatch, clients,
                                                                    tmp_path):  # fmt: skip
    path = orders(tmp_path, [
        "P1;C1;07/03/2025;1.234,56;V1",
        "P2;C9;07/03/2025;10,00;V1",  # unknown client (the writer's check)
        "P3;C1;07/03/2025;10,00;V9",  # unknown seller
        "P4;C9;07/03/2025;10,00;V9",  # both: only the client is named
        "P5;C1;31/02/2025;x;",  # two bad cells
        "P6;;07/03/2025;1;",  # required client missing
        "P2;C2;07/03/2025;1;",  # repeats line 3 (an earlier batch, which saw C9)
        "P8;C2;07/03/2025;1;;extra",
        "P9;C3;2025-03-07;R$ 1.000,00;",
    ])  # fmt: skip
    streaming, by_columns, refused = both_paths(monkeypatch, "orders", path, batch_size=2)
    assert refused
    assert by_columns == streaming
    assert [(line, code) for line, _c, _v, code, *_rest in by_columns[-1]] == [
        (3, "unknown_client"), (3, "duplicate_key"), (4, "unknown_seller"),
        (5, "unknown_client"), (6, "invalid_date"), (6, "invalid_number"), (7, "required"),
        (8, "duplicate_key"), (9, "extra_values"),
    ]  # fmt: skip
    assert Order.objects.count() == 0


def test_a_file_whose_only_problem_is_an_unknown_client_is_refused_by_one_join(
    monkeypatch, clients, tmp_path
):
    path = orders(tmp_path, [f"P{n};C{n % 3 + 1};07/03/2025;{n},00;" for n in range(20)]
                  + ["P99;C404;07/03/2025;1,00;"])  # fmt: skip
    streaming, by_columns, refused = both_paths(monkeypatch, "orders", path, batch_size=6)
    assert refused and by_columns == streaming
    assert by_columns[0] == "failed" and by_columns[2] == 1


def test_reading_stops_at_the_same_batch_when_too_many_rows_have_problems(
    monkeypatch, clients, tmp_path, settings
):
    settings.CARTEIRA_IMPORT_MAX_PROBLEMS = 3
    path = orders(tmp_path, [f"P{n};C{1 if n % 2 else 9};07/03/2025;1;" for n in range(30)])
    streaming, by_columns, refused = both_paths(monkeypatch, "orders", path, batch_size=4)
    assert refused and by_columns == streaming
    assert by_columns[6].startswith("Mais de 3 linhas têm problemas")  # pt-BR by default


def test_a_refused_file_stages_nothing(monkeypatch, clients, tmp_path):
    path = orders(tmp_path, ["P1;C1;07/03/2025;1,00;", "P2;C1;07/03/2025;x;"])

    def staged(*args, **kwargs):  # pragma: no cover - the failure says it
        raise AssertionError("a refused file reached the stage")

    monkeypatch.setattr(SqliteStage, "apply", staged)
    run, report = do_import("orders", path)
    assert (run.status, run.rejected, [e.line for e in report.errors]) == ("failed", 1, [3])


def test_a_valid_file_goes_on_through_the_writer(clients, tmp_path):
    path = orders(tmp_path, ["P1;C1;07/03/2025;1,00;V1", "P2;C2;08/03/2025;2,50;"])
    run, _report = do_import("orders", path)
    assert (run.status, run.created, Order.objects.count()) == ("committed", 2, 2)


@pytest.mark.parametrize(("kind", "text"), [
    ("receivables", "nota;parcela;cliente;emissao;vencimento;valor;pagamento;valor_pago\n"
                    "N1;;C1;10/01/2025;09/01/2025;100,00;;\nN2;1;C9;10/01/2025;10/02/2025;1;;\n"
                    "N1;1;C2;10/01/2025;10/02/2025;100,00;;50,00\n"),
    ("interactions", "cliente;data;canal;sucesso;vendedor\nC1;07/03/2025;visita;sim;V1\n"
                     "C9;07/03/2025;telefone;não;\nC2;07/03/2025;pombo;sim;V7\n"
                     "C3;07/03/2025;email;talvez;V7\nC3;07/03/2025;email;sim;V7\n"),
    ("credit_limits", "cliente;limite\nC1;1.000,00\nC9;5\nC2;-1\nC1;2\n"),
])  # fmt: skip
def test_other_kinds_checked_by_name_get_the_streaming_report(monkeypatch, clients, tmp_path,
                                                              kind, text):  # fmt: skip
    path = tmp_path / f"{kind}.csv"
    path.write_text(text)
    streaming, by_columns, refused = both_paths(monkeypatch, kind, path, batch_size=2)
    assert refused and by_columns == streaming
