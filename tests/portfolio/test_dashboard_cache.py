"""The dashboard keeps the figures of each stored reading per scope and slice
(carteira.portfolio.figures): never shared across users, renewed by a new snapshot or a
reassignment (security test plan, test 10)."""

import datetime as dt
from fractions import Fraction

import pytest
from django.core.cache import cache
from django.urls import reverse

from carteira.clients.services import do_assign_client
from carteira.portfolio.services import do_snapshot
from tests.histories import T, order
from tests.personas import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def dashboard(client, user, **query):
    client.logout()
    assert client.login(username=user.username, password=PASSWORD)
    return client.get(reverse("portfolio:dashboard"), query).context


def pyramid(context):
    return {row["status"]: row["count"] for row in context["pyramid"] if row["count"]}


def test_two_sellers_never_see_each_others_cached_numbers(client, history, seller_ana,
                                                          seller_bruno):  # fmt: skip
    do_snapshot(T - dt.timedelta(days=30))
    do_snapshot(T)
    for _ in range(2):  # the second round reads the cache
        ana = dashboard(client, seller_ana.user)
        bruno = dashboard(client, seller_bruno.user)
        assert pyramid(ana) == {"active": 1, "pre_inactive": 1}
        assert pyramid(bruno) == {"inactivated": 1, "inactive": 1}
        assert (ana["kpis"].portfolio, ana["kpis"].positivation) == (2, Fraction(1, 2))
        assert (bruno["kpis"].portfolio, bruno["kpis"].positivation) == (2, Fraction(0))
        assert [p["positivation"] for p in ana["trend"]["points"]] == [50.0, 50.0]
        assert [p["positivation"] for p in bruno["trend"]["points"]] == [0.0, 0.0]


def test_a_second_visit_reads_the_stored_figures_instead_of_aggregating_again(
    client, history, seller_ana, django_assert_max_num_queries
):
    for days in (60, 30, 0):
        do_snapshot(T - dt.timedelta(days=days))
    first = dashboard(client, seller_ana.user)
    # The figures cache is a table (ADR 10): 3 reads and 3 writes on a first visit, 3 reads
    # on the next; the period menu names the rules' rolling window and the previous period
    # is looked up with the rules in force (2 reads, ADR 12); the credit section asks
    # whether the slice has receivables (1 read); the value section reads the reading's
    # fit (1 read: this history has no reliable one); the complaints section asks whether
    # the slice has complaints (1 read).
    with django_assert_max_num_queries(27) as first_visit:
        client.get(reverse("portfolio:dashboard"), {"seller": seller_ana.pk})
    # The sections of the apps above (complaints 1, prospecting 2: the seller and whether
    # the slice has leads) read on every visit.
    with django_assert_max_num_queries(21) as second_visit:
        again = client.get(reverse("portfolio:dashboard"), {"seller": seller_ana.pk}).context
    assert len(second_visit) < len(first_visit)
    # May 1st: A1 has not bought yet (a prospect) and A2 last bought 31 days before.
    assert again["trend"] == {"points": [
        {"date": "2026-05-01", "from": "2026-04-02", "positivation": 0.0, "coverage": 0.0,
         "portfolio": 1},
        {"date": "2026-05-31", "from": "2026-05-02", "positivation": 50.0, "coverage": 0.0,
         "portfolio": 2},
        {"date": "2026-06-30", "from": "2026-06-01", "positivation": 50.0, "coverage": 50.0,
         "portfolio": 2},
    ]}  # fmt: skip
    assert again["kpis"] == first["kpis"]


def test_a_new_snapshot_of_the_same_date_replaces_the_cached_figures(
    client, history, portfolio, seller_ana
):
    do_snapshot(T)
    assert dashboard(client, seller_ana.user)["kpis"].positivation == Fraction(1, 2)
    order(portfolio["A2"], 1, "80.00")  # A2 buys again: both of Ana's clients bought
    do_snapshot(T)
    after = dashboard(client, seller_ana.user)
    assert after["kpis"].positivation == Fraction(1)
    assert after["trend"]["points"][-1]["positivation"] == 100.0


def test_a_reassigned_client_leaves_the_sellers_cached_figures_at_once(
    client, history, portfolio, seller_ana, seller_bruno
):
    do_snapshot(T)
    assert dashboard(client, seller_ana.user)["kpis"].portfolio == 2
    do_assign_client(portfolio["A2"], seller_bruno, start=T)
    ana = dashboard(client, seller_ana.user)
    assert ana["kpis"].portfolio == 1
    assert pyramid(ana) == {"active": 1}
    assert pyramid(dashboard(client, seller_bruno.user)) == {
        "pre_inactive": 1, "inactivated": 1, "inactive": 1,
    }  # fmt: skip


def test_the_trend_ends_at_the_reading_the_user_chose(client, history, director):
    for days in (60, 30, 0):
        do_snapshot(T - dt.timedelta(days=days))
    context = dashboard(client, director, as_of="2026-05-31", segment="farmácias")
    assert [p["date"] for p in context["trend"]["points"]] == ["2026-05-01", "2026-05-31"]


def test_the_kpis_of_several_runs_in_one_query_equal_each_runs_own(
    history, seller_ana, django_assert_num_queries
):
    from carteira.portfolio import kpis

    runs = [do_snapshot(T - dt.timedelta(days=days)) for days in (60, 30, 0)]
    with django_assert_num_queries(1):
        together = kpis.kpis_per_run(kpis.readings_of_runs_visible_to(seller_ana.user, runs), runs)
    assert together == {
        run.pk: kpis.kpis_of(kpis.readings_visible_to(seller_ana.user, run), run) for run in runs
    }
    assert [together[run.pk].portfolio for run in runs] == [1, 2, 2]
