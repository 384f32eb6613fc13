"""Opening a complaint and taking it through the five steps: each step timestamped, each
refusal clear and leaving nothing behind."""

import datetime as dt
from decimal import Decimal

import pytest

from carteira.agenda.models import Task
from carteira.complaints.models import Complaint, ComplaintEvent
from carteira.complaints.services import TASK_PRIORITY, ComplaintError, do_open_complaint, do_step
from carteira.orders.models import Order
from tests.complaints.conftest import FRIDAY_4PM, at


def open_for(user, client, **extra):
    values = {"category": "Atraso na entrega", "severity": "high", "now": FRIDAY_4PM,
              "description": "O pedido chegou com 5 dias de atraso."}  # fmt: skip
    return do_open_complaint(by=user, client_id=client.pk, **(values | extra))


def order(client, number: str) -> Order:
    return Order.objects.create(external_id=number, client=client, date=dt.date(2026, 10, 1),
                                amount=Decimal("10.00"))  # fmt: skip


def walk(complaint, user, *, upto: str):
    steps = [
        ("acknowledge", {"apology": "Pedimos desculpas.", "promise": "Retorno até amanhã."}),
        ("investigate", {"investigation": "Transportadora atrasou.", "involved": "Logística"}),
        ("answer", {"answer": "Frete da próxima compra por nossa conta."}),
        ("confirm", {"satisfied": True}),
        ("close", {"root_cause": "Transportadora sem janela de coleta."}),
    ]
    for hour, (step, values) in enumerate(steps, start=9):
        complaint = do_step(complaint, step, by=user, now=at(3, hour), **values)
        if step == upto:
            break
    return complaint


@pytest.mark.django_db
def test_a_seller_opens_a_complaint_for_her_client_and_the_sla_clock_starts(portfolio, seller_ana):
    complaint = open_for(seller_ana.user, portfolio["A1"])
    assert (complaint.status, complaint.seller, complaint.owner) == (
        "open", seller_ana, seller_ana.user
    )  # fmt: skip
    assert complaint.opened_on == dt.date(2026, 10, 30)
    assert complaint.first_response_due == at(3, 10)
    assert complaint.resolution_due == at(4, 12)
    assert list(complaint.events.values_list("step", "status")) == [("open", "open")]


@pytest.mark.django_db
def test_the_complaint_puts_a_task_with_priority_in_the_sellers_agenda(portfolio, seller_ana):
    complaint = open_for(seller_ana.user, portfolio["A1"])
    task = Task.objects.get(plan_key=f"complaint:{complaint.pk}")
    assert (task.seller, task.priority, task.due_date, task.status) == (
        seller_ana, TASK_PRIORITY, dt.date(2026, 11, 3), "open"
    )  # fmt: skip


@pytest.mark.django_db
def test_a_complaint_for_a_client_outside_the_sellers_portfolio_is_refused_and_nothing_saved(
    portfolio, seller_ana
):
    with pytest.raises(ComplaintError) as refused:
        open_for(seller_ana.user, portfolio["B1"])
    assert str(refused.value) == (
        "Este cliente não está na sua carteira: você não pode registrar uma reclamação para ele."
    )
    assert (Complaint.objects.count(), Task.objects.count(), ComplaintEvent.objects.count()) == (
        0, 0, 0
    )  # fmt: skip


@pytest.mark.django_db
def test_a_manager_records_complaints_for_her_teams_clients_only(portfolio, manager_sul):
    assert open_for(manager_sul, portfolio["B2"]).client == portfolio["B2"]
    with pytest.raises(ComplaintError):
        open_for(manager_sul, portfolio["C1"])
    assert Complaint.objects.count() == 1


@pytest.mark.django_db
def test_an_unknown_category_and_another_clients_order_are_refused(portfolio, seller_ana):
    other = order(portfolio["A2"], "P9")
    with pytest.raises(ComplaintError, match="Categoria de reclamação desconhecida"):
        open_for(seller_ana.user, portfolio["A1"], category="Outra")
    with pytest.raises(ComplaintError, match="não é um dos pedidos deste cliente"):
        open_for(seller_ana.user, portfolio["A1"], order_ids=[other.pk])
    assert Complaint.objects.count() == 0


