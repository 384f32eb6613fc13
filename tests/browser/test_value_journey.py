"""A manager opens a quiet client and reads its outlook, then what the portfolio is
worth. The guide's screenshots (docs/guia/valor-da-carteira.md) come from here."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from playwright.sync_api import expect

from carteira.agenda.models import Task
from carteira.plans.planner import do_plan
from carteira.portfolio.services import do_snapshot
from carteira.value.models import ClientValue
from carteira.web import formats
from tests.browser.test_dashboard_journey import log_in
from tests.browser.test_login_journey import SHOTS, offline
from tests.histories import T
from tests.value import conftest as value_data

buyers = value_data.buyers  # the fixture, shared with tests/value


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_manager_reads_a_quiet_clients_outlook_and_the_portfolio_value(
    page,
    live_server,
    buyers,
    manager_sul,
    console_errors,
):
    do_snapshot(dt.date(2026, 5, 31))
    do_snapshot(T)
    quiet = (
        ClientValue.objects.filter(fit__run__as_of=T, client__seller__team__manager=manager_sul)
        .filter(p_alive__lt=0.5, p_alive__gt=0.05, clv__gt=0)
        .order_by("-clv")
        .first()
    )
    assert quiet is not None
    offline(page, live_server)
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server, "marta")
    page.goto(f"{live_server.url}/clients/{quiet.client_id}/")
    block = page.locator("#predicted-value")
    text = block.inner_text()
    assert f"Probabilidade de ainda ser cliente: {round(quiet.p_alive * 100)} %" in text
    assert "valor esperado em 12 meses: R$" in text
    assert "clientes que ficam tanto tempo sem comprar em geral já saíram" in text
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / "valor-cliente.png", full_page=False)
    page.goto(f"{live_server.url}/?period=month")
    matrix = page.locator("#value-matrix")
    assert "Valor esperado por classe e status" in matrix.inner_text()
    assert "Valor em risco" in matrix.inner_text()
    matrix.screenshot(path=SHOTS / "valor-matriz.png")
    page.goto(f"{live_server.url}/value/?ebitda=1.200.000,00")
    assert "Quanto vale a carteira" in page.locator("h1").inner_text()
    assert page.locator("#by-seller tbody tr").count() == 2
    assert "7× = R$ 8.400.000" in page.locator("#market").inner_text()
    assert "Desde o mês passado" in page.locator("#change").inner_text()
    page.screenshot(path=SHOTS / "valor-da-carteira.png", full_page=True)
    page.get_by_text("O modelo", exact=True).click()
    page.get_by_role(
        "link", name="O modelo prevê bem? A verificação com os últimos 180 dias"
    ).click()
    assert "O modelo prevê bem?" in page.locator("h1").inner_text()
    assert page.locator("#by-frequency tbody tr").count() >= 3
    page.screenshot(path=SHOTS / "valor-verificacao-do-modelo.png", full_page=True)
    assert console_errors == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_manager_sorts_the_client_list_by_value_and_tries_the_what_if(
    page,
    live_server,
    buyers,
    manager_sul,
    console_errors,
):
    do_snapshot(T)
    offline(page, live_server)
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, live_server, "marta")
    page.goto(f"{live_server.url}/clients/?sort=-clv&clear=")
    page.goto(f"{live_server.url}/clients/?sort=-clv")
    mine = ClientValue.objects.filter(fit__run__as_of=T, client__seller__team__manager=manager_sul)
    top = mine.order_by("-clv", "client_id").first()
    first = page.locator("#results tbody tr").first
    assert top.client.name in first.inner_text()
    page.get_by_label("Ainda é cliente?").select_option(label="Improvável (menos de 30 %)")
    expected = mine.filter(p_alive__lt=0.3).count()
    expect(page.locator("#results p.muted")).to_contain_text(f"{expected} cliente")
    assert page.locator("#results tbody tr").count() == min(expected, 25)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / "valor-lista-de-clientes.png", full_page=False)
    page.goto(f"{live_server.url}/value/")
    page.get_by_label("Compras mais frequentes, %").fill("10")
    page.get_by_role("button", name="Recalcular").click()
    page.wait_for_url("**frequency=10**")
    section = page.locator("#what-if")
    assert "Clientes comprando 10 % mais vezes" in section.inner_text().replace("\xa0", " ")
    assert page.locator("#worth-recovering tbody tr").count() >= 1
    section.screenshot(path=SHOTS / "valor-e-se.png")
    page.locator("#worth-recovering").screenshot(path=SHOTS / "valor-vale-recuperar.png")
    assert console_errors == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_central_team_works_from_the_value_lists(
    page, live_server, buyers, director, seller_ana, console_errors
):
    do_snapshot(dt.date(2026, 5, 31))
    do_snapshot(T)
    offline(page, live_server)
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server, director.username)
    page.goto(f"{live_server.url}/value/")
    page.locator("#lists-link").click()
    expect(page.locator("h1")).to_have_text("Listas de valor para a equipe central")
    at_risk = page.locator("#value-list tbody tr")
    assert at_risk.count() > 0
    assert "Chance de ainda ser cliente" in at_risk.first.inner_text()
    page.get_by_role("link", name="Espaço para crescer", exact=True).click()
    page.locator("select[name=seller]").select_option(str(seller_ana.pk))
    page.get_by_role("button", name="Filtrar").click()
    rows = page.locator("#value-list tbody tr")
    assert rows.count() > 0
    for text in rows.all_inner_texts():
        assert "Ana Souza" in text
        assert "Espaço para crescer: R$" in text
    assert "XLSX" in page.locator("#list-summary").inner_text()
    page.screenshot(path=SHOTS / "valor-listas.png", full_page=True)
    rows.first.locator("a").click()
    expect(page.locator("#predicted-value")).to_be_visible()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_seller_reads_why_an_upsell_task_is_in_the_week(
    page, live_server, buyers, seller_ana, console_errors
):
    do_snapshot(T)
    noon = dt.datetime(T.year, T.month, T.day, 15, 0, tzinfo=dt.UTC)  # 12:00 in São Paulo
    with time_machine.travel(noon, tick=False):
        do_plan(T)
    # an upsell task with the client's room to grow: an upsell cell's or the feed's
    task = (
        Task.objects.filter(
            objective="upsell", seller=seller_ana, status="open", scheduled_date__isnull=False,
            context__value__kind="upsell",
        )
        .order_by("scheduled_date", "-priority", "pk")
        .first()
    )  # fmt: skip
    assert task is not None
    gap = formats.money(Decimal(task.context["value"]["amount"])).replace("\xa0", " ")
    offline(page, live_server)
    page.set_viewport_size({"width": 1280, "height": 900})
    with time_machine.travel(noon, tick=True):
        log_in(page, live_server, "ana")
        page.goto(f"{live_server.url}/agenda/?week={task.scheduled_date.isoformat()}")
        line = page.locator(f"#task-{task.pk}")
        expect(line).to_be_visible()
        assert "Vender mais" in line.inner_text()
        assert f"espaço para crescer {gap} por ano" in line.inner_text().replace("\xa0", " ")
        line.locator("details.line-script summary").click()
        reason = line.locator("p.script").inner_text()
        assert reason.startswith(task.context["reason"])  # a cell's checklist may follow
        assert reason.startswith("Espaço para crescer: R$")
        line.screenshot(path=SHOTS / "valor-tarefa-vender-mais.png")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_manager_decides_whether_a_lost_client_is_worth_recovering_beside_its_worth(
    page, live_server, buyers, director, console_errors
):
    do_snapshot(T)
    offline(page, live_server)
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, live_server, director.username)
    page.goto(f"{live_server.url}/plans/lost-clients/")
    cells = page.locator("td.outlook")
    assert cells.count() > 0
    texts = [text.replace("\xa0", " ") for text in cells.all_inner_texts()]
    assert any("de chance de ainda ser cliente" in t and "reconquistá-lo vale R$" in t
               for t in texts)  # fmt: skip
    page.screenshot(path=SHOTS / "plano-clientes-perdidos-valor.png", full_page=False)
