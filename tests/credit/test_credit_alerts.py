"""An imported order, or one posted through the API, raises a credit alert for the
manager and the seller: a client in collection buys again, or its open balance plus the
new orders passes its limit."""

import datetime as dt

import pytest
import time_machine

from carteira.agenda.models import Task
from carteira.credit.models import CreditLimit
from carteira.plans.credit_alerts import ALERT_KEY, SELLER_ALERT_KEY
from tests.api.conftest import caller_for
from tests.credit.factories import receivable
from tests.imports.conftest import run_import

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 6, 30)


def orders_file(tmp_path, *lines):
    path = tmp_path / "pedidos.csv"
    body = "pedido;cliente;data;valor\n" + "".join(f"{line}\n" for line in lines)
    path.write_text(body, encoding="utf-8")
    return path


def alerts(key=ALERT_KEY):
    return sorted(
        Task.objects.filter(plan_key=key, status="open").values_list(
            "client__external_id", "assignee_user__username", "script"
        )
    )


def seller_alerts():
    return sorted(
        Task.objects.filter(plan_key=SELLER_ALERT_KEY, status="open").values_list(
            "client__external_id", "seller__external_id", "assignee_user"
        )
    )


@time_machine.travel(dt.datetime(2026, 6, 30, 12, tzinfo=dt.UTC))
def test_a_late_client_buying_and_a_client_over_its_limit_raise_one_alert_each(
    portfolio, manager_sul, media, tmp_path
):
    receivable(portfolio["A1"], "NF1", TODAY - dt.timedelta(days=45), "1000.00")
    receivable(portfolio["B1"], "NF2", TODAY + dt.timedelta(days=10), "900.00")
    CreditLimit.objects.create(client=portfolio["B1"], limit="1000.00")
    receivable(portfolio["A2"], "NF3", TODAY + dt.timedelta(days=10), "100.00")  # within
    CreditLimit.objects.create(client=portfolio["A2"], limit="1000.00")
    path = orders_file(tmp_path, "P1;A1;30/06/2026;50,00", "P2;B1;30/06/2026;150,00",
                       "P3;A2;30/06/2026;150,00")  # fmt: skip
    result = run_import("orders", path)
    assert result.error is None, result.out
    assert alerts() == [
        ("A1", "marta", "Buys again with R$1,000.00 overdue for 45 days."),
        ("B1", "marta",
         "Open balance plus the new orders, R$1,050.00, passes the limit R$1,000.00."),
    ]  # fmt: skip
    run_import("orders", orders_file(tmp_path, "P4;A1;30/06/2026;10,00"))
    assert len(alerts()) == 2  # one open alert per client


@time_machine.travel(dt.datetime(2026, 6, 30, 12, tzinfo=dt.UTC))
def test_a_refused_orders_file_raises_no_alert(portfolio, manager_sul, media, tmp_path):
    receivable(portfolio["A1"], "NF1", TODAY - dt.timedelta(days=45), "1000.00")
    result = run_import("orders", orders_file(tmp_path, "P1;A1;30/06/2026;50,00", "P2;ZZ;x;1"))
    assert result.error is not None
    assert alerts() == []


@time_machine.travel(dt.datetime(2026, 6, 30, 12, tzinfo=dt.UTC))
def test_the_seller_gets_the_alert_in_the_agenda_and_both_get_an_email(
    portfolio, manager_sul, media, tmp_path, smtp, django_capture_on_commit_callbacks
):
    receivable(portfolio["A1"], "NF1", TODAY - dt.timedelta(days=45), "1000.00")
    with django_capture_on_commit_callbacks(execute=True):
        result = run_import("orders", orders_file(tmp_path, "P1;A1;30/06/2026;50,00"))
    assert result.error is None, result.out
    assert seller_alerts() == [("A1", "V001", None)]
    assert sorted(rcpt[0] for rcpt, _m in smtp.messages) == [
        "ana@exemplo.com.br", "marta@exemplo.com.br"]  # fmt: skip
    message = smtp.messages[0][1]
    assert message["Subject"] == "Carteira: alerta de crédito para Cliente A1 LTDA"
    body = message.get_content()
    assert "Volta a comprar com R$\xa01.000,00 em atraso há 45 dias." in body
    assert f"/clients/{portfolio['A1'].pk}/" in body
    with django_capture_on_commit_callbacks(execute=True):
        run_import("orders", orders_file(tmp_path, "P2;A1;30/06/2026;10,00"))
    assert (len(seller_alerts()), len(smtp.messages)) == (1, 2)  # still one open each


