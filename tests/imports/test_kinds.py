import datetime as dt
import io
import zipfile

import pytest
import time_machine

from carteira.clients.models import Assignment, Client, Contact
from carteira.imports.models import ImportRun
from carteira.interactions.models import Interaction
from carteira.orders.models import Order
from carteira.organization.models import Seller
from tests.imports.conftest import FIXTURES, run_import

pytestmark = pytest.mark.django_db

BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<sheetData><row><c t="inlineStr"><is><t>&lol2;</t></is></c></row></sheetData></worksheet>'
)


def _xlsx(sheet_xml: bytes | str) -> bytes:
    """A minimal workbook whose one sheet is ``sheet_xml``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="x"/>')
        book.writestr("xl/workbook.xml", '<?xml version="1.0"?><workbook xmlns="x"/>')
        book.writestr("xl/worksheets/sheet1.xml", sheet_xml)
    return buffer.getvalue()


HOSTILE = {
    "zip_bomb": lambda: _xlsx(b"<worksheet>" + b" " * (30 * 1024 * 1024) + b"</worksheet>"),
    "xml_bomb": lambda: _xlsx(BILLION_LAUGHS),
}


def import_ok(kind, path, *extra):
    result = run_import(kind, path, *extra)
    assert result.error is None, result.out + str(result.error)
    return result.out


def test_the_standard_files_load_in_order_and_reload_unchanged(media):
    for kind in ("sellers", "clients", "contacts", "orders", "interactions"):
        import_ok(kind, FIXTURES / f"{kind}.csv")
    counts = (Seller.objects.count(), Client.objects.count(), Contact.objects.count(),
              Order.objects.count(), Interaction.objects.count())  # fmt: skip
    for kind in ("sellers", "clients", "contacts", "orders", "interactions"):
        assert "\n0 created, 0 updated, " in import_ok(kind, FIXTURES / f"{kind}.csv"), kind
    assert counts == (Seller.objects.count(), Client.objects.count(), Contact.objects.count(),
                      Order.objects.count(), Interaction.objects.count())  # fmt: skip


def test_sellers_get_their_team_and_manager_from_the_file(media):
    import_ok("sellers", FIXTURES / "sellers.csv")
    ana = Seller.objects.get(external_id="V01")
    assert (ana.team.name, ana.manager.external_id) == ("Sul", "G01")
    assert Seller.objects.get(external_id="V03").active is False


def test_a_client_document_is_stored_unmasked_and_a_taken_cnpj_is_rejected(media, tmp_path):
    import_ok("sellers", FIXTURES / "sellers.csv")
    import_ok("clients", FIXTURES / "clients_cp1252.csv")
    assert Client.objects.get(external_id="C101").document == "38302000000119"
    path = tmp_path / "c.csv"
    path.write_text("codigo;razao_social;cnpj\nC900;Outra Ltda;38.302.000/0001-19\n")
    result = run_import("clients", path)
    assert (
        "line 2, client C900, column 'cnpj', value '38302000000119': CNPJ/CPF 38302000000119 "
        "already belongs to client C101." in result.out
    )
    assert not Client.objects.filter(external_id="C900").exists()


def test_the_first_seller_starts_the_history_and_a_new_one_is_a_reassignment_today(media, tmp_path):
    import_ok("sellers", FIXTURES / "sellers.csv")
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text("codigo,nome,vendedor\nK1,Cliente Um,V01\nK2,Cliente Dois,V01\n")
    second.write_text("codigo,nome,vendedor\nK1,Cliente Um,V02\nK2,Cliente Dois,V01\n")
    import_ok("clients", first)
    with time_machine.travel(dt.datetime(2025, 6, 2, 12, tzinfo=dt.UTC)):
        assert "0 created, 1 updated, 1 unchanged" in import_ok("clients", second)
    history = Assignment.objects.filter(client__external_id="K1").order_by("pk")
    assert [(a.seller.external_id, a.start_date, a.end_date, a.reason) for a in history] == [
        ("V01", None, dt.date(2025, 6, 2), "importação"),
        ("V02", dt.date(2025, 6, 2), None, "importação"),
    ]
    assert Client.objects.get(external_id="K1").seller.external_id == "V02"


def test_a_later_file_with_fewer_columns_keeps_the_other_fields(media, tmp_path):
    import_ok("sellers", FIXTURES / "sellers.csv")
    import_ok("clients", FIXTURES / "clients.csv")
    path = tmp_path / "c.csv"
    path.write_text("codigo;razao_social;cidade\nC001;Padaria Pão Quente Ltda;Gramado\n")
    import_ok("clients", path)
    client = Client.objects.get(external_id="C001")
    assert (client.city, client.trade_name, client.seller.external_id) == (
        "Gramado", "Pão Quente", "V01")  # fmt: skip


def test_a_client_for_an_unknown_seller_is_rejected(media, tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("codigo,nome,vendedor\nK1,Cliente Um,V77\n")
    result = run_import("clients", path)
    assert (
        "line 2, client K1, column 'vendedor', value 'V77': Seller 'V77' does not exist"
        in result.out
    )
    assert Client.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("macro.xlsm", b"PK\x03\x04", "Unsupported file type '.xlsm'"),
        ("bomb.xlsx", b"not a zip at all", "not a valid Excel workbook"),
        ("binary.csv", b"\x00" * 5000, "does not look like a text (CSV) file"),
        ("zipbomb.xlsx", "zip_bomb", "(zip bomb?)"),
        ("xmlbomb.xlsx", "xml_bomb", "declares a DTD or entities, which are refused (XML bomb?)"),
        ("empty.csv", b"", "The file is empty."),
    ],
)
def test_hostile_files_are_refused_with_a_clear_message_and_nothing_stored(
    media, tmp_path, name, content, message
):
    path = tmp_path / name
    path.write_bytes(HOSTILE[content]() if isinstance(content, str) else content)
    result = run_import("clients", path)
    assert message in str(result.error)
    assert ImportRun.objects.count() == 0
    assert Client.objects.count() == 0


def test_a_missing_required_column_refuses_the_file(media, tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("codigo;cidade\nC1;Gramado\n")
    result = run_import("orders", path)
    assert "The header line has 4 problems; see the list." in str(result.error)
    assert "Required column 'client_external_id' is missing." in result.err
