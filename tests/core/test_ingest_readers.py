import io
from pathlib import Path

import pytest

from carteira_core.ingest import IngestError, Limits, open_table, sniff
from carteira_core.ingest.readers import detect_separator

FIXTURES = Path(__file__).parents[1] / "fixtures" / "import"


def rows_of(source, **kwargs):
    with open_table(source, **kwargs) as table:
        return table.info, [(row.line, row.values) for row in table]


def error_code(source, **kwargs) -> str:
    with pytest.raises(IngestError) as caught:
        rows_of(source, **kwargs)
    return caught.value.code


def test_cp1252_semicolon_erp_export_is_detected_and_read_exactly():
    info, rows = rows_of(FIXTURES / "clients_cp1252.csv")
    assert (info.encoding, info.separator, info.format) == ("cp1252", ";", "csv")
    assert info.header[:3] == ("Código", "Razão Social", "Nome Fantasia")
    assert rows[0][1][1] == "Conceição Nº 5 Comércio Ltda"
    assert rows[0][1][2] == "Conceição; a loja"  # quoted separator
    assert [line for line, _ in rows] == [2, 3, 4]


@pytest.mark.parametrize(
    ("name", "encoding", "separator"),
    [
        ("orders_cp1252.csv", "cp1252", ";"),
        ("orders_utf8_bom.csv", "utf-8-sig", ";"),
        ("orders_utf16le.txt", "utf-16-le", "\t"),
    ],
)
def test_the_same_orders_in_three_encodings_read_identically(name, encoding, separator):
    info, rows = rows_of(FIXTURES / name)
    assert (info.encoding, info.separator) == (encoding, separator)
    assert info.header == ("Pedido", "Cliente", "Data Emissão", "Valor Total", "Margem", "Situação")
    assert rows[1] == (3, ("9002", "C101", "10/03/2025", "(1.234,56)", "", "Devolução"))
    assert len(rows) == 5


def test_quoted_newlines_keep_the_record_whole_and_lines_physical():
    info, rows = rows_of(FIXTURES / "clients_quoted_newlines.csv")
    assert info.separator == ","
    assert rows[0] == (2, ("C201", 'Loja "Boa Vista", filial 2', "linha 1\r\nlinha 2, com vírgula",
                           "Pelotas"))  # fmt: skip
    assert rows[1][0] == 4  # C201 spans lines 2-3
    assert rows[1][1][2] == "uma\nduas\ntrês"
    assert rows[2][0] == 7


def test_utf8_without_bom_and_blank_lines_are_skipped_with_physical_numbers():
    data = b"a,b\n\n1,2\r\n   \n3,4"
    info, rows = rows_of(io.BytesIO(data), name="x.csv")
    assert info.encoding == "utf-8"
    assert rows == [(3, ("1", "2")), (5, ("3", "4"))]


def test_old_mac_cr_line_endings():
    _, rows = rows_of(io.BytesIO(b"a;b\r1;2\r3;4\r"), name="x.csv")
    assert rows == [(2, ("1", "2")), (3, ("3", "4"))]


def test_cp1252_accent_after_the_sample_switches_the_decoder_instead_of_failing():
    ascii_part = b"name;city\n" + b"abc;def\n" * 10_000
    data = ascii_part + "Conceição;São Paulo\n".encode("cp1252")
    limits = Limits(sample_bytes=1024, chunk_bytes=4096)
    info, rows = rows_of(io.BytesIO(data), name="x.csv", limits=limits)
    assert info.encoding == "utf-8"  # decided on the (ASCII) sample
    assert rows[-1] == (10_002, ("Conceição", "São Paulo"))


def test_invalid_utf8_after_real_utf8_text_is_an_error_naming_encoding_and_line():
    data = "name;city\nJoão;x\n".encode() + b"a;b\n" * 5000 + b"\xff\xfe\xfa;x\n"
    with pytest.raises(IngestError) as caught:
        rows_of(io.BytesIO(data), name="x.csv", limits=Limits(sample_bytes=64, chunk_bytes=64))
    assert caught.value.code == "encoding_error"
    assert caught.value.params["encoding"] == "utf-8"
    assert caught.value.params["line"] > 1000


def test_latin1_fallback_when_bytes_are_undefined_in_cp1252():
    info, rows = rows_of(io.BytesIO(b"a;b\n\x81x;\xe7\n"), name="x.csv")
    assert info.encoding == "latin-1"
    assert rows[0][1] == ("\x81x", "ç")


def test_utf16_without_bom_is_detected_from_zero_bytes():
    data = "a\tb\r\n1\t2\r\n".encode("utf-16-le")
    info, rows = rows_of(io.BytesIO(data), name="x.txt")
    assert (info.encoding, info.separator) == ("utf-16-le", "\t")
    assert rows == [(2, ("1", "2"))]


def test_separator_is_counted_outside_quotes_and_confirmed_by_the_next_lines():
    # ',' is the decimal point here: a naive count on the data would pick it.
    assert detect_separator("a;b;c\n1,5;2,5;3,5\n4,5;5,5;6,5\n") == ";"
    assert detect_separator('"x,y";b\n1;2\n') == ";"
    assert detect_separator("a\tb\tc,d\n1\t2\t3,5\n") == "\t"
    assert detect_separator("single\n1\n") == ","


