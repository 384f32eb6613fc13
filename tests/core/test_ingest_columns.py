"""The columnar pass (``ingest.csvfast`` + ``ingest.columns``) reads and refuses a file with
exactly the streaming validator's errors: same lines, columns, values, codes, messages,
row keys and order, batch effects included (which first line of a duplicate the writer
saw, where reading stops)."""

import dataclasses
from pathlib import Path

import pytest

from carteira_core.ingest import DEFAULT_LIMITS, open_import, open_table, runs
from carteira_core.ingest.columns import WRITER, Tagged, check_columns, verdict
from carteira_core.ingest.csvfast import read_cells
from carteira_core.ingest.problems import RowError

FIXTURES = Path(__file__).parents[1] / "fixtures" / "import"


def shown(errors):
    return [(e.line, e.column, e.value, e.code, e.message, e.key, e.params) for e in errors]


def streaming(kind, path, size, limit=10**9):
    """What ``imports.services._one_pass`` collects from the validator: errors batch by
    batch, stopping after the batch where more than ``limit`` lines have problems."""
    errors, lines, records = [], set(), []
    with open_import(kind, path, batch_size=size) as run:
        for batch in run.validator.batches(run._table, size=size):  # row by row
            errors += batch.errors
            records += [r.line for r in batch.records]
            lines.update(e.line for e in batch.errors)
            if len(lines) > limit:
                break
        total = run.summary.total
    return sorted(errors, key=lambda e: e.line), total, records


def batches_agree(kind, path, size):
    """``run.batches()`` by columns yields the row-by-row validator's batches: the same
    records (values and their types), errors in their order, revoked lines, counts."""
    with open_import(kind, path, batch_size=size) as run:
        expected = [_plain(b) for b in run.validator.batches(run._table, size=size)]
        counts = (run.summary.total, run.summary.valid, run.summary.invalid)
    with open_import(kind, path, batch_size=size) as run:
        assert run.columns() is not None, "the column pass declined the file"
        got = [_plain(b) for b in run.batches()]
        assert (run.summary.total, run.summary.valid, run.summary.invalid) == counts
    assert got == expected


def _plain(batch):
    records = [tuple((type(x).__name__, str(x)) for x in dataclasses.astuple(r))
               for r in batch.records]  # fmt: skip
    return records, shown(batch.errors), batch.revoked_lines


def columnar(kind, path, size, limit=10**9, wanted=()):
    with open_import(kind, path, batch_size=size) as run:
        cells = read_cells(path, run.info, DEFAULT_LIMITS)
        assert cells is not None, "the fast reader declined the file"
        check = check_columns(run.validator, cells, chunk_size=size, wanted=wanted)
    assert check is not None
    return check, verdict(check, [], limit=limit)


def same_as_streaming(kind, path, size=3, limit=10**9):
    expected, total, records = streaming(kind, path, size, limit)
    check, result = columnar(kind, path, size, limit)
    batches_agree(kind, path, size)
    assert shown(result.errors) == shown(expected)
    assert result.total == total
    if limit == 10**9:  # the writer gets exactly the records the batches carried
        assert check.writer_rows["line"].to_list() == records
    return result


