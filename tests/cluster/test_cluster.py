"""The cluster, tried as an operator would: two app processes behind HAProxy, a primary
and a streaming replica, two task workers (tests/cluster/harness.py). One cluster for the
module; the tests run in order, the last ones stop and restart servers."""

import json
import os
import re
import signal
import uuid

import pytest
import requests

from tests.cluster.harness import wait_until

pytestmark = pytest.mark.cluster

PASSWORD = "cluster-Test-2026!"


@pytest.fixture(scope="module")
def director(cluster):
    cluster.carteira("createuser", "diretora", "--role", "director", "--password-stdin",
                     input_text=PASSWORD + "\n")  # fmt: skip
    return login(cluster, "diretora")


def login(cluster, username: str) -> requests.Session:
    session = requests.Session()
    session.get(f"{cluster.base_url}/login/", timeout=10)
    answer = session.post(
        f"{cluster.base_url}/login/",
        data={"username": username, "password": PASSWORD,
              "csrfmiddlewaretoken": session.cookies["csrftoken"]},
        timeout=10, allow_redirects=False,
    )  # fmt: skip
    assert answer.status_code == 302, answer.text[:500]
    return session


def dashboard(session: requests.Session, cluster) -> requests.Response:
    answer = session.get(f"{cluster.base_url}/portfolio/", timeout=10)
    assert answer.status_code == 200
    return answer


def enqueue_probe(cluster, seconds: float) -> tuple[str, str]:
    task_id, name = str(uuid.uuid4()), f"probe-{uuid.uuid4().hex[:8]}"
    cluster.primary.sql(
        "INSERT INTO django_tasks_database_dbtaskresult (id, status, enqueued_at, args_kwargs,"
        " priority, task_path, worker_ids, queue_name, backend_name, run_after,"
        " exception_class_path, traceback)"
        " VALUES (%s, 'READY', now(), %s, 0, 'cluster_probe_tasks.slow_probe', '[]',"
        " 'default', 'default', now(), '', '')",
        (task_id, json.dumps({"args": [seconds, name], "kwargs": {}})),
    )
    return task_id, name


def task_row(cluster, task_id: str) -> tuple[str, list[str]]:
    rows = cluster.primary.sql(
        "SELECT status, worker_ids FROM django_tasks_database_dbtaskresult WHERE id = %s",
        (task_id,),
    )
    return rows[0][0], rows[0][1]


def test_a_write_on_one_app_process_is_read_by_the_other(cluster, director):
    page = director.get(f"{cluster.base_url}/account/preferences/", timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    saved = director.post(
        f"{cluster.base_url}/account/preferences/",
        data={"csrfmiddlewaretoken": token, "first_name": "Dora Cluster", "last_name": "",
              "email": "dora@example.com", "language": "pt-br"},
        timeout=10, allow_redirects=False,
    )  # fmt: skip
    assert saved.status_code == 302
    read = director.get(f"{cluster.base_url}/account/preferences/", timeout=10)

    assert {saved.headers["X-Served-By"], read.headers["X-Served-By"]} == {"app1", "app2"}
    assert 'value="Dora Cluster"' in read.text
    assert "Preferências salvas" in read.text  # the message stored by the other process


def test_a_report_is_served_from_the_replica(cluster, director):
    answers = [dashboard(director, cluster) for _ in range(4)]

    assert [a.headers["X-Carteira-Database"] for a in answers] == ["replica"] * 4
    assert {a.headers["X-Served-By"] for a in answers} == {"app1", "app2"}


def test_after_a_write_the_writer_reads_from_the_primary_until_the_replica_caught_up(
    cluster, director
):
    cluster.replica.sql("SELECT pg_wal_replay_pause()")
    try:
        page = director.get(f"{cluster.base_url}/account/preferences/", timeout=10)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        director.post(
            f"{cluster.base_url}/account/preferences/",
            data={"csrfmiddlewaretoken": token, "first_name": "Dora Paused", "last_name": "",
                  "email": "dora@example.com", "language": "pt-br"},
            timeout=10,
        )  # fmt: skip
        other = login_without_writing(cluster)

        writer_reads = [dashboard(director, cluster).headers["X-Carteira-Database"]
                        for _ in range(2)]  # fmt: skip
        assert writer_reads == ["primary", "primary"]
        assert dashboard(other, cluster).headers["X-Carteira-Database"] == "replica"
    finally:
        cluster.replica.sql("SELECT pg_wal_replay_resume()")
    wait_until(lambda: dashboard(director, cluster).headers["X-Carteira-Database"] == "replica",
               timeout=10, what="the replica to catch up")  # fmt: skip


def login_without_writing(cluster) -> requests.Session:
    """Another browser that never wrote: its login's write position is forgotten."""
    session = login(cluster, "diretora")
    del session.cookies["carteira_lsn"]
    return session


def test_a_worker_killed_mid_task_leaves_the_task_to_another(cluster):
    task_id, name = enqueue_probe(cluster, seconds=4)
    starts_file = cluster.root / "shared-media" / "probe" / f"{name}.starts"
    # Mid-task: the task has started its work (it notes its process in the shared folder).
    victim_pid = int(
        wait_until(lambda: starts_file.exists() and starts_file.read_text().split(),
                   timeout=30, what="a worker to start the task")[0]
    )  # fmt: skip
    assert victim_pid in {worker.pid for worker in cluster.workers}
    assert task_row(cluster, task_id)[0] == "RUNNING"
    os.kill(victim_pid, signal.SIGKILL)

    wait_until(lambda: task_row(cluster, task_id)[0] == "SUCCESSFUL", timeout=40,
               what="another worker to finish the task")  # fmt: skip
    _, worker_ids = task_row(cluster, task_id)
    starts = starts_file.read_text().split()
    assert len(worker_ids) == 2 and worker_ids[0].split(":")[1] == str(victim_pid)
    assert worker_ids[1] != worker_ids[0]
    assert len(starts) == 2 and starts[0] == str(victim_pid) and starts[1] != starts[0]


def test_with_the_replica_stopped_reads_fall_back_to_the_primary(cluster, director):
    cluster.replica.stop("fast")
    try:
        answers = [dashboard(director, cluster) for _ in range(4)]
        assert [a.headers["X-Carteira-Database"] for a in answers] == ["primary"] * 4
    finally:
        cluster.replica.start()
    wait_until(lambda: dashboard(director, cluster).headers["X-Carteira-Database"] == "replica",
               timeout=20, what="reads back on the restarted replica")  # fmt: skip


def test_a_restarted_primary_is_used_again_without_restarting_the_app(cluster, director):
    app_pids = [app.pid for app in cluster.apps]
    cluster.primary.stop("fast")
    down = director.get(f"{cluster.base_url}/account/preferences/", timeout=30)
    cluster.primary.start()

    wait_until(lambda: director.get(f"{cluster.base_url}/account/preferences/",
                                    timeout=10).status_code == 200,
               timeout=30, what="the app to answer again")  # fmt: skip
    answers = [director.get(f"{cluster.base_url}/account/preferences/", timeout=10)
               for _ in range(4)]  # fmt: skip
    task_id, _ = enqueue_probe(cluster, seconds=0)
    wait_until(lambda: task_row(cluster, task_id)[0] == "SUCCESSFUL", timeout=30,
               what="a worker to run a task after the restart")  # fmt: skip

    assert down.status_code == 503
    assert [a.status_code for a in answers] == [200] * 4
    assert [app.poll() for app in cluster.apps] == [None, None]
    assert [app.pid for app in cluster.apps] == app_pids