@pytest.mark.parametrize(
    ("data", "name", "code"),
    [
        (b"", "x.csv", "empty_file"),
        (b"\n\n  \n", "x.csv", "no_header"),
        (b"PK\x03\x04rest", "x.csv", "zip_in_csv"),
        (b"\xd0\xcf\x11\xe0rest", "x.csv", "binary_file"),
        (b"\x00\x01\x02\x03\x00\x00\x00\x05\x06\x07", "x.csv", "binary_file"),
        (b"a,b\n1,2\n", "x.xls", "unsupported_extension"),
        (b"a,b\n1,2\n", "x.pHaR", "unsupported_extension"),
        (b"a,b\n1,2\n", "noextension", "unsupported_extension"),
    ],
)
def test_refused_text_files(data, name, code):
    assert error_code(io.BytesIO(data), name=name) == code


def test_extension_is_matched_case_insensitively():
    info, _ = rows_of(io.BytesIO(b"a,b\n1,2\n"), name="ORDERS.CsV")
    assert info.name == "ORDERS.CsV"


def test_unclosed_quote_is_bounded_by_the_record_limit():
    data = b'a,b\n1,"never closed\n' + b"x" * 100 + b"\n" * 50_000
    with pytest.raises(IngestError) as caught:
        rows_of(io.BytesIO(data), name="x.csv", limits=Limits(max_record_chars=10_000))
    assert caught.value.code == "record_too_large"
    assert caught.value.params["line"] == 2


def test_a_single_huge_line_is_refused_without_loading_it():
    data = b"a,b\n" + b"x" * 3_000_000
    assert error_code(io.BytesIO(data), name="x.csv") == "record_too_large"


def test_row_and_size_caps_name_their_limit():
    data = b"a\n" + b"1\n" * 11
    with pytest.raises(IngestError) as caught:
        rows_of(io.BytesIO(data), name="x.csv", limits=Limits(max_rows=10))
    assert caught.value.code == "too_many_rows"
    assert "10" in caught.value.message
    assert error_code(io.BytesIO(data), name="x.csv", limits=Limits(max_file_bytes=5)) == (
        "file_too_large"
    )


def test_a_csv_row_past_the_column_limit_is_refused_naming_its_line():
    data = b"a;b;c\n1;2;3\n1;2;3;4;5\n"
    with pytest.raises(IngestError) as caught:
        rows_of(io.BytesIO(data), name="x.csv", limits=Limits(max_columns=4))
    assert (caught.value.code, caught.value.params) == (
        "too_many_columns", {"line": 3, "count": 5, "limit": 4},
    )  # fmt: skip


def test_empty_trailing_columns_past_the_limit_are_no_problem():
    _, rows = rows_of(io.BytesIO(b"a;b\n1;2;;;\n"), name="x.csv", limits=Limits(max_columns=2))
    assert rows == [(2, ("1", "2", "", "", ""))]


def test_a_csv_cell_past_the_length_limit_is_refused_naming_line_and_column():
    data = b"a;b\n1;2\n" + b"3;" + b"x" * 101 + b"\n"
    with pytest.raises(IngestError) as caught:
        rows_of(io.BytesIO(data), name="x.csv", limits=Limits(max_cell_chars=100))
    assert (caught.value.code, caught.value.params) == (
        "cell_too_long", {"line": 3, "column": 2, "length": 101, "limit": 100},
    )  # fmt: skip
    assert caught.value.message == (
        "Line 3, column 2: the cell has 101 characters; the limit is 100."
    )


class _Unseekable(io.RawIOBase):
    def __init__(self, data: bytes) -> None:
        self._inner = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        chunk = self._inner.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)


def test_a_non_seekable_upload_is_capped_while_streaming():
    data = b"a\n" + b"1\n" * 100_000
    stream = io.BufferedReader(_Unseekable(data))
    limits = Limits(max_file_bytes=50_000, sample_bytes=1024, chunk_bytes=4096)
    assert error_code(stream, name="x.csv", limits=limits) == "file_too_large"


def test_sniff_reports_what_the_preview_shows_and_a_path_is_closed(tmp_path):
    path = tmp_path / "o.csv"
    path.write_bytes((FIXTURES / "orders_cp1252.csv").read_bytes())
    info = sniff(path)
    assert (info.encoding, info.separator, info.header_line, info.size) == (
        "cp1252", ";", 1, path.stat().st_size
    )  # fmt: skip


def test_a_big_file_streams_with_flat_memory():
    import tracemalloc

    row = "C0001;Cliente de teste com nome comprido Ltda;07/03/2025;1.234,56\r\n".encode("cp1252")
    data = "código;nome;data;valor\r\n".encode("cp1252") + row * 60_000  # ~4 MB
    tracemalloc.start()
    try:
        with open_table(io.BytesIO(data), name="big.csv") as table:
            count = sum(1 for _ in table)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert count == 60_000
    assert peak < 2_500_000  # the data is 4 MB; the reader holds a few chunks
