from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carteira_core.ingest import values as v
from carteira_core.ingest.problems import ValueProblem


def code_of(parser, value) -> str:
    with pytest.raises(ValueProblem) as caught:
        parser(value)
    return caught.value.code


def test_fold_ignores_case_accents_spaces_hyphens_and_underscores():
    assert v.fold("Data Emissão") == v.fold("data_emissao") == "dataemissao"
    assert v.fold("E-mail") == "email"
    assert v.fold("CNPJ/CPF") == "cnpjcpf"


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2025-03-07", date(2025, 3, 7)),
        ("07/03/2025", date(2025, 3, 7)),
        ("7/3/2025", date(2025, 3, 7)),
        ("07/03/2025 14:30", date(2025, 3, 7)),
        ("07/03/2025 14:30:59", date(2025, 3, 7)),
        ("07-03-2025", date(2025, 3, 7)),
        ("07.03.2025", date(2025, 3, 7)),
        ("2025-03-07T14:30:00", date(2025, 3, 7)),
        (datetime(2025, 3, 7, 23, 59), date(2025, 3, 7)),
        (date(2025, 3, 7), date(2025, 3, 7)),
    ],
)
def test_dates_are_read_day_first_or_iso(cell, expected):
    assert v.parse_date(cell) == expected


@pytest.mark.parametrize(
    ("cell", "code"),
    [
        ("45723", "date_serial_number"),
        ("45723,5", "date_serial_number"),
        (45723, "date_serial_number"),
        (45723.25, "date_serial_number"),
        ("2025-02-30", "invalid_date"),
        ("03/25/2025", "invalid_date"),  # month-first is not guessed
        ("07/03/25", "invalid_date"),  # two-digit year is not guessed
        ("ontem", "invalid_date"),
        ("07/03-2025", "invalid_date"),
        ("01/01/1850", "date_out_of_range"),
        (datetime(2200, 1, 1), "date_out_of_range"),
    ],
)
def test_refused_dates(cell, code):
    assert code_of(v.parse_date, cell) == code


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
def test_formatting_a_date_day_first_or_iso_then_parsing_gives_it_back(day):
    assert v.parse_date(day.strftime("%d/%m/%Y")) == day
    assert v.parse_date(f"{day.day}/{day.month}/{day.year}") == day
    assert v.parse_date(day.isoformat()) == day


@pytest.mark.parametrize(
    "cell", ["true", "TRUE", "Sim", "SIM", "s", "yes", "Y", "1", "x", "X", "ativo", True, 1, 1.0]
)
def test_true_values(cell):
    assert v.parse_bool(cell) is True


@pytest.mark.parametrize("cell", ["false", "Não", "nao", "N", "no", "0", "falso", False, 0])
def test_false_values(cell):
    assert v.parse_bool(cell) is False


def test_unknown_boolean_is_refused():
    assert code_of(v.parse_bool, "talvez") == "invalid_boolean"
    assert code_of(v.parse_bool, 2) == "invalid_boolean"


@pytest.mark.parametrize(
    ("cell", "code"),
    [
        ("visit", "visit"), ("Visita", "visit"), ("phone", "phone"), ("Telefone", "phone"),
        ("Ligação", "phone"), ("e-mail", "email"), ("EMAIL", "email"), ("Carta", "letter"),
        ("WhatsApp", "whatsapp"), ("zap", "whatsapp"), ("Outro", "other"), ("other", "other"),
    ],
)  # fmt: skip
def test_channels(cell, code):
    assert v.parse_channel(cell) == code


def test_unknown_channel():
    assert code_of(v.parse_channel, "pombo-correio") == "invalid_channel"


@pytest.mark.parametrize("cell", ["cancelled", "CANCELADO", "Cancelada", "canceled"])
def test_cancelled_statuses(cell):
    assert v.parse_order_status(cell) == "cancelled"


@pytest.mark.parametrize("cell", ["valid", "Faturado", "Pendente", "qualquer coisa"])
def test_any_other_status_is_a_valid_order(cell):
    assert v.parse_order_status(cell) == "valid"


def test_states_by_code_or_name():
    assert v.parse_state("sp") == "SP"
    assert v.parse_state("São Paulo") == "SP"
    assert v.parse_state("rio grande do sul") == "RS"
    assert len(v.STATES) == 27
    assert code_of(v.parse_state, "XX") == "invalid_state"


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("01310-100", "01310-100"), ("01310100", "01310-100"), ("01.310-100", "01310-100"),
     ("1310100", "01310-100"), (1310100, "01310-100"), (90010150.0, "90010-150")],
)  # fmt: skip
def test_postal_codes(cell, expected):
    assert v.parse_postal_code(cell) == expected


@pytest.mark.parametrize("cell", ["123", "0131-0100x", "013101000"])
def test_bad_postal_codes(cell):
    assert code_of(v.parse_postal_code, cell) == "invalid_postal_code"


def test_coordinates():
    assert v.parse_latitude("-23,5614") == Decimal("-23.561400")
    assert v.parse_longitude(-46.6559) == Decimal("-46.655900")
    assert code_of(v.parse_latitude, "91") == "invalid_latitude"
    assert code_of(v.parse_longitude, "-180.5") == "invalid_longitude"
    assert code_of(v.parse_latitude, "1.234.5") == "invalid_latitude"


def test_emails():
    assert v.parse_email(" Ana@Exemplo.COM.br ") == "Ana@exemplo.com.br"
    for bad in ["ana", "ana@", "ana@exemplo", "a@b.com; c@d.com", "a b@c.com"]:
        assert code_of(v.parse_email, bad) == "invalid_email"


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("(51) 3222-1000", "5132221000"),
        ("51 99876-5432", "51998765432"),
        ("+55 (11) 98765-4321", "11987654321"),
        ("0 11 3000-4000", "1130004000"),
        ("0800 123 4567", "08001234567"),
        ("+1 415 555 0100", "+14155550100"),
        (5132221000, "5132221000"),
    ],
)
def test_phones_keep_digits(cell, expected):
    assert v.parse_phone(cell) == expected


@pytest.mark.parametrize("cell", ["3222-1000", "ramal 22", "123456789012345"])
def test_bad_phones(cell):
    assert code_of(v.parse_phone, cell) == "invalid_phone"


def test_documents_in_cells():
    assert v.parse_document("12.abc.345/01de-35") == "12ABC34501DE35"
    assert v.parse_document(11222333000181) == "11222333000181"
    assert v.parse_document(8596032000103.0) == "08596032000103"  # Excel ate the zero
    assert code_of(v.parse_document, "11.222.333/0001-82") == "invalid_cnpj"
    assert code_of(v.parse_document, "529.982.247-26") == "invalid_cpf"


def test_amount_cells_from_text_and_numbers():
    assert v.parse_amount("R$ 1.234,56") == Decimal("1234.56")
    assert v.parse_amount(1234.56) == Decimal("1234.56")
    assert v.parse_amount(10) == Decimal("10.00")
    assert code_of(v.parse_amount, "1.234") == "ambiguous_number"
    assert code_of(v.parse_amount, True) == "invalid_number"


def test_text_cells():
    assert v.parse_external_id(123.0) == "123"
    assert v.parse_external_id("  A-1 ") == "A-1"
    assert code_of(v.parse_external_id, "x" * 65) == "too_long"
    assert code_of(v.parse_name, "linha\nquebrada") == "invalid_text"
    assert v.parse_notes("linha 1\nlinha 2") == "linha 1\nlinha 2"
    assert code_of(v.parse_notes, "nul\x00byte") == "invalid_text"
