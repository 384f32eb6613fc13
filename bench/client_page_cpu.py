"""CPU time and queries of the client page (client 360) over many clients (not a test;
docs/benchmarks.md "Client page cost").

Runs inside Django with the test ``Client`` against an existing workspace (the one of
``CARTEIRA_HOME`` / ``DATABASE_URL``), logged in as the first director: requests the page of
``--clients`` different clients (the ones with the most orders first, then spread over the
rest) after one warm-up request, and prints the median and max CPU milliseconds of this
process (``time.process_time``: what decides the tail when the cores are shared), the wall
milliseconds and the query counts. ``--profile`` prints cProfile's top functions for the
client with the most orders. Read-only apart from the audit rows the views write.

    CARTEIRA_HOME=/tmp/pb .venv/bin/carteira demo --no-serve
    CARTEIRA_HOME=/tmp/pb .venv/bin/python bench/client_page_cpu.py [--clients 120] [--profile]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

from pages_bench import setup_django


def _clients(count: int) -> list[int]:
    """The ten clients with the most orders, then others spread evenly over the ids."""
    from django.db.models import Count

    from carteira.clients.models import Client

    busiest = list(
        Client.objects.annotate(n=Count("orders"))
        .order_by("-n", "pk")
        .values_list("pk", flat=True)[:10]
    )
    ids = list(Client.objects.order_by("pk").values_list("pk", flat=True))
    step = max(1, len(ids) // max(1, count - len(busiest)))
    rest = [pk for pk in ids[::step] if pk not in busiest]
    return (busiest + rest)[:count]


def _request(client, url: str) -> tuple[float, float, int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as captured:
        cpu, wall = time.process_time(), time.perf_counter()
        response = client.get(url)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    if response.status_code != 200:
        raise SystemExit(f"{url} -> {response.status_code}")
    return cpu * 1000, wall * 1000, len(captured), len(response.content)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=120)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args(argv)
    setup_django()

    from django.test import Client
    from django.urls import reverse

    from carteira.accounts.models import Role, User

    director = User.objects.filter(role=Role.DIRECTOR, is_active=True).order_by("pk").first()
    browser = Client()
    browser.force_login(director)
    ids = _clients(args.clients)
    urls = [reverse("clients:detail", args=[pk]) for pk in ids]
    _request(browser, urls[-1])  # warm-up: templates, translations, connections
    rows = [_request(browser, url) for url in urls]
    cpu = [r[0] for r in rows]
    wall = [r[1] for r in rows]
    queries = [r[2] for r in rows]
    size = [r[3] for r in rows]
    load = os.getloadavg()[0]
    print(f"{len(rows)} client pages, load average {load:.2f}")
    print(f"CPU ms: median {statistics.median(cpu):.1f}, max {max(cpu):.1f} "
          f"(busiest client {cpu[0]:.1f})")  # fmt: skip
    print(f"wall ms: median {statistics.median(wall):.1f}, max {max(wall):.1f}")
    print(f"queries: min {min(queries)}, max {max(queries)}")
    print(f"HTML KiB: median {statistics.median(size) / 1024:.0f}, max {max(size) / 1024:.0f}")
    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(5):
            browser.get(urls[0])
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)
    return 0


if __name__ == "__main__":
    sys.exit(main())
