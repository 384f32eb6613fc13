"""Server time and query counts of the main pages (not a test; docs/benchmarks.md).

Runs inside Django with the test ``Client`` against an existing workspace (the one of
``CARTEIRA_HOME`` / ``DATABASE_URL``): a director and a seller request the dashboard, the
client list (a few filters and pages), client pages, the agenda and two exports N times each; prints
p50 / p95 wall time per page (server side, no network, no browser) and the queries each
request ran. Read-only: the pages are GET requests.

    CARTEIRA_HOME=/tmp/pb .venv/bin/carteira demo --no-serve      # 3,000 clients, ~20 s
    CARTEIRA_HOME=/tmp/pb .venv/bin/python bench/pages_bench.py [--repeat 20] [--seller USER]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carteira.settings")
    hosts = os.environ.get("CARTEIRA_ALLOWED_HOSTS", "127.0.0.1,localhost")
    if "testserver" not in hosts.split(","):
        os.environ["CARTEIRA_ALLOWED_HOSTS"] = hosts + ",testserver"
    import django

    django.setup()


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def measure(client, url: str, repeat: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, queries = [], []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(url)
            if getattr(response, "streaming", False):
                b"".join(response.streaming_content)
            times.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url} -> {response.status_code}")
        queries.append(len(captured))
    return {
        "url": url,
        "p50": statistics.median(times),
        "p95": _percentile(times, 0.95),
        "queries": max(queries),
    }


def pages(user, sample: int) -> list[str]:
    from django.urls import reverse

    from carteira.clients.access import clients_visible_to
    from carteira.clients.selectors import client_segments

    clients = reverse("clients:list")
    urls = [
        reverse("portfolio:dashboard"),
        clients,
        f"{clients}?page=2",
        f"{clients}?status=pre_inactive",
        f"{clients}?abc=A&sort=name",
        f"{clients}?q=ltda",
    ]
    segments = list(client_segments(user))
    if segments:
        urls.append(f"{clients}?segment={segments[0]}")
    visible = clients_visible_to(user).order_by("pk").values_list("pk", flat=True)
    count = visible.count()
    step = max(1, count // sample)
    urls += [reverse("clients:detail", args=[pk]) for pk in list(visible[::step])[:sample]]
    urls.append(reverse("agenda:mine"))
    urls.append(reverse("clients:export", args=["csv"]))
    urls.append(reverse("exports:report", args=["clients", "xlsx"]))
    return urls


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20, help="requests per page")
    parser.add_argument("--clients", type=int, default=5, help="client pages per user")
    parser.add_argument("--director", help="director's username (default: the first)")
    parser.add_argument("--seller", help="seller's username (default: the largest portfolio)")
    args = parser.parse_args(argv)
    _setup()

    from django.db.models import Count
    from django.test import Client

    from carteira.accounts.models import Role, User
    from carteira.clients.models import Client as Customer

    director = User.objects.get(username=args.director) if args.director else (
        User.objects.filter(role=Role.DIRECTOR, is_active=True).order_by("pk").first()
    )  # fmt: skip
    if args.seller:
        seller = User.objects.get(username=args.seller)
    else:
        largest = (
            Customer.objects.filter(seller__user__isnull=False)
            .values("seller__user")
            .annotate(n=Count("pk"))
            .order_by("-n")
            .first()
        )
        seller = User.objects.get(pk=largest["seller__user"]) if largest else None
    if director is None or seller is None:
        print("No director or seller in this workspace: run `carteira demo --no-serve`.")
        return 1

    print(f"clients in the workspace: {Customer.objects.count():,}; repeat {args.repeat}")
    print(f"{'user':<22} {'page':<44} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}")
    for user in (director, seller):
        client = Client()
        client.force_login(user)
        for url in pages(user, args.clients):
            client.get(url)  # warm the caches (templates, rules) once
            result = measure(client, url, args.repeat)
            print(
                f"{user.username[:22]:<22} {url[:44]:<44} {result['p50']:>8.1f} "
                f"{result['p95']:>8.1f} {result['queries']:>8}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
