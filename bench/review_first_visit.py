"""The review page's first visit of the day at scale (issue 25: "the review ... ≤ 1 s
for every role"): not a test; figures for docs/benchmarks.md.

In the workspace of ``--home`` (e.g. the 100k-client demo): the review's warm-up as the
task worker runs it after a snapshot (``review.kept.do_warm_reviews``, in its own
process, timed; ``--no-warm`` skips it), then, for each of ``--users``, a fresh process
started as a web worker is (``carteira.wsgi``: URL patterns, the PDF engine's and the
templates' warm-up threads finished) requests GET /review/ with the review's kept
figures dropped (what a new day or a new reading does), twice: the first is the first
visit, the second a reload. Wall and CPU seconds of each, with the load average.

    .venv/bin/python bench/review_first_visit.py --home /tmp/hE/home \\
        --users diretor,gestor.capital-sp,analista,gilberto.ramos [--runs 2]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carteira.settings")
    os.environ["CARTEIRA_ALLOWED_HOSTS"] = "127.0.0.1,localhost,testserver"
    import django

    django.setup()


def _warm() -> dict:
    _setup()
    from carteira.review.kept import do_warm_reviews

    wall, cpu = time.perf_counter(), time.process_time()
    readers = do_warm_reviews()
    return {"readers": readers, "wall": time.perf_counter() - wall,
            "cpu": time.process_time() - cpu}  # fmt: skip


def _visit(username: str) -> dict:
    import threading

    _setup()
    import carteira.wsgi  # noqa: F401 -- a web worker's start, with its warm-up threads

    for thread in threading.enumerate():
        if thread is not threading.main_thread():
            thread.join()
    from django.db import connection
    from django.test import Client

    from carteira.accounts.models import User

    with connection.cursor() as cursor:  # the kept figures (5 minutes), not the warm-up's
        cursor.execute(
            "DELETE FROM carteira_figures_cache WHERE cache_key LIKE %s AND cache_key NOT LIKE %s",
            [":1:carteira:review:%", ":1:carteira:review:reading:%"],
        )
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(username=username))
    timed = []
    for _ in range(2):
        wall, cpu = time.perf_counter(), time.process_time()
        response = client.get("/review/", HTTP_ACCEPT_LANGUAGE="pt-br")
        assert response.status_code == 200, response.status_code
        timed.append((time.perf_counter() - wall, time.process_time() - cpu))
    return {"first": timed[0], "again": timed[1], "load": os.getloadavg()[0]}


def _child(*args: str) -> dict:
    done = subprocess.run(  # noqa: S603 -- this script, in a fresh process
        [sys.executable, __file__, *args], check=True, capture_output=True, text=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> str:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--users", default="diretor")
    parser.add_argument("--runs", type=int, default=2, help="fresh processes per user")
    parser.add_argument("--no-warm", action="store_true", help="no warm-up first")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    os.environ["CARTEIRA_HOME"] = str(args.home)
    if args.child:
        kind, *rest = args.child
        return json.dumps(_warm() if kind == "warm" else _visit(rest[0]))
    lines = []
    if not args.no_warm:
        warm = _child("--home", str(args.home), "--child", "warm")
        lines.append(f"Warm-up: {warm['readers']} readers in {warm['wall']:.2f} s wall, "
                     f"{warm['cpu']:.2f} s CPU (load {os.getloadavg()[0]:.2f}).")  # fmt: skip
    lines += ["", "| user | first visit: min wall s | median wall s | min CPU s | reload: "
              "min wall s | min CPU s | load |", "|---|---|---|---|---|---|---|"]  # fmt: skip
    for username in args.users.split(","):
        runs = [_child("--home", str(args.home), "--child", "visit", username)
                for _ in range(args.runs)]  # fmt: skip
        first = [r["first"] for r in runs]
        again = [r["again"] for r in runs]
        lines.append(
            f"| {username} | {min(w for w, _ in first):.2f} | "
            f"{statistics.median(w for w, _ in first):.2f} | {min(c for _, c in first):.2f} | "
            f"{min(w for w, _ in again):.2f} | {min(c for _, c in again):.2f} | "
            f"{', '.join(f'{r["load"]:.1f}' for r in runs)} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    print(main())
