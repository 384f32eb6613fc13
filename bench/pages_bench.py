"""Server time and query counts of the main pages (not a test; docs/benchmarks.md).

Runs inside Django with the test ``Client`` against an existing workspace (the one of
``CARTEIRA_HOME`` / ``DATABASE_URL``): a director, a manager and a seller request the
dashboard (whole, sliced by a seller and by a segment), the client list (a few filters and
pages), client pages, the agenda and two exports N times each; prints the first request's
time (cold: nothing cached for this reading), p50 / p95 wall time of the next N (server
side, no network, no browser) and the most queries a request ran. Read-only: GET requests.

    CARTEIRA_HOME=/tmp/pb .venv/bin/carteira demo --no-serve      # 3,000 clients, ~20 s
    CARTEIRA_HOME=/tmp/pb .venv/bin/python bench/pages_bench.py [--repeat 20] [--seller USER]

At scale on PostgreSQL (the issue's bar: p95 < 300 ms with 100k clients / ~5M orders):
``--pg-scale 100000`` starts a throw-away PostgreSQL (carteira_testing.pgserver), builds
the demo company with that many clients in it (~13 min on 2 busy cores), measures, and
stops the server; ``--pg-data DIR`` keeps the server's folder in DIR and reuses it (and the
demo in it) on the next run. ``bench/run.py --only pages`` calls this.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CARTEIRA = str(Path(sys.executable).parent / "carteira")


def setup_django() -> None:
    """Django on the workspace of the environment, with the test client's host allowed."""
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


