"""In Chromium: a lead visit is a numbered stop of Monday's route beside the clients, with
its arrival on the lead's line; a client contacted on its purchase rhythm says so on its
line. The guide's screenshot of both comes from here."""

import pytest
import time_machine

from carteira.agenda.models import Task, WorkSchedule
from carteira.agenda.scheduling import do_schedule
from carteira.leads.models import Lead
from tests.browser.test_dashboard_journey import log_in
from tests.browser.test_login_journey import SHOTS, offline
from tests.browser.test_seller_week import HOME, MONDAY, MONDAY_NOON, a_week_of_work


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_lead_visit_is_on_mondays_route_and_a_rhythm_client_says_its_cadence(
    page, live_server, seller_ana, console_errors
):
    a_week_of_work(seller_ana)
    WorkSchedule.objects.filter(seller=seller_ana).update(daily_visits=12)  # all on Monday
    Lead.objects.create(name="Mercado Novo Horizonte", seller=seller_ana, source="list",
                        stage="contacted", next_step="Apresentar o catálogo",
                        next_step_date=MONDAY, next_step_channel="visit", created_date=MONDAY,
                        latitude=HOME[0] + 0.012, longitude=HOME[1] + 0.004)  # fmt: skip
    rhythm = Task.objects.filter(channel="visit").order_by("-priority").first()
    rhythm.context = {**rhythm.context, "cadence": {"rhythm_days": 14.0, "every": 14,
                      "cell_days": 30, "min_days": 7, "max_days": 90}}  # fmt: skip
    rhythm.frequency_days = 14
    rhythm.save()
    offline(page, live_server)
    page.set_viewport_size({"width": 1280, "height": 1100})
    with time_machine.travel(MONDAY_NOON, tick=True):
        do_schedule(today=MONDAY, seller_ids=[seller_ana.pk])
        log_in(page, live_server, "ana")
        page.goto(f"{live_server.url}/agenda/")
        monday = page.locator("section.day").first
        monday_map = monday.locator(".route-map")
        monday_map.and_(page.locator("[data-ready='1']")).wait_for()
        clients = Task.objects.filter(channel="visit").count()
        assert monday_map.get_attribute("data-stops") == str(clients + 1)  # and the lead
        lead = monday.locator("#lead-step-" + str(Lead.objects.get().pk))
        assert lead.locator("time.arrival").count() == 1
        cadence = monday.locator(".cadence").first.inner_text()
        assert cadence == "a cada 14 dias: compra a cada 14 dias (mediana entre compras)"
        SHOTS.mkdir(parents=True, exist_ok=True)
        monday.screenshot(path=SHOTS / "agenda-lead-na-rota.png")
