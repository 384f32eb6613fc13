"""A segmentation rule's territory drawn on the map in real Chromium: the manager draws a
polygon around Porto Alegre, the page counts the clients inside, the rule keeps the ring
and the rules preview moves exactly those clients."""

import re

import pytest

from carteira.distribution.models import DistributionRule
from tests.browser.test_dashboard_journey import log_in
from tests.browser.test_login_journey import SHOTS, offline
from tests.personas import make_client

PORTO_ALEGRE = (-30.03, -51.22)
CAXIAS = (-29.17, -51.18)
PELOTAS = (-31.77, -52.34)
# The territory drawn: a square of about 0.5° around Porto Alegre, as (lat, lon).
SQUARE = [(-29.78, -51.47), (-29.78, -50.97), (-30.28, -50.97), (-30.28, -51.47)]


@pytest.fixture
def clients_in_three_towns(team_sul, seller_ana, seller_bruno):
    """Ana: five clients in Porto Alegre; Bruno: three in Caxias do Sul, two in Pelotas."""
    towns = [("POA", seller_ana, PORTO_ALEGRE, 5), ("CXS", seller_bruno, CAXIAS, 3),
             ("PEL", seller_bruno, PELOTAS, 2)]  # fmt: skip
    for town, seller, (lat, lon), count in towns:
        for n in range(count):
            make_client(f"{town}-{n}", seller, state="RS",
                        latitude=lat + 0.03 * n, longitude=lon - 0.02 * n)  # fmt: skip


def pixel(page, lat: float, lon: float) -> tuple[float, float]:
    """Where (lat, lon) is on the screen, from Leaflet's own projection."""
    point = page.evaluate(
        "([lat, lon]) => document.getElementById('rule-map').leafletMap"
        ".latLngToContainerPoint([lat, lon])",
        [lat, lon],
    )
    box = page.locator("#rule-map").bounding_box()
    return box["x"] + point["x"], box["y"] + point["y"]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_manager_draws_a_territory_and_the_preview_moves_the_clients_inside(
    page, live_server, clients_in_three_towns, seller_bruno, console_errors
):
    offline(page, live_server)
    page.set_viewport_size({"width": 1280, "height": 1000})
    log_in(page, live_server, "marta")
    page.goto(f"{live_server.url}/distribution/rules/new/")
    page.wait_for_selector("#rule-map[data-state=ready]")
    assert page.get_attribute("#rule-map", "data-points") == "10"

    page.locator(".leaflet-pm-icon-polygon").click()
    corners = [pixel(page, lat, lon) for lat, lon in SQUARE]
    for x, y in [*corners, corners[0]]:  # clicking the first vertex again closes the ring
        page.mouse.click(x, y)
    expect_text = "Clientes dentro do polígono: 5"
    page.wait_for_function(
        "text => document.getElementById('rule-map-status').textContent === text", arg=expect_text
    )
    assert page.get_attribute("#rule-map", "data-vertices") == "4"
    page.screenshot(path=str(SHOTS / "distribuicao-poligono.png"))

    page.get_by_label("Nome").fill("Porto Alegre")
    page.get_by_label("Vendedor de destino").select_option(label="Bruno Lima")
    page.get_by_role("button", name="Salvar").click()
    page.wait_for_url(re.compile(r".*/distribution/$"))
    rule = DistributionRule.objects.get(name="Porto Alegre")
    assert len(rule.polygon) == 4
    for (lon, lat), (want_lat, want_lon) in zip(rule.polygon, SQUARE, strict=True):
        assert lat == pytest.approx(want_lat, abs=0.05)  # a pixel is about 0.02° at this zoom
        assert lon == pytest.approx(want_lon, abs=0.05)  # a pixel is about 0.02° at this zoom

    page.goto(f"{live_server.url}/distribution/rules/preview/")
    assert page.locator("#changes h2").inner_text() == "5 clientes mudam de vendedor"
    moved = page.locator("#changes tbody td:first-child").all_inner_texts()
    assert sorted(code.split(" · ")[0] for code in moved) == [f"POA-{n}" for n in range(5)]
    assert (
        page.locator("#unmatched h2").inner_text() == "5 clientes não se enquadram em nenhuma regra"
    )
    assert console_errors == []
