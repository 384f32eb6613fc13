"""pytest plugin: with CARTEIRA_TEST_DB=postgres, run the session on a throw-away
PostgreSQL server. Loaded with ``-p carteira_testing.postgres`` so it acts before
pytest-django reads the settings."""

from __future__ import annotations

import os
import tempfile

import pytest

from carteira_testing import pgserver

_server: pgserver.PgServer | None = None


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config, parser, args):
    global _server
    if "CARTEIRA_HOME" not in os.environ:  # never write into a real workspace
        os.environ["CARTEIRA_HOME"] = tempfile.mkdtemp(prefix="carteira-test-home-")
    if os.environ.get("CARTEIRA_TEST_DB") != "postgres" or os.environ.get("DATABASE_URL"):
        return
    _server = pgserver.start()
    os.environ["DATABASE_URL"] = _server.database_url("carteira")


def pytest_report_header(config):
    url = os.environ.get("DATABASE_URL")
    return f"carteira database: {'PostgreSQL ' + url if url else 'SQLite'}"


def pytest_unconfigure(config):
    global _server
    if _server is not None:
        _server.stop()
        _server = None
