"""Distribution in real Chromium: a manager marks a seller as leaving, accepts the proposal
that spreads the portfolio over the team and sees the workload even out; the leaving
seller's login no longer reaches those clients. And "select → move" from the client list,
by keyboard: the confirmation first, then the move, then its undoing from the history."""

import random
import re

import pytest
from playwright.sync_api import expect

from carteira.accounts.models import Role
from carteira.clients.models import Client
from carteira.distribution.models import Proposal
from carteira.organization.models import Seller
from tests.browser.test_dashboard_journey import log_in
from tests.browser.test_login_journey import SHOTS, offline
from tests.exports.conftest import run_worker
from tests.personas import make_client, make_user

# Around Porto Alegre, Caxias do Sul and Pelotas: (city, latitude, longitude)
TOWNS = [("Porto Alegre", -30.03, -51.22), ("Caxias do Sul", -29.17, -51.18),
         ("Pelotas", -31.77, -52.34)]  # fmt: skip


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "pt-BR"}


@pytest.fixture
def team_sul_portfolio(team_sul, seller_ana, seller_bruno):
    """Ana (Porto Alegre) holds 24 clients, Bruno (Caxias) and Diego (Pelotas) 10 each."""
    diego = Seller.objects.create(external_id="V004", name="Diego Rocha", team=team_sul,
                                  user=make_user("diego", Role.SELLER))  # fmt: skip
    rng = random.Random(3)
    clients = {}
    holdings = ((seller_ana, TOWNS[0], 24), (seller_bruno, TOWNS[1], 10), (diego, TOWNS[2], 10))
    for seller, (city, lat, lon), count in holdings:
        seller.home_latitude, seller.home_longitude, seller.weekly_capacity = lat, lon, 20
        seller.save()
        for n in range(count):
            code = f"{seller.external_id}-{n:02d}"
            clients[code] = make_client(
                code, seller, city=city, state="RS", segment="supermercados",
                latitude=lat + rng.gauss(0, 0.15), longitude=lon + rng.gauss(0, 0.15),
            )  # fmt: skip
    return clients