@pytest.mark.django_db
def test_the_orders_concerned_are_kept(portfolio, seller_ana):
    p1 = order(portfolio["A1"], "P1")
    complaint = open_for(seller_ana.user, portfolio["A1"], order_ids=[p1.pk])
    assert list(complaint.orders.all()) == [p1]


@pytest.mark.django_db
def test_the_five_steps_each_record_their_time_and_close_the_agenda_task(portfolio, seller_ana):
    complaint = walk(open_for(seller_ana.user, portfolio["A1"]), seller_ana.user, upto="close")
    assert (complaint.acknowledged_at, complaint.investigated_at, complaint.answered_at,
            complaint.confirmed_at, complaint.closed_at) == (
        at(3, 9), at(3, 10), at(3, 11), at(3, 12), at(3, 13)
    )  # fmt: skip
    assert (complaint.status, complaint.closed_on, complaint.client_satisfied) == (
        "resolved", dt.date(2026, 11, 3), True
    )  # fmt: skip
    assert list(complaint.events.values_list("step", flat=True)) == [
        "open", "acknowledge", "investigate", "answer", "confirm", "close"
    ]  # fmt: skip
    assert Task.objects.get(plan_key=f"complaint:{complaint.pk}").status == "done"


@pytest.mark.django_db
def test_the_first_response_needs_the_apology_and_the_promise(portfolio, seller_ana):
    complaint = open_for(seller_ana.user, portfolio["A1"])
    with pytest.raises(ComplaintError, match="o pedido de desculpas é obrigatório"):
        do_step(complaint, "acknowledge", by=seller_ana.user, apology=" ", promise="Amanhã")
    complaint.refresh_from_db()
    assert (complaint.status, complaint.acknowledged_at, complaint.events.count()) == (
        "open", None, 1
    )  # fmt: skip


@pytest.mark.django_db
def test_closing_without_a_root_cause_is_refused_and_nothing_changes(portfolio, seller_ana):
    complaint = walk(open_for(seller_ana.user, portfolio["A1"]), seller_ana.user, upto="confirm")
    with pytest.raises(ComplaintError) as refused:
        do_step(complaint, "close", by=seller_ana.user, root_cause="  ")
    assert str(refused.value) == "Uma reclamação é encerrada com a causa raiz: escreva-a."
    complaint.refresh_from_db()
    assert (complaint.status, complaint.closed_at, complaint.events.count()) == (
        "confirmed", None, 5
    )  # fmt: skip
    assert Task.objects.get(plan_key=f"complaint:{complaint.pk}").status == "open"


@pytest.mark.django_db
def test_a_step_out_of_order_is_refused(portfolio, seller_ana):
    complaint = open_for(seller_ana.user, portfolio["A1"])
    with pytest.raises(ComplaintError, match="não decorre da situação atual"):
        do_step(complaint, "close", by=seller_ana.user, root_cause="Causa")
    assert Complaint.objects.get().status == "open"


@pytest.mark.django_db
def test_a_client_not_satisfied_sends_the_complaint_back_to_the_investigation(
    portfolio, seller_ana
):
    complaint = walk(open_for(seller_ana.user, portfolio["A1"]), seller_ana.user, upto="answer")
    complaint = do_step(complaint, "confirm", by=seller_ana.user, satisfied=False)
    assert (complaint.status, complaint.client_satisfied) == ("investigating", False)


@pytest.mark.django_db
def test_reopening_a_closed_complaint_counts_and_reopens_it(portfolio, seller_ana):
    complaint = walk(open_for(seller_ana.user, portfolio["A1"]), seller_ana.user, upto="close")
    complaint = do_step(complaint, "reopen", by=seller_ana.user, note="Voltou a atrasar")
    assert (complaint.status, complaint.reopened, complaint.closed_at) == (
        "investigating", 1, None
    )  # fmt: skip
