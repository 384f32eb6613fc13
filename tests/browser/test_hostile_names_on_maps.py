# ruff: noqa: F811 -- team_sul_portfolio is a fixture imported by name
"""Names on maps are text (issue 24): a client, a seller and a rule named
``Ramos & Alves <b>"O'Brien"</b>`` are read back exactly from the territory map's card, the
distribution proposal's tooltips and the rule map's tooltips, in real Chromium, and no
markup from them reaches the page."""

import re

import pytest

from carteira.distribution.models import DistributionRule
from carteira.organization.models import Seller
from tests.browser.test_dashboard_journey import log_in
from tests.browser.test_distribution_journey import team_sul_portfolio  # noqa: F401 -- a fixture
from tests.browser.test_login_journey import SHOTS, offline
from tests.exports.conftest import run_worker
from tests.personas import make_client

HOSTILE = 'Ramos & Alves <b>"O\'Brien"</b>'

# Every tooltip of the map opened in turn: its text and how many elements it holds.
TOOLTIPS = """id => {
  const map = document.getElementById(id).leafletMap;
  const seen = [];
  map.eachLayer(layer => {
    if (!layer.getTooltip || !layer.getTooltip()) return;
    layer.openTooltip();
    const el = layer.getTooltip().getElement();
    seen.push([el.textContent, el.querySelectorAll("b").length]);
    layer.closeTooltip();
  });
  return seen;
}"""


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "pt-BR"}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_territory_cards_name_is_the_clients_name_as_typed(
    page, live_server, seller_ana, console_errors
):
    make_client("H1", seller_ana, name=HOSTILE, state="RS", latitude=-30.03, longitude=-51.22)
    offline(page, live_server)
    log_in(page, live_server, "ana")
    page.goto(f"{live_server.url}/territory/map/")
    page.wait_for_selector("#map[data-state=ready]")
    page.evaluate("""() => {
      const marker = document.getElementById("map").clientLayer.getLayers()
        .find(layer => layer.clientId);
      marker.fire("click");
    }""")
    card = page.locator(".leaflet-popup-content strong a")
    card.wait_for()
    assert card.inner_text() == HOSTILE
    assert page.locator(".leaflet-popup-content b").count() == 0
    page.screenshot(path=str(SHOTS / "mapa-nome-hostil.png"))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_proposal_maps_tooltips_name_the_seller_as_typed(
    page,
    live_server,
    team_sul_portfolio,
    seller_bruno,
    console_errors,
):
    Seller.objects.filter(pk=seller_bruno.pk).update(name=HOSTILE)
    offline(page, live_server)
    log_in(page, live_server, "marta")
    page.goto(f"{live_server.url}/distribution/departure/")
    page.select_option("select[name=seller]", label="Ana Souza")
    page.check("input[name=mode][value=spread]")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/distribution/proposals/\d+/$"))
    page.locator("#proposal-status").wait_for()  # computing: the page follows the worker
    run_worker()
    page.wait_for_selector("#proposal-map[data-state=ready]")
    tooltips = page.evaluate(TOOLTIPS, "proposal-map")
    assert len(tooltips) == 44
    assert all(markup == 0 for _text, markup in tooltips)
    texts = [text for text, _markup in tooltips]
    assert texts.count(HOSTILE) == 10  # Bruno's own clients stay with him
    assert texts.count(f"de Ana Souza para {HOSTILE}") > 0  # some of Ana's go to him


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_rule_maps_tooltips_name_the_other_rules_as_typed(
    page, live_server, seller_bruno, manager_sul, console_errors
):
    DistributionRule.objects.create(
        name=HOSTILE, seller=seller_bruno,
        polygon=[[-51.5, -29.8], [-51.0, -29.8], [-51.0, -30.3], [-51.5, -30.3]],
    )  # fmt: skip
    offline(page, live_server)
    log_in(page, live_server, "marta")
    page.goto(f"{live_server.url}/distribution/rules/new/")
    page.wait_for_selector("#rule-map[data-state=ready]")
    assert page.evaluate(TOOLTIPS, "rule-map") == [[HOSTILE, 0]]
