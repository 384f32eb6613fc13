"""The central portfolio team: lists from a filter, follow-up, reminders; lost clients."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from carteira.agenda.models import Task, TaskBatch
from carteira.plans.models import RecoveryDecision
from tests.plans.story import T, cell, order

AFTER_DEADLINE = dt.datetime(2026, 7, 10, 15, 0, tzinfo=dt.UTC)


@pytest.mark.django_db
class TestBatches:
    def send(self, client, analyst):
        client.force_login(analyst)
        return client.post(
            reverse("plans:batch_new"),
            {"status": "pre_inactive", "title": "Recuperar pré-inativos",
             "instructions": "Ligar e oferecer condição.", "deadline": "2026-07-05"},
        )  # fmt: skip

    def test_a_list_from_a_filter_becomes_a_task_for_each_clients_seller(
        self, client, readings, analyst, seller_ana, seller_bruno
    ):
        response = self.send(client, analyst)
        batch = TaskBatch.objects.get()
        assert response.status_code == 302
        assert batch.filter_description == {"status": "pre_inactive"}
        assert sorted(batch.tasks.values_list("client__external_id", "seller__name",
                                              "due_date", "origin")) == [
            ("A1", "Ana Souza", dt.date(2026, 7, 5), "batch"),
            ("B1", "Bruno Lima", dt.date(2026, 7, 5), "batch"),
        ]  # fmt: skip

    def test_a_seller_cannot_send_a_list(self, client, readings, seller_ana):
        client.force_login(seller_ana.user)
        assert client.get(reverse("plans:batch_new")).status_code == 403
        assert TaskBatch.objects.count() == 0

    def test_the_follow_up_counts_and_the_reminder_reaches_only_the_late(
        self, client, readings, analyst, seller_ana, smtp
    ):
        self.send(client, analyst)
        batch = TaskBatch.objects.get()
        a1 = batch.tasks.get(client=readings["A1"])
        from carteira.agenda.services import do_close_task

        do_close_task(a1, by=seller_ana.user, channel="phone", successful=False, on=T)
        with time_machine.travel(AFTER_DEADLINE, tick=False):
            client.force_login(analyst)
            page = client.get(reverse("plans:batch", args=[batch.pk]))
            rows = [(r.seller_name, r.total, r.done, r.successful, r.overdue)
                    for r in page.context["progress"]]  # fmt: skip
            assert rows == [("Ana Souza", 1, 1, 0, 0), ("Bruno Lima", 1, 0, 0, 1)]
            assert page.context["progress"][0].success_rate == 0.0
            client.post(reverse("plans:batch_remind", args=[batch.pk]))
        ((recipients, message),) = smtp.messages
        assert recipients == ["bruno@exemplo.com.br"]
        assert "Cliente B1 LTDA" in message.get_content()
        # A batch task without a frequency ends with its outcome: nothing scheduled.
        assert Task.objects.filter(client=readings["A1"], status="open").count() == 0


@pytest.mark.django_db
class TestLostClients:
    def test_a_decision_is_recorded_and_the_recovery_is_tracked(
        self, client, portfolio, manager_sul
    ):
        from carteira.portfolio.services import do_snapshot

        order(portfolio["A1"], 200, "900.00")  # inactivated
        order(portfolio["B1"], 300, "100.00")  # inactive
        do_snapshot(T)
        client.force_login(manager_sul)
        with time_machine.travel(dt.datetime(2026, 6, 30, 15, tzinfo=dt.UTC), tick=False):
            url = reverse("plans:decide", args=[portfolio["A1"].pk])
            response = client.post(url, {"worth_recovering": "yes", "why": "Cliente estratégico"})
        assert response.status_code == 302
        decision = RecoveryDecision.objects.get()
        assert (decision.worth_recovering, decision.status_at_decision, decision.decided_by,
                decision.decided_on) == (True, "inactivated", manager_sul, T)  # fmt: skip
        order(portfolio["A1"], -3, "450.00")  # bought again 3 days after the decision
        order(portfolio["A1"], -5, "-50.00")  # and returned part of it
        page = client.get(reverse("plans:lost_clients"))
        assert [c.external_id for c in page.context["page"]] == ["A1", "B1"]
        recovery = page.context["recoveries"][portfolio["A1"].pk]
        assert (recovery.recovered, str(recovery.revenue_since)) == (True, "400.00")

    def test_a_seller_cannot_decide_for_any_client_and_learns_nothing_from_the_id(
        self, client, portfolio, seller_ana
    ):
        client.force_login(seller_ana.user)
        url = reverse("plans:decide", args=[portfolio["B1"].pk])
        assert client.post(url, {"worth_recovering": "no"}).status_code == 403
        url = reverse("plans:decide", args=[portfolio["A1"].pk])
        assert client.post(url, {"worth_recovering": "no"}).status_code == 403
        assert RecoveryDecision.objects.count() == 0


@pytest.mark.django_db
class TestMatrixPage:
    def test_a_seller_cannot_read_or_edit_the_plan(self, client, seller_ana):
        client.force_login(seller_ana.user)
        target = cell("A", "active")
        assert client.get(reverse("plans:matrix")).status_code == 403
        response = client.post(reverse("plans:cell", args=[target.pk]), {"frequency_days": 1})
        assert response.status_code == 403
        target.refresh_from_db()
        assert target.frequency_days == 30

    def test_the_analyst_reads_the_matrix_without_edit_links(self, client, analyst):
        client.force_login(analyst)
        response = client.get(reverse("plans:matrix"))
        assert response.status_code == 200
        assert response.context["can_edit"] is False
        assert [abc for abc, _cells in response.context["rows"]] == ["A", "B", "C", ""]

    def test_the_edit_form_comes_inline_for_a_director(self, client, director):
        client.force_login(director)
        target = cell("B", "inactive")
        response = client.get(reverse("plans:cell", args=[target.pk]),
                              headers={"HX-Request": "true"})  # fmt: skip
        assert response.status_code == 200
        assert b'name="frequency_days"' in response.content
        assert b"<html" not in response.content
