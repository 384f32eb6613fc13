"""Window runs: a month or quarter is read and stored once, and never taken for the official
reading of its date (ADR 12). The small history of tests/histories.py, read on 30/06/2026."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from carteira.portfolio.kpis import kpis_of, period_of_run
from carteira.portfolio.models import ClientSnapshot, SnapshotRun
from carteira.portfolio.selectors import latest_official_run, official_dates
from carteira.portfolio.services import do_snapshot, do_snapshot_history, period_run
from carteira_core.engine import quarter_to_date, rolling, whole_month
from tests.api.conftest import caller_for
from tests.histories import T

pytestmark = pytest.mark.django_db


def test_the_rules_rolling_window_is_the_official_reading_itself(history):
    official = do_snapshot(T)
    assert period_run(rolling(T, 30)) == official
    # June has 30 days: the month to 30/06 is the same window, the same run
    assert period_run(whole_month(2026, 6)) == official
    assert (official.kind, official.period_start) == ("official", dt.date(2026, 6, 1))


def test_a_quarter_is_computed_once_as_a_window_run_and_never_listed_as_a_reading(history):
    official = do_snapshot(T)
    quarter = period_run(quarter_to_date(T))
    assert (quarter.kind, quarter.as_of, quarter.period_start) == (
        "window", T, dt.date(2026, 4, 1),
    )  # fmt: skip
    assert period_run(quarter_to_date(T)) == quarter  # stored: not computed again
    assert SnapshotRun.objects.filter(kind="window").count() == 1
    assert latest_official_run(T) == official
    assert official_dates() == [T]
    # every client read in both, with the same status; the quarter counts more revenue
    readings = ClientSnapshot.objects.filter(run=quarter)
    assert readings.count() == official.clients.count() == 6
    assert dict(readings.values_list("client_id", "status")) == dict(
        official.clients.values_list("client_id", "status")
    )
    # A1 bought R$ 1.000,00 today, returned R$ 100,50 ten days ago (both in June) and
    # bought R$ 500,50 on 21/05 (in the quarter only); A2's 31/03 is before the quarter
    assert kpis_of(readings, quarter).revenue == Decimal("1400.00")
    assert kpis_of(official.clients.all(), official).revenue == Decimal("899.50")
    assert kpis_of(readings, quarter).positivated == 1


def test_the_history_stores_each_month_end_and_its_whole_month(history):
    do_snapshot_history(T, months=3)
    windows = SnapshotRun.objects.filter(kind="window").order_by("as_of")
    # March and May have 31 days (a window of their own); April (30 days) is the reading
    assert [(w.period_start, w.as_of) for w in windows] == [
        (dt.date(2026, 3, 1), dt.date(2026, 3, 31)),
        (dt.date(2026, 5, 1), dt.date(2026, 5, 31)),
    ]
    assert period_run(whole_month(2026, 4), compute_if_missing=False).kind == "official"


def test_an_unknown_period_is_refused_by_the_dashboard_the_api_and_the_selector(
    client, history, director
):
    run = do_snapshot(T)
    with pytest.raises(ValueError, match="unknown period"):
        period_of_run(run, "semester")
    client.force_login(director)
    assert client.get(reverse("portfolio:dashboard"), {"period": "semester"}).status_code == 400
    response = caller_for(director).get(f"/reports/kpis?as_of={T}&period=semester")
    assert response.status_code == 400
    assert SnapshotRun.objects.count() == 1
