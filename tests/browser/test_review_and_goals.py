"""A director reads October's review (summary first, arrows coloured good or bad, a table
of contents that jumps to each section) and a manager pastes next month's goals from a
spreadsheet into the grid, in real Chromium, pt-BR; the screenshots are the guide's."""

import datetime as dt

import pytest
import time_machine
from playwright.sync_api import expect

from carteira.goals.models import Goal
from goals.conftest import november  # noqa: F401 -- the small history (one order counter)
from review.test_review import october  # noqa: F401 -- October's goals and a loss
from tests.browser.test_dashboard_journey import log_in
from tests.browser.test_login_journey import SHOTS, offline

ON_12_NOV = dt.datetime(2026, 11, 12, 15, tzinfo=dt.UTC)

# Ana: revenue and positivation; Bruno (next row): revenue and positivation, as Excel
# copies a 2 × 2 block of pt-BR numbers.
BLOCK = "120.000,00\t70%\r\n1.500\t65\r\n"


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "pt-BR"}


@pytest.fixture(autouse=True)
def _on_12_november():
    with time_machine.travel(ON_12_NOV, tick=True):
        yield


def paste(page, selector: str, text: str) -> None:
    """What Ctrl+V does with a block copied from Excel: a paste event carrying the text."""
    page.locator(selector).focus()
    page.evaluate(
        """([selector, text]) => {
            const data = new DataTransfer();
            data.setData("text/plain", text);
            document.querySelector(selector).dispatchEvent(new ClipboardEvent("paste",
                { clipboardData: data, bubbles: true, cancelable: true }));
        }""",
        [selector, text],
    )


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_review_opens_with_a_summary_and_arrows_coloured_good_or_bad(
    page,
    live_server,
    director,
    october,  # noqa: F811
    console_errors,
):
    offline(page, live_server)
    page.set_viewport_size({"width": 1280, "height": 1000})
    log_in(page, live_server, "diretor")
    page.goto(f"{live_server.url}/review/?period=2026-10")
    summary = page.locator("#summary")
    assert summary.locator(".figure").count() == 4
    assert summary.locator(".figure-name").all_inner_texts() == [
        "Faturamento", "Positivação", "Cobertura de carteira", "Taxa de churn",
    ]  # fmt: skip
    # Revenue doubled (R$ 1.000,00 → R$ 2.000,00): up, and good.
    revenue = page.locator("#indicators tbody tr", has_text="Faturamento").locator(".trend")
    assert revenue.inner_text() == "▲"
    assert revenue.get_attribute("class") == "trend trend-up good"
    assert revenue.get_attribute("aria-label") == "subiu, melhor"
    colour = revenue.evaluate("el => getComputedStyle(el).color")
    assert colour == "rgb(21, 128, 61)"
    page.screenshot(path=SHOTS / "revisao.png")
    page.locator(".review-toc a[href='#risks']").click()
    page.wait_for_url("**#risks")
    assert page.locator("#risks h2").is_visible()
    assert console_errors == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_manager_pastes_goals_from_a_spreadsheet_and_a_bad_cell_saves_nothing(
    page, live_server, manager_sul, seller_ana, seller_bruno, console_errors
):
    offline(page, live_server)
    page.set_viewport_size({"width": 1366, "height": 800})
    log_in(page, live_server, "marta")
    page.goto(f"{live_server.url}/goals/?period=2026-12")
    first = f"input[name='seller:{seller_ana.pk}:revenue']"
    paste(page, first, BLOCK)
    assert page.locator("#paste-status").inner_text() == (
        "4 células coladas. Confira e clique em Salvar metas."
    )
    assert (
        page.locator(f"input[name='seller:{seller_bruno.pk}:positivation']").input_value() == "65"
    )
    assert page.locator("input.pasted").count() == 4
    page.locator(".goal-grid").screenshot(path=SHOTS / "metas-colar.png")
    # Enter moves down, as in a spreadsheet, instead of submitting the grid.
    page.locator(first).focus()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.name") == f"seller:{seller_bruno.pk}:revenue"
    page.keyboard.press("ArrowUp")
    assert page.evaluate("document.activeElement.name") == f"seller:{seller_ana.pk}:revenue"
    page.get_by_role("button", name="Salvar metas").click()
    page.wait_for_url("**/goals/?period=2026-12")
    assert page.get_by_text("Metas salvas: 4.").is_visible()
    assert Goal.objects.filter(period_start=dt.date(2026, 12, 1)).count() == 4

    paste(page, first, "doze mil\t150\r\n")
    page.get_by_role("button", name="Salvar metas").click()
    expect(page.locator("#grid-errors li")).to_have_text(
        [
            "Ana Souza — Faturamento: 'doze mil' não é um número (escreva como 1.234,56)",
            "Ana Souza — Positivação: '150' é uma taxa em %: entre 0 e 100",
        ]
    )
    assert page.locator(first).input_value() == "doze mil"  # kept as typed
    assert page.locator("[aria-invalid=true]").count() == 2
    saved = Goal.objects.get(
        seller=seller_ana, indicator="revenue", period_start=dt.date(2026, 12, 1)
    )
    assert saved.target == 120000  # nothing of the bad grid was saved
    page.screenshot(path=SHOTS / "metas-erro.png")
    assert console_errors == []
