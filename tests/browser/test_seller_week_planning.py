"""A seller plans the week by hand in Chromium: each day's route is drawn on the map with
its km; a visit dragged to Thursday is fixed there and Thursday's route is re-planned with
it; a day marked as an office day keeps its calls and sends its visits elsewhere. The
guide's screenshots of planning (desktop and phone) come from here."""

import datetime as dt

import pytest
import time_machine

from carteira.agenda.models import ClientVisitHours, Task
from carteira.agenda.scheduling import do_schedule
from tests.browser.test_dashboard_journey import log_in
from tests.browser.test_login_journey import SHOTS, offline
from tests.browser.test_seller_week import MONDAY, MONDAY_NOON, a_week_of_work


def day_section(page, index):
    return page.locator("section.day").nth(index)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_seller_sees_the_route_drags_a_visit_to_thursday_and_keeps_a_day_at_the_office(
    page, live_server, seller_ana, console_errors
):
    a_week_of_work(seller_ana)
    # Hiper Sarandi receives only in the afternoon.
    ClientVisitHours.objects.create(client=Task.objects.get(title="Hiper Sarandi").client,
                                    opens=dt.time(13, 30), closes=dt.time(17))  # fmt: skip
    offline(page, live_server)
    page.set_viewport_size({"width": 1280, "height": 900})
    with time_machine.travel(MONDAY_NOON, tick=True):
        do_schedule(today=MONDAY, seller_ids=[seller_ana.pk])
        log_in(page, live_server, "ana")
        page.goto(f"{live_server.url}/agenda/")
        monday = day_section(page, 0)
        # The next working day's route is drawn: the start and three numbered stops.
        monday_map = monday.locator(".route-map")
        monday_map.and_(page.locator("[data-ready='1']")).wait_for()
        assert monday_map.get_attribute("data-stops") == "3"
        assert monday_map.locator(".route-stop").all_inner_texts() == ["1", "2", "3"]
        assert monday_map.locator(".route-start").count() == 1
        assert monday_map.get_attribute("data-path") == "5"  # home, 3 stops, home
        assert " km" in monday.locator(".load").inner_text()
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SHOTS / "agenda-rota-no-mapa.png", full_page=False)

        thursday = day_section(page, 3)
        km_before = thursday.locator(".load").inner_text()
        moved = monday.locator("ol.visits > li .task-line").first
        name = moved.locator("a").first.inner_text()
        # Both days in view: a scroll between pressing and moving would drag another line.
        page.set_viewport_size({"width": 1280, "height": 2000})
        moved.drag_to(thursday)
        page.get_by_text(f"{name} foi para 19/11/2026 e ficou fixado nesse dia.").wait_for()
        thursday = day_section(page, 3)
        line = thursday.locator("ol.visits .task-line", has_text=name)
        assert line.locator(".badge.pin").inner_text() == "fixada"
        assert line.locator("time.arrival").count() == 1
        # Monday's free place pulled the others forward: Thursday is the moved visit alone,
        # its route re-planned from home and back.
        assert thursday.locator(".load").inner_text() != km_before
        assert "Visitas 1/3" in thursday.locator(".load").inner_text()
        assert "1,5 km" in thursday.locator(".load").inner_text()
        assert Task.objects.get(title=name).scheduled_date == dt.date(2026, 11, 19)
        # Thursday's route takes the moved visit: open its map.
        thursday.locator("details.route-map-box summary").click()
        thursday.locator(".route-map[data-ready='1']").wait_for()
        assert thursday.locator(".route-map").get_attribute("data-stops") == "1"
        page.set_viewport_size({"width": 1280, "height": 900})
        thursday.scroll_into_view_if_needed()
        page.screenshot(path=SHOTS / "agenda-visita-movida.png", full_page=False)

        # Tuesday at the office: its calls stay, its visits go to other days.
        tuesday = day_section(page, 1)
        calls_before = tuesday.locator(".calls > li").count()
        tuesday.get_by_role("button", name="Dia de escritório").click()
        page.get_by_text("17/11/2026 é dia de escritório").wait_for()
        tuesday = day_section(page, 1)
        assert tuesday.locator(".badge.office").inner_text() == "Dia de escritório"
        assert tuesday.locator("ol.visits > li").count() == 0
        assert tuesday.locator(".calls > li").count() == calls_before
        assert "Visitas 0/0" in tuesday.locator(".load").inner_text()

        # On a phone: the same week, a visit's "Mover" opened (no dragging needed).
        page.set_viewport_size({"width": 390, "height": 844})
        page.reload()
        first = day_section(page, 0).locator("ol.visits > li .task-line").first
        first.locator("details.move summary").click()
        first.scroll_into_view_if_needed()
        page.screenshot(path=SHOTS / "agenda-mover-celular.png", full_page=False)
        first.get_by_label("Passar para").select_option("2026-11-18")
        first.get_by_role("button", name="Mover e fixar").click()
        page.get_by_text("ficou fixado nesse dia").wait_for()
        wednesday = day_section(page, 2)
        assert wednesday.locator(".badge.pin").count() >= 1
    assert console_errors == []
