"""A manager imports the ERP's titles, reads a late client's credit block and the team's
aging. The guide's screenshots (docs/guia/credito-e-cobranca.md) come from here."""

import datetime as dt

import pytest
from django.utils import timezone

from carteira.credit.models import CreditLimit
from tests.browser.test_dashboard_journey import log_in
from tests.browser.test_login_journey import SHOTS, offline
from tests.imports.conftest import run_import


def titles(today: dt.date) -> str:
    """A1 pays late and owes 45 days; B1 is on time; B2 owes 100 days; A2 owes nothing."""
    rows = ["nota;parcela;cliente;emissao;vencimento;valor;data_pagamento;valor_pago"]

    def add(invoice, part, client, due_days_ago, amount, paid_days_late=None, paid=None):
        due = today - dt.timedelta(days=due_days_ago)
        issued = due - dt.timedelta(days=30)
        paid_on = "" if paid_days_late is None else (due + dt.timedelta(days=paid_days_late))
        paid_text = paid_on.strftime("%d/%m/%Y") if paid_on else ""
        rows.append(f"{invoice};{part};{client};{issued:%d/%m/%Y};{due:%d/%m/%Y};{amount};"
                    f"{paid_text};{paid or ''}")  # fmt: skip

    for n, days in enumerate((300, 240, 200, 150, 120)):
        add("NF100", n + 1, "A1", days, "2.000,00", paid_days_late=(0 if n < 3 else 12))
    add("NF101", 1, "A1", 45, "3.500,00")
    add("NF101", 2, "A1", 15, "3.500,00")
    add("NF102", 1, "A1", -15, "3.500,00")
    for n, days in enumerate((200, 150, 100, 60, 30)):
        add("NF200", n + 1, "B1", days, "1.200,00", paid_days_late=0)
    add("NF201", 1, "B1", -20, "1.200,00")
    add("NF300", 1, "B2", 100, "800,00")
    add("NF300", 2, "B2", 70, "800,00", paid_days_late=5, paid="300,00")
    add("NF400", 1, "C1", 220, "450,00")
    return "\n".join(rows) + "\n"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_manager_imports_titles_and_reads_the_credit_block_and_the_aging(
    page, live_server, portfolio, manager_sul, console_errors, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    today = timezone.localdate()
    path = tmp_path / "titulos.csv"
    path.write_text(titles(today), encoding="utf-8")
    result = run_import("receivables", path)
    assert result.error is None, result.out
    CreditLimit.objects.create(client=portfolio["A1"], limit="10000.00", reviewed_on=today)
    offline(page, live_server)
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server, "marta")

    page.goto(f"{live_server.url}/clients/{portfolio['A1'].pk}/")
    block = page.locator("#credit")
    text = block.inner_text().replace("\xa0", " ")
    assert "R$ 10.500,00" in text  # open: 3 × 3.500,00
    assert "Em cobrança" in text
    assert "105%" in text  # of the 10.000,00 limit
    SHOTS.mkdir(parents=True, exist_ok=True)
    block.scroll_into_view_if_needed()
    block.screenshot(path=SHOTS / "credito-cliente.png")

    page.locator("nav summary", has_text="Crescimento").click()  # the menu's group
    page.get_by_role("link", name="Contas a receber").click()
    assert page.locator("h1").inner_text() == "Vencidos e provisão"
    rows = page.locator("#aging-table tbody tr")
    assert rows.count() == 2  # Ana and Bruno: Carla's C1 is not Marta's
    assert "Ana Souza" in rows.nth(0).inner_text()
    page.screenshot(path=SHOTS / "credito-vencidos.png", full_page=True)
    assert console_errors == []


