import io
import struct
import time
import zipfile
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from carteira_core.ingest import IngestError, Limits, open_import, open_table

FIXTURES = Path(__file__).parents[1] / "fixtures" / "import"
GOOD = (FIXTURES / "orders_excel.xlsx").read_bytes()


def rezip(replace: dict[str, bytes] | None = None, *, source: bytes = GOOD) -> bytes:
    """A copy of an xlsx with some parts replaced or added."""
    replace = dict(replace or {})
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as old, zipfile.ZipFile(out, "w") as new:
        for item in old.infolist():
            data = replace.pop(item.filename, None)
            new.writestr(item.filename, data if data is not None else old.read(item),
                         zipfile.ZIP_DEFLATED)  # fmt: skip
        for name, data in replace.items():
            new.writestr(name, data, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def refused(data: bytes, name: str = "evil.xlsx", limits: Limits | None = None) -> IngestError:
    started = time.monotonic()
    with (
        pytest.raises(IngestError) as caught,
        open_table(io.BytesIO(data), name=name, limits=limits or Limits()) as table,
    ):
        list(table)
    assert time.monotonic() - started < 5
    return caught.value


def test_real_excel_dates_and_numbers_come_typed_with_sheet_row_numbers():
    with open_table(FIXTURES / "orders_excel.xlsx") as table:
        info, rows = table.info, list(table)
    assert (info.format, info.sheet, info.encoding, info.separator) == (
        "xlsx", "Pedidos", None, None
    )  # fmt: skip
    assert info.header == ("Pedido", "Cliente", "Data", "Valor", "Margem", "Situação")
    assert [row.line for row in rows] == [2, 3, 5, 6]  # row 4 is blank
    assert rows[0].values[:4] == (7001, "C001", datetime(2025, 3, 7), 1234.56)


def test_the_xlsx_orders_validate_with_the_serial_number_refused():
    with open_import("orders", FIXTURES / "orders_excel.xlsx") as run:
        batches = list(run.batches())
    records = [r for b in batches for r in b.records]
    errors = [e for b in batches for e in b.errors]
    assert [r.external_id for r in records] == ["7001", "7002", "7003"]
    assert [str(r.amount) for r in records] == ["1234.56", "10.00", "1234.56"]
    assert records[1].status == "cancelled"
    assert [(e.line, e.column, e.code) for e in errors] == [(6, "Data", "date_serial_number")]


def test_mixed_case_extension_and_unseekable_upload_are_fine():
    class Pipe(io.RawIOBase):
        def __init__(self) -> None:
            self.inner = io.BytesIO(GOOD)

        def readable(self) -> bool:
            return True

        def seekable(self) -> bool:
            return False

        def readinto(self, buffer) -> int:
            chunk = self.inner.read(len(buffer))
            buffer[: len(chunk)] = chunk
            return len(chunk)

    with open_table(io.BufferedReader(Pipe()), name="Pedidos.XlSx") as table:
        assert len(list(table)) == 4


def test_not_a_zip_legacy_xls_and_truncated_zip_are_refused():
    assert refused(b"hello, I am text").code == "xlsx_not_zip"
    assert refused(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100).code == "xlsx_legacy_xls"
    assert refused(GOOD[: len(GOOD) // 2]).code == "xlsx_not_zip"


def test_a_zip_bomb_is_refused_by_its_compression_ratio_before_inflating():
    bomb = rezip({"xl/worksheets/sheet1.xml": b"\x20" * 50_000_000})
    assert len(bomb) < 200_000
    error = refused(bomb)
    assert error.code == "xlsx_compression_ratio"
    assert error.params["member"] == "xl/worksheets/sheet1.xml"


def _declare_size(data: bytes, member: str, size: int) -> bytes:
    """Patch the central directory so ``member`` claims ``size`` uncompressed bytes."""
    buffer = bytearray(data)
    name = member.encode()
    position = buffer.find(b"PK\x01\x02" + b"", 0)
    while position != -1:
        name_length = struct.unpack_from("<H", buffer, position + 28)[0]
        if bytes(buffer[position + 46 : position + 46 + name_length]) == name:
            struct.pack_into("<I", buffer, position + 24, size)
            return bytes(buffer)
        position = buffer.find(b"PK\x01\x02", position + 4)
    raise AssertionError(member)


def test_a_declared_huge_uncompressed_size_is_refused_from_the_directory_alone():
    bomb = _declare_size(GOOD, "xl/worksheets/sheet1.xml", 4_000_000_000)
    error = refused(bomb)
    assert error.code == "xlsx_uncompressed_too_large"
    assert "1073741824" in error.message


def test_member_and_member_count_limits():
    limits = Limits(max_member_bytes=500)
    assert refused(GOOD, limits=limits).code == "xlsx_member_too_large"
    assert refused(GOOD, limits=Limits(max_zip_members=3)).code == "xlsx_too_many_members"


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData>
</worksheet>"""


@pytest.mark.parametrize(
    "part", ["xl/worksheets/sheet1.xml", "xl/workbook.xml", "[Content_Types].xml"]
)
def test_a_billion_laughs_part_is_refused(part):
    error = refused(rezip({part: BILLION_LAUGHS}))
    assert error.code == "xlsx_xml_forbidden"
    assert error.params["member"] == part


def test_openpyxl_itself_parses_with_defusedxml():
    assert openpyxl.DEFUSEDXML is True


def test_an_xlsm_renamed_to_xlsx_is_refused_by_its_vba_part():
    assert refused(rezip({"xl/vbaProject.bin": b"\x00" * 64})).code == "xlsx_macro_enabled"


def test_an_xlsm_renamed_to_xlsx_is_refused_by_its_content_type():
    with zipfile.ZipFile(io.BytesIO(GOOD)) as archive:
        types = archive.read("[Content_Types].xml")
    macro = types.replace(
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    )
    assert macro != types
    assert refused(rezip({"[Content_Types].xml": macro})).code == "xlsx_macro_enabled"


def test_row_and_file_size_caps_apply_to_xlsx():
    error = refused(GOOD, limits=Limits(max_rows=3))
    assert (error.code, error.params) == ("xlsx_too_many_rows", {"sheet": "Pedidos", "limit": 3})
    assert refused(GOOD, limits=Limits(max_file_bytes=1000)).code == "file_too_large"


def test_a_lying_dimension_does_not_pad_rows_to_16384_columns():
    with zipfile.ZipFile(io.BytesIO(GOOD)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    start = sheet.index(b"<dimension")
    end = sheet.index(b"/>", start) + 2
    lying = sheet[:start] + b'<dimension ref="A1:XFD1048576"/>' + sheet[end:]
    with open_table(io.BytesIO(rezip({"xl/worksheets/sheet1.xml": lying})), name="x.xlsx") as t:
        rows = list(t)
    assert len(rows) == 4
    assert max(len(row.values) for row in rows) <= 6


def test_a_workbook_with_only_a_header_has_no_rows_and_an_empty_one_no_header(tmp_path):
    workbook = openpyxl.Workbook()
    workbook.save(tmp_path / "empty.xlsx")
    assert refused((tmp_path / "empty.xlsx").read_bytes()).code == "no_header"
    workbook.active.append(["pedido", "cliente", "data", "valor"])
    workbook.save(tmp_path / "header.xlsx")
    with open_table(tmp_path / "header.xlsx") as table:
        assert list(table) == []


def bomb_sheet(rows: int, *, columns: int = 4, prefix: str = "") -> bytes:
    """A worksheet of ``rows`` near-identical rows (a zip bomb's shape), every element
    with the namespace ``prefix`` (``x:``) when given."""
    p = prefix
    cells = f'<{p}c t="inlineStr"><{p}is><{p}t>AAAA</{p}t></{p}is></{p}c>' * columns
    body = "".join(f'<{p}row r="{n}">{cells}</{p}row>' for n in range(1, rows + 1))
    namespace = f"xmlns:{p[:-1]}" if p else "xmlns"
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<{p}worksheet {namespace}='
            f'"http://schemas.openxmlformats.org/spreadsheetml/2006/main"><{p}sheetData>'
            f"{body}</{p}sheetData></{p}worksheet>").encode()  # fmt: skip


def test_a_sheet_with_more_rows_than_the_limit_is_refused_before_any_row_is_read():
    bomb = rezip({"xl/worksheets/sheet1.xml": bomb_sheet(20_002)})
    error = refused(bomb, limits=Limits(max_rows=20_000))
    assert (error.code, error.params) == ("xlsx_too_many_rows", {"sheet": "Pedidos",
                                                                 "limit": 20_000})  # fmt: skip
    assert error.message == (
        "The sheet 'Pedidos' has more than 20000 rows, the limit; nothing was read."
    )


def test_the_row_count_sees_prefixed_row_tags_and_tags_cut_between_chunks():
    sheet = bomb_sheet(3_000, prefix="x:")
    small = Limits(max_rows=2_998, chunk_bytes=1_000)  # chunks of 4,000 bytes cut tags
    assert refused(rezip({"xl/worksheets/sheet1.xml": sheet}), limits=small).code == (
        "xlsx_too_many_rows"
    )
    with open_table(io.BytesIO(rezip({"xl/worksheets/sheet1.xml": sheet})), name="x.xlsx",
                    limits=Limits(max_rows=2_999, chunk_bytes=1_000)) as table:  # fmt: skip
        assert sum(1 for _row in table) == 2_999  # the first row is the header


def test_excel_grid_caps_xlsx_rows_whatever_the_row_limit():
    assert Limits(max_rows=5_000_000).max_sheet_rows == 1_048_576
    assert Limits(max_rows=1_000).max_sheet_rows == 1_000


def test_a_value_past_the_column_limit_is_refused_naming_its_line():
    wide = bomb_sheet(3, columns=6)
    error = refused(rezip({"xl/worksheets/sheet1.xml": wide}), limits=Limits(max_columns=5))
    assert (error.code, error.params) == ("too_many_columns", {"line": 1, "count": 6,
                                                               "limit": 5})  # fmt: skip


def test_a_cell_longer_than_the_limit_is_refused_naming_line_and_column():
    sheet = bomb_sheet(2).replace(b"<t>AAAA</t></is></c></row>", b"<t>" + b"B" * 50
                                  + b"</t></is></c></row>", 1)  # fmt: skip
    error = refused(rezip({"xl/worksheets/sheet1.xml": sheet}), limits=Limits(max_cell_chars=49))
    assert (error.code, error.params) == ("cell_too_long", {"line": 1, "column": 4,
                                                            "length": 50, "limit": 49})  # fmt: skip


def test_too_many_sheets_and_too_large_shared_strings_are_refused():
    assert refused(GOOD, limits=Limits(max_sheets=0)).code == "xlsx_too_many_sheets"
    big = rezip({"xl/sharedStrings.xml": b"<sst>" + b"<si><t>x</t></si>" * 100 + b"</sst>"})
    error = refused(big, limits=Limits(max_shared_strings_bytes=1_000))
    assert (error.code, error.params["member"]) == ("xlsx_member_too_large",
                                                    "xl/sharedStrings.xml")  # fmt: skip
