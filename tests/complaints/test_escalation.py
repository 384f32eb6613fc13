"""The SLA watch: a warning to the owner before the breach, an escalation on breach to the
manager (the director for an A client), through a real SMTP server."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import call_command
from django.utils import translation

from carteira.agenda.models import Task
from carteira.clients.models import Client
from carteira.clients.services import do_assign_client
from carteira.complaints.escalation import do_watch_sla
from carteira.complaints.models import Complaint
from carteira.complaints.services import do_step
from carteira.portfolio.models import ClientSnapshot, SnapshotRun
from tests.complaints.conftest import at
from tests.complaints.test_services import open_for


def reading(client, abc: str) -> None:
    run = SnapshotRun.objects.create(as_of=dt.date(2026, 10, 31), period_start=dt.date(2026, 8, 1),
                                     rules={})  # fmt: skip
    ClientSnapshot.objects.create(run=run, client=client, seller=client.seller, status="active",
                                  abc=abc)  # fmt: skip


@pytest.mark.django_db
def test_a_breach_escalates_to_the_manager_by_email_and_to_her_agenda(
    portfolio, seller_ana, manager_sul, director, smtp
):
    complaint = open_for(seller_ana.user, portfolio["A1"])  # first response due Tue 3 10:00
    watch = do_watch_sla(now=at(3, 10, 30))
    assert (watch.warned, watch.escalated, watch.emails) == (0, 1, 1)
    assert [rcpt for rcpt, _m in smtp.messages] == [["marta@exemplo.com.br"]]
    message = smtp.messages[0][1]
    assert message["Subject"] == (
        "Carteira: uma reclamação de Cliente A1 LTDA passou do prazo (SLA)"
    )
    assert f"/complaints/{complaint.pk}/" in message.get_content()
    complaint.refresh_from_db()
    assert (complaint.escalated_at, complaint.escalated_to) == (at(3, 10, 30), manager_sul)
    task = Task.objects.get(plan_key=f"complaint-escalation:{complaint.pk}")
    assert (task.assignee_user, task.origin, task.due_date) == (
        manager_sul, "escalation", dt.date(2026, 11, 3)
    )  # fmt: skip


@pytest.mark.django_db
def test_an_a_clients_breach_goes_to_the_director_and_the_manager_is_told(
    portfolio, seller_ana, manager_sul, director, smtp
):
    reading(portfolio["A1"], "A")
    complaint = open_for(seller_ana.user, portfolio["A1"])
    do_watch_sla(now=at(3, 11))
    assert sorted(rcpt for rcpt, _m in smtp.messages) == [
        ["diretor@exemplo.com.br"], ["marta@exemplo.com.br"]
    ]  # fmt: skip
    task = Task.objects.get(plan_key=f"complaint-escalation:{complaint.pk}")
    assert task.assignee_user == director


@pytest.mark.django_db
def test_the_owner_is_warned_once_before_the_breach_and_nothing_escalates(
    portfolio, seller_ana, manager_sul, smtp
):
    complaint = open_for(seller_ana.user, portfolio["A1"])  # 4 h allowed, due Tue 3 10:00
    assert do_watch_sla(now=at(3, 8, 30)).warned == 0  # 1.5 h left of 4: not yet
    assert do_watch_sla(now=at(3, 9, 30)).warned == 1  # 0.5 h left: under a quarter
    assert do_watch_sla(now=at(3, 9, 45)).warned == 0  # once
    assert [rcpt for rcpt, _m in smtp.messages] == [["ana@exemplo.com.br"]]
    complaint.refresh_from_db()
    assert (complaint.warned_at, complaint.escalated_at) == (at(3, 9, 30), None)


@pytest.mark.django_db
def test_a_complaint_answered_in_time_is_not_escalated_and_the_watch_runs_twice_safely(
    portfolio, seller_ana, manager_sul, smtp
):
    answered = open_for(seller_ana.user, portfolio["A1"])
    do_step(answered, "acknowledge", by=seller_ana.user, now=at(3, 9), apology="a", promise="b")
    late = open_for(seller_ana.user, portfolio["A2"])
    out = io.StringIO()
    with translation.override("pt-br"), time_machine.travel(at(3, 10, 30), tick=False):
        call_command("complaints", "watch", stdout=out)
        call_command("complaints", "watch", stdout=out)
    assert Complaint.objects.get(pk=answered.pk).escalated_at is None
    assert Complaint.objects.get(pk=late.pk).escalated_at is not None
    assert out.getvalue().splitlines()[1] == (
        "reclamações: 0 avisadas, 0 escaladas, 0 e-mails enviados"
    )
    assert len(smtp.messages) == 1


@pytest.mark.django_db
def test_a_client_moved_to_another_team_hands_its_complaint_to_the_new_seller_and_manager(
    portfolio, seller_ana, seller_carla, manager_sul, manager_norte, smtp
):
    complaint = open_for(seller_ana.user, portfolio["A1"])  # owned by Ana, due Tue 3 10:00
    do_assign_client(portfolio["A1"], seller_carla, start=dt.date(2026, 11, 3), by=manager_sul)
    complaint.refresh_from_db()
    assert complaint.owner == seller_carla.user
    assert Task.objects.get(plan_key=f"complaint:{complaint.pk}").seller == seller_carla
    do_watch_sla(now=at(3, 9, 30))  # the warning: to Carla, who sees the client now
    do_watch_sla(now=at(3, 10, 30))  # the breach: to Nelson, Carla's manager, not Marta
    assert [rcpt for rcpt, _m in smtp.messages] == [
        ["carla@exemplo.com.br"], ["nelson@exemplo.com.br"]
    ]  # fmt: skip
    complaint.refresh_from_db()
    assert complaint.escalated_to == manager_norte


@pytest.mark.django_db
def test_nobody_is_emailed_about_a_client_they_no_longer_see(
    portfolio, seller_ana, manager_sul, smtp
):
    open_for(seller_ana.user, portfolio["A1"])
    Client.objects.filter(pk=portfolio["A1"].pk).update(seller=None)  # left the portfolio
    watch = do_watch_sla(now=at(3, 9, 30))
    assert (watch.warned, watch.emails) == (1, 0)
    assert smtp.messages == []
