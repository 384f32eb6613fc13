"""The review reads each scope's figures from sums over one grouped read of the stored
readings (and one read of the tasks) per reader: every seller's, team's, region's and
the company's figures equal what one query per scope over the readings gives."""

import datetime as dt

import pytest
import time_machine
from django.db.models import Count, Q

from carteira.agenda.models import Task
from carteira.clients.access import clients_visible_to
from carteira.goals.periods import parse_period
from carteira.goals.scopes import Scope
from carteira.goals.selectors import Reader
from carteira.organization.models import Seller, Team
from carteira.portfolio.kpis import kpis_of
from carteira.review import selectors
from goals.conftest import task
from review.test_review import october  # noqa: F401 -- pytest fixture

pytestmark = pytest.mark.django_db

ON_12_NOV = dt.datetime(2026, 11, 12, 15, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _on_12_november():
    with time_machine.travel(ON_12_NOV, tick=False):
        yield


def _scopes() -> list[Scope]:
    scopes = [Scope("company")]
    scopes += [Scope("team", str(pk)) for pk in Team.objects.values_list("pk", flat=True)]
    scopes += [Scope("seller", str(pk)) for pk in Seller.objects.values_list("pk", flat=True)]
    regions = set(Team.objects.exclude(region="").values_list("region", flat=True))
    return scopes + [Scope("region", region) for region in sorted(regions)]


def _counted(reader: Reader, scope: Scope) -> dict:
    """plan_execution's counts as one aggregate over ``reader.tasks(scope)`` (before)."""
    done = Q(status=Task.Status.DONE)
    return reader.tasks(scope).aggregate(
        total=Count("pk"),
        done=Count("pk", filter=done),
        successful=Count("pk", filter=done & Q(outcome__successful=True)),
        open=Count("pk", filter=Q(status=Task.Status.OPEN)),
    )


@pytest.mark.parametrize("who", ["director", "manager_sul", "seller_ana"])
def test_every_scopes_kpis_and_tasks_equal_one_query_per_scope(request, november, who):
    user = request.getfixturevalue(who)
    user = getattr(user, "user", user)  # a seller persona is the Seller: its login
    task(november["B1"], dt.date(2026, 11, 9), done_on=dt.date(2026, 11, 9))
    task(november["C1"], dt.date(2026, 11, 10), status=Task.Status.OPEN)
    visible = None if user.sees_whole_portfolio else clients_visible_to(user)
    reader = Reader(parse_period("2026-11"), dt.date(2026, 11, 12), visible=visible)
    scopes = _scopes()
    assert len(scopes) >= 6
    for scope in scopes:
        assert reader.kpis(scope) == kpis_of(reader.readings(scope), reader.run()), scope
        execution = selectors.plan_execution(reader, scope)
        assert {k: execution[k] for k in ("total", "done", "successful", "open")} == _counted(
            reader, scope
        ), scope
    assert reader.kpis(Scope("company")).portfolio > 0
    if who == "director":  # the fixture's 3 tasks and these 2, due 5-11 November
        assert selectors.plan_execution(reader, Scope("company"))["total"] == 5


def test_the_figures_come_from_one_grouped_read_per_reader(november, director):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    reader = Reader(parse_period("2026-11"), dt.date(2026, 11, 12))
    reader.run()
    scopes = _scopes()
    with CaptureQueriesContext(connection) as queries:
        for scope in scopes:
            reader.kpis(scope)
            reader.tasks_on_time(scope)
    # the readings by seller, the sellers' teams and regions, the company's tasks
    assert len(queries) == 3


def test_a_second_review_reads_the_terms_kept_for_its_scope_and_run(november, director, client):
    """The review's readers keep the readings' terms in the figures cache per scope and
    run: a second review of the period reads no reading, and shows the same page."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(director)
    first = client.get("/review/?period=2026-11")
    with CaptureQueriesContext(connection) as queries:
        second = client.get("/review/?period=2026-11")
    grouped = [q for q in queries.captured_queries
               if "portfolio_clientsnapshot" in q["sql"] and "GROUP BY" in q["sql"]
               and '"seller_id"' in q["sql"] and "n_churn_base" in q["sql"]]  # fmt: skip
    assert first.status_code == second.status_code == 200
    assert grouped == []
    assert _figures(first.text) == _figures(second.text)


def _figures(page: str) -> str:
    """The page without its CSRF tokens and script nonces (they differ per request)."""
    import re

    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)
    return re.sub(r'nonce="[^"]+"', "", page)


@pytest.mark.parametrize("who", ["director", "manager_norte", "seller_ana"])
def test_the_status_flows_from_the_kept_breakdown_equal_those_counted_from_the_readings(
    request,
    october,  # noqa: F811
    who,
):
    from carteira.portfolio import figures

    user = request.getfixturevalue(who)
    user = getattr(user, "user", user)
    visible = None if user.sees_whole_portfolio else clients_visible_to(user)
    reader = Reader(parse_period("2026-10"), dt.date(2026, 11, 12), visible=visible)
    kept = figures.breakdown(user, {}, reader.run(), figures.scope_key(user))
    counted = selectors.status_flows(reader)
    assert selectors.status_flows(reader, kept) == counted
    if who == "director":  # C2 went from pre-inactive to inactivated in October
        assert {"from": "pre_inactive", "to": "inactivated", "count": 1} in counted
