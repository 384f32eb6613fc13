"""axe-core finds no critical or serious accessibility violation on the main pages."""

from pathlib import Path

import pytest

from carteira.portfolio.services import do_snapshot
from tests.browser.test_dashboard_journey import log_in
from tests.browser.test_login_journey import offline
from tests.browser.test_map_and_timeline import mapped  # noqa: F401 -- a fixture
from tests.histories import T

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
BLOCKING = {"critical", "serious"}


@pytest.fixture
def browser_context_args(browser_context_args):
    # axe is injected as an inline script, which the Content-Security-Policy forbids.
    return {**browser_context_args, "locale": "pt-BR", "bypass_csp": True}


def violations(page) -> list[str]:
    page.add_script_tag(path=AXE)
    found = page.evaluate("async () => (await axe.run(document)).violations")
    return [
        f"{v['impact']} {v['id']}: {[n['target'] for n in v['nodes']][:5]} — {v['help']}"
        for v in found
        if v["impact"] in BLOCKING
    ]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_login_page_has_no_serious_violations(page, live_server, seller_ana):
    offline(page, live_server)
    page.goto(f"{live_server.url}/login/")
    assert violations(page) == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "path",
    [
        "/portfolio/",
        "/clients/",
        "client",
        "/territory/map/",
        "/territory/chronology/",
        "/review/",
        "/goals/",
    ],
)
def test_a_main_page_has_no_serious_violations(page, live_server, mapped, director, path):  # noqa: F811
    do_snapshot(T, use_adbc=False)
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    offline(page, live_server)
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server, "diretor")
    if path == "client":
        path = f"/clients/{mapped['A2'].pk}/"
    page.goto(f"{live_server.url}{path}")
    if "map" in path:
        page.locator("#map[data-state=ready]").wait_for()
    assert violations(page) == []
    assert errors == []