def write(tmp_path, text, name="file.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


ORDERS = "pedido;cliente;data;valor;vendedor;situacao\n"


def test_orders_with_every_kind_of_cell_error_are_refused_with_the_same_report(tmp_path):
    path = write(tmp_path, ORDERS + (
        "P1;C1;07/03/2025;1.234,56;V1;\n"
        "P2;C1;31/02/2025;10,00;;cancelado\n"  # impossible date
        "P3;;07/03/2025;10;;\n"  # required client missing
        "P4;C2;7/3/2025;1.234;;\n"  # short date (scalar path), ambiguous amount
        "P5;C2;45723;R$ 12,5;;Cancelada\n"  # serial date
        "  ;C3;2025-03-07;-0,00;;\n"  # blank required id
        f"{'X' * 65};C3;2025-03-07;1;;\n"  # too long
        "P8;C\x01;2025-03-07;1;;\n"  # control character
        "P9;C3;2025-03-07;1,234;;;extra;more\n"  # extra values
        "P10;C3;2025-03-07;1,2,3;;\n"
        "P11;C3;2025-03-07;12345678901234567,00;;\n"  # too large
        "P12;C3;07/03/1899;1;;\n"  # out of range
        "P13;C3; 07/03/2025 ;  1,00 ;;\n"  # spaces around: scalar path, valid
    ))  # fmt: skip
    result = same_as_streaming("orders", path)
    codes = {e.code for e in result.errors}
    assert {"invalid_date", "required", "ambiguous_number", "date_serial_number", "too_long",
            "invalid_text", "extra_values", "number_too_large",
            "date_out_of_range"} <= codes  # fmt: skip
    assert 14 not in {e.line for e in result.errors} and 2 not in {e.line for e in result.errors}


def test_duplicates_within_and_across_batches_name_each_other_as_the_streaming_run(tmp_path):
    rows = [f"P{n};C1;07/03/2025;1;;" for n in range(1, 12)]
    rows[3] = "P1;C1;07/03/2025;1;;"  # line 5 repeats line 2 (another batch of 3)
    rows[5] = "P6;C1;07/03/2025;x;;"  # line 7 invalid, then repeated by line 8
    rows[6] = "P6;C1;07/03/2025;1;;"
    rows[9] = "P10;C1;07/03/2025;1;;"
    rows[10] = "P10;C1;07/03/2025;1;;"  # lines 11 and 12: the same batch
    path = write(tmp_path, ORDERS + "\n".join(rows) + "\n")
    result = same_as_streaming("orders", path, size=3)
    assert [(e.line, e.params.get("other_line")) for e in result.errors
            if e.code == "duplicate_key"] == [(2, 5), (5, 2), (7, 8), (8, 7), (11, 12),
                                              (12, 11)]  # fmt: skip


@pytest.mark.parametrize("size", [1, 2, 5, 5000])
def test_batch_size_does_not_change_the_agreement(tmp_path, size):
    rows = [f"P{n % 7};C{n};0{n % 9 + 1}/03/2025;{n},5{n % 3};;" for n in range(40)]
    rows[17] = "P99;C1;07/13/2025;1;;"
    path = write(tmp_path, ORDERS + "\n".join(rows) + "\n")
    same_as_streaming("orders", path, size=size)


def test_clients_with_two_unique_keys_and_scalar_only_fields(tmp_path):
    path = write(tmp_path, (
        "codigo;razao_social;cnpj_cpf;uf;cep;telefone;email;latitude;longitude;data_cadastro\n"
        "C1;Alfa;11.222.333/0001-81;sp;01310-100;(11) 3333-4444;a@B.com;-23,5;-46.6;01/02/2020\n"
        "C2;Beta;11222333000181;São Paulo;1310100;11 3333 4444;b@b.com;91;-46;2020-02-01\n"
        "C3;Gama;123;XX;abc;12;nope;1;1;x\n"
        "C1;Delta;;RS;;;;;;\n"
        "C4;Eps;529.982.247-25;rs;;;;;;\n"
        "C5;Zeta;52998224725;rs;;;;;;\n"
    ))  # fmt: skip
    result = same_as_streaming("clients", path, size=2)
    assert {"invalid_document", "invalid_state", "invalid_latitude", "duplicate_key"} <= {
        e.code for e in result.errors}  # fmt: skip


def test_contacts_folded_key_applies_only_without_a_code(tmp_path):
    path = write(tmp_path, (
        "cliente;nome;codigo;email\n"
        "C1;José Silva;;\n"
        "C1;JOSE  silva;;\n"  # folded: the same person
        "C1;José Silva;K1;\n"  # has a code: not keyed by name
        "C2;Ana;K1;x@\n"
    ))  # fmt: skip
    same_as_streaming("contacts", path, size=2)


def test_receivables_checks_and_the_default_instalment_in_the_key(tmp_path):
    path = write(tmp_path, (
        "nota;parcela;cliente;emissao;vencimento;valor;pagamento;valor_pago\n"
        "N1;;C1;10/01/2025;09/01/2025;100,00;;\n"  # due before issue
        "N1;1;C1;10/01/2025;10/02/2025;100,00;;\n"  # same key as line 2 (default 1)
        "N2;1;C1;10/01/2025;10/02/2025;100,00;11/02/2025;150,00\n"  # paid over
        "N3;1;C1;10/01/2025;10/02/2025;100,00;;50,00\n"  # paid without date
        "N4;0;C1;10/01/2025;10/02/2025;-1,00;;\n"  # bad instalment, negative
        "N5;2;C1;10/01/2025;10/02/2025;100,00;10/02/2025;100,00\n"
    ))  # fmt: skip
    result = same_as_streaming("receivables", path, size=2)
    assert {"due_before_issue", "paid_over_amount", "paid_without_date", "invalid_instalment",
            "negative_amount", "duplicate_key"} <= {e.code for e in result.errors}  # fmt: skip


def test_spend_and_complaints_keys_with_dates_and_times(tmp_path):
    spend = write(tmp_path, (
        "inicio;fim;canal;valor;vendedor\n"
        "01/01/2025;31/01/2025;Feira;100;\n"
        "2025-01-01;31/12/2024;Feira;100;\n"  # same key, ends before it starts
        "01/01/2025;31/01/2025;Feira;100;V1\n"
    ), name="spend.csv")  # fmt: skip
    same_as_streaming("acquisition_spend", spend, size=2)
    complaints = write(tmp_path, (
        "cliente;abertura;categoria;severidade;encerramento\n"
        "C1;07/03/2025 14:30;Atraso;alta;06/03/2025\n"
        "C1;2025-03-07T14:30:00;ATRASO;média;\n"
        "C2;07/03/2025 25:00;Atraso;urgente;\n"
    ), name="complaints.csv")  # fmt: skip
    same_as_streaming("complaints", complaints, size=1)


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.glob("*.csv")
                                        if p.stem.split("_")[0] != "clients"
                                        or p.stem == "clients"))  # fmt: skip
