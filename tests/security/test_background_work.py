"""Stuck background work is seen (issue 24): /health/ reports the worker and the age of the
oldest task due; when it has waited longer than CARTEIRA_STUCK_TASK_MINUTES (or the worker
is down) the central team gets a warning on the exports and imports pages; sellers do not."""

import datetime as dt
import json
import os

import pytest
import time_machine
from django.urls import reverse

from carteira.exports.services import do_request_export
from tests.personas import PASSWORD

ASKED = dt.datetime(2026, 7, 1, 9, 0, tzinfo=dt.UTC)
WARNING = 'id="background-work-warning"'
DEAD_PID = 2**22 + 12345  # above pid_max's default: never a live process


@pytest.fixture(autouse=True)
def workspace(settings, tmp_path):
    settings.HOME = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    return tmp_path


def write_worker_state(home, **state) -> None:
    (home / "run").mkdir(exist_ok=True)
    (home / "run" / "task-worker.json").write_text(json.dumps(state))


def queued_export(seller) -> None:
    with time_machine.travel(ASKED, tick=False):
        do_request_export(user=seller.user, kind="clients", fmt="csv", data={})


def page(client, user, name: str) -> str:
    assert client.login(username=user.username, password=PASSWORD)
    response = client.get(reverse(name))
    assert response.status_code == 200
    client.logout()
    return response.content.decode()


@pytest.mark.django_db
def test_health_reports_an_idle_queue_and_a_worker_nobody_supervises(client):
    assert client.get("/health/").json() == {
        "status": "ok",
        "worker": {"state": "unsupervised"},
        "queue": {"waiting": 0, "oldest_waiting_seconds": None, "stuck_after_seconds": 600,
                  "stuck": False},
    }  # fmt: skip


@pytest.mark.django_db
def test_a_task_waiting_past_the_limit_degrades_health_and_warns_the_central_team(
    client, portfolio, seller_ana, analyst
):
    queued_export(seller_ana)
    with time_machine.travel(ASKED + dt.timedelta(minutes=11), tick=False):
        assert client.get("/health/").json()["queue"] == {
            "waiting": 1, "oldest_waiting_seconds": 660, "stuck_after_seconds": 600,
            "stuck": True,
        }  # fmt: skip
        assert client.get("/health/").json()["status"] == "degraded"
        for name in ("exports:mine", "imports:upload"):
            text = page(client, analyst, name)
            assert WARNING in text
            assert (
                "1 tarefa (exportações, importações) está esperando; a mais antiga há 11 min."
                in text
            )
        assert WARNING not in page(client, seller_ana.user, "exports:mine")


@pytest.mark.django_db
def test_a_task_younger_than_the_limit_is_not_stuck_and_the_limit_is_a_setting(
    client, settings, portfolio, seller_ana, analyst
):
    queued_export(seller_ana)
    with time_machine.travel(ASKED + dt.timedelta(minutes=9), tick=False):
        assert client.get("/health/").json()["queue"]["stuck"] is False
        assert WARNING not in page(client, analyst, "exports:mine")
        settings.CARTEIRA_STUCK_TASK_MINUTES = 5
        assert client.get("/health/").json()["queue"]["stuck"] is True
        assert WARNING in page(client, analyst, "exports:mine")


@pytest.mark.django_db
def test_health_tells_a_running_a_restarting_and_a_stopped_worker_apart(client, workspace):
    alive = os.getpid()
    write_worker_state(workspace, state="running", pid=alive, restarts=2, supervisor_pid=alive)
    assert client.get("/health/").json()["worker"] == {"state": "running", "pid": alive,
                                                       "restarts": 2}  # fmt: skip
    write_worker_state(workspace, state="running", pid=DEAD_PID, restarts=2, supervisor_pid=alive)
    answer = client.get("/health/").json()
    assert (answer["status"], answer["worker"]["state"]) == ("degraded", "restarting")
    write_worker_state(workspace, state="running", pid=alive, restarts=3, supervisor_pid=DEAD_PID)
    answer = client.get("/health/").json()
    assert (answer["status"], answer["worker"]) == ("degraded", {"state": "stopped", "restarts": 3})


@pytest.mark.django_db
def test_the_central_team_is_told_when_the_worker_is_down_even_with_an_empty_queue(
    client, workspace, analyst
):
    write_worker_state(
        workspace, state="running", pid=DEAD_PID, restarts=1, supervisor_pid=DEAD_PID
    )
    text = page(client, analyst, "exports:mine")
    assert WARNING in text and "O processo de tarefas não está rodando" in text
