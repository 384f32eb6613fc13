"""A seller on a phone works the agenda: opens a task's client, comes back, records a
successful visit; the task closes and the plan schedules the next contact."""

import datetime as dt
import importlib

import pytest
import time_machine
from django.apps import apps

from carteira.agenda.models import Task
from carteira.plans.planner import do_plan
from carteira.portfolio.services import do_snapshot
from tests.browser.test_dashboard_journey import log_in
from tests.browser.test_login_journey import SHOTS, offline
from tests.histories import T

NOON_AT_T = dt.datetime(T.year, T.month, T.day, 15, 0, tzinfo=dt.UTC)  # 12:00 in São Paulo


def load_default_plan():
    """A transactional test before this one flushed the data migration's action plan."""
    importlib.import_module("carteira.plans.migrations.0002_defaults").load(apps, None)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_seller_records_a_visit_from_the_agenda_on_a_phone(
    page, live_server, history, seller_ana
):
    load_default_plan()
    do_snapshot(T, use_adbc=False)
    with time_machine.travel(NOON_AT_T, tick=False):
        do_plan(T)  # the tasks are planned from T's working day on
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    offline(page, live_server)
    page.set_viewport_size({"width": 390, "height": 844})
    with time_machine.travel(NOON_AT_T, tick=True):
        log_in(page, live_server, "ana")
        page.locator("nav a[href='/agenda/']").first.click()
        page.wait_for_url(f"{live_server.url}/agenda/")
        today = page.locator("section.day-today")
        assert "Hoje" in today.locator("h2").inner_text()
        cards = today.locator(".task-line")
        assert cards.count() >= 1
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SHOTS / "agenda.png", full_page=True)

        card = cards.first
        task = Task.objects.get(pk=int(card.get_attribute("id").removeprefix("task-")))
        assert task.seller == seller_ana and task.status == Task.Status.OPEN
        assert task.scheduled_date == T
        client_name = task.client.name
        card.locator("a").first.click()
        page.wait_for_url(f"**/clients/{task.client_id}/")
        assert page.locator("h1").inner_text() == str(task.client)
        assert client_name in page.locator("main").inner_text()
        page.go_back()
        page.wait_for_url(f"{live_server.url}/agenda/")

        card = page.locator(f"#task-{task.pk}")
        card.locator(f"#outcome-{task.pk} a.record").click()
        form = card.locator("form[action$='/close/']")  # not the line's "Mover" form
        form.wait_for()
        assert form.locator("select[name$='channel']").input_value() == (task.channel or "visit")
        form.locator("input[type=radio][value=yes]").check()
        form.locator("textarea[name$='notes']").fill("Pedido combinado para a semana que vem.")
        form.locator("button[type=submit]").click()
        closed = page.locator(f"#task-{task.pk}[role=status]")
        closed.wait_for()
        assert "contato registrado" in closed.inner_text().lower()

    task.refresh_from_db()
    assert task.status == Task.Status.DONE
    assert task.outcome is not None and task.outcome.successful
    assert task.outcome.date == T
    assert task.outcome.recorded_by == seller_ana.user
    following = Task.objects.get(client=task.client, seller=seller_ana, status="open",
                                 assignee_user=None)  # fmt: skip
    assert following.pk != task.pk
    assert following.due_date == T + dt.timedelta(days=task.frequency_days)
    assert following.plan_key == task.plan_key
    assert errors == []
