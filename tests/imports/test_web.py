import html
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from carteira.imports.models import ColumnMapping, ImportRun
from carteira.orders.models import Order
from tests.imports.conftest import FIXTURES
from tests.personas import PASSWORD

pytestmark = pytest.mark.django_db


def login(client, user):
    user.language = "en"  # the assertions read the English source messages
    user.save(update_fields=["language"])
    assert client.login(username=user.username, password=PASSWORD)


def upload(client, name: str, content: bytes, kind: str = "orders", **extra):
    data = {"kind": kind, "file": SimpleUploadedFile(name, content), **extra}
    return client.post(reverse("imports:upload"), data)


def test_a_manager_uploads_previews_validates_and_commits_an_erp_file(
    client, manager_sul, erp_clients, media
):
    login(client, manager_sul)
    response = upload(client, "pedidos.csv", (FIXTURES / "orders_cp1252.csv").read_bytes())
    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("imports:preview", args=[run.pk])
    assert (media / "imports" / run.sha256).is_file()

    preview = client.get(response.url)
    page = preview.content.decode()
    assert "encoding cp1252, separator “;”" in page
    assert "Data Emissão" in page and "1.234,56" in page
    assert preview.context["form"]["col_2"].initial == "date"  # matched by its alias

    mapping = {f"col_{i}": f for i, f in enumerate(
        ["external_id", "client_external_id", "date", "amount", "margin", "status"])}  # fmt: skip
    validated = client.post(response.url, {**mapping, "save_as": "ERP Sankhya"})
    assert validated.context["report"].counts == {
        "total": 5, "created": 5, "updated": 0, "unchanged": 0, "rejected": 0}  # fmt: skip
    assert Order.objects.count() == 0
    assert ColumnMapping.objects.get().name == "ERP Sankhya"

    committed = client.post(reverse("imports:commit", args=[run.pk]))
    assert committed.url == reverse("imports:result", args=[run.pk])
    result = client.get(committed.url)
    assert "5 rows: 5 created, 0 updated, 0 unchanged, 0 rejected." in result.content.decode()
    assert Order.objects.get(external_id="9001").amount == Decimal("1234.56")
    run.refresh_from_db()
    assert (run.status, run.created_by, run.created) == ("committed", manager_sul, 5)


def test_an_unmatched_column_is_mapped_by_hand_and_the_mapping_reused(
    client, analyst, erp_clients, media
):
    login(client, analyst)
    content = b"Num Doc;Cod Cliente;Emissao;Total\nX1;C101;07/03/2025;10,00\n"
    upload(client, "outro.csv", content)
    run = ImportRun.objects.get()
    url = reverse("imports:preview", args=[run.pk])
    refused = client.post(url, {"col_0": "", "col_1": "", "col_2": "", "col_3": ""})
    assert "Required column 'external_id' is missing." in html.unescape(refused.content.decode())
    mapping = {"col_0": "external_id", "col_1": "client_external_id", "col_2": "date",
               "col_3": "amount", "save_as": "Outro ERP"}  # fmt: skip
    client.post(url, mapping)
    saved = ColumnMapping.objects.get(name="Outro ERP")
    assert saved.mapping == {"Num Doc": "external_id", "Cod Cliente": "client_external_id",
                             "Emissao": "date", "Total": "amount"}  # fmt: skip
    client.post(reverse("imports:commit", args=[run.pk]))
    assert Order.objects.get().amount == Decimal("10.00")


def test_a_file_with_bad_rows_shows_them_and_commits_nothing_by_default(
    client, director, erp_clients, media
):
    login(client, director)
    upload(client, "quebrado.csv", (FIXTURES / "orders_broken.csv").read_bytes())
    run = ImportRun.objects.get()
    page = client.post(reverse("imports:preview", args=[run.pk]), {
        f"col_{i}": f for i, f in enumerate(
            ["external_id", "client_external_id", "date", "amount", "status"])})  # fmt: skip
    assert page.context["report"].rejected == 9
    csv_report = client.get(reverse("imports:errors", args=[run.pk]))
    header = b"line,key (order or client code),column,value,reason"
    assert header in b"".join(csv_report.streaming_content)
    client.post(reverse("imports:commit", args=[run.pk]))
    run.refresh_from_db()
    assert (run.status, Order.objects.count()) == ("failed", 0)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("planilha.xlsm", b"PK\x03\x04whatever", "Unsupported file type"),
        ("falsa.xlsx", b"this is not a zip", "not a valid Excel workbook"),
        ("binario.csv", b"\x00" * 4096, "does not look like a text (CSV) file"),
    ],
)
def test_hostile_uploads_are_refused_with_a_message_and_nothing_stored(
    client, admin_user, media, name, content, message
):
    login(client, admin_user)
    response = upload(client, name, content)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert ImportRun.objects.count() == 0
    assert [p.name for p in (media / "imports").iterdir()] == []


def test_an_upload_over_the_size_cap_is_refused(client, manager_sul, media, settings):
    settings.CARTEIRA_IMPORT_MAX_UPLOAD_BYTES = 100
    login(client, manager_sul)
    response = upload(client, "grande.csv", b"external_id,name\n" + b"X,Y\n" * 50)
    assert "the limit is 100" in response.content.decode()
    assert ImportRun.objects.count() == 0


def test_a_seller_cannot_reach_the_import_pages_nor_import(
    client, seller_ana, manager_sul, erp_clients, media
):
    login(client, manager_sul)
    upload(client, "pedidos.csv", (FIXTURES / "orders_cp1252.csv").read_bytes())
    run = ImportRun.objects.get()
    client.logout()
    login(client, seller_ana.user)
    assert client.get(reverse("imports:upload")).status_code == 403
    assert upload(client, "p.csv", b"pedido;cliente;data;valor\n").status_code == 403
    assert client.get(reverse("imports:preview", args=[run.pk])).status_code == 403
    assert client.post(reverse("imports:commit", args=[run.pk])).status_code == 403
    assert Order.objects.count() == 0
    assert "imports/" not in client.get(reverse("clients:list")).content.decode()


def test_a_manager_does_not_see_another_managers_import(
    client, manager_sul, manager_norte, erp_clients, media
):
    login(client, manager_norte)
    upload(client, "pedidos.csv", io.BytesIO((FIXTURES / "orders.csv").read_bytes()).read())
    run = ImportRun.objects.get()
    client.logout()
    login(client, manager_sul)
    assert client.get(reverse("imports:preview", args=[run.pk])).status_code == 404
