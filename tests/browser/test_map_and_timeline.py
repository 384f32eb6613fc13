"""A director reads the map offline, the clients by time without contact, and a client's
360 page with its charts, in real Chromium."""

import datetime as dt
import random

import pytest
from django.utils import timezone

from carteira.clients.models import Client
from carteira.interactions.models import Interaction
from carteira.portfolio.services import do_snapshot
from tests.browser.test_dashboard_journey import log_in
from tests.browser.test_login_journey import SHOTS, offline
from tests.histories import T

# (city, state, latitude, longitude): where the extra clients of the screenshots live.
CITIES = [
    ("Porto Alegre", "RS", -30.03, -51.22), ("Curitiba", "PR", -25.43, -49.27),
    ("São Paulo", "SP", -23.55, -46.63), ("Campinas", "SP", -22.91, -47.06),
    ("Belo Horizonte", "MG", -19.92, -43.94), ("Rio de Janeiro", "RJ", -22.91, -43.17),
    ("Salvador", "BA", -12.97, -38.50), ("Recife", "PE", -8.05, -34.88),
    ("Fortaleza", "CE", -3.73, -38.52), ("Goiânia", "GO", -16.68, -49.25),
    ("Manaus", "AM", -3.12, -60.02), ("Belém", "PA", -1.46, -48.50),
]  # fmt: skip


@pytest.fixture
def browser_context_args(browser_context_args):
    """Brazilian Portuguese, as the screenshots of the user guide."""
    return {**browser_context_args, "locale": "pt-BR"}


@pytest.fixture
def mapped(history, seller_carla):
    """The history's six clients placed on the map, and 180 more around Brazil, with
    successful contacts spread over the last 120 days (a fifth never contacted)."""
    today = timezone.localdate()
    rng = random.Random(7)
    for client in history.values():
        _city, _state, lat, lon = CITIES[0] if client.state == "RS" else CITIES[7]
        client.latitude, client.longitude = (
            lat + rng.uniform(-0.3, 0.3),
            lon + rng.uniform(-0.3, 0.3),
        )
        client.save(update_fields=["latitude", "longitude"])
    extra = []
    for n in range(180):
        city, state, lat, lon = CITIES[n % len(CITIES)]
        extra.append(Client(
            external_id=f"M{n:03d}", name=f"Mercado {n:03d} LTDA", city=city, state=state,
            seller=seller_carla, segment="supermercados",
            latitude=lat + rng.gauss(0, 0.4), longitude=lon + rng.gauss(0, 0.4),
        ))  # fmt: skip
    extra = Client.objects.bulk_create(extra)
    Interaction.objects.bulk_create(
        Interaction(client=c, seller=seller_carla, channel="visit", successful=True,
                    date=today - dt.timedelta(days=rng.randrange(0, 120)))
        for c in extra if rng.random() > 0.2
    )  # fmt: skip
    Interaction.objects.create(client=history["A1"], seller=history["A1"].seller,
                               channel="visit", successful=True, date=today)  # fmt: skip
    return history


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_map_draws_every_scoped_point_offline(
    page, live_server, mapped, director, console_errors
):
    offline(page, live_server)
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server, "diretor")
    page.goto(f"{live_server.url}/territory/map/")
    map_ = page.locator("#map[data-state=ready]")
    map_.wait_for()
    assert map_.get_attribute("data-points") == "186"
    assert page.locator(".leaflet-marker-pane .map-cluster").count() > 0
    assert page.locator("#map-legend li").count() == 5
    # No tile server: the vendored state outlines and the clients' towns, labelled.
    page.locator("#map[data-states='27']").wait_for()
    assert page.locator(".map-state").count() == 27
    assert page.locator(".map-offline path.leaflet-interactive, .map-offline path").count() > 0
    towns = page.locator(".map-town").all_inner_texts()
    assert {"Porto Alegre", "São Paulo", "Recife", "Manaus"} <= set(towns)
    assert int(map_.get_attribute("data-towns")) == len(towns)
    page.screenshot(path=SHOTS / "mapa.png", full_page=True)
    # The clusters come from the server for the view: clicking one zooms in, and the map
    # asks for the new view's clusters; the clients it holds add up to what it shows.
    page.evaluate("document.getElementById('map').dataset.state = 'moved'")
    page.locator(".leaflet-marker-pane .map-cluster").first.click()
    page.locator("#map[data-state=ready]").wait_for()
    zoomed = page.evaluate("""() => {
      const el = document.getElementById("map");
      let held = 0;
      el.clientLayer.eachLayer(layer => { held += layer.clients || (layer.clientId ? 1 : 0); });
      return [Number(el.dataset.zoom), Number(el.dataset.points), held];
    }""")
    assert zoomed[0] > 4 and 0 < zoomed[1] <= 186 and zoomed[2] == zoomed[1]
    page.evaluate("document.getElementById('map').dataset.state = 'moved'")
    page.evaluate("document.getElementById('map').leafletMap.setView([-23.3, -46.9], 8)")
    page.locator("#map[data-state=ready]").wait_for()
    page.wait_for_function("document.querySelectorAll('.map-town').length >= 2")
    assert set(page.locator(".map-town").all_inner_texts()) >= {"São Paulo", "Campinas"}
    map_.screenshot(path=SHOTS / "mapa-municipios.png")

    page.locator("#id_colour").select_option("status")
    page.locator("#map[data-state=ready]").wait_for()
    assert page.locator("#map-legend li").count() == 6
    assert "colour=status" in page.url
    assert console_errors == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_seller_sees_only_her_points(page, live_server, mapped, seller_ana, console_errors):
    offline(page, live_server)
    log_in(page, live_server, "ana")
    page.goto(f"{live_server.url}/territory/map/")
    page.locator("#map[data-state=ready]").wait_for()
    assert page.locator("#map").get_attribute("data-points") == "2"
    assert page.locator("#id_seller").count() == 0  # she is the only seller she sees
    assert page.locator(".map-town").all_inner_texts() == ["Porto Alegre"]
    assert console_errors == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_chronology_links_each_bucket_to_its_clients(
    page, live_server, mapped, director, console_errors
):
    offline(page, live_server)
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server, "diretor")
    page.goto(f"{live_server.url}/territory/chronology/")
    counts = page.locator(".bucket-count").all_inner_texts()
    assert sum(int(c.replace(".", "")) for c in counts) == 186
    page.screenshot(path=SHOTS / "cronologia.png", full_page=True)
    never = int(page.locator("#bucket-never .bucket-count").inner_text())
    page.locator("#bucket-never").click()
    page.wait_for_url("**/territory/chronology/?*bucket=never*")
    assert page.locator("#results h2 small").inner_text() == f"({never})"
    assert console_errors == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_client_360_page_draws_its_charts(page, live_server, mapped, director, console_errors):
    for days in (150, 120, 90, 60, 30, 0):
        do_snapshot(T - dt.timedelta(days=days), use_adbc=False)
    offline(page, live_server)
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server, "diretor")
    page.goto(f"{live_server.url}/clients/{mapped['A2'].pk}/")
    drawn = page.evaluate(
        "['days-chart', 'revenue-chart'].map((id) => Boolean(Chart.getChart(id)))"
    )
    assert drawn == [True, True]
    assert page.locator("#reading-history tbody tr").count() == 6
    assert page.locator("ol.timeline li").count() == 1
    page.screenshot(path=SHOTS / "cliente-360.png", full_page=True)
    assert console_errors == []
