"""The monthly review's PDF on the 3,000-client demo (issue 15: "ready in ≤ 2 s").

Creates the demo in ``--home`` unless it is there (``carteira demo --no-serve``), then, in
one process as the director: the PDF engine warmed as a web worker does at start, one
untimed request, then ``--runs`` timed GET /review/pdf/ with wall and CPU seconds, the
selectors' and WeasyPrint's shares, and the machine's load (``uptime``): on a shared
machine the wall time is the CPU time times the contention, so both are printed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> str:
    parser = argparse.ArgumentParser()
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--users", default="diretor",
                        help="usernames, comma-separated: each one's page and PDF")  # fmt: skip
    args = parser.parse_args(argv)
    os.environ["CARTEIRA_HOME"] = str(args.home)
    if not (args.home / "carteira.sqlite3").exists():
        carteira = str(Path(sys.executable).parent / "carteira")
        subprocess.run([carteira, "demo", "--no-serve"], check=True, capture_output=True)  # noqa: S603
    subprocess.run([str(Path(sys.executable).parent / "carteira"), "manage", "migrate"],  # noqa: S603
                   check=True, capture_output=True)  # fmt: skip
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carteira.settings")
    import django

    django.setup()
    from django.test import Client
    from django.utils import timezone, translation

    from carteira.accounts.models import User
    from carteira.review import selectors
    from carteira.review.charts import review_charts
    from carteira.review.pdf import review_pdf, warm_up
    from carteira.review.summary import review_summary

    started = time.perf_counter()
    warm_up()
    warm = time.perf_counter() - started
    users = [User.objects.get(username=name) for name in args.users.split(",")]
    director = users[0]
    table = ["| user (role) | URL | first wall s | min wall s | median wall s | "
             "min CPU s |", "|---|---|---|---|---|---|"]  # fmt: skip
    rows = []
    for user in users:
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        for url in ("/review/", "/review/pdf/"):
            timed = []
            for _ in range(args.runs + 1):  # the first: nothing of this scope kept yet
                wall, cpu = time.perf_counter(), time.process_time()
                response = client.get(url, HTTP_ACCEPT_LANGUAGE="pt-br")
                assert response.status_code == 200, (url, response.status_code)
                timed.append((time.perf_counter() - wall, time.process_time() - cpu))
            if url.endswith("pdf/"):
                assert response.content[:4] == b"%PDF"
                if user == director:
                    rows = timed[1:]
            walls = [w for w, _ in timed[1:]]
            table.append(f"| {user.username} ({user.role}) | {url} | {timed[0][0]:.2f} | "
                         f"{min(walls):.2f} | {statistics.median(walls):.2f} | "
                         f"{min(c for _, c in timed[1:]):.2f} |")  # fmt: skip
    translation.activate("pt-br")
    period = selectors.default_period(timezone.localdate())
    cpu = time.process_time()
    data = selectors.review(director, period, today=timezone.localdate())
    data |= {"charts": review_charts(data), "generated_at": timezone.localtime()}
    data["summary"] = review_summary(data)
    selectors_cpu = time.process_time() - cpu
    sections = {}
    for name, section in _sections(director, period, data["as_of"]).items():
        cpu = time.process_time()
        section()
        sections[name] = time.process_time() - cpu
    cpu = time.process_time()
    size = len(review_pdf(data))
    pdf_cpu = time.process_time() - cpu
    load = subprocess.run(["/usr/bin/uptime"], capture_output=True, text=True, check=False).stdout
    walls, cpus = [w for w, _ in rows], [c for _, c in rows]
    split = ", ".join(f"{name} {seconds:.2f} s" for name, seconds in sections.items())
    return (
        "\n".join(table) + "\n\n"
        f"Sections of the director's review (CPU): {split}.\n\n"
        f"| GET /review/pdf/ ({period.label}, {size:,} bytes) | median | max |\n|---|---|---|\n"
        f"| wall s | {statistics.median(walls):.2f} | {max(walls):.2f} |\n"
        f"| CPU s | {statistics.median(cpus):.2f} | {max(cpus):.2f} |\n\n"
        f"CPU split: selectors {selectors_cpu:.2f} s, WeasyPrint {pdf_cpu:.2f} s; engine "
        f"warm-up {warm:.2f} s (a web worker pays it at start, not the first user).\n"
        f"`uptime`: {load.strip()}\n"
    )


def _sections(user, period, as_of) -> dict:
    """The review's sections that other apps add (``review.views._context``), each as a
    call with the view's arguments."""
    import datetime as dt

    from carteira.clients.access import clients_visible_to
    from carteira.complaints.access import complaints_visible_to
    from carteira.complaints.measures import complaint_measures
    from carteira.credit.panels import review_credit
    from carteira.leads.panels import review_funnel

    eve = period.start - dt.timedelta(days=1)
    return {
        "complaints": lambda: complaint_measures(
            complaints_visible_to(user), clients_visible_to(user), start=period.start,
            end=period.end, by="category"),
        "credit": lambda: review_credit(user, as_of=as_of, before=eve),
        "prospecting": lambda: review_funnel(user, start=period.start, end=period.end),
    }  # fmt: skip


if __name__ == "__main__":
    print(main())