def month_end_before(day: dt.date) -> dt.date:
    return day.replace(day=1) - dt.timedelta(days=1)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_done_when_the_month_end_aging_agrees_everywhere_and_the_seller_is_told(
    page, live_server, portfolio, manager_sul, seller_ana, console_errors, tmp_path, settings
):
    """The issue's 'done when', as a new user tries it: the manager imports the ERP's
    titles, reads the dashboard's credit section and the late clients' list, the month
    end's aging on the page, in the spreadsheet and in the CLI (the same figures); Ana's
    agenda gets the collection task for A1 (45 days late) and, after an orders file takes
    A1 over its limit, the credit alert."""
    import io
    import json

    import openpyxl
    from django.core.management import call_command

    from carteira.plans.planner import do_plan
    from carteira.portfolio.services import do_snapshot
    from tests.plans.story import order

    settings.MEDIA_ROOT = tmp_path / "media"
    today = timezone.localdate()
    path = tmp_path / "titulos.csv"
    path.write_text(titles(today), encoding="utf-8")
    assert run_import("receivables", path).error is None
    CreditLimit.objects.create(client=portfolio["A1"], limit="12000.00", reviewed_on=today)
    for code, days, amount in (("A1", 10, "9000.00"), ("B1", 20, "5000.00"), ("A2", 40, "700.00"),
                               ("C1", 5, "300.00")):  # fmt: skip
        order(portfolio[code], days, amount, on=today)
    do_snapshot(today)
    offline(page, live_server)
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server, "marta")

    section = page.locator("#credit")
    section.scroll_into_view_if_needed()
    cards = page.locator("#credit-collection").inner_text()
    assert cards.splitlines()[:2] == ["Clientes em cobrança", "2"]  # A1 and B2 (Equipe Sul)
    SHOTS.mkdir(parents=True, exist_ok=True)
    section.screenshot(path=SHOTS / "credito-painel.png")
    page.locator("#credit-collection a").click()
    page.wait_for_url("**/clients/?overdue=30")
    names = page.locator("table tbody tr td a[href^='/clients/']").all_inner_texts()
    assert sorted(names) == ["Cliente A1 LTDA", "Cliente B2 LTDA"]
    assert page.get_by_label("Em atraso").input_value() == "30"
    page.screenshot(path=SHOTS / "credito-lista-atraso.png")

    month_end = month_end_before(today)
    page.goto(f"{live_server.url}/credit/aging/?as_of={month_end.isoformat()}&by=seller")
    total = page.locator("#aging-table tfoot tr").inner_text().replace("\xa0", " ").split("\t")
    with page.expect_download() as download:
        page.get_by_role("button", name="Baixar XLSX").click()
    assert download.value.suggested_filename == f"vencidos-{month_end.isoformat()}.xlsx"
    with open(download.value.path(), "rb") as saved:
        sheet = openpyxl.load_workbook(io.BytesIO(saved.read())).active
    xlsx_total = list(sheet.values)[-1]
    out = io.StringIO()
    call_command("report", "receivables", "--as-of", month_end.isoformat(), "--by", "seller",
                 "--format", "json", stdout=out)  # fmt: skip
    cli = json.loads(out.getvalue())
    cli_sul = [g for g in cli["groups"] if g["key"] in ("V001", "V002")]
    page_open = total[1].removeprefix("R$ ").replace(".", "").replace(",", ".")
    page_provision = total[-1].removeprefix("R$ ").replace(".", "").replace(",", ".")
    # The page and its spreadsheet are Marta's (Equipe Sul); the CLI reads the company, so
    # its Sul groups are compared.
    assert (float(page_open), float(page_provision)) == (xlsx_total[2], xlsx_total[-1])
    assert round(sum(g["open"] for g in cli_sul), 2) == float(page_open)
    assert round(sum(g["provision"] for g in cli_sul), 2) == pytest.approx(
        float(page_provision), abs=0.01
    )  # each group's provision is rounded on its own (docs/portfolio-rules.md)

    do_plan(today)
    alert_orders = tmp_path / "pedidos.csv"
    alert_orders.write_text(f"pedido;cliente;data;valor\nP900;A1;{today:%d/%m/%Y};2.500,00\n",
                            encoding="utf-8")  # fmt: skip
    assert run_import("orders", alert_orders).error is None
    seller_page = page.context.browser.new_context(
        locale="pt-BR", timezone_id="America/Sao_Paulo"
    ).new_page()
    offline(seller_page, live_server)
    seller_page.set_viewport_size({"width": 1280, "height": 900})
    log_in(seller_page, live_server, "ana")
    seller_page.goto(f"{live_server.url}/agenda/")
    agenda = seller_page.locator("main").inner_text()
    # The collection task (the plan's) and the credit alert (the import's), both planned.
    assert agenda.count("Cliente A1 LTDA\nTelefone · Cobrar parcelas vencidas") == 2
    assert "backlog" not in agenda
    seller_page.screenshot(path=SHOTS / "credito-agenda.png", full_page=True)
    assert console_errors == []
