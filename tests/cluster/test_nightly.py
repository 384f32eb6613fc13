"""The nightly jobs run once per date, whichever hosts schedule them."""

import datetime as dt
import zoneinfo

import pytest
from django_tasks_db.models import DBTaskResult

from carteira.cluster import nightly

pytestmark = pytest.mark.django_db
SAO_PAULO = zoneinfo.ZoneInfo("America/Sao_Paulo")


@pytest.fixture(autouse=True)
def _fresh_memory(monkeypatch):
    monkeypatch.setattr(nightly, "_scheduled", set())
    monkeypatch.setenv("CARTEIRA_NIGHTLY_AT", "02:15")


def test_each_chain_of_a_date_is_queued_once_however_many_hosts_ask(monkeypatch):
    day = dt.date(2026, 12, 7)

    first = [nightly.do_enqueue_chain(chain, day) for chain in nightly.CHAINS]
    monkeypatch.setattr(nightly, "_scheduled", set())  # a second host: no memory of it
    second = [nightly.do_enqueue_chain(chain, day) for chain in nightly.CHAINS]

    assert first == [True, True] and second == [False, False]
    rows = DBTaskResult.objects.order_by("task_path", "args_kwargs")
    assert sorted(r.args_kwargs["args"][0] for r in rows) == ["housekeeping", "portfolio"]
    assert {r.id for r in rows} == {nightly.chain_task_id(c, day) for c in nightly.CHAINS}


def test_a_host_that_lost_the_insert_race_does_not_queue_again(monkeypatch):
    day = dt.date(2026, 12, 7)
    nightly.do_enqueue_chain("portfolio", day)
    monkeypatch.setattr(nightly, "_scheduled", set())
    # The other host checked before the first insert committed: its insert collides.
    monkeypatch.setattr(DBTaskResult.objects, "filter", lambda **kw: DBTaskResult.objects.none())

    assert nightly.do_enqueue_chain("portfolio", day) is False
    assert DBTaskResult.objects.all().count() == 1


def test_nothing_is_due_before_the_hour_and_both_chains_after_it():
    before = dt.datetime(2026, 12, 7, 2, 14, tzinfo=SAO_PAULO)
    after = dt.datetime(2026, 12, 7, 2, 15, tzinfo=SAO_PAULO)

    assert nightly.do_schedule_due(before) == []
    assert nightly.do_schedule_due(after) == ["portfolio", "housekeeping"]
    assert nightly.do_schedule_due(after + dt.timedelta(hours=3)) == []
    assert DBTaskResult.objects.count() == 2


def test_the_date_is_the_companys_not_utcs():
    # 01:00 UTC on the 8th is 22:00 on the 7th in São Paulo: the 7th's jobs.
    late_evening = dt.datetime(2026, 12, 8, 1, 0, tzinfo=dt.UTC)

    assert nightly.do_schedule_due(late_evening) == ["portfolio", "housekeeping"]
    days = {r.args_kwargs["args"][1] for r in DBTaskResult.objects.all()}
    assert days == {"2026-12-07"}


def test_schedule_off_queues_nothing(monkeypatch):
    monkeypatch.setenv("CARTEIRA_NIGHTLY_AT", "off")

    assert nightly.do_schedule_due(dt.datetime(2026, 12, 7, 12, 0, tzinfo=SAO_PAULO)) == []
    assert DBTaskResult.objects.count() == 0


def test_the_portfolio_chain_stops_at_the_first_failure(monkeypatch):
    called = []

    def fake_call(*argv, **options):
        called.append(argv[0])
        if argv[0] == "snapshot":
            raise RuntimeError("no rules")

    monkeypatch.setattr(nightly, "call_command", fake_call)

    with pytest.raises(RuntimeError, match="snapshot --as-of 2026-12-07: no rules"):
        nightly.run_chain("portfolio", "2026-12-07")
    assert called == ["snapshot"]


def test_housekeeping_runs_every_step_even_after_a_failure(monkeypatch):
    called = []

    def fake_call(*argv, **options):
        called.append(argv[0])
        if argv[0] == "webhooks":
            raise RuntimeError("target down")

    monkeypatch.setattr(nightly, "call_command", fake_call)

    with pytest.raises(RuntimeError, match="webhooks: target down"):
        nightly.run_chain("housekeeping", "2026-12-07")
    assert called == ["webhooks", "return_covers", "retention", "exports"]