def workloads(page, column: int) -> dict[str, float]:
    """Contacts a week per seller from the proposal's table (4: today, 5: proposed)."""
    rows = page.locator("#sellers tbody tr")
    return {
        rows.nth(i).locator("td").nth(0).inner_text(): float(
            rows.nth(i).locator("td").nth(column).inner_text().strip().replace(",", ".")
        )
        for i in range(rows.count())
    }


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_leaving_sellers_portfolio_is_spread_and_her_login_loses_it(
    page, live_server, team_sul_portfolio, seller_ana, console_errors
):
    offline(page, live_server)
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server, "marta")
    page.goto(f"{live_server.url}/distribution/departure/")
    page.select_option("select[name=seller]", label="Ana Souza")
    page.check("input[name=mode][value=spread]")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/distribution/proposals/\d+/$"))
    page.locator("#proposal-status").wait_for()  # computing: the page follows the worker
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / "distribuicao-proposta-calculando.png")
    run_worker()
    page.wait_for_selector("#proposal-map[data-state=ready]")
    assert page.locator("#proposal-map").get_attribute("data-moving") == "24"
    assert page.locator("#proposal-map").get_attribute("data-points") == "44"
    today, proposed = workloads(page, 4), workloads(page, 5)
    assert today == {"Ana Souza": 5.6, "Bruno Lima": 2.33, "Diego Rocha": 2.33}
    assert proposed["Ana Souza"] == 0.0
    # Today Ana carries 1.64 × the team's mean; proposed, Bruno and Diego within the
    # default tolerance (±15 %), and the page says so in words.
    receivers = [proposed["Bruno Lima"], proposed["Diego Rocha"]]
    assert max(receivers) / (sum(receivers) / 2) <= 1.15
    words = page.locator(".proposal-words li").all_inner_texts()
    assert words[0] == "24 de 44 clientes mudam de vendedor (54,5%)."
    assert words[1].startswith("Carga de trabalho: hoje o vendedor mais carregado tem 64% a mais")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / "distribuicao-proposta.png", full_page=True)

    page.locator("form[action$='/apply/'] button").click()
    page.wait_for_load_state()
    proposal = Proposal.objects.get()
    assert proposal.status == Proposal.State.APPLIED
    assert not Client.objects.filter(seller=seller_ana).exists()
    counts = {s.name: s.clients.count() for s in Seller.objects.filter(team__name="Equipe Sul")}
    assert counts["Ana Souza"] == 0
    assert counts["Bruno Lima"] + counts["Diego Rocha"] == 44
    assert abs(counts["Bruno Lima"] - counts["Diego Rocha"]) <= 6  # 22 each, ±15 %
    seller_ana.refresh_from_db()
    assert not seller_ana.active
    assert console_errors == []

    page.context.clear_cookies()
    log_in(page, live_server, "ana")
    client_of_ana = team_sul_portfolio["V001-00"]
    response = page.goto(f"{live_server.url}/clients/{client_of_ana.pk}/")
    assert response.status == 404
    page.goto(f"{live_server.url}/clients/")
    assert page.locator("#results tbody a").count() == 0


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_manager_ticks_clients_in_the_list_and_moves_them_by_keyboard(
    page, live_server, team_sul_portfolio, seller_bruno, console_errors
):
    offline(page, live_server)
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server, "marta")
    page.goto(f"{live_server.url}/clients/?seller={team_sul_portfolio['V001-00'].seller_id}")
    boxes = page.locator("input[name=client]")
    assert boxes.count() == 24
    for i in (0, 1):
        boxes.nth(i).focus()
        page.keyboard.press("Space")
    ticked = [int(boxes.nth(i).get_attribute("value")) for i in (0, 1)]
    page.select_option("#bulk-move select[name=seller_to]", label="Bruno Lima")
    page.locator("#bulk-move input[name=reason]").fill("rota nova")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / "distribuicao-mover-da-lista.png", full_page=True)
    page.locator("#bulk-move input[name=reason]").press("Enter")
    # The confirmation comes under the list, focused, before anything moves.
    confirm = page.locator("#move-confirmation")
    confirm.wait_for()
    expect(confirm).to_be_focused()  # htmx focuses [autofocus] when the swap settles
    assert confirm.locator("h2").inner_text() == "Mover 2 clientes para Bruno Lima?"
    assert Client.objects.filter(pk__in=ticked, seller__name="Bruno Lima").count() == 0
    # The move form and its confirmation (bounding boxes are relative to the viewport).
    form, asked = page.locator("#bulk-move").bounding_box(), confirm.bounding_box()
    top = form["y"] + page.evaluate("window.scrollY") - 16
    page.screenshot(path=SHOTS / "distribuicao-confirmar-movimentacao.png", full_page=True,
                    clip={"x": 0, "y": top, "width": 1280,
                          "height": asked["y"] + asked["height"] - form["y"] + 32})  # fmt: skip
    page.keyboard.press("Tab")  # the first control of the confirmation: "Confirmar"
    assert page.evaluate("document.activeElement.textContent").strip() == (
        "Confirmar: mover 2 clientes"
    )
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("input[name=client]").count() == 22  # the filter is kept
    moved = Client.objects.filter(pk__in=ticked).values_list("seller__name", flat=True)
    assert list(moved) == ["Bruno Lima", "Bruno Lima"]
    # The message links to the batch; from there, undo.
    page.get_by_role("link", name="Ver ou desfazer esta movimentação").click()
    page.wait_for_url(re.compile(r".*/distribution/moves/\d+/$"))
    assert page.locator("#batch-items tbody tr").count() == 2
    page.screenshot(path=SHOTS / "distribuicao-historico-desfazer.png", full_page=True)
    with page.expect_navigation():
        page.locator("#undo button").click()
    assert page.locator(".message").first.inner_text() == (
        "Desfeito: 2 clientes voltaram para os seus vendedores."
    )
    back = Client.objects.filter(pk__in=ticked).values_list("seller__name", flat=True)
    assert list(back) == ["Ana Souza", "Ana Souza"]
    assert console_errors == []
