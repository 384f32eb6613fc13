"""A real kill: `carteira import` (and the web commit's worker) killed with SIGKILL in the
middle of a 200,000-row orders file leaves no order from it, a run the next import or
page sees as abandoned, and the same command succeeds when run again. On SQLite here;
on PostgreSQL in the PostgreSQL pass (the same test, the throw-away server)."""

import json
import signal
import subprocess
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from carteira.audit.models import AuditEvent
from carteira.imports.models import ImportRun
from carteira.imports.progress import STALE_SECONDS, do_fail_abandoned_runs, progress_path
from carteira.orders.models import Order
from tests.imports.conftest import CARTEIRA
from tests.imports.test_web import login, upload
from tests.personas import make_client

ROWS = 200_000
CLIENTS = 40
MID_FILE = 10_000  # rows read before the kill: a few batches written, uncommitted
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def big_orders(tmp_path, seller_ana) -> Path:
    for n in range(CLIENTS):
        make_client(f"K{n:03d}", seller_ana)
    path = tmp_path / "pedidos.csv"
    with path.open("w", encoding="utf-8") as out:
        out.write("pedido;cliente;data;valor\n")
        for n in range(ROWS):
            day, reais, cents = n % 28 + 1, n % 9000, n % 100
            out.write(f"K{n:07d};K{n % CLIENTS:03d};{day:02d}/03/2025;{reais},{cents:02d}\n")
    return path


def wait_until_mid_import(process: subprocess.Popen, *, timeout: float = 180) -> ImportRun:
    """The running run, once its heartbeat says ``MID_FILE`` rows were read."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, "the import ended before it could be killed"
        run = ImportRun.objects.filter(status="running").first()
        if run is not None and rows_read(run) >= MID_FILE:
            return run
        time.sleep(0.05)
    raise AssertionError("the import never got going")


def rows_read(run: ImportRun) -> int:
    try:
        return json.loads(progress_path(run.pk).read_text())["rows"]
    except (OSError, ValueError):
        return 0


def kill(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGKILL)
    assert process.wait(timeout=30) == -signal.SIGKILL
    server_settled()


def server_settled(timeout: float = 30) -> None:
    """On PostgreSQL a killed client's server process still finishes what it was sent (a
    COMMIT already on the wire commits) and only then sees the socket closed: wait until
    no other session of this database is busy, so the test reads the outcome, not a
    moment before it. SQLite has no server: the kill is the end."""
    if connection.vendor != "postgresql":
        return
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND pid <> pg_backend_pid() AND state IS NOT NULL AND state <> 'idle'"
            )
            if cursor.fetchone()[0] == 0:
                return
            time.sleep(0.05)
    raise AssertionError("the killed client's session was still busy after 30 s")


def let_a_minute_pass(run: ImportRun) -> None:
    """The dead process's last heartbeat, aged past the stale limit."""
    progress_path(run.pk).write_text(
        json.dumps({"rows": rows_read(run), "beat": time.time() - STALE_SECONDS - 1})
    )


def test_a_killed_command_line_import_leaves_nothing_and_the_same_command_then_succeeds(
    workspace, big_orders
):
    command = [CARTEIRA, "import", "orders", str(big_orders)]
    process = subprocess.Popen(command, env=workspace, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)  # fmt: skip
    killed = wait_until_mid_import(process)
    kill(process)

    assert Order.objects.count() == 0
    killed.refresh_from_db()
    assert (killed.status, killed.created) == ("running", 0)  # nobody could say otherwise

    let_a_minute_pass(killed)
    again = subprocess.run(command, env=workspace, capture_output=True, check=False,
                           timeout=600)  # fmt: skip

    assert again.returncode == 0, again.stderr.decode()
    killed.refresh_from_db()
    assert killed.status == "failed"
    run = ImportRun.objects.get(status="committed")
    assert (run.total, run.created, run.updated, run.unchanged, run.rejected) == (
        ROWS, ROWS, 0, 0, 0,
    )  # fmt: skip
    assert Order.objects.count() == ROWS
    assert ImportRun.objects.filter(status="running").count() == 0


