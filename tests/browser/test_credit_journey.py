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
