"""The central team sees stuck background work (issue 24): an export has waited 15 minutes
for the worker; the analyst's exports page says so in pt-BR, the seller's does not."""

import datetime as dt

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from carteira.exports.services import do_request_export
from tests.browser.test_dashboard_journey import log_in
from tests.browser.test_login_journey import SHOTS, offline


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "pt-BR"}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_analyst_sees_that_background_work_is_stuck(
    page, live_server, settings, portfolio, seller_ana, analyst, console_errors
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    do_request_export(user=seller_ana.user, kind="clients", fmt="csv", data={})
    DBTaskResult.objects.update(enqueued_at=timezone.now() - dt.timedelta(minutes=15))
    offline(page, live_server)
    page.set_viewport_size({"width": 1280, "height": 700})
    log_in(page, live_server, "analista")
    page.goto(f"{live_server.url}/exports/")
    warning = page.locator("#background-work-warning")
    assert (
        warning.inner_text()
        .splitlines()[0]
        .startswith(
            "O trabalho em segundo plano está parado. 1 tarefa (exportações, importações) está "
            "esperando; a mais antiga há 15 min."
        )
    )
    page.screenshot(path=str(SHOTS / "trabalho-parado.png"))
    page.context.clear_cookies()
    log_in(page, live_server, "ana")
    page.goto(f"{live_server.url}/exports/")
    assert page.locator("#background-work-warning").count() == 0
