"""The nightly snapshot stores the dashboard figures users open first, in the database
cache every server process shares (ADR 10): the first dashboard after it aggregates no
reading, shows the same numbers as a cold one, and never another user's (ADR 8)."""

import dataclasses
import datetime as dt
from fractions import Fraction
from io import StringIO

import pytest
import time_machine
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from carteira.demo.loader import do_wipe_workspace
from carteira.portfolio import kpis as k
from carteira.portfolio.figures import _reading_rows, do_warm_dashboards
from carteira.portfolio.models import ClientSnapshot, SnapshotRun
from carteira.portfolio.rules_store import current_rules, do_save_rules
from carteira.portfolio.services import do_snapshot, period_run
from carteira.portfolio.tasks import warm_dashboards
from tests.histories import T
from tests.personas import PASSWORD

pytestmark = pytest.mark.django_db
figures = caches["figures"]


@pytest.fixture(autouse=True)
def on_t():
    with time_machine.travel(dt.datetime(2026, 6, 30, 15, 0, tzinfo=dt.UTC), tick=False):
        yield


def visit(client, user, **query):
    """The dashboard's context, and how many queries read the readings table."""
    client.logout()
    assert client.login(username=user.username, password=PASSWORD)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("portfolio:dashboard"), query)
    assert response.status_code == 200
    readings = [q["sql"] for q in queries if '"portfolio_clientsnapshot"' in q["sql"]]
    return response.context, len(readings)


def pyramid(context):
    return {row["status"]: row["count"] for row in context["pyramid"] if row["count"]}


@pytest.fixture
def two_readings(history):
    do_snapshot(T - dt.timedelta(days=30))
    return history


def test_the_snapshot_command_stores_the_figures_of_every_common_view(
    two_readings, director, manager_sul
):
    out = StringIO()
    with translation.override("pt-br"):
        call_command("snapshot", stdout=out)
    # the company unsliced, by each of 2 teams and 3 sellers; 2 managers and 3 sellers
    assert "números do painel guardados para 11 visões em" in out.getvalue().splitlines()[-1]


def test_after_the_snapshot_the_first_dashboards_aggregate_no_reading(
    client, two_readings, director, manager_sul, seller_ana
):
    call_command("snapshot", stdout=StringIO())
    for user, query in ((director, {}), (manager_sul, {}), (seller_ana.user, {}),
                        (director, {"seller": seller_ana.pk})):  # fmt: skip
        assert visit(client, user, **query)[1] == 0, user


def test_without_the_warm_up_the_first_dashboard_aggregates_the_readings(
    client, two_readings, manager_sul
):
    do_snapshot(T)
    assert visit(client, manager_sul)[1] > 0


def test_warmed_figures_are_the_ones_a_cold_visit_computes(
    client, two_readings, manager_sul, seller_ana, seller_bruno
):
    run = do_snapshot(T)
    cold = {u.username: visit(client, u)[0] for u in (manager_sul, seller_ana.user)}
    figures.clear()
    do_warm_dashboards(run)
    for user in (manager_sul, seller_ana.user):
        warm, aggregated = visit(client, user)
        assert aggregated == 0
        assert (warm["kpis"], pyramid(warm), warm["trend"]) == (
            cold[user.username]["kpis"], pyramid(cold[user.username]),
            cold[user.username]["trend"],
        )  # fmt: skip


SHOWN = ("kpis", "cards", "pyramid", "flows", "matrix", "prospects", "trend")


def shown(context) -> dict:
    return {name: context[name] for name in SHOWN}


def test_every_warmed_view_shows_what_a_cold_dashboard_computes_after_a_reassignment(
    client, two_readings, director, manager_sul, manager_norte, seller_ana, seller_bruno,
    seller_carla,
):  # fmt: skip
    """Slices by team and seller follow the seller at the reading; a user's own view, the
    clients they have today: A2 moved from Ana to Carla (another team) after the reading."""
    run = do_snapshot(T)
    two_readings["A2"].seller = seller_carla
    two_readings["A2"].save(update_fields=["seller"])
    visits = [(director, {})]
    visits += [(director, {"team": seller.team_id}) for seller in (seller_ana, seller_carla)]
    visits += [(director, {"seller": s.pk}) for s in (seller_ana, seller_bruno, seller_carla)]
    visits += [(user, {}) for user in (manager_sul, manager_norte, seller_ana.user,
                                       seller_carla.user)]  # fmt: skip
    figures.clear()
    cold = [shown(visit(client, user, **query)[0]) for user, query in visits]
    figures.clear()
    do_warm_dashboards(run)
    for (user, query), expected in zip(visits, cold, strict=True):
        warm, aggregated = visit(client, user, **query)
        assert (aggregated, shown(warm)) == (0, expected), (user.username, query)
    # Ana's slice holds A2 (hers at the reading); Ana's own dashboard no longer does
    assert (pyramid(cold[3]), pyramid(cold[8])) == ({"active": 1, "pre_inactive": 1},
                                                    {"active": 1})  # fmt: skip


def readings_read(queries) -> list[str]:
    return [q["sql"] for q in queries if '"portfolio_clientsnapshot"' in q["sql"]
            or "portfolio_clientsnapshot " in q["sql"]]  # fmt: skip


def test_the_warm_up_reads_each_reading_once_whatever_the_number_of_views(
    two_readings, director, manager_sul, manager_norte, seller_ana, seller_bruno, seller_carla
):
    run = do_snapshot(T)
    figures.clear()
    with CaptureQueriesContext(connection) as queries:
        views = do_warm_dashboards(run)
    assert (views, len(readings_read(queries))) == (11, 2)  # T and 30 days earlier


