"""Webhook events come from the services that did the work (carteira.audit.events), with
the exact objects concerned: nothing is worked out from audit rows or time windows."""

import datetime as dt

import pytest
from django.db import transaction
from django.db.models.signals import post_save

from carteira.agenda.models import Task
from carteira.api.models import WebhookDelivery
from carteira.api.webhooks import do_subscribe
from carteira.audit.models import AuditEvent
from carteira.audit.services import do_record
from carteira.clients.services import do_assign_client, do_assign_clients_bulk
from carteira.plans.planner import do_plan
from tests.plans.story import T, readings  # noqa: F401  (the planner's story fixture)

pytestmark = pytest.mark.django_db
NOWHERE = "http://127.0.0.1:9/"


@pytest.fixture(autouse=True)
def private_targets(settings):
    settings.CARTEIRA_WEBHOOK_ALLOW_PRIVATE = True


def deliveries(event: str) -> list[dict]:
    return [d.payload for d in WebhookDelivery.objects.filter(event=event).order_by("pk")]


def test_a_bulk_move_is_one_event_per_client_for_whoever_sees_it(
    portfolio, manager_sul, manager_norte, seller_bruno, seller_carla
):
    do_subscribe(owner=manager_sul, url=NOWHERE, events=["client.reassigned"])
    do_subscribe(owner=manager_norte, url=NOWHERE, events=["client.reassigned"])
    a1, a2 = portfolio["A1"], portfolio["A2"]
    moved = do_assign_clients_bulk({a1.pk: seller_bruno.pk, a2.pk: seller_bruno.pk},
                                   on=dt.date(2026, 6, 1), by=manager_sul)  # fmt: skip
    assert moved == 2
    heard = WebhookDelivery.objects.values_list("subscription__owner__username", "payload")
    assert sorted((who, p["client_external_id"], p["seller_from"], p["seller_to"])
                  for who, p in heard) == [("marta", "A1", "V001", "V002"),
                                           ("marta", "A2", "V001", "V002")]  # fmt: skip


def test_an_audit_row_alone_announces_nothing(portfolio, manager_sul, seller_bruno):
    """The old receiver read ``client.reassigned`` audit rows; an entry written by anything
    else (a repair script, a restore) must not reach subscribers as a move."""
    do_subscribe(owner=manager_sul, url=NOWHERE, events=["client.reassigned"])
    do_record("client.reassigned", obj=portfolio["A1"], seller_from=None,
              seller_to=seller_bruno.pk)  # fmt: skip
    assert WebhookDelivery.objects.count() == 0
    assert not post_save.has_listeners(AuditEvent)


def test_a_move_rolled_back_is_never_announced(portfolio, manager_sul, seller_bruno):
    do_subscribe(owner=manager_sul, url=NOWHERE, events=["client.reassigned"])
    with pytest.raises(RuntimeError), transaction.atomic():
        do_assign_client(portfolio["A1"], seller_bruno, start=dt.date(2026, 6, 1))
        raise RuntimeError("the caller's next step failed")
    assert WebhookDelivery.objects.count() == 0


def test_the_plan_announces_exactly_the_tasks_it_created(readings, seller_ana):  # noqa: F811
    do_subscribe(owner=seller_ana.user, url=NOWHERE, events=["task.created"])
    # An open plan task bulk-created by someone else a moment ago: the old ten-minute
    # guess announced it as the planner's; the planner's own event does not include it.
    other = Task.objects.bulk_create([Task(client=readings["A2"], seller=seller_ana,
                                           title="Outra", due_date=T, origin="plan",
                                           plan_key="manual:1")])[0]  # fmt: skip
    result = do_plan(T)
    on_her_clients = Task.objects.filter(client__seller=seller_ana, status="open")
    mine = set(on_her_clients.exclude(pk=other.pk).values_list("pk", flat=True))
    announced = [p["task_id"] for p in deliveries("task.created")]
    assert result.created == 8
    assert sorted(announced) == sorted(mine)
    assert other.pk not in announced
    assert len(announced) == len(set(announced)) == 3  # A1's task and escalation, A2's


def test_a_second_plan_run_announces_nothing_new(readings, seller_ana):  # noqa: F811
    do_subscribe(owner=seller_ana.user, url=NOWHERE, events=["task.created"])
    do_plan(T)
    first = WebhookDelivery.objects.count()
    assert do_plan(T).created == 0
    assert WebhookDelivery.objects.count() == first


def test_a_finished_import_is_announced_once_to_the_company_and_whoever_started_it(
    portfolio, director, manager_sul, seller_ana
):
    from carteira.imports.services import do_import
    from tests.imports.conftest import FIXTURES

    for user in (director, manager_sul, seller_ana.user):
        do_subscribe(owner=user, url=NOWHERE, events=["import.finished"])
    run, _report = do_import("sellers", FIXTURES / "sellers.csv", actor=manager_sul)
    heard = WebhookDelivery.objects.values_list("subscription__owner__username", "payload")
    assert sorted(who for who, _payload in heard) == ["diretor", "marta"]
    assert {(p["import_id"], p["status"]) for _who, p in heard} == {(run.pk, "committed")}


def test_a_dry_run_announces_nothing(portfolio, director):
    from carteira.imports.services import do_import
    from tests.imports.conftest import FIXTURES

    do_subscribe(owner=director, url=NOWHERE, events=["import.finished"])
    do_import("sellers", FIXTURES / "sellers.csv", actor=director, dry_run=True)
    assert WebhookDelivery.objects.count() == 0


def test_an_abandoned_import_failed_by_the_watchdog_is_announced(portfolio, director, manager_sul):
    """The watchdog fails a run with a bulk update, which sends no post_save: the old
    receiver never heard of it."""
    from carteira.imports.models import ImportRun
    from carteira.imports.progress import STALE_SECONDS, do_fail_abandoned_runs

    do_subscribe(owner=director, url=NOWHERE, events=["import.finished"])
    run = ImportRun.objects.create(kind="orders", file_name="pedidos.csv", sha256="0" * 64,
                                   created_by=manager_sul, status="running")  # fmt: skip
    assert do_fail_abandoned_runs(now=run.created_at.timestamp() + STALE_SECONDS + 1) == 1
    (payload,) = deliveries("import.finished")
    assert (payload["import_id"], payload["status"]) == (run.pk, "failed")
