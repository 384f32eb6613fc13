"""Locust scenario of the trust plan's load test (plan E.31, with the leak check of A.10).

Run by ``bench/load_bench.py``, which prepares the workspace, starts the server and
writes the accounts file this reads (``LOAD_CONFIG``): for every account its login, its
kind (seller, manager, team) and the client ids / external ids / seller ids its scope
holds. Each virtual user logs in as one account (sellers get most users) and, with 1–5 s
of think time, does the plan's mix:

    60 %  own-portfolio list and search      (GET /clients/ with pages, filters, ``q``)
    20 %  client detail                       (GET /clients/<own id>/)
    10 %  task writes                         (GET /agenda/, POST a task's outcome; a
                                              manager opens one of the three sellers')
     5 %  dashboard                           (GET /portfolio/)
     5 %  export                              (GET /clients/export.csv → 202 and a job;
                                              its status polled every 0.5 s, counted apart
                                              as "export poll", then the file downloaded)

Every response is checked for ids outside the account's scope: client links
(``/clients/<id>/``), task cards, exported rows (external ids) and the dashboard's seller
choices and KPI figures (equal to another account's alone-measured figures = a leak of a
shared cache). The counts go to ``LOAD_RESULT`` (JSON) when the run stops.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import json
import os
import random
import re
import time

from fingerprint import dashboard_fingerprint  # bench/load/, on locust's path
from locust import HttpUser, between, events, task

CONFIG = json.loads(open(os.environ["LOAD_CONFIG"], encoding="utf-8").read())  # noqa: SIM115
CLIENT_LINK = re.compile(r"/clients/(\d+)/")
TASK_CLOSE = re.compile(r"/agenda/tasks/(\d+)/close/")
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

LEAKS = {"responses_checked": 0, "ids_checked": 0, "cross_user_ids": 0, "examples": []}
WRITES = {"closed": 0, "already_closed": 0, "no_open_task": 0}
EXPORTS = {"done": 0, "failed": 0, "timed_out": 0, "polls": 0, "seconds_to_file": []}
EXPORT_POLL_SECONDS = 0.5
EXPORT_WAIT_SECONDS = 120
JSON = {"Accept": "application/json"}
_accounts = {
    kind: itertools.cycle([a for a in CONFIG["accounts"] if a["kind"] == kind])
    for kind in ("seller", "manager", "team", "director")
    if any(a["kind"] == kind for a in CONFIG["accounts"])
}


def _leak(account: dict, what: str, values) -> None:
    LEAKS["cross_user_ids"] += 1
    if len(LEAKS["examples"]) < 20:
        LEAKS["examples"].append([account["username"], what, str(values)[:200]])


class Account(HttpUser):
    abstract = True
    # Think time in seconds, "low,high" (LOAD_WAIT): people pause 1–5 s; the scaling
    # steps of load_bench.py shorten it to saturate the server.
    wait_time = between(*(float(v) for v in os.environ.get("LOAD_WAIT", "1,5").split(",")))
    kind = "seller"

    def on_start(self) -> None:
        self.account = next(_accounts[self.kind])
        self.scope = set(self.account["client_ids"]) if self.account["client_ids"] else None
        self.externals = set(self.account["external_ids"]) if self.scope is not None else None
        page = self.client.get("/login/", name="login page")
        token = CSRF_FIELD.search(page.text).group(1)
        self.client.post(
            "/login/",
            data={
                "username": self.account["username"],
                "password": self.account["password"],
                "csrfmiddlewaretoken": token,
            },
            headers={"Referer": f"{self.host}/login/"},
            name="login (POST)",
        )

    # -- the leak check ----------------------------------------------------------------

    def check_ids(self, ids, what: str) -> None:
        LEAKS["responses_checked"] += 1
        if self.scope is None:  # the portfolio team sees every client
            return
        LEAKS["ids_checked"] += len(ids)
        outside = {int(i) for i in ids} - self.scope
        if outside:
            _leak(self.account, what, sorted(outside)[:10])

    def check_dashboard(self, html: str) -> None:
        LEAKS["responses_checked"] += 1
        sellers, figures = dashboard_fingerprint(html)
        allowed = {str(s) for s in self.account["seller_ids"]}
        if self.account["seller_ids"] and not set(sellers) <= allowed:
            _leak(self.account, "dashboard sellers", sorted(set(sellers) - allowed))
        own = self.account["dashboard"]
        for other in CONFIG["accounts"]:
            theirs = other["dashboard"][1]
            if other is not self.account and theirs != own[1] and figures == theirs:
                _leak(self.account, "dashboard figures of " + other["username"], figures)


class PlanMix(Account):
    """The trust plan's mix (the module's docstring)."""

    abstract = True

    @task(60)
    def list_or_search(self) -> None:
        params, name = random.choice(CONFIG["list_queries"])
        with self.client.get("/clients/", params=params, name=name, catch_response=True) as page:
            if page.status_code == 200:
                self.check_ids(CLIENT_LINK.findall(page.text), name)

    @task(20)
    def detail(self) -> None:
        pool = self.account["client_ids"] or CONFIG["all_client_sample"]
        client_id = random.choice(pool)
        page = self.client.get(f"/clients/{client_id}/", name="detail")
        if page.status_code == 200:
            self.check_ids(set(CLIENT_LINK.findall(page.text)) - {str(client_id)}, "detail")

    @task(10)
    def task_write(self) -> None:
        sellers = self.account.get("agenda_sellers")
        params = {"seller": random.choice(sellers)} if sellers else {}
        agenda = self.client.get("/agenda/", params=params, name="agenda (task write)")
        if agenda.status_code != 200:
            return
        self.check_ids(CLIENT_LINK.findall(agenda.text), "agenda")
        open_tasks = TASK_CLOSE.findall(agenda.text)
        if not open_tasks:
            WRITES["no_open_task"] += 1
            return
        task_id = random.choice(open_tasks)
        prefix = f"t{task_id}-"
        next_date = dt.date.today() + dt.timedelta(days=random.randint(1, 5))
        with self.client.post(
            f"/agenda/tasks/{task_id}/close/",
            data={
                prefix + "channel": "phone",
                prefix + "successful": "yes",
                prefix + "notes": "load test",
                prefix + "next_date": next_date.isoformat(),
            },
            headers={
                "X-CSRFToken": self.client.cookies.get("csrftoken", ""),
                "Referer": f"{self.host}/agenda/",
                "HX-Request": "true",
            },
            name="task close (POST)",
            catch_response=True,
        ) as response:
            if response.status_code == 404:
                # another session of the same seller closed it first: a lost race, not an error
                WRITES["already_closed"] += 1
                response.success()
            elif response.status_code == 200:
                WRITES["closed"] += 1

    @task(5)
    def dashboard(self) -> None:
        page = self.client.get("/portfolio/", name="dashboard")
        if page.status_code == 200:
            self.check_dashboard(page.text)

    @task(5)
    def export(self) -> None:
        """Ask for the client list's export (202 and a job, at once), poll the job until
        the worker has written the file, download it and check its rows."""
        params = self.account["export_params"]
        request = {"params": params, "headers": JSON, "catch_response": True}
        with self.client.get("/clients/export.csv", name="export request", **request) as asked:
            if asked.status_code != 202:
                asked.failure(f"export request answered {asked.status_code}, not 202")
                return
            job = asked.json()
        started = time.monotonic()
        while job["status"] in ("queued", "running"):
            if time.monotonic() - started > EXPORT_WAIT_SECONDS:
                EXPORTS["timed_out"] += 1
                return
            time.sleep(EXPORT_POLL_SECONDS)
            EXPORTS["polls"] += 1
            page = self.client.get(job["status_url"], headers=JSON, name="export poll")
            if page.status_code != 200:
                return
            job = page.json()
        if job["status"] != "done":
            EXPORTS[job["status"]] = EXPORTS.get(job["status"], 0) + 1
            return
        page = self.client.get(job["download_url"], name="export download")
        EXPORTS["done"] += 1
        EXPORTS["seconds_to_file"].append(round(time.monotonic() - started, 3))
        if page.status_code != 200 or self.externals is None:
            return
        rows = csv.DictReader(io.StringIO(page.content.decode("utf-8-sig")))
        ids = [row.get("external_id") for row in rows]
        LEAKS["responses_checked"] += 1
        LEAKS["ids_checked"] += len(ids)
        outside = set(ids) - self.externals
        if outside:
            _leak(self.account, "export", sorted(outside)[:10])


# LOAD_MIX: "plan" (the trust plan's mix above) or "pages" (issue 25: every page a user
# waits for, each role's time apart).
MIX = os.environ.get("LOAD_MIX", "plan")


class Seller(PlanMix):
    abstract = MIX != "plan"
    weight = 8
    kind = "seller"


class Manager(PlanMix):
    abstract = MIX != "plan"
    weight = 1
    kind = "manager"


class PortfolioTeam(PlanMix):
    abstract = MIX != "plan"
    weight = 1
    kind = "team"


class PageReader(Account):
    """Issue 25's mix: the pages a user opens and waits for, one at a time with the think
    time between them, each page named with the role (``review (director)``), so p95 is
    read per page and role. Read-only: every client id shown is checked against the
    account's scope."""

    abstract = True

    def page(self, url: str, name: str, **params) -> None:
        with self.client.get(url, params=params, name=f"{name} ({self.kind})",
                             catch_response=True) as page:  # fmt: skip
            if page.status_code == 200 and "json" not in page.headers.get("Content-Type", ""):
                # the map's link template (/clients/0/...) names no client
                self.check_ids([i for i in CLIENT_LINK.findall(page.text) if i != "0"], name)

    @task(3)
    def dashboard(self) -> None:
        self.page("/portfolio/", "dashboard")

    @task(3)
    def client_list(self) -> None:
        params, _name = random.choice(CONFIG["list_queries"])
        self.page("/clients/", "client list", **params)

    @task(3)
    def detail(self) -> None:
        pool = self.account["client_ids"] or CONFIG["all_client_sample"]
        self.page(f"/clients/{random.choice(pool)}/", "client detail")

    @task(2)
    def agenda(self) -> None:
        sellers = self.account.get("agenda_sellers")
        self.page("/agenda/", "agenda", **({"seller": random.choice(sellers)} if sellers else {}))

    @task(2)
    def review(self) -> None:
        self.page("/review/", "review")

    @task(2)
    def map(self) -> None:
        self.page("/territory/map/", "map page")
        self.page("/territory/map/clusters.json", "map clusters", fit="1000,700")

    @task(2)
    def chronology(self) -> None:
        self.page("/territory/chronology/", "chronology")


class PagesSeller(PageReader):
    abstract = MIX != "pages"
    weight = 4
    kind = "seller"


class PagesManager(PageReader):
    abstract = MIX != "pages"
    weight = 2
    kind = "manager"


class PagesDirector(PageReader):
    abstract = MIX != "pages"
    weight = 1
    kind = "director"


class PagesTeam(PageReader):
    abstract = MIX != "pages"
    weight = 1
    kind = "team"


@events.test_stop.add_listener
def _write_results(**_kwargs) -> None:
    path = os.environ.get("LOAD_RESULT")
    if path:
        with open(path, "w", encoding="utf-8") as out:
            json.dump({"leaks": LEAKS, "writes": WRITES, "exports": EXPORTS}, out, indent=1)
