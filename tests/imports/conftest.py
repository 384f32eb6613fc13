import io
import os
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import translation

from carteira.workspace import database_url
from tests.personas import make_client

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "import"
CARTEIRA = str(Path(sys.executable).parent / "carteira")


class Result:
    def __init__(self, out: str, err: str, error: Exception | None):
        self.out, self.err, self.error = out, err, error


def run_import(*args: str) -> Result:
    """``carteira import ARGS``: stdout, stderr and the CommandError, if any."""
    out, err = io.StringIO(), io.StringIO()
    error = None
    try:
        with translation.override("en"):  # assertions read the English source messages
            call_command("import", *map(str, args), stdout=out, stderr=err)
    except Exception as exc:  # CommandError: the exit status of the real command
        error = exc
    return Result(out.getvalue(), err.getvalue(), error)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def erp_clients(db, seller_ana, media):
    """The clients the cp1252 orders file names."""
    return {code: make_client(code, seller_ana) for code in ("C101", "C102", "C103")}


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    """Web commits run their background task at once, in the test's thread (the real
    task function; ``test_background`` runs the database worker itself)."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def workspace(tmp_path, settings) -> dict[str, str]:
    """The environment of a `carteira` process on this test's database and media."""
    home = tmp_path / "home"
    home.mkdir()
    env = {**os.environ, "CARTEIRA_HOME": str(home)}
    if connection.vendor == "sqlite":  # the test database file, under the workspace's name
        (home / "carteira.sqlite3").symlink_to(connection.settings_dict["NAME"])
        env.pop("DATABASE_URL", None)
    else:
        env["DATABASE_URL"] = database_url(connection.settings_dict)
    settings.MEDIA_ROOT = home / "media"
    return env
