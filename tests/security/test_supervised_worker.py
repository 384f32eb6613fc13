"""A supervised worker (issue 24): `carteira serve` restarts a task worker that dies, with
backoff; an export queued while it was dead finishes once it is back; /health/ reports the
worker and the queue. Real processes on a new workspace (a minute or so)."""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

SEED = """
from carteira.accounts.models import User
from carteira.clients.models import Client
User.objects.create_user("diretor", "d@exemplo.com.br", "senha-forte-123", role="director")
Client.objects.bulk_create(Client(external_id=f"C{i}", name=f"Cliente {i}") for i in range(50))
"""
# Kill the worker, then queue an export within the same millisecond: it is queued while no
# worker runs (the supervisor waits at least a second before the restart).
KILL_AND_EXPORT = """
import json, os, signal
from pathlib import Path
from django.conf import settings
from carteira.accounts.models import User
from carteira.exports.services import do_request_export
state = json.loads((Path(settings.HOME) / "run" / "task-worker.json").read_text())
os.kill(state["pid"], signal.SIGKILL)
job = do_request_export(user=User.objects.get(username="diretor"), kind="clients", fmt="csv",
                        data={})
print(state["pid"], job.pk)
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def environment(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CARTEIRA_HOME"}}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return {**env, "CARTEIRA_HOME": str(home), "CARTEIRA_ALLOWED_HOSTS": "127.0.0.1"}


def carteira(home: Path, *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "carteira.cli", *args], env=environment(home),
                          capture_output=True, text=True, timeout=600)  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


def health(port: int) -> dict:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=30) as answer:
        return json.load(answer)


def wait_for(check, what: str, timeout: float = 300):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if result := check():
                return result
        except OSError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is dead too: its parent has not reaped it yet.
    return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"


@pytest.mark.sqlite_only
def test_a_killed_worker_is_restarted_and_the_export_queued_meanwhile_finishes(tmp_path):
    home, port = tmp_path / "w", free_port()
    carteira(home, "manage", "migrate", "--verbosity", "0")
    carteira(home, "manage", "shell", "-c", SEED)
    server = subprocess.Popen(
        [sys.executable, "-m", "carteira.cli", "serve", "--port", str(port), "--workers", "1"],
        env=environment(home), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        start_new_session=True,
    )  # fmt: skip
    try:
        first = wait_for(lambda: (h := health(port))["worker"]["state"] == "running" and h,
                         "the worker to start")  # fmt: skip
        assert first["status"] == "ok" and first["worker"]["restarts"] == 0
        assert first["queue"] == {"waiting": 0, "oldest_waiting_seconds": None,
                                  "stuck_after_seconds": 600, "stuck": False}  # fmt: skip

        output = carteira(home, "manage", "shell", "-c", KILL_AND_EXPORT).splitlines()
        killed, job = map(int, output[-1].split())
        assert killed == first["worker"]["pid"]
        back = wait_for(lambda: (h := health(port))["worker"]["restarts"] == 1
                        and h["worker"]["state"] == "running" and h, "the restart")  # fmt: skip
        assert back["worker"]["pid"] != killed and not alive(killed)

        def status() -> str:
            with sqlite3.connect(home / "carteira.sqlite3", timeout=20) as db:
                query = "SELECT status, rows FROM exports_exportjob WHERE id = ?"
                return db.execute(query, [job]).fetchone()

        assert wait_for(lambda: status()[0] == "done" and status(), "the export") == ("done", 50)
        assert health(port)["queue"]["waiting"] == 0
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    worker = json.loads((home / "run" / "task-worker.json").read_text())
    # Stopping the server takes the supervisor and its worker with it.
    wait_for(lambda: not alive(worker["supervisor_pid"]), "the supervisor to stop", 20)
    wait_for(lambda: not alive(back["worker"]["pid"]), "the worker to stop", 20)
