import functools
import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API + Django ORM

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def chromium_path() -> str | None:
    for candidate in (os.environ.get("CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"):
        if candidate and Path(candidate).exists():
            return candidate
    return shutil.which("chromium")


def on_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


# Fixtures that give a test the database under test (pytest-django's and ours).
DATABASE_FIXTURES = {"db", "transactional_db", "django_db_reset_sequences", "live_server"}


def same_on_any_database(item) -> bool:
    """A test whose result cannot depend on the database under test: it is marked
    ``sqlite_only`` (its own SQLite workspace), or it neither touches the test database
    nor starts processes that could inherit ``DATABASE_URL``. The PostgreSQL pass of
    ``make test`` leaves these out: the SQLite pass ran them already."""
    if "sqlite_only" in item.keywords:
        return True
    if any(mark in item.keywords for mark in ("postgres", "browser", "cluster")):
        return False
    if item.get_closest_marker("django_db") or DATABASE_FIXTURES & set(item.fixturenames):
        return False
    return not _may_start_processes(str(item.path))


@functools.cache
def _may_start_processes(path: str) -> bool:
    source = Path(path).read_text(encoding="utf-8")
    return "subprocess" in source or "DATABASE_URL" in source


def pytest_collection_modifyitems(config, items):
    using_postgres = bool(os.environ.get("DATABASE_URL"))
    if using_postgres and os.environ.get("CARTEIRA_TEST_DATABASE_PASS") == "1":
        left_out = [item for item in items if same_on_any_database(item)]
        config.hook.pytest_deselected(items=left_out)
        items[:] = [item for item in items if not same_on_any_database(item)]
    has_chromium = chromium_path() is not None
    if on_ci() and not has_chromium and any("browser" in item.keywords for item in items):
        raise pytest.UsageError("CI=true but Chromium is missing: apt-get install chromium")
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL: runs in the PostgreSQL pass of make test")
    skip_browser = pytest.mark.skip(reason="Chromium not installed (apt-get install chromium)")
    for item in items:
        if "postgres" in item.keywords and not using_postgres:
            item.add_marker(skip_pg)
        if "browser" in item.keywords and not has_chromium:
            item.add_marker(skip_browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": chromium_path(), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """A Brazilian user's browser: pt-BR pages, São Paulo time."""
    return {**browser_context_args, "locale": "pt-BR", "timezone_id": "America/Sao_Paulo"}


@pytest.fixture(autouse=True)
def _seed_data(request):
    """The data migrations' rows (default action plan, inactivity reasons) as every test
    expects them: a transactional test's flush empties those tables for the tests after it."""
    if request.node.get_closest_marker("django_db") is None:
        return
    request.getfixturevalue("db")
    from carteira.interactions.models import InactivityReason
    from carteira.plans.defaults import INACTIVITY_REASONS
    from carteira.plans.models import ActionPlanCell
    from carteira.plans.services import do_load_defaults

    if not ActionPlanCell.objects.exists():
        do_load_defaults()
    if not InactivityReason.objects.exists():
        InactivityReason.objects.bulk_create(
            InactivityReason(code=code, label=label) for code, label in INACTIVITY_REASONS
        )


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _default_language(settings):
    """Every test starts in the product's default language (pt-BR): a request with
    another Accept-Language leaves its language active in the thread, and a later test
    that renders text outside a request read it in English."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


from tests.personas import *  # noqa: E402, F403

pytest_plugins = ["tests.histories"]


@pytest.fixture
def console_errors(page):
    """What the page wrote to the console as an error, and its uncaught exceptions."""
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors
