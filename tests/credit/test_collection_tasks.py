"""The action plan gives a seller a collection task for a client past the collection delay."""

import datetime as dt

import pytest

from carteira.agenda.models import Task
from carteira.plans.planner import COLLECTION_KEY, do_plan
from tests.credit.factories import receivable
from tests.plans.story import T

pytestmark = pytest.mark.django_db


def collection_tasks():
    return sorted(
        Task.objects.filter(status="open", plan_key=COLLECTION_KEY).values_list(
            "client__external_id", "seller__external_id", "objective", "channel", "due_date"
        )
    )


def test_a_client_45_days_late_gets_a_collection_task_and_30_days_late_does_not(readings):
    receivable(readings["A1"], "NF1", T - dt.timedelta(days=45), "1234.50")
    receivable(readings["A1"], "NF2", T - dt.timedelta(days=10), "100.00")
    receivable(readings["B1"], "NF3", T - dt.timedelta(days=30), "500.00")  # not beyond 30
    receivable(readings["C1"], "NF4", T - dt.timedelta(days=90), "80.00",
               paid=T - dt.timedelta(days=1))  # fmt: skip
    do_plan(T)
    assert collection_tasks() == [("A1", "V001", "collect", "phone", T)]
    task = Task.objects.get(plan_key=COLLECTION_KEY)
    assert task.context == {"as_of": "2026-06-30", "overdue": "1334.50", "days_past_due": 45}
    assert task.script == (
        "R$\xa01.334,50 em atraso, a parcela mais antiga com 45 dias de atraso: combine uma data "
        "de pagamento antes da próxima venda a prazo."
    )


def test_planning_again_keeps_the_task_and_a_payment_cancels_it(readings):
    late = receivable(readings["A1"], "NF1", T - dt.timedelta(days=45), "1234.50")
    do_plan(T)
    again = do_plan(T)
    assert len(collection_tasks()) == 1
    assert again.kept >= 1
    late.paid_date = T
    late.save()
    do_plan(T)
    assert collection_tasks() == []
    assert Task.objects.get(plan_key=COLLECTION_KEY).status == "cancelled"
