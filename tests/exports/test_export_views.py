"""Orders, tasks and report exports: scoped by the gate, inert formulas, numeric cells,
an audit entry per download."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from carteira.agenda.models import Task
from carteira.agenda.selectors import tasks_visible_to
from carteira.audit.models import AuditEvent
from carteira.clients.models import Client
from carteira.exports.models import ExportJob
from carteira.orders.models import Order
from carteira.plans.planner import do_plan
from carteira.portfolio.services import do_snapshot
from tests.exports.conftest import exported, header, login, rows_of, sheet_of
from tests.histories import T

# The worker closes its database connections: a test that runs it needs real commits.
pytestmark = pytest.mark.django_db(transaction=True)
HOSTILE_NAME = '=HYPERLINK("http://mal.example","clique")'


def refused(client, url, query=None) -> int:
    """The status of an export that must not be queued (nothing queued, nothing audited)."""
    status = client.get(url, query or {}).status_code
    assert not ExportJob.objects.exists()
    assert not AuditEvent.objects.filter(action="export").exists()
    return status


@pytest.fixture
def planned(history):
    do_snapshot(T, use_adbc=False)
    do_plan(T)
    return history


class TestOrders:
    def test_a_sellers_export_holds_only_their_clients_orders(self, client, history, seller_ana):
        login(client, seller_ana.user)
        rows = rows_of(exported(client, reverse("exports:orders", args=["csv"])))
        assert {row["client"] for row in rows} == {"A1", "A2"}
        assert len(rows) == Order.objects.filter(client__seller=seller_ana).count()

    def test_a_manager_gets_their_teams_orders_in_a_date_range(self, client, history,
                                                               manager_sul):  # fmt: skip
        login(client, manager_sul)
        start, end = T - dt.timedelta(days=100), T - dt.timedelta(days=5)
        response = exported(
            client,
            reverse("exports:orders", args=["csv"]),
            {"start": start.isoformat(), "end": end.isoformat()},
        )
        rows = rows_of(response)
        assert sorted((row["client"], row["date"]) for row in rows) == sorted(
            [
                ("A1", (T - dt.timedelta(days=10)).isoformat()),
                ("A1", (T - dt.timedelta(days=40)).isoformat()),
                ("A2", (T - dt.timedelta(days=91)).isoformat()),
            ]
        )
        event = AuditEvent.objects.get(action="export")
        assert event.actor == manager_sul
        assert event.details == {
            "kind": "orders", "format": "csv", "rows": 3,
            "filter": {"start": start.isoformat(), "end": end.isoformat()},
        }  # fmt: skip

    def test_an_inverted_range_is_refused(self, client, history, director):
        login(client, director)
        query = {"start": "2026-06-30", "end": "2026-01-01"}
        assert refused(client, reverse("exports:orders", args=["csv"]), query) == 400

    def test_a_clients_orders_in_xlsx_keep_numbers_numeric(self, client, history, seller_ana):
        login(client, seller_ana.user)
        a1 = history["A1"]
        sheet = sheet_of(exported(client, reverse("exports:client_orders", args=[a1.pk, "xlsx"])))
        columns = header(sheet)
        amounts = sorted(row[columns.index("amount")].value for row in sheet.iter_rows(min_row=2))
        assert amounts == [-100.5, 500.5, 1000.0]
        cell = sheet[2][columns.index("amount")]
        assert cell.data_type == "n"
        assert sheet[2][columns.index("date")].is_date
        event = AuditEvent.objects.get(action="export")
        assert event.details["filter"] == {"client": a1.pk}
        assert event.details["rows"] == 3

    def test_another_sellers_client_orders_are_a_404(self, client, history, seller_ana):
        login(client, seller_ana.user)
        url = reverse("exports:client_orders", args=[history["B1"].pk, "csv"])
        assert refused(client, url) == 404

    def test_a_formula_in_a_client_name_comes_out_inert(self, client, history, director):
        Client.objects.filter(external_id="A2").update(name=HOSTILE_NAME)
        login(client, director)
        a2 = history["A2"]
        (row,) = rows_of(exported(client, reverse("exports:client_orders", args=[a2.pk, "csv"])))
        assert row["client_name"] == "'" + HOSTILE_NAME
        assert row["amount"] == "300.25"  # numbers are not prefixed
        sheet = sheet_of(exported(client, reverse("exports:client_orders", args=[a2.pk, "xlsx"])))
        name = sheet[2][header(sheet).index("client_name")]
        assert (name.value, name.data_type) == ("'" + HOSTILE_NAME, "s")

    def test_an_anonymous_visitor_is_sent_to_log_in(self, client, history):
        response = client.get(reverse("exports:orders", args=["xlsx"]))
        assert response.status_code == 302
        assert "/login/" in response["Location"]
        assert not ExportJob.objects.exists()


class TestTasks:
    def test_a_seller_exports_only_their_agenda(self, client, planned, seller_ana):
        login(client, seller_ana.user)
        rows = rows_of(exported(client, reverse("exports:tasks", args=["csv"])))
        expected = Task.objects.filter(seller=seller_ana, status="open", assignee_user=None)
        assert rows and len(rows) == expected.count()
        assert {row["seller"] for row in rows} == {"V001"}
        assert {row["client"] for row in rows} <= {"A1", "A2"}

    def test_a_manager_exports_their_teams_tasks_not_others(self, client, planned, manager_sul):
        login(client, manager_sul)
        rows = rows_of(exported(client, reverse("exports:tasks", args=["csv"]), {"status": ""}))
        assert rows
        assert {row["seller"] for row in rows} <= {"V001", "V002"}
        assert not {row["client"] for row in rows} & {"C1", "C2"}

    def test_a_seller_cannot_ask_for_another_sellers_tasks(self, client, planned, seller_ana,
                                                            seller_bruno):  # fmt: skip
        login(client, seller_ana.user)
        query = {"seller": seller_bruno.pk}
        assert refused(client, reverse("exports:tasks", args=["csv"]), query) == 404

    def test_tasks_in_xlsx_have_numeric_priority_and_money(self, client, planned, director):
        login(client, director)
        sheet = sheet_of(exported(client, reverse("exports:tasks", args=["xlsx"])))
        columns = header(sheet)
        visible = tasks_visible_to(director).filter(status="open")
        assert sheet.max_row == visible.count() + 1
        assert sheet[2][columns.index("priority")].data_type == "n"
        assert sheet[2][columns.index("revenue_at_risk")].data_type == "n"
        event = AuditEvent.objects.get(action="export")
        assert event.details["kind"] == "tasks"
        assert event.details["filter"] == {"status": "open"}


class TestReports:
    def test_a_sellers_clients_report_holds_only_their_clients(self, client, planned,
                                                                seller_ana):  # fmt: skip
        login(client, seller_ana.user)
        response = exported(client, reverse("exports:report", args=["clients", "csv"]))
        assert [row["external_id"] for row in rows_of(response)] == ["A1", "A2"]

    def test_the_matrix_follows_the_slice_and_the_scope(self, client, planned, manager_sul,
                                                        seller_bruno):  # fmt: skip
        login(client, manager_sul)
        response = exported(
            client,
            reverse("exports:report", args=["matrix", "xlsx"]),
            {"as_of": T.isoformat(), "seller": seller_bruno.pk},
        )
        sheet = sheet_of(response)
        columns = header(sheet)
        assert columns == ["abc", "status", "clients", "revenue", "revenue_at_risk"]
        total = sum(row[columns.index("clients")].value for row in sheet.iter_rows(min_row=2))
        assert total == 2  # B1 and B2
        assert sheet[2][columns.index("revenue")].data_type == "n"
        event = AuditEvent.objects.get(action="export")
        assert event.details["kind"] == "report.matrix"
        assert event.details["filter"]["seller"] == seller_bruno.pk
        assert event.details["filter"]["as_of"] == T.isoformat()

    def test_a_slice_outside_the_scope_is_refused(self, client, planned, seller_ana,
                                                  seller_carla):  # fmt: skip
        login(client, seller_ana.user)
        url = reverse("exports:report", args=["clients", "csv"])
        assert refused(client, url, {"seller": seller_carla.pk}) == 400

    def test_kpis_of_a_manager_are_their_sellers_rows(self, client, planned, manager_sul):
        login(client, manager_sul)
        rows = rows_of(exported(client, reverse("exports:report", args=["kpis", "csv"])))
        assert sorted(row["seller"] for row in rows) == ["V001", "V002"]

    def test_a_seller_cannot_read_kpis_by_segment(self, client, planned, seller_ana):
        login(client, seller_ana.user)
        url = reverse("exports:report", args=["kpis", "csv"])
        assert refused(client, url, {"by": "segment"}) == 400

    def test_a_formula_in_a_name_is_inert_in_the_clients_report(self, client, planned,
                                                                 director):  # fmt: skip
        Client.objects.filter(external_id="A1").update(name=HOSTILE_NAME)
        login(client, director)
        sheet = sheet_of(exported(client, reverse("exports:report", args=["clients", "xlsx"])))
        columns = header(sheet)
        name = sheet[2][columns.index("name")]
        assert (name.value, name.data_type) == ("'" + HOSTILE_NAME, "s")
        revenue = sheet[2][columns.index("revenue_in_abc_window")]
        assert revenue.data_type == "n"
        assert Decimal(str(revenue.value)) == Decimal("1400.00")


class TestLinks:
    def test_the_dashboard_links_the_reports_of_its_reading_and_slice(self, client, planned,
                                                                      manager_sul,
                                                                      seller_bruno):  # fmt: skip
        login(client, manager_sul)
        response = client.get(reverse("portfolio:dashboard"), {"seller": seller_bruno.pk})
        html = response.content.decode()
        for report in ("clients", "matrix"):
            for fmt in ("csv", "xlsx"):
                url = reverse("exports:report", args=[report, fmt])
                assert f"{url}?as_of={T.isoformat()}&amp;seller={seller_bruno.pk}" in html

    def test_the_agenda_and_the_client_page_link_their_exports(self, client, planned,
                                                               seller_ana):  # fmt: skip
        login(client, seller_ana.user)
        agenda = client.get(reverse("agenda:mine")).content.decode()
        assert reverse("exports:tasks", args=["xlsx"]) in agenda
        a1 = planned["A1"]
        page = client.get(reverse("clients:detail", args=[a1.pk])).content.decode()
        assert reverse("exports:client_orders", args=[a1.pk, "csv"]) in page