def _get(client, url: str) -> tuple[float, int, int]:
    """(milliseconds, status, queries) of one request, its streamed body read."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    connection.queries_log.clear()  # the log keeps 9,000 queries: counts go wrong past it
    with CaptureQueriesContext(connection) as captured:
        start = time.perf_counter()
        response = client.get(url)
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
        elapsed = (time.perf_counter() - start) * 1000
    return elapsed, response.status_code, len(captured)


def measure(client, url: str, repeat: int) -> dict:
    first, status, first_queries = _get(client, url)
    times, queries = [], []
    for _ in range(repeat):
        elapsed, status, count = _get(client, url)
        if status not in (200, 202):  # 202: an export request queues a job (ADR 9)
            raise SystemExit(f"{url} -> {status}")
        times.append(elapsed)
        queries.append(count)
    return {
        "url": url,
        "first": first,
        "p50": statistics.median(times),
        "p95": _percentile(times, 0.95),
        "first_queries": first_queries,
        "queries": max(queries),
    }


def pages(user, sample: int) -> list[str]:
    from django.urls import reverse

    from carteira.clients.access import clients_visible_to, sellers_visible_to
    from carteira.clients.selectors import client_segments

    dashboard = reverse("portfolio:dashboard")
    clients = reverse("clients:list")
    segments = list(client_segments(user))
    seller = sellers_visible_to(user).order_by("pk").values_list("pk", flat=True).first()
    urls = [dashboard]
    if seller is not None and user.role != "seller":
        urls.append(f"{dashboard}?seller={seller}")
    if segments:
        urls.append(f"{dashboard}?segment={segments[0]}")
    urls += [
        clients,
        f"{clients}?page=2",
        f"{clients}?status=pre_inactive",
        f"{clients}?previous=active&status=pre_inactive&abc=A",
        f"{clients}?abc=A&sort=name",
        f"{clients}?sort=-revenue",
        f"{clients}?q=ltda",
    ]
    if segments:
        urls.append(f"{clients}?segment={segments[0]}")
    visible = clients_visible_to(user).order_by("pk").values_list("pk", flat=True)
    count = visible.count()
    step = max(1, count // sample)
    urls += [reverse("clients:detail", args=[pk]) for pk in list(visible[::step])[:sample]]
    urls.append(reverse("agenda:mine"))
    # The map's clusters (the first view framed by the server; São Paulo at zoom 10), its
    # points for the rule map (by contact bucket: one subquery per client; by class: the
    # reading) and the chronology (whole list, one bucket, by name), issue 25.
    points, clusters = reverse("territory:points"), reverse("territory:clusters")
    chronology = reverse("territory:chronology")
    urls += [f"{clusters}?fit=1000,700", f"{clusters}?zoom=10&bbox=-47.9,-24.3,-45.4,-22.7",
             points, f"{points}?colour=abc", chronology, f"{chronology}?bucket=31_60",
             f"{chronology}?sort=name"]  # fmt: skip
    urls.append(reverse("clients:export", args=["csv"]) + "?abc=A&status=pre_inactive")
    urls.append(reverse("exports:report", args=["clients", "xlsx"]))
    return urls


def personas(director=None, manager=None, seller=None):
    """(director, manager, seller): the first active director, the manager and the seller
    with the most clients, unless named (usernames)."""
    from django.db.models import Count

    from carteira.accounts.models import Role, User
    from carteira.clients.models import Client as Customer

    def named(username):
        return User.objects.get(username=username) if username else None

    def largest(path: str):
        row = (
            Customer.objects.filter(**{f"{path}__isnull": False})
            .values(path)
            .annotate(n=Count("pk"))
            .order_by("-n")
            .first()
        )
        return User.objects.get(pk=row[path]) if row else None

    director = named(director) or (
        User.objects.filter(role=Role.DIRECTOR, is_active=True).order_by("pk").first()
    )  # fmt: skip
    manager = named(manager) or largest("seller__team__manager")
    seller = named(seller) or largest("seller__user")
    return [u for u in (director, manager, seller) if u is not None]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20, help="requests per page")
    parser.add_argument("--clients", type=int, default=5, help="client pages per user")
    parser.add_argument("--director", help="director's username (default: the first)")
    parser.add_argument("--manager", help="manager's username (default: the largest team)")
    parser.add_argument("--seller", help="seller's username (default: the largest portfolio)")
    parser.add_argument("--roles", default="director,manager,seller", help="whom to measure")
    parser.add_argument(
        "--pg-scale",
        type=int,
        metavar="CLIENTS",
        help="measure on a throw-away PostgreSQL with a demo of CLIENTS",
    )
    parser.add_argument(
        "--pg-data",
        type=Path,
        metavar="DIR",
        help="with --pg-scale: keep and reuse the server here",
    )
    args = parser.parse_args(argv)
    if args.pg_scale:
        print(pg_at_scale(args.pg_scale, data=args.pg_data, argv=_passed_on(argv)))
        return 0
    setup_django()

    from django.test import Client

    from carteira.clients.models import Client as Customer

    users = [
        user
        for user in personas(args.director, args.manager, args.seller)
        if user.role in args.roles.split(",")
    ]
    if not users:
        print("No director or seller in this workspace: run `carteira demo --no-serve`.")
        return 1
    print(f"clients in the workspace: {Customer.objects.count():,}; repeat {args.repeat}")
    print(f"{'user':<14} {'role':<9} {'page':<52} {'first ms':>9} {'p50 ms':>8} "
          f"{'p95 ms':>8} {'queries first/next':>18}")  # fmt: skip
    for user in users:
        client = Client()
        client.force_login(user)
        for url in pages(user, args.clients):
            # Whole-portfolio spreadsheets take seconds each: a few requests tell enough.
            repeat = min(args.repeat, 3) if "export" in url else args.repeat
            result = measure(client, url, repeat)
            print(
                f"{user.username[:14]:<14} {user.role[:9]:<9} {url[:52]:<52} "
                f"{result['first']:>9.1f} {result['p50']:>8.1f} {result['p95']:>8.1f} "
                f"{result['first_queries']:>11}/{result['queries']:<6}"
            )
    return 0


# PostgreSQL at scale -----------------------------------------------------------------------


def _passed_on(argv: list[str] | None) -> list[str]:
    """The measuring options, without the ones that start the server."""
    argv = list(sys.argv[1:] if argv is None else argv)
    kept, skip = [], False
    for arg in argv:
        if skip:
            skip = False
        elif arg in {"--pg-scale", "--pg-data"}:
            skip = True
        elif not arg.startswith(("--pg-scale=", "--pg-data=")):
            kept.append(arg)
    return kept


def _server(data: Path | None):
    """A PostgreSQL server: throw-away, or kept in ``data`` (made there the first time)."""
    sys.path.insert(0, str(ROOT / "src"))
    from carteira_testing import pgserver

    if data is None:
        return pgserver.start(), False
    return _start_in(data.resolve()), True


def _start_in(root: Path):
    import pwd

    from carteira_testing import pgserver

    bindir = pgserver.find_bindir()
    run_as = "postgres" if os.geteuid() == 0 else None
    root.mkdir(parents=True, exist_ok=True)
    if run_as:
        user = pwd.getpwnam(run_as)
        os.chown(root, user.pw_uid, user.pw_gid)
    server = pgserver.PgServer(root=root, port=pgserver.free_port(), bindir=bindir,
                               run_as=run_as)  # fmt: skip
    if not (root / "data" / "PG_VERSION").exists():
        server._run(str(bindir / "initdb"), "-D", str(root / "data"), "-U", "postgres",
                    "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8")  # fmt: skip
    options = (
        f"-p {server.port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off "
        "-c synchronous_commit=off -c full_page_writes=off -c max_connections=60"
    )
    server._run(str(bindir / "pg_ctl"), "-D", str(root / "data"), "-l", str(root / "log"),
                "-w", "-t", "60", "-o", options, "start")  # fmt: skip
    return server


def _stop(server, keep: bool) -> None:
    if not keep:
        server.stop()
        return
    server._run(str(server.bindir / "pg_ctl"), "-D", str(server.root / "data"), "-m", "fast",
                "stop")  # fmt: skip


def pg_at_scale(clients: int, *, data: Path | None = None, argv: list[str] = ()) -> str:
    """Build (or reuse) a demo company of ``clients`` on PostgreSQL and measure the pages
    there; returns the measurement as text, with the machine's load."""
    server, keep = _server(data)
    try:
        database = f"pages{clients}"
        env = {**os.environ, "DATABASE_URL": server.database_url(database),
               "CARTEIRA_HOME": str((data or server.root) / "home")}  # fmt: skip
        Path(env["CARTEIRA_HOME"]).mkdir(parents=True, exist_ok=True)
        made = subprocess.run(  # noqa: S603 -- our own server
            [str(server.bindir / "createdb"), "-h", "127.0.0.1", "-p", str(server.port),
             "-U", "postgres", database], capture_output=True, text=True, check=False,
        )  # fmt: skip
        setup = "demo reused"
        if made.returncode == 0:  # a new database: build the demo in it
            started = time.perf_counter()
            demo = [CARTEIRA, "demo", "--clients", str(clients), "--no-serve", "--reset",
                    "--seed", "7"]  # fmt: skip
            subprocess.run(demo, env=env, check=True)  # noqa: S603 -- our own command
            setup = f"demo built in {time.perf_counter() - started:.0f} s"
        load = os.getloadavg()
        done = subprocess.run(  # noqa: S603 -- this script
            [sys.executable, __file__, *argv], env=env, capture_output=True, text=True,
            check=True,
        )  # fmt: skip
        after = os.getloadavg()
    finally:
        _stop(server, keep)
    return (
        f"PostgreSQL 15, {clients:,} clients ({setup}); load average "
        f"{load[0]:.2f} before, {after[0]:.2f} after\n\n{done.stdout}"
    )


if __name__ == "__main__":
    sys.exit(main())
