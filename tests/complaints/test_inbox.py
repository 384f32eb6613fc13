"""Complaints that arrive by e-mail: saved messages from a known contact become
complaints (channel e-mail) with their files; a refused file refuses the message (moved
aside with the reason); an unknown sender's message waits."""

import io
from email.message import EmailMessage

import pytest
from django.core.management import call_command
from django.utils import translation

from carteira.complaints.models import Complaint

PDF = b"%PDF-1.7\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                    "OPTIONS": {"location": str(tmp_path / "media")}},
    }  # fmt: skip


def mail(sender: str, subject: str, body: str, files=()) -> bytes:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, "sac@empresa.com.br", subject
    message.set_content(body)
    for name, data, kind in files:
        maintype, subtype = kind.split("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return message.as_bytes()


@pytest.mark.django_db
def test_saved_emails_from_known_contacts_become_complaints_and_the_rest_is_sorted(
    portfolio, seller_ana, tmp_path
):
    portfolio["A1"].contacts.create(name="Joana Prado", email="Joana@A1.com.br")
    portfolio["A2"].contacts.create(name="Rui", email="rui@a2.com.br")
    inbox = tmp_path / "inbox"
    (inbox / "new").mkdir(parents=True)
    (inbox / "new" / "1.eml").write_bytes(mail(
        "Joana Prado <joana@a1.com.br>", "Pedido P-100 avariado", "Três caixas amassadas.",
        [("fotos.pdf", PDF, "application/pdf")],
    ))  # fmt: skip
    (inbox / "new" / "2.eml").write_bytes(mail("x@desconhecido.com", "Oi", "Quem sou eu?"))
    (inbox / "new" / "3.eml").write_bytes(mail(
        "rui@a2.com.br", "Cobrança", "Boleto errado.",
        [("boleto.pdf", b"<html>not a pdf</html>", "application/pdf")],
    ))  # fmt: skip
    out = io.StringIO()
    with translation.override("pt-br"):
        call_command("complaints", "inbox", "--folder", str(inbox),
                     "--category", "Cobrança indevida", stdout=out)  # fmt: skip
    assert out.getvalue().splitlines() == [
        "inbox: 1 reclamações abertas, 1 recusadas, 1 de remetentes desconhecidos "
        "(deixadas na pasta)",
        "  3.eml: O arquivo boleto.pdf não é de um tipo aceito (PDF, JPEG, PNG, WebP, Word "
        ".docx ou Excel .xlsx).",
        "  nenhum contato com o e-mail x@desconhecido.com",
    ]
    complaint = Complaint.objects.get()
    assert (complaint.client, complaint.channel, complaint.category, complaint.owner) == (
        portfolio["A1"], "email", "Cobrança indevida", seller_ana.user
    )  # fmt: skip
    assert complaint.description == "Pedido P-100 avariado\n\nTrês caixas amassadas."
    assert (complaint.reporter, complaint.reporter_email) == ("Joana Prado", "joana@a1.com.br")
    assert list(complaint.attachments.values_list("name", flat=True)) == ["fotos.pdf"]
    assert sorted(p.name for p in (inbox / "processed").iterdir()) == ["1.eml"]
    assert sorted(p.name for p in (inbox / "refused").iterdir()) == ["3.eml", "3.eml.txt"]
    assert sorted(p.name for p in (inbox / "new").iterdir()) == ["2.eml"]
    # Read again: nothing is opened twice.
    call_command("complaints", "inbox", "--folder", str(inbox), stdout=io.StringIO())
    assert Complaint.objects.count() == 1
