"""In Chromium: a visit Monday's route cannot fit is on a later day with the reason on its
line, and a client whose sell-out is imported shows how long its stock lasts. The guide's
screenshots of both come from here."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from carteira.agenda.models import ClientVisitHours, SellOut, Task
from carteira.agenda.scheduling import do_schedule
from tests.browser.test_dashboard_journey import log_in
from tests.browser.test_login_journey import SHOTS, offline
from tests.browser.test_seller_week import MONDAY, MONDAY_NOON, a_week_of_work


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_moved_visit_says_why_and_the_client_page_shows_the_stock(
    page, live_server, seller_ana, console_errors
):
    a_week_of_work(seller_ana)
    with time_machine.travel(MONDAY_NOON, tick=True):
        do_schedule(today=MONDAY, seller_ids=[seller_ana.pk])
        monday = list(Task.objects.filter(channel="visit", scheduled_date=MONDAY))
        # A 9-hour visit: with the other two and the travel, Monday's day cannot hold it.
        big = min(monday, key=lambda task: task.priority)
        ClientVisitHours.objects.create(client=big.client, visit_minutes=540)
        do_schedule(today=MONDAY, seller_ids=[seller_ana.pk])
        moved = Task.objects.get(moved_from=MONDAY)
        assert moved.scheduled_date > MONDAY and not moved.unfit
        for day, sold, stock in ((10, 12, None), (13, 9, None), (16, 9, 40)):
            SellOut.objects.create(client=moved.client, date=dt.date(2026, 11, day),
                                   product="Café 500 g", quantity=Decimal(sold),
                                   stock=None if stock is None else Decimal(stock))  # fmt: skip
        offline(page, live_server)
        page.set_viewport_size({"width": 1280, "height": 1100})
        log_in(page, live_server, "ana")
        page.goto(f"{live_server.url}/agenda/?week={moved.scheduled_date:%Y-%m-%d}")
        line = page.locator(f"#task-{moved.pk}")
        assert line.locator(".moved").inner_text() == "movida de seg 16/11: não cabia na rota"
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.locator(f"section[data-date='{moved.scheduled_date:%Y-%m-%d}']").screenshot(
            path=SHOTS / "agenda-visita-fora-da-rota.png"
        )
        page.goto(f"{live_server.url}/clients/{moved.client_id}/")
        stock = page.locator("#client-stock")
        # 30 sold over 10/11-16/11 (7 days): 4.3 a day; 40 on hand: 9 days, to 25/11.
        assert "O estoque dura 9 dias (acaba por volta de 25/11/2026)." in stock.inner_text()
        stock.screenshot(path=SHOTS / "cliente-estoque.png")
