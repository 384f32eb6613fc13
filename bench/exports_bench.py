"""Background exports: how fast the request answers 202, and how long a big file takes.

Builds a throw-away SQLite workspace (``--home``, emptied first) with ``--clients``
clients of one seller and one order each (bulk inserts: no demo, no reading), then, in
process with Django's test ``Client`` as the director:

1. asks ``--requests`` times for an export with a different filter each time (so each
   queues a new job; the worker is not running) and prints the median / p95 wall time and
   process CPU time of the 202, for the client list's XLSX and the orders' CSV;
2. empties the queue, asks once for every client in XLSX and once for every order in CSV,
   runs the real ``db_worker`` (its own process) until the queue is empty and prints its
   CPU time and peak memory, the audit entries, and per file the request,
   the time from the request to the file being ready (the job's ``finished_at``) and the
   file's rows and size.

    .venv/bin/python bench/exports_bench.py --home /tmp/exports-bench --clients 100000
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

CARTEIRA = str(Path(sys.executable).parent / "carteira")


def _setup(home: Path) -> None:
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    os.environ["CARTEIRA_HOME"] = str(home)
    os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "carteira.settings"
    os.environ["CARTEIRA_ALLOWED_HOSTS"] = "testserver"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _company(clients: int):
    from carteira.accounts.models import Role, User
    from carteira.clients.models import Client
    from carteira.orders.models import Order
    from carteira.organization.models import Seller

    director = User.objects.create_user("diretora", role=Role.DIRECTOR)  # no password: force_login
    seller = Seller.objects.create(external_id="V001", name="Ana Souza")
    Client.objects.bulk_create(
        (Client(external_id=f"C{i:06d}", name=f"Cliente {i} LTDA", segment="varejo",
                city="Porto Alegre", state="RS", seller=seller) for i in range(clients)),
        batch_size=5_000,
    )  # fmt: skip
    ids = Client.objects.values_list("pk", flat=True)
    day = dt.date(2026, 10, 1)
    Order.objects.bulk_create(
        (Order(external_id=f"P{pk}", client_id=pk, seller=seller, date=day,
               amount=Decimal("123.45")) for pk in ids.iterator()),
        batch_size=5_000,
    )  # fmt: skip
    return director


def _timed(client, url: str, query: dict) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    response = client.get(url, query)
    assert response.status_code == 202, (response.status_code, response.content[:200])
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000


def _requests(client, count: int) -> None:
    day = dt.date(2020, 1, 1)
    cases = {
        "client list, XLSX (/clients/export.xlsx?q=…)": (
            "/clients/export.xlsx", lambda i: {"q": f"cliente {i}"}),
        "orders, CSV (/exports/orders.csv?start=…)": (
            "/exports/orders.csv", lambda i: {"start": (day + dt.timedelta(days=i)).isoformat()}),
    }  # fmt: skip
    for label, (url, query) in cases.items():
        _timed(client, url, query(-1))  # the first request loads templates and URLs
        times = [_timed(client, url, query(i)) for i in range(count)]
        walls, cpus = sorted(t[0] for t in times), sorted(t[1] for t in times)
        p95 = walls[min(len(walls) - 1, round(0.95 * (len(walls) - 1)))]
        print(f"202 for {label}: median {statistics.median(walls):.1f} ms wall "
              f"(p95 {p95:.1f}), {statistics.median(cpus):.1f} ms CPU, n={count}")  # fmt: skip


def _end_to_end(client) -> None:
    from django_tasks_db.models import DBTaskResult

    from carteira.audit.models import AuditEvent
    from carteira.exports.models import ExportJob

    DBTaskResult.objects.all().delete()
    ExportJob.objects.all().delete()
    asked = {}
    for url in ("/clients/export.xlsx", "/exports/orders.csv"):
        wall, _cpu = _timed(client, url, {})
        asked[url] = (wall, ExportJob.objects.latest("pk"))
    # The real worker in its own process, as `carteira serve` runs it: its CPU and memory.
    subprocess.run(  # noqa: S603 -- fixed argv
        [CARTEIRA, "manage", "db_worker", "--batch", "--no-startup-delay", "--no-reload"],
        check=True,
    )
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(f"worker: {used.ru_utime + used.ru_stime:.1f} s CPU for both files, peak RSS "
          f"{used.ru_maxrss / 1024:.0f} MB")  # fmt: skip
    audited = AuditEvent.objects.filter(action="export").values_list("details", flat=True)
    print("audit:", [(d["kind"], d["format"], d["rows"]) for d in audited])
    for url, (wall, job) in asked.items():
        job.refresh_from_db()
        ready = (job.finished_at - job.created_at).total_seconds()
        print(f"{url}: 202 in {wall:.0f} ms; file ready {ready:.1f} s after the request "
              f"({job.status}, {job.rows:,} rows, {job.size / 1e6:.1f} MB)")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, required=True, help="emptied first")
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()
    _setup(args.home)
    start = time.perf_counter()
    director = _company(args.clients)
    print(f"workspace: {args.clients:,} clients and orders in {time.perf_counter() - start:.1f} s;"
          f" load {os.getloadavg()[0]:.1f}")  # fmt: skip
    from django.test import Client

    client = Client()
    client.force_login(director)
    _requests(client, args.requests)
    _end_to_end(client)
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
