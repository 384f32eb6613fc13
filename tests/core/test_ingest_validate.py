from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from carteira_core.ingest import (
    KINDS,
    SCHEMAS,
    IngestError,
    RawRow,
    RowValidator,
    map_headers,
    open_import,
    validate_rows,
)
from carteira_core.ingest.headers import lookup_table

FIXTURES = Path(__file__).parents[1] / "fixtures" / "import"


def run(kind: str, header, rows, **kwargs):
    raw = [RawRow(line, tuple(values)) for line, values in enumerate(rows, start=2)]
    batches = list(validate_rows(kind, header, raw, **kwargs))
    records = [r for b in batches for r in b.records]
    errors = [e for b in batches for e in b.errors]
    return batches, records, errors


# ------------------------------------------------------------------------- headers


def test_headers_match_ignoring_case_accents_spaces_hyphens_and_aliases():
    header = ["Número", "CLIENTE", "Data Emissão", "Valor_Total", "Situação", "Vendedor"]
    mapped = map_headers("orders", header)
    assert mapped.fields == ("external_id", "client_external_id", "date", "amount", "status",
                             "seller_external_id")  # fmt: skip
    assert mapped.errors == () and mapped.unknown == ()


def test_missing_required_duplicated_and_unknown_columns_are_reported():
    mapped = map_headers("clients", ["Código", "Nome", "Razão Social", "Observação"])
    assert mapped.missing == ()
    assert mapped.unknown == ("Observação",)
    assert [(e.line, e.code, e.column) for e in mapped.errors] == [(1, "duplicate_column", "name")]
    assert "'Nome', 'Razão Social'" in mapped.errors[0].message
    missing = map_headers("orders", ["pedido", "valor"])
    assert missing.missing == ("client_external_id", "date")
    assert {e.code for e in missing.errors} == {"missing_column"}


def test_a_user_mapping_maps_other_layouts_and_can_ignore_columns():
    header = ["Cod. Parceiro", "Nome", "Razão Social", "Vlr"]
    mapped = map_headers("clients", header, {"cod. parceiro": "external_id", "Razão Social": None})
    assert mapped.fields == ("external_id", "name", None, None)
    assert mapped.errors == ()
    assert mapped.unknown == ("Vlr",)
    assert mapped.present == {"external_id", "name"}


def test_a_mapping_to_an_unknown_field_or_an_unknown_kind_is_refused():
    with pytest.raises(IngestError) as caught:
        map_headers("clients", ["x"], {"x": "password"})
    assert caught.value.code == "mapping_unknown_field"
    with pytest.raises(IngestError) as caught:
        map_headers("users", ["x"])
    assert caught.value.code == "unknown_kind"


def test_no_alias_feeds_two_fields_of_the_same_kind():
    for schema in SCHEMAS.values():
        names = [n for spec in schema.fields for n in {spec.name, *spec.aliases}]
        assert len(lookup_table(schema)) == len({n.replace("-", "") for n in names})


def test_a_bad_header_stops_the_validator_with_every_problem_listed():
    with pytest.raises(IngestError) as caught:
        RowValidator("orders", ["pedido", "pedido", "valor"])
    assert caught.value.code == "invalid_header"
    assert {e.code for e in caught.value.errors} == {"duplicate_column", "missing_column"}


# --------------------------------------------------------------------------- rows

ORDER_HEADER = ["pedido", "cliente", "data", "valor", "margem", "situacao"]


def test_valid_order_rows_become_typed_records():
    _, records, errors = run("orders", ORDER_HEADER, [
        ["P1", "C1", "07/03/2025", "R$ 1.234,56", "(10,00)", "Cancelada"],
        ["P2", "C1", "2025-03-08", "10", "", ""],
    ])  # fmt: skip
    assert errors == []
    first, second = records
    assert (first.line, first.date, first.amount, first.margin, first.status) == (
        2, date(2025, 3, 7), Decimal("1234.56"), Decimal("-10.00"), "cancelled"
    )  # fmt: skip
    assert (second.margin, second.status, second.seller_external_id) == (None, "valid", None)


def test_every_bad_cell_is_reported_with_line_column_value_and_code():
    _, records, errors = run("orders", ORDER_HEADER, [
        ["P1", "", "31/02/2025", "1.234", "x", ""],
        ["P2", "C1", "2025-03-08", "10", "", "", "extra!"],
    ])  # fmt: skip
    assert records == []
    assert [(e.line, e.column, e.value, e.code) for e in errors] == [
        (2, "cliente", "", "required"),
        (2, "data", "31/02/2025", "invalid_date"),
        (2, "valor", "1.234", "ambiguous_number"),
        (2, "margem", "x", "invalid_number"),
        (3, "", "extra!", "extra_values"),
    ]


