"""On the client page, "see more" appends the next orders and timeline entries in place
(HTMX under the page's CSP), in real Chromium."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_dashboard_journey import log_in
from tests.browser.test_login_journey import offline
from tests.histories import order
from tests.territory.conftest import contact


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_see_more_appends_the_next_orders_and_entries_until_none_is_left(
    page,
    live_server,
    portfolio,
    director,
    console_errors,
):
    a1 = portfolio["A1"]
    for day in range(25):
        order(a1, day, "10.00")
    for day in range(12):
        contact(a1, day)
    offline(page, live_server)
    log_in(page, live_server, "diretor")
    page.goto(f"{live_server.url}/clients/{a1.pk}/")
    rows = page.locator("#order-rows tr:not(.more)")
    expect(rows).to_have_count(10)
    for shown in (20, 25):
        page.locator("#order-rows tr.more button").click()
        expect(rows).to_have_count(shown)
    expect(page.locator("#order-rows tr.more")).to_have_count(0)
    entries = page.locator("ol.timeline li:not(.more)")
    expect(entries).to_have_count(10)
    page.locator("ol.timeline li.more button").click()
    expect(entries).to_have_count(12)
    expect(page.locator("ol.timeline li.more")).to_have_count(0)
    assert console_errors == []