def test_a_killed_web_worker_leaves_nothing_its_run_is_failed_and_a_new_commit_imports(
    client, manager_sul, workspace, big_orders, settings
):
    settings.TASKS = DATABASE_TASKS
    login(client, manager_sul)
    upload(client, "pedidos.csv", big_orders.read_bytes())
    run = ImportRun.objects.get()
    client.post(reverse("imports:commit", args=[run.pk]))
    worker = subprocess.Popen(
        [CARTEIRA, "manage", "db_worker", "--no-reload", "--no-startup-delay"],
        env=workspace, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        wait_until_mid_import(worker)
    finally:
        kill(worker)

    assert Order.objects.count() == 0
    client.get(reverse("imports:result", args=[run.pk]))
    run.refresh_from_db()
    assert run.status == "running"  # its heartbeat is still fresh

    let_a_minute_pass(run)
    page = client.get(reverse("imports:result", args=[run.pk])).content.decode()
    run.refresh_from_db()
    assert run.status == "failed"
    assert "The import stopped before finishing (the worker ended)" in page

    client.post(reverse("imports:commit", args=[run.pk]))
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    run.refresh_from_db()
    assert (run.status, run.total, run.created, run.updated, run.unchanged) == (
        "committed", ROWS, ROWS, 0, 0,
    )  # fmt: skip
    assert Order.objects.count() == ROWS


# Kills across the whole run ------------------------------------------------------------

ACROSS_ROWS = 12_000
# Fractions of an uninterrupted run's duration (process start to exit) at which the next
# run is killed: start-up, reading, writing, and the last tenth where the data commits.
KILL_AT = (0.4, 0.8, 0.9, 0.95, 1.0)


def state_after_kill(path: Path, before: int) -> str:
    """'nothing' (no order, the run — if any — not committed and without its audit entry)
    or 'everything' (every order, the run committed with its counts and its audit entry);
    anything else fails the test."""
    run = ImportRun.objects.filter(file_name=path.name).order_by("-pk").first()
    orders = Order.objects.count()
    if run is None or run.pk <= before:
        assert orders == 0
        return "nothing"
    audited = AuditEvent.objects.filter(action="import", object_id=str(run.pk))
    if run.status == "committed":
        assert (orders, run.total, run.created) == (ACROSS_ROWS, ACROSS_ROWS, ACROSS_ROWS)
        assert [e.details["status"] for e in audited] == ["committed"]
        return "everything"
    assert (run.status, orders, audited.count()) == ("running", 0, 0)
    let_a_minute_pass(run)
    assert do_fail_abandoned_runs() == 1
    run.refresh_from_db()
    assert (run.status, run.created) == ("failed", 0)
    return "nothing"


def test_a_kill_at_any_moment_leaves_nothing_and_failed_or_everything_and_committed(
    workspace, tmp_path, seller_ana
):
    for n in range(CLIENTS):
        make_client(f"K{n:03d}", seller_ana)
    path = tmp_path / "pedidos-k.csv"
    lines = [f"K{n:07d};K{n % CLIENTS:03d};{n % 28 + 1:02d}/03/2025;{n % 9000},00"
             for n in range(ACROSS_ROWS)]  # fmt: skip
    path.write_text("pedido;cliente;data;valor\n" + "\n".join(lines) + "\n")
    command = [CARTEIRA, "import", "orders", str(path)]
    started = time.monotonic()
    subprocess.run(command, env=workspace, capture_output=True, check=True, timeout=600)
    whole = time.monotonic() - started

    outcomes = []
    for fraction in KILL_AT:
        Order.objects.all().delete()
        last = ImportRun.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        process = subprocess.Popen(command, env=workspace, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)  # fmt: skip
        time.sleep(fraction * whole)
        if process.poll() is None:
            kill(process)
        outcomes.append(state_after_kill(path, last))

    assert len(outcomes) == len(KILL_AT)  # each point ended in one of the two states
    assert outcomes[0] == "nothing"  # a third of the way: never all written