def stored_figures() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM carteira_figures_cache")
        keys = [figures_key(row[0]) for row in cursor.fetchall()]
    return figures.get_many(keys)


def figures_key(stored: str) -> str:
    return stored.split(":", 2)[2]  # the cache's own prefix and version off


def test_the_reading_the_snapshot_just_computed_is_summed_not_read_back(
    two_readings, director, manager_sul, manager_norte, seller_ana, seller_bruno, seller_carla
):
    """The same figures, every one of them, with the reading given; the readings table is
    read for the earlier runs only."""
    run = do_snapshot(T)
    two_readings["A2"].seller = seller_carla  # today's owner differs from the reading's
    two_readings["A2"].save(update_fields=["seller"])
    figures.clear()
    do_warm_dashboards(run)
    expected = stored_figures()
    figures.clear()
    with CaptureQueriesContext(connection) as queries:
        do_warm_dashboards(run, reading=run.reading)
    assert stored_figures() == expected
    (earlier,) = SnapshotRun.objects.filter(kind="official").exclude(pk=run.pk)
    (read,) = readings_read(queries)
    assert read.endswith(f"WHERE run_id = {earlier.pk}")
    assert len(expected) == 11 * 2 + 11  # 11 views: KPIs of 2 readings, the breakdown


def test_two_sellers_warmed_together_still_see_only_their_own_numbers(
    client, two_readings, director, seller_ana, seller_bruno
):
    do_warm_dashboards(do_snapshot(T))
    ana, _ = visit(client, seller_ana.user)
    bruno, _ = visit(client, seller_bruno.user)
    assert pyramid(ana) == {"active": 1, "pre_inactive": 1}
    assert pyramid(bruno) == {"inactivated": 1, "inactive": 1}
    assert (ana["kpis"].portfolio, ana["kpis"].positivation) == (2, Fraction(1, 2))
    assert (bruno["kpis"].portfolio, bruno["kpis"].positivation) == (2, Fraction(0))


def test_a_what_if_snapshot_stores_no_dashboard_figures(two_readings, director, tmp_path):
    rules = tmp_path / "rules.toml"
    rules.write_text("[lifecycle]\nactive_days = 60\n", encoding="utf-8")
    out = StringIO()
    with translation.override("pt-br"):
        call_command("snapshot", rules=rules, stdout=out)
    assert "números do painel" not in out.getvalue()
    assert figures_stored() == 0


def test_without_a_reading_nothing_is_warmed(db, director):
    assert (do_warm_dashboards(), figures_stored()) == (0, 0)


def test_the_rules_pages_task_warms_only_the_latest_reading(two_readings, director):
    older = do_snapshot(T - dt.timedelta(days=60))
    latest = do_snapshot(T)
    assert warm_dashboards.call(older.pk) == 0
    assert warm_dashboards.call(latest.pk) == 11


def figures_stored() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM carteira_figures_cache")
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)  # a flush as a transactional test's teardown runs it
def test_a_flush_empties_the_figures_cache_with_the_data_it_sums():
    figures.set("carteira:dashboard:test", {"clients": 3})
    assert figures_stored() == 1
    call_command("flush", interactive=False, verbosity=0)
    assert figures_stored() == 0


def test_a_demo_reset_empties_the_figures_cache():
    figures.set("carteira:dashboard:test", {"clients": 3})
    do_wipe_workspace()
    assert figures_stored() == 0


@pytest.mark.parametrize("include_prospects", [False, True])
def test_the_terms_summed_from_columns_are_the_sql_aggregates(two_readings, include_prospects):
    """kpis.kpi_terms (SQL) and kpi_terms_of_rows (the warm-up's columns) from the one
    definition of the terms, on an official reading and a quarter's window (whose churn also
    counts the inactive), with prospects in the portfolio or not; the breakdown too."""
    rules = current_rules()
    indicators = dataclasses.replace(rules.indicators, include_prospects=include_prospects)
    do_save_rules(dataclasses.replace(rules, indicators=indicators))
    official = do_snapshot(T)
    window = period_run(k.requested_period(official, "quarter"))
    two_readings["A2"].seller = two_readings["B1"].seller  # the owner differs from the reading's
    two_readings["A2"].save(update_fields=["seller"])
    by = ("seller_id", "client__seller_id")
    for run in (official, window):
        rows = _reading_rows({run.pk}, {}, run.pk)
        sql = k.kpi_terms(ClientSnapshot.objects.filter(run=run), [run], by)
        columns = k.kpi_terms_of_rows(rows, run, ("seller_id", "owner"))
        assert len(columns) == len(sql)
        for key, terms in summed(sql).items():
            assert dict(columns)[key] == terms, (run.kind, key)
        assert {name for _, terms in sql for name, value in terms.items() if value} >= {
            "n_portfolio", "n_revenue", "n_churn_base"}  # fmt: skip
        sql_cells = k.breakdown_terms(ClientSnapshot.objects.filter(run=run), by)
        cells = k.breakdown_terms_of_rows(rows, ("seller_id", "owner"))
        assert {c[:2]: c[2] for c in cells} == {c[:2]: c[2] for c in sql_cells}
        assert len(cells) == len(sql_cells)
    assert window.period.days > official.period.days


def summed(terms) -> dict:
    """{key: terms} with a sum over no reading (SQL's NULL) as 0, as ``sum_terms`` reads it."""
    return {key: {name: value or 0 for name, value in found.items()} for key, found in terms}
