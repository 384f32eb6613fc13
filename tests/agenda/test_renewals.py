"""A client's contract that ends gets a renewal task for its seller N days before the end,
planned between that day and the day before the end; a new end date is a new renewal."""

import datetime as dt

import pytest

from carteira.agenda.models import ClientContract, Task, WorkSchedule
from carteira.agenda.renewals import RENEWAL_PRIORITY
from carteira.agenda.scheduling import backlog_by_seller, do_schedule
from tests.personas import make_client

D = dt.date
MONDAY = D(2026, 12, 14)


@pytest.fixture
def contract(seller_ana):
    WorkSchedule.objects.create(seller=seller_ana, daily_visits=2, daily_calls=2)
    client = make_client("R1", seller_ana, name="Rede Sul", state="RS")
    # Ends on Friday 29/01/2027; 30 days before: Wednesday 30/12/2026.
    return ClientContract.objects.create(client=client, name="Fornecimento 2026",
                                         ends_on=D(2027, 1, 29))  # fmt: skip


def renewals():
    return Task.objects.filter(origin=Task.Origin.RENEWAL)


@pytest.mark.django_db
class TestRenewals:
    def test_a_contract_ending_opens_one_renewal_thirty_days_before_in_that_week(
        self, contract, seller_ana
    ):
        do_schedule(today=MONDAY, seller_ids=[seller_ana.pk])
        task = renewals().get()
        assert (task.seller, task.due_date, task.scheduled_date) == (
            seller_ana, D(2026, 12, 30), D(2026, 12, 30)
        )  # fmt: skip
        assert task.title == "Renovação: Fornecimento 2026 vence em 29/01/2027"
        assert (task.channel, task.priority) == ("visit", RENEWAL_PRIORITY)
        do_schedule(today=MONDAY, seller_ids=[seller_ana.pk])  # again: nothing new
        assert renewals().count() == 1

    def test_a_renewal_too_far_ahead_is_not_opened_yet(self, contract, seller_ana):
        ClientContract.objects.filter(pk=contract.pk).update(ends_on=D(2027, 12, 31))
        do_schedule(today=MONDAY, seller_ids=[seller_ana.pk])
        assert not renewals().exists()

    def test_a_new_end_date_cancels_the_open_renewal_and_opens_its_own(self, contract, seller_ana):
        do_schedule(today=MONDAY, seller_ids=[seller_ana.pk])
        first = renewals().get()
        contract.ends_on = D(2027, 3, 31)
        contract.save()
        do_schedule(today=MONDAY, seller_ids=[seller_ana.pk])
        first.refresh_from_db()
        assert first.status == Task.Status.CANCELLED
        second = renewals().get(status=Task.Status.OPEN)
        assert (second.due_date, second.scheduled_date) == (D(2027, 3, 1), D(2027, 3, 1))

    def test_a_renewal_that_finds_no_day_before_the_end_is_backlog_never_after_it(
        self, contract, seller_ana
    ):
        WorkSchedule.objects.filter(seller=seller_ana).update(daily_visits=0)
        do_schedule(today=MONDAY, seller_ids=[seller_ana.pk])
        assert renewals().get().scheduled_date is None
        assert backlog_by_seller([seller_ana.pk])[seller_ana.pk][0] == 1

    def test_a_renewal_comes_before_the_plan_visits_of_a_class_a_client(self, contract, seller_ana):
        for i in range(2):
            client = make_client(f"A{i}", seller_ana, state="RS")
            Task.objects.create(client=client, seller=seller_ana, title="Visitar", channel="visit",
                                due_date=D(2026, 12, 30), origin=Task.Origin.PLAN,
                                plan_key="cell:a", priority=400, frequency_days=30)  # fmt: skip
        do_schedule(today=MONDAY, seller_ids=[seller_ana.pk])
        assert renewals().get().scheduled_date == D(2026, 12, 30)
        assert Task.objects.filter(scheduled_date=D(2026, 12, 30), channel="visit").count() == 2
