"""The first dashboard a process serves after a snapshot, and the next one (not a test;
docs/benchmarks.md "Client page cost" → first dashboard after a snapshot).

Runs inside Django with the test ``Client`` against an existing workspace (``CARTEIRA_HOME``
/ ``DATABASE_URL``), in a fresh process as a newly started server worker would be: the
director, the manager of the largest team and the seller with the largest portfolio each
open the dashboard twice; prints wall and CPU milliseconds (``time.process_time``, this
process only: the database's own work on PostgreSQL is not in it) and queries.

    CARTEIRA_HOME=/tmp/pb .venv/bin/carteira snapshot          # the nightly job
    CARTEIRA_HOME=/tmp/pb .venv/bin/python bench/first_dashboard.py
"""

from __future__ import annotations

import os
import sys
import time

from pages_bench import personas, setup_django


def main() -> int:
    setup_django()
    from django.db import connection
    from django.template.loader import get_template
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    # What a worker has done before its first dashboard: templates compiled, another page
    # served (none of it touches the dashboard's figures).
    get_template("portfolio/dashboard.html")
    warm = Client()
    warm.force_login(personas()[0])
    warm.get("/clients/")
    print(f"load average {os.getloadavg()[0]:.2f}")
    print(f"{'user':<22} {'visit':<7} {'ms':>8} {'CPU ms':>8} {'queries':>8}")
    for user in personas():
        browser = Client()
        browser.force_login(user)
        for visit in ("first", "second"):
            with CaptureQueriesContext(connection) as queries:
                cpu, wall = time.process_time(), time.perf_counter()
                response = browser.get("/portfolio/")
                cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
            assert response.status_code == 200, response.status_code
            print(f"{user.username[:22]:<22} {visit:<7} {wall * 1000:>8.1f} {cpu * 1000:>8.1f} "
                  f"{len(queries):>8}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
