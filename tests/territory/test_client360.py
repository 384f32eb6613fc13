"""The client page: readings over the official runs, revenue per month, one timeline of
interactions and tasks, credit and complaints, in a bounded number of queries."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from carteira.agenda.models import Task
from carteira.complaints.models import Complaint
from carteira.credit.models import Receivable
from carteira.portfolio.services import do_snapshot
from carteira.territory.client360 import first_of_month
from tests.histories import T, order
from tests.personas import PASSWORD
from tests.territory.conftest import contact


def login(client, user, *, language=None):
    if language:
        user.language = language
        user.save(update_fields=["language"])
    assert client.login(username=user.username, password=PASSWORD)


def page_of(client, a_client):
    response = client.get(reverse("clients:detail", args=[a_client.pk]))
    assert response.status_code == 200
    return response


def task(a_client, days_before, title="Ligar", **fields):
    return Task.objects.create(
        client=a_client, seller=a_client.seller, title=title, origin="manual",
        due_date=T - dt.timedelta(days=days_before), **fields,
    )  # fmt: skip


def receivable(a_client, invoice, due_days_before, amount, paid=None):
    return Receivable.objects.create(
        client=a_client, invoice=invoice, issue_date=T - dt.timedelta(days=90),
        due_date=T - dt.timedelta(days=due_days_before), amount=Decimal(amount),
        paid_date=T if paid else None, paid_amount=Decimal(paid) if paid else None,
    )  # fmt: skip


def test_the_first_of_a_month_some_months_back():
    assert first_of_month(dt.date(2026, 6, 30), 0) == dt.date(2026, 6, 1)
    assert first_of_month(dt.date(2026, 6, 30), 23) == dt.date(2024, 7, 1)
    assert first_of_month(dt.date(2026, 1, 5), 1) == dt.date(2025, 12, 1)


@pytest.mark.django_db
class TestTheClientPage:
    def test_readings_of_the_official_runs_newest_first(self, client, history, seller_ana):
        do_snapshot(T - dt.timedelta(days=60))
        do_snapshot(T)
        login(client, seller_ana.user)
        response = page_of(client, history["A2"])
        assert [(r.run.as_of, r.status, r.days_since_last_purchase)
                for r in response.context["readings"]] == [
            (T, "pre_inactive", 91), (T - dt.timedelta(days=60), "active", 31)
        ]  # fmt: skip
        assert [p["days"] for p in response.context["readings_chart"]] == [31, 91]

    def test_revenue_per_month_covers_24_months_with_returns_and_without_cancellations(
        self, client, history, director
    ):
        order(history["C2"], 400, "70.00")  # 2025-05-26: inside the 24 months
        order(history["C2"], 800, "80.00")  # 2024-04-21: outside
        login(client, director)
        months = page_of(client, history["A1"]).context["monthly_revenue"]
        assert len(months) == 24
        assert months[0]["month"] == "2024-07" and months[-1]["month"] == "2026-06"
        by_month = {m["month"]: m["revenue"] for m in months if m["revenue"]}
        assert by_month == {"2026-05": 500.50, "2026-06": 899.50}  # 1000 − 100,50 return
        c2 = page_of(client, history["C2"]).context["monthly_revenue"]
        assert {m["month"]: m["revenue"] for m in c2 if m["revenue"]} == {
            "2025-05": 70.0, "2025-12": 50.0,
        }  # fmt: skip

    def test_interactions_and_tasks_share_one_timeline_newest_first(
        self, client, portfolio, seller_ana
    ):
        a1 = portfolio["A1"]
        contact(a1, 10)
        contact(a1, 3, successful=False)
        task(a1, 5, title="Visitar")
        task(a1, -2, title="Retornar ligação")
        login(client, seller_ana.user)
        timeline = page_of(client, a1).context["timeline"]
        assert [(e.kind, (T - e.date).days) for e in timeline.entries] == [
            ("task", -2), ("interaction", 3), ("task", 5), ("interaction", 10)
        ]  # fmt: skip
        assert timeline.total == 4

    def test_the_timeline_shows_the_latest_10_and_counts_them_all(
        self, client, portfolio, seller_ana
    ):
        for n in range(90):
            contact(portfolio["A1"], n)
        for n in range(30):
            task(portfolio["A1"], n, title=f"Tarefa {n}")
        login(client, seller_ana.user)
        timeline = page_of(client, portfolio["A1"]).context["timeline"]
        assert timeline.total == 120
        # days 0–4 hold a task (first) and a contact each
        assert [(e.kind, (T - e.date).days) for e in timeline.entries] == [
            (kind, day) for day in range(5) for kind in ("task", "interaction")
        ]
        assert timeline.page.has_more is True

    def test_credit_shows_open_and_overdue_amounts(self, client, portfolio, seller_ana):
        a1 = portfolio["A1"]
        receivable(a1, "NF1", 10, "100.00")  # overdue
        receivable(a1, "NF2", -20, "250.00")  # open, not due yet
        receivable(a1, "NF3", 40, "300.00", paid="300.00")  # paid
        receivable(a1, "NF4", 30, "0.10")  # overdue
        receivable(a1, "NF5", 20, "0.20")  # overdue: 0.1 + 0.2 is 0.30 to the cent
        login(client, seller_ana.user)
        credit = page_of(client, a1).context["credit"]
        assert credit == {
            "count": 5, "open_count": 4, "open_amount": Decimal("350.30"),
            "overdue_count": 3, "overdue_amount": Decimal("100.30"),
            "oldest_overdue": T - dt.timedelta(days=30),
        }  # fmt: skip

    def test_a_client_without_receivables_has_no_credit_figures(
        self, client, portfolio, seller_ana
    ):
        login(client, seller_ana.user, language="en")
        response = page_of(client, portfolio["A1"])
        assert response.context["credit"] == {
            "count": 0, "open_count": 0, "open_amount": None, "overdue_count": 0,
            "overdue_amount": None, "oldest_overdue": None,
        }  # fmt: skip
        assert "No receivables." in response.content.decode()

    def test_the_order_count_holds_every_order_and_revenue_sums_to_the_cent(
        self, client, history, director
    ):
        order(history["A1"], 700, "10.00")  # outside the 24 months: counted, not charted
        order(history["A1"], 3, "99.00", status="cancelled")  # counted, not charted
        order(history["A1"], 2, "0.10")
        order(history["A1"], 1, "0.20")
        login(client, director, language="en")
        response = page_of(client, history["A1"])
        assert response.context["order_count"] == 7
        by_month = {m["month"]: m["revenue"] for m in response.context["monthly_revenue"]}
        assert by_month["2026-06"] == 899.80  # 1000 − 100.50 + 0.10 + 0.20
        assert "7 orders</h2>" in response.content.decode()

    def test_complaints_show_the_latest_with_open_and_total_counts(
        self, client, portfolio, seller_ana
    ):
        a1 = portfolio["A1"]
        for days, status in ((50, "resolved"), (20, "open"), (5, "open")):
            Complaint.objects.create(client=a1, opened_on=T - dt.timedelta(days=days),
                                     category="Entrega", status=status)  # fmt: skip
        login(client, seller_ana.user)
        complaints = page_of(client, a1).context["complaints"]
        assert (complaints.total, complaints.open) == (3, 2)
        assert [c.opened_on for c in complaints.latest] == [
            T - dt.timedelta(days=d) for d in (5, 20, 50)
        ]

    def test_empty_panels_say_so(self, client, portfolio, seller_ana):
        login(client, seller_ana.user)
        html = page_of(client, portfolio["A1"]).content.decode()
        assert 'id="credit"' in html and 'id="complaints"' in html
        assert (page_of(client, portfolio["A1"]).context["complaints"].total) == 0

    def test_another_sellers_client_page_is_not_found(self, client, portfolio, seller_ana):
        login(client, seller_ana.user)
        response = client.get(reverse("clients:detail", args=[portfolio["B1"].pk]))
        assert response.status_code == 404


def queries_on_the_page(client, a_client) -> int:
    with CaptureQueriesContext(connection) as queries:
        page_of(client, a_client)
    return len(queries)


@pytest.mark.django_db
def test_the_client_page_runs_at_most_20_queries_however_long_the_history(
    client, history, seller_ana
):
    do_snapshot(T)
    login(client, seller_ana.user)
    a1 = history["A1"]
    # session, user, client with seller and team, audit, figures, readings, predictive
    # value, orders, contacts, assignments (no interactions, tasks or complaints: not queried)
    assert queries_on_the_page(client, a1) == 10
    for n in range(120):
        contact(a1, n)
        order(a1, n * 5, "10.00")
    for n in range(40):
        task(a1, n)
        receivable(a1, f"NF{n}", n, "10.00")
        Complaint.objects.create(client=a1, opened_on=T, category="Atraso")
    for days in (30, 60, 90):
        do_snapshot(T - dt.timedelta(days=days))
    # ... and the timeline with its contacts' photos, the latest complaints, and for the
    # credit block (a client with receivables) the rules in force, the receivables, the
    # 12 months' revenue (the suggested limit), the limit, the newest issue date and the
    # orders not yet invoiced (the exposure), and the limit's history
    assert queries_on_the_page(client, a1) == 20
