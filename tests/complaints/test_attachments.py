"""Files attached to a complaint: accepted by what their bytes are, bounded in size and
number, kept in the workspace's media storage and handed out only through the gate."""

import io
import zipfile

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from carteira.complaints.attachments import MAX_PER_COMPLAINT
from carteira.complaints.models import Complaint, ComplaintAttachment
from tests.complaints.conftest import FRIDAY_4PM
from tests.complaints.test_services import open_for

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
HTML = b"<html><script>alert(1)</script></html>"


def xlsx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    return out.getvalue()


def upload(name: str, data: bytes, content_type: str = "application/pdf"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                    "OPTIONS": {"location": str(tmp_path / "media")}},
    }  # fmt: skip
    return tmp_path / "media"


def stored_files(media) -> list[str]:
    folder = media / "complaints"
    return sorted(p.name for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def form(**extra):
    values = {"client_code": "A1", "category": "Produto avariado", "severity": "high",
              "channel": "email", "description": "Caixas amassadas.", "orders": ""}  # fmt: skip
    return values | extra


@pytest.mark.django_db
@time_machine.travel(FRIDAY_4PM, tick=False)
def test_a_complaint_recorded_with_a_photo_and_an_invoice_keeps_both_in_the_workspace(
    portfolio, seller_ana, media
):
    files = [upload("foto caixa.JPG", JPEG, "image/jpeg"), upload("nota 123.pdf", PDF)]
    response = browser(seller_ana.user).post(reverse("complaints:new"), form(attachments=files))
    complaint = Complaint.objects.get()
    assert response.status_code == 302
    rows = list(complaint.attachments.values_list("name", "content_type", "size", "uploaded_by"))
    assert rows == [
        ("foto caixa.jpg", "image/jpeg", len(JPEG), seller_ana.user.pk),
        ("nota 123.pdf", "application/pdf", len(PDF), seller_ana.user.pk),
    ]
    names = [a.file.name for a in complaint.attachments.all()]
    assert all(name.startswith("complaints/2026/10/") for name in names)
    assert (media / names[1]).read_bytes() == PDF
    assert stored_files(media) == sorted(
        f"{a.key}.{a.name[-3:]}" for a in complaint.attachments.all()
    )


@pytest.mark.django_db
def test_the_download_gives_the_bytes_under_the_uploaded_name_as_an_attachment(
    portfolio, seller_ana
):
    complaint = open_for(
        seller_ana.user, portfolio["A1"], attachments=[upload("laudo técnico.pdf", PDF)]
    )
    attachment = complaint.attachments.get()
    url = reverse("complaints:attachment", args=[complaint.pk, attachment.key])
    response = browser(seller_ana.user).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''laudo%20t%C3%A9cnico.pdf"
    )
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_a_file_over_the_limit_refuses_the_complaint_and_nothing_is_kept(
    portfolio, seller_ana, settings, media
):
    settings.CARTEIRA_COMPLAINT_ATTACHMENT_MAX_BYTES = 2 * 1024 * 1024
    big = upload("fotos.pdf", PDF + b"0" * (2 * 1024 * 1024))
    response = browser(seller_ana.user).post(
        reverse("complaints:new"), form(attachments=[upload("ok.pdf", PDF), big])
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == ["O arquivo fotos.pdf tem mais de 2 MB."]
    assert (Complaint.objects.count(), ComplaintAttachment.objects.count()) == (0, 0)
    assert stored_files(media) == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name, data", [("pagina.pdf", HTML), ("planilha.xlsx", b"PK\x03\x04broken")]
)
def test_a_file_whose_bytes_are_not_an_accepted_type_is_refused_whatever_its_name(
    portfolio, seller_ana, media, name, data
):
    response = browser(seller_ana.user).post(
        reverse("complaints:new"), form(attachments=[upload(name, data)])
    )
    assert response.context["form"].non_field_errors() == [
        f"O arquivo {name} não é de um tipo aceito (PDF, JPEG, PNG, WebP, Word .docx ou "
        "Excel .xlsx)."
    ]
    assert Complaint.objects.count() == 0
    assert stored_files(media) == []


@pytest.mark.django_db
def test_files_added_on_the_complaint_page_are_listed_and_the_eleventh_is_refused(
    portfolio, seller_ana, media
):
    complaint = open_for(seller_ana.user, portfolio["A1"])
    ana = browser(seller_ana.user)
    url = reverse("complaints:attach", args=[complaint.pk])
    first = [upload(f"f{i}.pdf", PDF) for i in range(MAX_PER_COMPLAINT - 1)] + [
        upload("tabela.xlsx", xlsx())
    ]
    assert ana.post(url, {"files": first}).status_code == 302
    refused = ana.post(url, {"files": [upload("mais.pdf", PDF)]})
    assert refused.status_code == 422
    assert refused.context["attach_form"].errors["files"] == [
        "Uma reclamação guarda no máximo 10 anexos."
    ]
    assert complaint.attachments.count() == 10
    assert complaint.attachments.last().content_type.endswith("spreadsheetml.sheet")
    page = ana.get(reverse("complaints:detail", args=[complaint.pk])).content.decode()
    listed = [f"f{i}.pdf</a>" in page for i in range(9)] + ["tabela.xlsx</a>" in page]
    assert listed == [True] * 10
    assert len(stored_files(media)) == 10


@pytest.mark.django_db
def test_another_sellers_complaint_files_are_404_and_attaching_changes_nothing(
    portfolio, seller_ana, seller_bruno, media
):
    complaint = open_for(seller_bruno.user, portfolio["B1"], attachments=[upload("a.pdf", PDF)])
    key = complaint.attachments.get().key
    ana = browser(seller_ana.user)
    assert ana.get(reverse("complaints:attachment", args=[complaint.pk, key])).status_code == 404
    posted = ana.post(reverse("complaints:attach", args=[complaint.pk]),
                      {"files": [upload("b.pdf", PDF)]})  # fmt: skip
    assert posted.status_code == 404
    assert complaint.attachments.count() == 1
    assert len(stored_files(media)) == 1


@pytest.mark.django_db
def test_a_deleted_complaint_takes_its_files_along(
    portfolio, seller_ana, media, django_capture_on_commit_callbacks
):
    complaint = open_for(seller_ana.user, portfolio["A1"], attachments=[upload("a.pdf", PDF)])
    with django_capture_on_commit_callbacks(execute=True):
        complaint.delete()
    assert stored_files(media) == []
