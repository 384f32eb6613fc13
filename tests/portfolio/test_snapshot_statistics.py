"""A run leaves PostgreSQL's planner statistics up to date for the rows it wrote: without
them the newest run looks like a run of one row and the client list scans (benchmarks)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from carteira.portfolio.services import do_snapshot, do_snapshot_history
from tests.histories import T

pytestmark = pytest.mark.django_db
ANALYZE = "ANALYZE portfolio_clientsnapshot, portfolio_groupsnapshot, portfolio_statustransition"


def analyzed(captured) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if q["sql"].startswith("ANALYZE")]


def test_a_snapshot_ends_by_analyzing_the_tables_it_wrote_on_postgresql(history):
    with CaptureQueriesContext(connection) as captured:
        do_snapshot(T)
    assert analyzed(captured) == ([ANALYZE] if connection.vendor == "postgresql" else [])


def test_a_history_of_readings_analyzes_once_at_the_end(history):
    with CaptureQueriesContext(connection) as captured:
        runs = do_snapshot_history(T + dt.timedelta(days=1), months=2)
    assert runs == 4
    assert analyzed(captured) == ([ANALYZE] if connection.vendor == "postgresql" else [])
