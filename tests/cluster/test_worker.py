"""A task whose worker died goes back to the queue, once; a live worker's task stays."""

import os
import subprocess
import sys

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from carteira.cluster import worker

pytestmark = pytest.mark.django_db
on_sqlite = pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")), reason="SQLite judges a worker by its process"
)


def running_task(worker_id: str) -> DBTaskResult:
    return DBTaskResult.objects.create(
        status="RUNNING", args_kwargs={"args": [], "kwargs": {}}, task_path="x.y",
        run_after=timezone.now(), backend_name="default", worker_ids=[worker_id],
        started_at=timezone.now(),
    )  # fmt: skip


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def this_host(pid: int) -> str:
    return f"{worker.default_worker_id().split(':')[0]}:{pid}:abcd"


@on_sqlite
def test_the_task_of_a_dead_worker_is_queued_again():
    orphan = running_task(this_host(dead_pid()))

    requeued = worker.do_requeue_orphans()

    orphan.refresh_from_db()
    assert requeued == [str(orphan.id)]
    assert orphan.status == "READY" and orphan.started_at is None


@on_sqlite
def test_the_task_of_a_live_worker_is_left_running():
    alive = running_task(this_host(os.getpid()))

    assert worker.do_requeue_orphans() == []
    alive.refresh_from_db()
    assert alive.status == "RUNNING"


@on_sqlite
def test_a_worker_of_another_host_is_not_judged_on_sqlite():
    other = running_task("another-host:1:abcd")

    assert worker.do_requeue_orphans() == []
    other.refresh_from_db()
    assert other.status == "RUNNING"


def test_worker_ids_name_the_host_and_the_process():
    host, pid, suffix = worker.default_worker_id().split(":")

    assert pid == str(os.getpid()) and len(suffix) == 8 and host


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_a_worker_is_alive_while_it_holds_its_lock():
    lock = worker.LivenessLock("host-a:1:live")
    lock.hold()
    try:
        task = running_task("host-a:1:live")
        assert worker.worker_alive("host-a:1:live") is True
        assert worker.do_requeue_orphans() == []
    finally:
        lock.release()

    assert worker.worker_alive("host-a:1:live") is False
    assert worker.do_requeue_orphans() == [str(task.id)]
