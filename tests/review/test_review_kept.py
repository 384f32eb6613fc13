"""The review's figures are computed once for the page and its PDF (review.kept): the PDF
prints the page's figures without reading the readings again, and what users change
(a goal, a decision, a new reading) shows at once."""

import datetime as dt
import io
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult
from pypdf import PdfReader

import carteira.portfolio.figures as dashboard_figures
from carteira.credit import panels as credit_panels
from carteira.goals.models import Goal
from carteira.portfolio.figures import do_warm_dashboards
from carteira.portfolio.models import SnapshotRun
from carteira.portfolio.services import do_snapshot
from carteira.review import views
from carteira.review.kept import do_warm_reviews, readers_to_warm
from review.test_review import october  # noqa: F401 -- pytest fixture

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("october")]

ON_12_NOV = dt.datetime(2026, 11, 12, 15, tzinfo=dt.UTC)
FIGURES = ("indicators", "flows", "losses", "risk_total", "execution", "summary", "complaints",
           "credit", "funnel", "charts", "trend")  # fmt: skip


@pytest.fixture(autouse=True)
def _on_12_november():
    with time_machine.travel(ON_12_NOV, tick=False):
        yield


def _pdf_context(client, monkeypatch, url: str) -> tuple[dict, str, list]:
    """The context the PDF was drawn from, its text, and the queries of the request."""
    drawn = {}
    real = views.review_pdf

    def keep(context):
        drawn.update(context)
        return real(context)

    monkeypatch.setattr(views, "review_pdf", keep)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    return drawn, text, queries.captured_queries


def _plain(value):
    """A figure as comparable data (rows and dataclasses by their fields)."""
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if hasattr(value, "__dict__"):
        return {k: _plain(v) for k, v in vars(value).items() if not k.startswith("_")}
    return value


def test_the_pdf_prints_the_figures_the_page_showed_without_reading_them_again(
    client, director, monkeypatch
):
    client.force_login(director)
    page = client.get("/review/?period=2026-10", HTTP_ACCEPT_LANGUAGE="pt-br")
    drawn, text, queries = _pdf_context(client, monkeypatch, "/review/pdf/?period=2026-10")
    for name in FIGURES:
        assert _plain(drawn[name]) == _plain(page.context[name]), name
    assert [q["sql"] for q in queries if "portfolio_clientsnapshot" in q["sql"]] == []
    # the page's headline figures, as printed
    headline = re.search(r'<section id="summary".*?</section>', page.text, re.S).group(0)
    values = re.findall(r'<span class="figure-value">([^<]+?)\s*<', headline)
    assert len(values) == 4
    for value in values:
        assert value.strip() in text


def test_a_goal_set_after_reading_the_page_shows_at_once(client, director):
    client.force_login(director)
    before = client.get("/review/?period=2026-10")
    Goal.objects.create(indicator="coverage", target=1, period_start=dt.date(2026, 10, 1),
                        period_end=dt.date(2026, 10, 31))  # fmt: skip
    after = client.get("/review/?period=2026-10")
    rows = {row.indicator: row for row in after.context["indicators"]}
    assert rows["coverage"].goal is not None
    assert {row.indicator: row.goal for row in before.context["indicators"]}["coverage"] is None


def test_a_new_reading_is_read_at_once(client, director, monkeypatch):
    client.force_login(director)
    assert client.get("/review/?period=2026-10").status_code == 200
    computed = []
    real = views.review_figures

    def count(*args):
        computed.append(args)
        return real(*args)

    monkeypatch.setattr(views, "review_figures", count)
    client.get("/review/?period=2026-10")
    assert computed == []  # kept
    do_snapshot(dt.date(2026, 11, 12), use_adbc=False)
    client.get("/review/?period=2026-10")
    assert len(computed) == 1


def test_the_snapshots_warm_up_queues_the_reviews_warm_up(
    director, django_capture_on_commit_callbacks
):
    run = do_snapshot(dt.date(2026, 11, 12), use_adbc=False)
    DBTaskResult.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        assert do_warm_dashboards(run) > 0
    queued = DBTaskResult.objects.values_list("task_path", flat=True)
    assert list(queued) == ["carteira.review.tasks.warm_reviews"]


def test_the_warm_up_computes_the_review_once_per_scope_a_review_is_first_opened_in(
    director, analyst, manager_sul, manager_norte
):
    # the director and the analyst read the same figures: one of them is enough
    assert readers_to_warm() == [director, manager_sul, manager_norte]


def test_the_warm_up_computes_no_reading_of_its_own():
    assert do_warm_reviews() == 0  # October has no reading yet: the review computes it
    assert SnapshotRun.objects.count() == 0


def test_after_the_warm_up_a_first_visit_the_next_day_reads_the_stored_parts(
    client, director, manager_sul, monkeypatch
):
    do_snapshot(dt.date(2026, 10, 31))  # October's reading, stored by its nightly snapshot
    assert do_warm_reviews() == 3  # the director, the managers of Sul and Norte
    computed = []
    for module, name in ((credit_panels, "_review_credit"), (dashboard_figures.k, "kpi_terms"),
                         (dashboard_figures.k, "breakdown")):  # fmt: skip
        real = getattr(module, name)
        monkeypatch.setattr(module, name, lambda *a, real=real, name=name, **k: (
            computed.append(name), real(*a, **k))[1])  # fmt: skip
    with time_machine.travel(ON_12_NOV + dt.timedelta(days=1), tick=False):
        for user in (director, manager_sul):
            client.force_login(user)
            page = client.get("/review/?period=2026-10")
            assert page.status_code == 200
            assert page.context["indicators"]  # the page is whole
    # neither the readings' terms and breakdown nor the credit section computed again
    assert computed == []