def test_trailing_empty_separators_are_not_extra_values():
    _, records, errors = run("orders", ORDER_HEADER, [["P1", "C1", "2025-03-07", "1", "", "", ""]])
    assert errors == [] and len(records) == 1


def test_a_duplicate_external_id_reports_both_lines_naming_the_other():
    _, records, errors = run("orders", ORDER_HEADER[:4], [
        ["P1", "C1", "2025-03-07", "1"],
        ["P2", "C1", "2025-03-07", "1"],
        ["P1", "C2", "2025-03-08", "2"],
        ["P1", "C3", "2025-03-09", "3"],
    ])  # fmt: skip
    assert [r.external_id for r in records] == ["P2"]
    dups = sorted((e.line, e.params["other_line"]) for e in errors)
    assert dups == [(2, 4), (4, 2), (5, 2)]
    assert all(e.code == "duplicate_key" and e.column == "pedido" for e in errors)


def test_a_duplicate_found_in_a_later_batch_revokes_the_earlier_valid_line():
    rows = [[f"P{i}", "C1", "2025-03-07", "1"] for i in range(10)]
    rows.append(["P3", "C1", "2025-03-07", "1"])
    raw = [RawRow(line, tuple(values)) for line, values in enumerate(rows, start=2)]
    validator = RowValidator("orders", ORDER_HEADER[:4])
    batches = list(validator.batches(raw, size=4))
    revoked = [line for b in batches for line in b.revoked_lines]
    assert revoked == [5]  # P3 went out valid in the first batch
    assert [e.line for e in batches[-1].errors] == [5, 12]
    s = validator.summary
    assert (s.total, s.valid, s.invalid) == (11, 9, 2)


def test_same_document_twice_in_a_clients_file_is_a_duplicate():
    _, records, errors = run("clients", ["codigo", "nome", "cnpj"], [
        ["C1", "A", "11.222.333/0001-81"],
        ["C2", "B", "11222333000181"],
        ["C3", "C", "12.ABC.345/01DE-35"],
    ])  # fmt: skip
    assert [r.external_id for r in records] == ["C3"]
    assert records[0].document == "12ABC34501DE35" and records[0].document_kind == "cnpj"
    assert sorted((e.line, e.column, e.code) for e in errors) == [
        (2, "cnpj", "duplicate_key"), (3, "cnpj", "duplicate_key")]  # fmt: skip


def test_a_line_already_invalid_is_not_counted_twice_when_duplicated():
    _, records, errors = run("orders", ORDER_HEADER[:4], [
        ["P1", "C1", "bad", "1"],
        ["P1", "C1", "2025-03-07", "1"],
    ])  # fmt: skip
    assert records == []
    assert sorted(e.code for e in errors) == ["duplicate_key", "duplicate_key", "invalid_date"]


def test_contacts_without_a_code_are_keyed_by_client_and_name():
    _, records, errors = run("contacts", ["cliente", "nome", "cargo", "codigo"], [
        ["C1", "Joana Pires", "Compradora", ""],
        ["C1", "JOANA PIRES", "", ""],
        ["C2", "Joana Pires", "", ""],
        ["C1", "Joana Pires", "", "K9"],
    ])  # fmt: skip
    assert [r.line for r in records] == [4, 5]
    assert sorted(e.line for e in errors) == [2, 3]


def test_interactions_have_no_duplicate_check_without_an_external_id():
    header = ["cliente", "data", "canal", "sucesso"]
    same = ["C1", "07/03/2025", "visita", "sim"]
    _, records, errors = run("interactions", header, [same, same])
    assert errors == [] and len(records) == 2
    assert (records[0].channel, records[0].successful) == ("visit", True)


def test_required_boolean_empty_is_an_error_not_false():
    _, _, errors = run("interactions", ["cliente", "data", "canal", "sucesso"],
                       [["C1", "07/03/2025", "visita", ""]])  # fmt: skip
    assert [(e.column, e.code) for e in errors] == [("sucesso", "required")]


# ----------------------------------------------------------------- whole fixtures


@pytest.mark.parametrize("kind", KINDS)
def test_the_standard_set_is_entirely_valid(kind):
    with open_import(kind, FIXTURES / f"{kind}.csv") as importing:
        batches = list(importing.batches())
        summary = importing.summary
    assert [e for b in batches for e in b.errors] == []
    assert summary.total == summary.valid > 0 and summary.invalid == 0
    assert summary.file.name == f"{kind}.csv"


def test_the_standard_set_is_consistent_across_kinds():
    def ids(kind, attribute):
        with open_import(kind, FIXTURES / f"{kind}.csv") as importing:
            return {getattr(r, attribute) for b in importing.batches() for r in b.records}

    sellers, clients = ids("sellers", "external_id"), ids("clients", "external_id")
    assert ids("clients", "seller_external_id") <= sellers
    for kind in ("orders", "interactions", "contacts"):
        assert ids(kind, "client_external_id") <= clients
    documents = ids("clients", "document")
    assert any(not d.isdigit() for d in documents)  # one alphanumeric CNPJ
    assert any(len(d) == 11 for d in documents)  # one CPF


def test_the_cp1252_erp_clients_file_reads_pt_br_values():
    with open_import("clients", FIXTURES / "clients_cp1252.csv") as importing:
        records = [r for b in importing.batches() for r in b.records]
    first, second, third = records
    assert first.name == "Conceição Nº 5 Comércio Ltda"
    assert first.postal_code == "01310-100"  # Excel ate the leading zero
    assert first.created_at == date(2025, 3, 7)
    assert second.document.startswith("0") and len(second.document) == 14  # restored
    assert second.state == "RS" and second.created_at == date(2025, 3, 7)
    assert third.created_at == date(2024, 12, 31)


def test_the_cp1252_orders_file_gives_exact_decimals():
    with open_import("orders", FIXTURES / "orders_cp1252.csv") as importing:
        records = [r for b in importing.batches() for r in b.records]
    expected = ["1234.56", "-1234.56", "2500.00", "-99.90", "1234.50"]
    assert [r.amount for r in records] == [Decimal(x) for x in expected]
    assert [r.status for r in records] == ["valid", "valid", "cancelled", "valid", "cancelled"]


def test_the_broken_orders_file_reports_every_bad_line():
    with open_import("orders", FIXTURES / "orders_broken.csv") as importing:
        batches = list(importing.batches())
        summary = importing.summary
    found = sorted({(e.line, e.code) for b in batches for e in b.errors})
    assert found == [
        (2, "duplicate_key"), (3, "invalid_date"), (4, "date_serial_number"),
        (5, "ambiguous_number"), (6, "too_many_decimals"), (7, "invalid_number"),
        (7, "required"), (8, "duplicate_key"), (9, "invalid_date"),
    ]  # fmt: skip
    assert [r.external_id for b in batches for r in b.records] == ["B8"]
    assert (summary.total, summary.valid, summary.invalid) == (9, 1, 8)


# ------------------------------------------------------------------------- row keys


def test_each_error_names_its_row_by_the_order_number_as_the_file_wrote_it():
    _, _, errors = run("orders", ORDER_HEADER[:4], [
        [" P-17 ", "", "2025-03-07", "1"],
        ["P-18", "C1", "31/02/2025", "x"],
        ["", "C1", "2025-03-07", "1"],
    ])  # fmt: skip
    assert [(e.line, e.key, e.code) for e in errors] == [
        (2, "P-17", "required"),
        (3, "P-18", "invalid_date"),
        (3, "P-18", "invalid_number"),
        (4, "", "required"),
    ]


def test_contacts_and_interactions_are_named_by_their_client_code():
    _, _, contact_errors = run("contacts", ["cliente", "nome", "email"], [["C9", "Ana", "x@"]])
    _, _, visit_errors = run(
        "interactions", ["cliente", "data", "canal", "sucesso"], [["C7", "ontem", "visita", "1"]]
    )
    assert [(e.key, e.code) for e in contact_errors] == [("C9", "invalid_email")]
    assert [(e.key, e.code) for e in visit_errors] == [("C7", "invalid_date")]


def test_both_lines_of_a_duplicate_carry_their_own_row_key():
    _, _, by_code = run("orders", ORDER_HEADER[:4], [
        ["P1", "C1", "2025-03-07", "1"],
        ["P1", "C2", "2025-03-08", "2"],
    ])  # fmt: skip
    _, _, by_document = run("clients", ["codigo", "nome", "cnpj"], [
        ["C1", "A", "11.222.333/0001-81"],
        ["C2", "B", "11222333000181"],
    ])  # fmt: skip
    assert sorted((e.line, e.key) for e in by_code) == [(2, "P1"), (3, "P1")]
    assert sorted((e.line, e.key) for e in by_document) == [(2, "C1"), (3, "C2")]


def test_header_problems_have_no_row_key():
    with pytest.raises(IngestError) as refused:
        RowValidator("orders", ["pedido", "data"])
    assert {e.key for e in refused.value.errors} == {""}
