"""The database goes away: requests get a clean 503 (no traceback) and the app recovers by
itself when the database is back (CONN_HEALTH_CHECKS), without a restart."""

import os
import subprocess
import sys

import pytest
from django.db import OperationalError
from django.test import Client

from carteira_testing import pgserver

SCRIPT = r"""
import io, os, subprocess, time
import django
django.setup()
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.test import Client
from carteira.accounts.models import User

call_command("migrate", verbosity=0)
user = User.objects.create_user("ana", "ana@exemplo.com.br", "x", role="seller")
tester = Client()
tester.force_login(user)
cookie = f"{settings.SESSION_COOKIE_NAME}={tester.cookies[settings.SESSION_COOKIE_NAME].value}"
app = WSGIHandler()  # the real request cycle: request_started/finished close broken connections


class Response:
    def __init__(self, status, content):
        self.status_code, self.content = status, content


class Browser:
    def get(self, path):
        environ = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "SERVER_NAME": "testserver",
                   "SERVER_PORT": "80", "HTTP_HOST": "testserver", "HTTP_COOKIE": cookie,
                   "wsgi.input": io.BytesIO(), "wsgi.url_scheme": "http",
                   "wsgi.errors": io.StringIO(), "QUERY_STRING": ""}
        status = []
        result = app(environ, lambda s, h, *a: status.append(int(s.split()[0])))
        try:
            body = b"".join(result)
        finally:
            result.close()
        return Response(status[0], body)


browser = Browser()
pg_ctl = os.environ["PG_CTL"].split()
def ctl(*args):
    subprocess.run([*pg_ctl, *args], check=True, capture_output=True)

seen = [browser.get("/clients/").status_code]
ctl("stop", "-m", "immediate")
down = browser.get("/clients/")
seen += [down.status_code, b"Traceback" in down.content, browser.get("/health/").status_code]
ctl("start", "-w", "-t", "60", "-o", os.environ["PG_OPTIONS"])
started = time.monotonic()
while browser.get("/clients/").status_code != 200 and time.monotonic() - started < 10:
    time.sleep(0.2)
seen += [browser.get("/clients/").status_code, round(time.monotonic() - started) <= 10]
print(*seen)
"""


@pytest.mark.postgres
def test_a_database_restart_gives_503s_then_recovers_without_restarting_the_app(tmp_path):
    server = pgserver.start()
    try:
        data = server.root / "data"
        pg_ctl = f"{server.bindir / 'pg_ctl'} -D {data} -l {server.root / 'log'}"
        if server.run_as:
            pg_ctl = f"runuser -u {server.run_as} -- {pg_ctl}"
        options = (f"-p {server.port} -k {server.root} -c listen_addresses=127.0.0.1 "
                   "-c fsync=off")  # fmt: skip
        env = {**os.environ, "DATABASE_URL": server.database_url("postgres"),
               "CARTEIRA_HOME": str(tmp_path), "DJANGO_SETTINGS_MODULE": "carteira.settings",
               "CARTEIRA_ALLOWED_HOSTS": "testserver",
               "PG_CTL": pg_ctl, "PG_OPTIONS": options}  # fmt: skip
        done = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True,
                              text=True, timeout=180)  # fmt: skip
        assert done.returncode == 0, done.stderr[-3000:]
        assert done.stdout.split() == ["200", "503", "False", "503", "200", "True"]
    finally:
        server.stop()


@pytest.mark.django_db
def test_a_database_error_in_a_view_is_a_clean_503(monkeypatch, seller_ana):
    def broken(**kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr("carteira.clients.selectors.client_list", broken)
    browser = Client(raise_request_exception=False)
    browser.force_login(seller_ana.user)
    response = browser.get("/clients/")
    assert (response.status_code, response["Retry-After"]) == (503, "10")
    assert b"Traceback" not in response.content and b"server closed" not in response.content


@pytest.mark.django_db
def test_a_database_error_before_the_view_is_a_clean_503(monkeypatch, seller_ana):
    browser = Client(raise_request_exception=False)
    browser.force_login(seller_ana.user)

    def broken(self, *args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr("django.contrib.sessions.backends.db.SessionStore.load", broken)
    response = browser.get("/clients/")
    assert response.status_code == 503
