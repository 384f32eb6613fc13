"""In real Chromium (pt-BR): a complaint with its files, a refused file named, the client's
own web form by its signed link, the survey after closing, and the three-dimensional
reading narrowed to the clients with an open complaint. Screenshots for
docs/guia/reclamacoes.md."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from carteira.agenda.models import Task
from carteira.complaints import public
from carteira.complaints.models import Complaint
from carteira.complaints.nps import do_send_nps
from carteira.complaints.services import do_step
from carteira.orders.models import Order
from carteira.portfolio.services import do_snapshot
from tests.browser.test_login_journey import SHOTS, offline
from tests.complaints.test_journey_browser import as_user

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 2048


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                    "OPTIONS": {"location": str(tmp_path / "media")}},
    }  # fmt: skip


def close(complaint, user) -> None:
    for step, values in (
        ("acknowledge", {"apology": "Pedimos desculpas.", "promise": "Troca até sexta."}),
        ("investigate", {"investigation": "Empilhamento errado no caminhão."}),
        ("answer", {"answer": "Troca das caixas e frete grátis."}),
        ("confirm", {"satisfied": True}),
        ("close", {"root_cause": "Carga sem separadores."}),
    ):
        complaint = do_step(complaint, step, by=user, **values)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_files_the_clients_form_the_survey_and_the_reading_with_open_complaints(
    page, live_server, browser, portfolio, seller_ana, manager_sul, smtp, console_errors
):
    today = timezone.localdate()
    for number, code in enumerate(("A1", "A2", "B1")):
        client = portfolio[code]
        Order.objects.create(external_id=f"P-{100 + number}", client=client,
                             seller=client.seller, date=today - dt.timedelta(days=10),
                             amount="1000.00")  # fmt: skip
    offline(page, live_server)
    page.set_viewport_size({"width": 1280, "height": 900})
    SHOTS.mkdir(parents=True, exist_ok=True)

    # The seller records a complaint with a photo and the invoice; an HTML renamed .pdf
    # refuses the whole complaint and says which file.
    as_user(page, live_server, "ana")
    page.goto(f"{live_server.url}/complaints/new/?client={portfolio['A1'].pk}")
    page.get_by_label("Categoria").select_option("Produto avariado")
    page.get_by_label("O que o cliente diz").fill("Caixas amassadas no pedido P-100.")
    page.get_by_label("Pedidos envolvidos").fill("P-100")
    page.get_by_label("Anexos").set_input_files([
        {"name": "foto.jpg", "mimeType": "image/jpeg", "buffer": JPEG},
        {"name": "nota.pdf", "mimeType": "application/pdf", "buffer": b"<html></html>"},
    ])  # fmt: skip
    page.get_by_role("button", name="Registrar a reclamação").click()
    assert page.locator("#form-error").inner_text() == (
        "O arquivo nota.pdf não é de um tipo aceito (PDF, JPEG, PNG, WebP, Word .docx ou "
        "Excel .xlsx)."
    )
    assert Complaint.objects.count() == 0
    page.get_by_label("Anexos").set_input_files([
        {"name": "foto.jpg", "mimeType": "image/jpeg", "buffer": JPEG},
        {"name": "nota.pdf", "mimeType": "application/pdf", "buffer": PDF},
    ])  # fmt: skip
    page.get_by_role("button", name="Registrar a reclamação").click()
    page.wait_for_selector("#complaint-attachments li")
    files = page.locator("#complaint-attachments li").all_inner_texts()
    assert [text.split(" · ")[0] for text in files] == ["foto.jpg", "nota.pdf"]
    with page.expect_download() as download:
        page.locator("#complaint-attachments").get_by_role("link", name="nota.pdf").click()
    assert download.value.suggested_filename == "nota.pdf"
    assert download.value.path().read_bytes() == PDF
    section = page.locator("#complaint-attachments")
    section.screenshot(path=SHOTS / "reclamacao-anexos.png")

    # The client writes its own complaint through the link the seller sends.
    page.goto(f"{live_server.url}/complaints/client/{portfolio['A2'].pk}/form-link/")
    link = page.locator("#form-link").input_value()
    assert link == public.form_url(portfolio["A2"])
    client_side = browser.new_context(locale="pt-BR")
    form = client_side.new_page()
    form.set_viewport_size({"width": 900, "height": 1000})
    form.goto(live_server.url + re.sub(r"^https?://[^/]+", "", link))
    assert form.locator("h1").inner_text() == "Conte o que deu errado"
    form.get_by_label("Seu nome").fill("Joana Prado")
    form.get_by_label("Seu e-mail").fill("joana@cliente.com.br")
    form.get_by_label("Assunto").select_option("Atraso na entrega")
    form.get_by_label("O que aconteceu").fill("O pedido P-101 chegou 4 dias depois do combinado.")
    form.get_by_label("Números dos pedidos (opcional)").fill("P-101")
    form.screenshot(path=SHOTS / "reclamacao-formulario-cliente.png", full_page=True)
    form.get_by_role("button", name="Enviar a reclamação").click()
    assert form.locator("#public-done h1").inner_text() == "Reclamação recebida"
    from_client = Complaint.objects.get(client=portfolio["A2"])
    assert (from_client.channel, from_client.reporter, from_client.owner) == (
        "web", "Joana Prado", seller_ana.user
    )  # fmt: skip

    # Closed, the client gets the survey by e-mail and answers without a login.
    close(from_client, seller_ana.user)
    ((_rcpt, message),) = [m for m in smtp.messages if m[0] == ["joana@cliente.com.br"]]
    survey = re.search(r"http://\S+/complaints/survey/\S+/", message.get_content()).group(0)
    form.goto(live_server.url + re.sub(r"^https?://[^/]+", "", survey))
    form.get_by_label("2", exact=True).check()
    form.get_by_label("Algo a acrescentar? (opcional)").fill("A troca demorou demais.")
    form.screenshot(path=SHOTS / "reclamacao-pesquisa.png", full_page=True)
    form.get_by_role("button", name="Enviar").click()
    assert form.locator("#public-done h1").inner_text() == "Obrigado pela sua resposta"
    assert Task.objects.filter(plan_key=f"complaint-survey:{from_client.pk}").count() == 1
    client_side.close()

    # The manager narrows the class × status reading to the clients complaining now.
    do_snapshot(today)
    as_user(page, live_server, "marta")
    page.goto(f"{live_server.url}/portfolio/")
    page.get_by_label("Com reclamação aberta").check()
    page.get_by_role("button", name="Mostrar").click()
    page.wait_for_url("**complaint=1**")
    cells = page.locator("table.matrix a.cell-link").all_inner_texts()
    assert sum(int(text.split()[0]) for text in cells if text.strip()) == 1
    page.locator("#matrix-title").scroll_into_view_if_needed()
    page.screenshot(path=SHOTS / "reclamacoes-leitura-3d.png", full_page=True)
    # Below the reading, the complaints of the dashboard's scope: open now and the period.
    page.get_by_label("Com reclamação aberta").uncheck()
    page.get_by_role("button", name="Mostrar").click()
    panel = page.locator("#complaints-panel")
    assert panel.locator("#complaints-now").inner_text() == "1 aberta agora · A fila"
    assert "2 abertas, 1 encerradas no período." in panel.inner_text()
    panel.scroll_into_view_if_needed()
    panel.screenshot(path=SHOTS / "reclamacoes-painel.png")

    # The periodic NPS: the active client's buyer answers 9 by the e-mailed link.
    portfolio["A1"].contacts.create(name="Compras", email="compras@a1.com.br")
    assert do_send_nps().asked == 1
    ((_rcpt, message),) = [m for m in smtp.messages if m[0] == ["compras@a1.com.br"]]
    nps_link = re.search(r"http://\S+/complaints/nps/\S+/", message.get_content()).group(0)
    buyer = browser.new_context(locale="pt-BR").new_page()
    buyer.set_viewport_size({"width": 900, "height": 700})
    buyer.goto(live_server.url + re.sub(r"^https?://[^/]+", "", nps_link))
    buyer.get_by_label("9", exact=True).check()
    buyer.get_by_label("Qual o principal motivo da sua nota? (opcional)").fill("Bom atendimento.")
    buyer.screenshot(path=SHOTS / "reclamacao-nps.png", full_page=True)
    buyer.get_by_role("button", name="Enviar").click()
    assert buyer.locator("#public-done h1").inner_text() == "Obrigado pela sua resposta"
    buyer.context.close()
    page.goto(f"{live_server.url}/clients/{portfolio['A1'].pk}/")
    assert page.locator("#client-nps").inner_text().startswith("NPS: 9/10 em ")
    assert console_errors == []
