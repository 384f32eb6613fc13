"""The issue's "done when", in real Chromium (pt-BR): a seller records a complaint from an
A client; the analyst sees it in the queue with its SLA clock; the first response is logged
in the guided flow; a breach escalates to the manager by e-mail; the client page and the
client list show the open complaint; the monthly review counts it. The guide's screenshots
(docs/guia/reclamacoes.md) come from here."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from carteira.complaints.escalation import do_watch_sla
from carteira.complaints.models import Complaint
from carteira.orders.models import Order
from carteira.portfolio.models import ClientSnapshot
from carteira.portfolio.services import do_snapshot
from tests.browser.test_dashboard_journey import log_in
from tests.browser.test_login_journey import SHOTS, offline


def as_user(page, live_server, username):
    page.context.clear_cookies()
    log_in(page, live_server, username)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_complaint_from_record_to_escalation_and_review(
    page, live_server, portfolio, seller_ana, analyst, manager_sul, director, smtp,
    console_errors,
):  # fmt: skip
    today = timezone.localdate()
    # A1 buys most: the day's portfolio reading (`carteira snapshot`) makes it an A client.
    for number, (code, amount) in enumerate((("A1", "50000.00"), ("A2", "300.00"),
                                             ("B1", "200.00"), ("C1", "100.00"))):  # fmt: skip
        client = portfolio[code]
        Order.objects.create(external_id=f"RC{number}", client=client, seller=client.seller,
                             date=today - dt.timedelta(days=10), amount=amount)  # fmt: skip
    do_snapshot(today)
    offline(page, live_server)
    page.set_viewport_size({"width": 1280, "height": 900})
    SHOTS.mkdir(parents=True, exist_ok=True)

    # The seller records the complaint from the client page.
    as_user(page, live_server, "ana")
    page.goto(f"{live_server.url}/clients/{portfolio['A1'].pk}/")
    page.locator("#complaints").get_by_role("button", name="Registrar reclamação").click()
    assert page.get_by_label("Código do cliente").input_value() == "A1"
    page.get_by_label("Categoria").select_option("Produto avariado")
    page.get_by_label("Gravidade").select_option("high")
    page.get_by_label("Canal").select_option("phone")
    page.get_by_label("O que o cliente diz").fill(
        "Metade das caixas do pedido chegou amassada; o cliente quer a troca até sexta."
    )
    page.screenshot(path=SHOTS / "reclamacao-nova.png", full_page=True)
    page.get_by_role("button", name="Registrar a reclamação").click()
    page.wait_for_selector("#complaint-status")
    assert page.locator("#complaint-status").inner_text() == "Em aberto"
    complaint = Complaint.objects.get()
    assert (complaint.client, complaint.severity, complaint.owner) == (
        portfolio["A1"], "high", seller_ana.user
    )  # fmt: skip

    # The analyst sees it in the queue with its SLA clock.
    as_user(page, live_server, "analista")
    page.goto(f"{live_server.url}/complaints/")
    row = page.locator(f"#complaint-queue tr[data-complaint='{complaint.pk}']")
    assert "Cliente A1 LTDA" in row.inner_text()
    assert "primeira resposta" in row.locator(".sla-clock").inner_text()
    page.screenshot(path=SHOTS / "reclamacoes-fila.png", full_page=True)

    # The first response is logged in the guided flow (by the seller who owns it).
    as_user(page, live_server, "ana")
    page.goto(f"{live_server.url}/complaints/{complaint.pk}/")
    form = page.locator("#step-acknowledge")
    form.get_by_label("Pedido de desculpas").fill("Pedimos desculpas pelo transtorno.")
    form.get_by_label("Promessa (o quê e até quando)").fill("Troca das caixas até sexta-feira.")
    form.get_by_role("button", name="Registrar a primeira resposta").click()
    page.wait_for_selector("#step-investigate")
    assert page.locator("#complaint-status").inner_text() == "Acolhida"
    page.screenshot(path=SHOTS / "reclamacao-fluxo.png", full_page=True)

    # Past the resolution deadline the watch escalates: an A client's to the director, and
    # the manager is told by e-mail too.
    complaint.refresh_from_db()
    assert ClientSnapshot.objects.get(client=portfolio["A1"], run__as_of=today).abc == "A"
    watch = do_watch_sla(now=complaint.resolution_due + dt.timedelta(hours=1))
    assert sorted(rcpt for rcpt, _m in smtp.messages) == [
        ["diretor@exemplo.com.br"], ["marta@exemplo.com.br"]
    ]  # fmt: skip
    assert (watch.escalated, watch.emails) == (1, 2)

    # The client page shows the open complaint first; the list filters it.
    page.goto(f"{live_server.url}/clients/{portfolio['A1'].pk}/")
    block = page.locator("#complaints")
    assert "Acolhida" in block.locator("li.open-complaint").first.inner_text()
    block.scroll_into_view_if_needed()
    block.screenshot(path=SHOTS / "reclamacao-cliente.png")
    as_user(page, live_server, "marta")
    page.goto(f"{live_server.url}/clients/")
    page.get_by_label("Com reclamação aberta").check()
    page.wait_for_url("**complaint=1**")
    expect(page.locator("#results tbody tr")).to_have_count(1)
    assert "A1" in page.locator("#results tbody tr").inner_text()

    # The monthly review counts it.
    page.goto(f"{live_server.url}/review/?period={today:%Y-%m}")
    section = page.locator("#complaint-measures")
    assert "1 abertas, 0 encerradas no período." in section.inner_text()
    section.scroll_into_view_if_needed()
    section.screenshot(path=SHOTS / "reclamacoes-revisao.png")
    assert console_errors == []
