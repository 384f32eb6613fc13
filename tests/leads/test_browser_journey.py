"""The issue's journey in Chromium, pt-BR: a seller's purchased list (cp1252, ';') with
companies that are already clients or leads, worked by ICP score on the list and the
board (keyboard), one converted into a client whose first order makes it active; the
manager reads the funnel and CAC of the month, the same as the CLI and the API. The
guide's screenshots (docs/guia/prospeccao.md) come from here."""

import datetime as dt
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from carteira.agenda.models import WorkSchedule
from carteira.clients.models import Client
from carteira.leads.models import AcquisitionSpend, Event, Lead, LossReason
from carteira.orders.models import Order
from carteira.portfolio.models import ClientSnapshot
from carteira.portfolio.services import do_snapshot
from tests.api.conftest import caller_for
from tests.browser.test_dashboard_journey import log_in
from tests.browser.test_login_journey import SHOTS, offline
from tests.histories import T
from tests.imports.conftest import run_import
from tests.leads.factories import make_lead

CITIES = [("Porto Alegre", "RS", "supermercados"), ("Canoas", "RS", "supermercados"),
          ("Recife", "PE", "farmácias"), ("Pelotas", "RS", "farmácias")]  # fmt: skip


def purchased_list(path, today: dt.date) -> None:
    """24 companies; line 2 repeats client A1's name in its city, line 3 B1's."""
    rows = ["codigo;razao_social;cnpj;segmento;cidade;uf;origem;vendedor;data_cadastro"]
    rows.append(f"P00;Cliente A1 LTDA;;supermercados;Porto Alegre;RS;lista;V001;{today:%d/%m/%Y}")
    rows.append(f"P01;Cliente B1 LTDA;;supermercados;Porto Alegre;RS;lista;V001;{today:%d/%m/%Y}")
    for n in range(2, 24):
        city, uf, segment = CITIES[n % 4]
        rows.append(f"P{n:02};Comércio São João {n} Ltda;;{segment};{city};{uf};lista;V001;"
                    f"{today:%d/%m/%Y}")  # fmt: skip
    path.write_bytes(("\r\n".join(rows) + "\r\n").encode("cp1252"))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_seller_works_a_purchased_list_and_the_manager_reads_the_funnel(
    page, live_server, history, seller_ana, manager_sul, console_errors, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    today = timezone.localdate()
    do_snapshot(T)  # class A: A1 and A2, supermarket and pharmacy in Porto Alegre/RS
    path = tmp_path / "lista-comprada.csv"
    purchased_list(path, today)
    dry = run_import("leads", path, "--dry-run")
    assert sum("already client" in line for line in dry.out.splitlines()) == 2
    assert run_import("leads", path, "--skip-invalid").error is None
    assert Lead.objects.count() == 22
    LossReason.objects.create(name="Sem interesse")
    AcquisitionSpend.objects.create(period_start=today.replace(day=1), period_end=today,
                                    channel="list", amount=Decimal("1500.00"),
                                    seller=seller_ana)  # fmt: skip

    offline(page, live_server)
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server, "ana")
    page.get_by_role("link", name="Leads", exact=True).click()
    assert page.locator("h1").inner_text() == "Leads"
    first = page.locator("#results tbody tr").first
    # The best lookalikes (supermarkets in Porto Alegre/RS) come first, scored 100.
    assert first.locator("td").first.inner_text() == "100"
    assert "Porto Alegre/RS" in first.inner_text()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / "prospeccao-lista.png", full_page=True)

    first.get_by_role("link").click()
    assert page.get_by_text("Semelhança com seus melhores clientes").is_visible()
    page.get_by_label("Passar para").select_option(label="Primeiro contato")
    page.get_by_role("button", name="Mover", exact=True).click()
    assert "Lead movido para Primeiro contato." in page.locator("main").inner_text()
    lead = Lead.objects.get(stage="contacted")
    page.screenshot(path=SHOTS / "prospeccao-lead.png", full_page=True)

    page.goto(f"{live_server.url}/leads/board/")
    card = page.locator(f"#lead-{lead.pk}")
    card.locator("select[name=stage]").focus()
    page.keyboard.press("End")  # keyboard only: the last stage in the list
    card.locator("select[name=stage]").select_option("qualified")
    card.get_by_role("button", name="Mover").press("Enter")
    moved = page.locator("[data-stage=qualified]").locator(f"#lead-{lead.pk}")
    moved.wait_for()
    assert page.locator("#board-status").inner_text().endswith("movido.")
    page.screenshot(path=SHOTS / "prospeccao-quadro.png")
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    page.screenshot(path=SHOTS / "prospeccao-quadro-celular.png")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.goto(f"{live_server.url}/leads/{lead.pk}/")
    page.get_by_role("button", name="Converter em cliente").click()
    assert page.url.startswith(f"{live_server.url}/clients/")
    client = Client.objects.get(leads=lead)
    assert client.seller == seller_ana
    Order.objects.create(external_id="PRIMEIRO", client=client, seller=seller_ana, date=today,
                         amount=Decimal("2500.00"))  # fmt: skip
    run = do_snapshot(today)
    assert ClientSnapshot.objects.get(run=run, client=client).status == "active"

    page.context.clear_cookies()
    log_in(page, live_server, "marta")
    page.locator("nav summary", has_text="Crescimento").click()
    page.get_by_role("link", name="Funil de prospecção").click()
    assert page.locator("#kpi-leads").inner_text() == "22"
    assert page.locator("#kpi-won").inner_text() == "1"
    cac = page.locator("#kpi-cac").inner_text().replace("\xa0", " ")
    assert cac == "R$ 1.500,00"  # R$ 1.500 of lists for the month's one new client
    page.screenshot(path=SHOTS / "prospeccao-funil.png", full_page=True)

    out = StringIO()
    call_command("report", "funnel", "--format", "json", stdout=out)
    cli = json.loads(out.getvalue())
    api = caller_for(manager_sul).get("/leads/funnel").json()
    assert (cli["leads"], cli["won"], cli["acquisition"]["cac"]) == (22, 1, 1500.0)
    assert (api["leads"], api["won"], api["acquisition"]["cac"]) == (22, 1, 1500.0)
    assert console_errors == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_seller_plans_the_best_leads_in_the_agenda_and_records_a_contact(
    page, live_server, history, seller_ana, manager_sul, console_errors, tmp_path, settings
):
    """The top of the list by ICP goes into the agenda within the seller's capacity; a
    contact moves the lead on and the cadence gives the next step. The manager reads the
    referrals and the events beside the funnel."""
    settings.MEDIA_ROOT = tmp_path / "media"
    today = timezone.localdate()
    do_snapshot(T)
    path = tmp_path / "lista-comprada.csv"
    purchased_list(path, today)
    assert run_import("leads", path, "--skip-invalid").error is None
    WorkSchedule.objects.update_or_create(
        seller=seller_ana, defaults={"daily_visits": 2, "daily_calls": 2}
    )
    fair = Event.objects.create(name="Feira do Varejo Sul", date=today, cost=Decimal("3000.00"))
    referrer = Client.objects.get(external_id="A1")
    for n, (name, source) in enumerate((("Mercado Indicado", "referral"),
                                        ("Atacado da Feira", "event"),
                                        ("Padaria da Feira", "event"))):  # fmt: skip
        make_lead(name, seller_ana, on=today, source=source, external_id=f"N{n}",
                  referred_by=referrer if source == "referral" else None,
                  event=fair if source == "event" else None)  # fmt: skip

    offline(page, live_server)
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server, "ana")
    page.goto(f"{live_server.url}/leads/?stage=listed")
    page.locator("#plan-contacts input[name=count]").fill("3")
    page.get_by_role("button", name="Planejar contatos").click()
    assert "3 leads agora estão na agenda." in page.locator("main").inner_text()
    planned = list(Lead.objects.filter(next_step_date=today).order_by("-icp_score", "name"))
    assert [lead.icp_score for lead in planned] == [100, 100, 100]

    page.goto(f"{live_server.url}/agenda/")
    prospects = page.locator(".prospects").first
    # Two calls a day: the three leads take today's two and tomorrow's first (or the
    # next working days'), the best ICP first.
    assert prospects.locator(".prospects-title").inner_text() == "Prospecção: 2 leads"
    assert "Pesquisar a empresa" in prospects.inner_text()
    page.screenshot(path=SHOTS / "prospeccao-agenda.png", full_page=True)

    lead = planned[0]
    page.goto(f"{live_server.url}/leads/{lead.pk}/")
    form = page.locator("#contact")
    form.locator("select[name=contact-channel]").select_option(label="Telefone")
    form.locator("textarea[name=contact-note]").fill("Falei com o comprador; pediu catálogo.")
    form.locator("select[name=contact-move_to]").select_option(label="Primeiro contato")
    page.screenshot(path=SHOTS / "prospeccao-contato.png", full_page=True)
    page.get_by_role("button", name="Registrar contato").click()
    assert "Contato registrado." in page.locator("main").inner_text()
    lead.refresh_from_db()
    assert (lead.stage, lead.next_step) == ("contacted", "Fazer novo contato")
    assert "pediu catálogo" in page.locator("#lead-contacts").inner_text()

    page.context.clear_cookies()
    log_in(page, live_server, "marta")
    page.goto(f"{live_server.url}/leads/funnel/")
    referrals = page.locator("#referrals-summary").inner_text()
    assert referrals.startswith("1 lead indicado por clientes; ganhos: 0")
    assert "Cliente A1 LTDA" in page.locator("#referrers").inner_text()
    event = page.locator("#funnel-events tbody tr").first.inner_text().replace("\xa0", " ")
    assert "Feira do Varejo Sul" in event and "R$ 1.500,00" in event  # R$ 3.000 / 2 leads
    page.locator("#referrals-summary").scroll_into_view_if_needed()
    page.screenshot(path=SHOTS / "prospeccao-indicacoes-eventos.png", full_page=True)
    assert console_errors == []