def _api_orders(*rows):
    return {"orders": [{"external_id": e, "client_external_id": c, "date": "2026-06-30",
                        "amount": a} for e, c, a in rows]}  # fmt: skip


@time_machine.travel(dt.datetime(2026, 6, 30, 12, tzinfo=dt.UTC))
def test_orders_posted_through_the_api_raise_the_same_alerts_as_an_import(
    portfolio, manager_sul, seller_ana, smtp, django_capture_on_commit_callbacks
):
    receivable(portfolio["A1"], "NF1", TODAY - dt.timedelta(days=45), "1000.00")
    receivable(portfolio["A2"], "NF3", TODAY + dt.timedelta(days=10), "900.00")
    CreditLimit.objects.create(client=portfolio["A2"], limit="1000.00")
    ana = caller_for(seller_ana.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = ana.post("/orders/bulk", _api_orders(("P1", "A1", "50.00"),
                                                        ("P2", "A2", "150.00")))  # fmt: skip
    assert response.status_code == 200, response.content
    assert alerts() == [
        ("A1", "marta", "Volta a comprar com R$\xa01.000,00 em atraso há 45 dias."),
        (
            "A2",
            "marta",
            "Em aberto mais pedidos novos, R$\xa01.050,00, passa do limite de R$\xa01.000,00.",
        ),
    ]  # fmt: skip (the API speaks the caller's language, pt-BR)
    assert seller_alerts() == [("A1", "V001", None), ("A2", "V001", None)]
    assert len(smtp.messages) == 4  # the manager and the seller, for each client
    ana.post("/orders/bulk", _api_orders(("P3", "A1", "10.00")))
    assert len(alerts()) == 2  # one open alert per client


@time_machine.travel(dt.datetime(2026, 6, 30, 12, tzinfo=dt.UTC))
def test_a_refused_api_call_raises_no_alert(portfolio, manager_sul, seller_ana):
    receivable(portfolio["A1"], "NF1", TODAY - dt.timedelta(days=45), "1000.00")
    response = caller_for(seller_ana.user).post(
        "/orders/bulk", _api_orders(("P1", "A1", "50.00"), ("P2", "ZZ", "1.00"))
    )
    assert response.status_code == 422
    assert (alerts(), seller_alerts()) == ([], [])


@time_machine.travel(dt.datetime(2026, 6, 30, 12, tzinfo=dt.UTC))
def test_the_sellers_alert_is_planned_into_the_agenda_the_same_day(
    portfolio, manager_sul, seller_ana, media, tmp_path
):
    from carteira.agenda.models import WorkSchedule
    from carteira.agenda.scheduling import do_schedule

    receivable(portfolio["A1"], "NF1", TODAY - dt.timedelta(days=45), "1000.00")
    do_schedule(today=TODAY, seller_ids=[seller_ana.pk])  # the week was planned today
    run_import("orders", orders_file(tmp_path, "P1;A1;30/06/2026;50,00"))
    alert = Task.objects.get(plan_key=SELLER_ALERT_KEY)
    assert alert.scheduled_date is None
    assert WorkSchedule.objects.get(seller=seller_ana).planned_on is None  # stale
    do_schedule(today=TODAY, seller_ids=[seller_ana.pk])  # what the agenda does when stale
    alert.refresh_from_db()
    assert alert.scheduled_date == TODAY