def test_every_standard_fixture_agrees(name):
    kind = {"credit": "credit_limits", "acquisition": "acquisition_spend"}.get(
        name.split("_")[0], name.split("_")[0].removesuffix(".csv")
    )
    path = FIXTURES / name
    with open_import(kind, path) as run:
        if read_cells(path, run.info, DEFAULT_LIMITS) is None:
            pytest.skip("quoted fields: the streaming reader reads it")
    same_as_streaming(kind, path, size=2)


def test_reading_stops_after_the_same_batch_when_too_many_rows_have_problems(tmp_path):
    rows = [f"P{n};C1;07/03/2025;{'x' if n % 3 else '1'};;" for n in range(30)]
    path = write(tmp_path, ORDERS + "\n".join(rows) + "\n")
    result = same_as_streaming("orders", path, size=4, limit=5)
    assert result.stopped and result.total == 12


def test_writer_errors_take_their_place_between_a_rows_own_and_its_duplicate(tmp_path):
    path = write(
        tmp_path, ORDERS + "P1;C1;07/03/2025;1;;\nP2;C1;07/03/2025;1;;\nP1;C1;07/03/2025;1;;\n"
    )
    check, _result = columnar("orders", path, 1, wanted=("client_external_id",))
    assert check.writer_rows["line"].to_list() == [2, 3]  # line 2 went out before line 4
    unknown = RowError(2, "cliente", "C1", "unknown_client", "unknown", {}, "P1")
    result = verdict(check, [Tagged(0, WRITER, unknown)], limit=10)
    assert [(e.line, e.code) for e in result.errors] == [
        (2, "unknown_client"),
        (2, "duplicate_key"),
        (4, "duplicate_key"),
    ]


@pytest.mark.parametrize(("text", "encoding"), [
    ("a;b\r\n\r\n1;2\r\n  ;  \r\n;;\r\n3;4;5\r\n\x1f;\r\n6\r\n", "utf-8"),
    ("\ufeffa;b\n1;Conceição\n\n2;x\n", "utf-8"),
    ("a\tb\n1\tConceição\n", "utf-16"),
    ("Código;b\n1;Conceição\n", "cp1252"),
])  # fmt: skip
def test_the_fast_reader_gives_the_streaming_readers_records(tmp_path, text, encoding):
    path = write(tmp_path, text, encoding=encoding)
    with open_table(path) as table:
        expected = [(row.line, list(row.values)) for row in table]
        cells = read_cells(path, table.info, DEFAULT_LIMITS)
    assert cells is not None
    assert list(zip(cells.lines.to_list(), cells.fields.to_list(), strict=True)) == expected


@pytest.mark.parametrize("text", ['a;b\n"1";2\n', "a;b\r1;2\r", "a;b\n1;2\n3;" + "x" * 40])
def test_the_fast_reader_leaves_quotes_lone_carriage_returns_and_limits_to_the_stream(
    tmp_path, text
):
    path = write(tmp_path, text)
    limits = dataclasses.replace(DEFAULT_LIMITS, max_cell_chars=30)
    with open_table(path) as table:
        assert read_cells(path, table.info, limits) is None


def test_a_file_over_the_column_batches_size_is_validated_row_by_row(tmp_path, monkeypatch):
    path = write(tmp_path, ORDERS + "P1;C1;07/03/2025;1;;\nP2;C1;07/03/2025;x;;\n")
    monkeypatch.setattr(runs, "column_batches", None)  # calling it would fail
    limits = dataclasses.replace(DEFAULT_LIMITS, max_column_batches_bytes=10)
    with open_import("orders", path, limits=limits) as run:
        batches = list(run.batches())
    assert [[r.line for r in b.records] for b in batches] == [[2]]
    assert [e.line for b in batches for e in b.errors] == [3]
