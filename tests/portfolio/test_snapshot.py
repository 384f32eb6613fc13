"""The engine read from the database: statuses, reports and the stored snapshot, exactly."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core.management import call_command

from carteira.portfolio import engine_input
from carteira.portfolio.models import ClientSnapshot, SnapshotRun, StatusTransition
from carteira.portfolio.services import do_snapshot, official_run
from tests.histories import T


def statuses(run):
    return dict(run.clients.values_list("client__external_id", "status"))


@pytest.mark.django_db
class TestSnapshotFromTheDatabase:
    def test_each_client_gets_the_status_the_spec_gives(self, history):
        run = do_snapshot(T)
        assert statuses(run) == {
            "A1": "active", "A2": "pre_inactive", "B1": "inactivated", "B2": "inactive",
            "C1": "prospect", "C2": "inactivated",
        }  # fmt: skip

    def test_revenue_is_net_of_returns_and_ignores_cancelled_orders(self, history):
        run = do_snapshot(T)
        revenue = dict(run.clients.values_list("client__external_id", "revenue_in_abc_window"))
        assert revenue["A1"] == Decimal("1400.00")
        assert revenue["C2"] == Decimal("50.00")

    def test_the_kpi_report_has_the_documented_shape_and_exact_figures(self, history):
        from carteira.portfolio.reports import kpi_report

        data = kpi_report(do_snapshot(T))
        assert data["as_of"] == T and data["period_start"] == dt.date(2026, 6, 1)
        (group,) = data["groups"]
        assert group["key"] == {}
        # 5 clients in the portfolio (C1 is a prospect); A1 bought in the period.
        assert group["portfolio"] == 5
        assert group["positivation"] == pytest.approx(1 / 5)
        assert group["coverage"] == pytest.approx(1 / 5)  # A2's successful call
        assert group["revenue"] == Decimal("899.50")  # 1000.00 - 100.50
        assert group["purchases"] == 1
        assert group["average_ticket"] == Decimal("899.50")

    def test_rerunning_a_date_with_the_same_rules_replaces_the_run_with_the_same_rows(
        self, history
    ):
        first = do_snapshot(T)
        rows = list(first.clients.order_by("client_id").values_list("client_id", "status", "abc"))
        second = do_snapshot(T)
        assert SnapshotRun.objects.filter(kind="official", as_of=T).count() == 1
        again = second.clients.order_by("client_id").values_list("client_id", "status", "abc")
        assert list(again) == rows

    def test_transitions_between_consecutive_runs_are_recorded(self, history):
        do_snapshot(T - dt.timedelta(days=1))
        do_snapshot(T)
        moved = set(
            StatusTransition.objects.values_list("client__external_id", "from_status", "to_status")
        )
        # A2's last purchase is 90 days before T-1 (active) and 91 before T (pre-inactive).
        assert ("A2", "active", "pre_inactive") in moved

    def test_a_what_if_run_is_stored_apart_and_leaves_the_official_one(self, history):
        from carteira_core.rules import DEFAULT_RULES, LifecycleRules

        do_snapshot(T)
        lenient = DEFAULT_RULES.__class__(
            lifecycle=LifecycleRules(active_days=120, inactive_days=240),
            abc=DEFAULT_RULES.abc,
            indicators=DEFAULT_RULES.indicators,
        )
        what_if = do_snapshot(T, what_if=lenient)
        assert what_if.kind == "what_if"
        assert statuses(what_if)["A2"] == "active"
        assert statuses(official_run(T))["A2"] == "pre_inactive"


@pytest.mark.django_db
class TestReportCommand:
    def test_report_clients_as_json_lists_every_client_sorted_with_the_spec_fields(
        self, history, capsys
    ):
        call_command("report", "clients", "--as-of", T.isoformat(), "--format", "json")
        rows = json.loads(capsys.readouterr().out)
        assert [r["external_id"] for r in rows] == ["A1", "A2", "B1", "B2", "C1", "C2"]
        assert rows[0] == {
            "external_id": "A1", "name": "Cliente A1 LTDA", "seller_external_id": "V001",
            "status": "active", "abc": "A", "days_since_last_purchase": 0,
            "purchases_in_frequency_window": 2, "revenue_in_abc_window": 1400.0,
            "margin_in_abc_window": 350.0, "rfm": rows[0]["rfm"],
        }  # fmt: skip
        assert rows[4]["abc"] is None and rows[4]["days_since_last_purchase"] is None

    def test_report_matrix_by_seller_counts_clients_per_cell(self, history, capsys):
        call_command("report", "matrix", "--as-of", T.isoformat(), "--by", "seller",
                     "--format", "json")  # fmt: skip
        data = json.loads(capsys.readouterr().out)
        cells = {(c["abc"], c["status"], c["seller"]): c["clients"] for c in data["cells"]}
        assert sum(cells.values()) == 6
        assert cells[(None, "prospect", "V003")] == 1

    def test_report_computes_a_missing_snapshot_first(self, history, capsys):
        assert not SnapshotRun.objects.exists()
        call_command("report", "kpis", "--as-of", T.isoformat(), "--format", "csv")
        assert SnapshotRun.objects.filter(as_of=T, kind="official").count() == 1
        lines = capsys.readouterr().out.splitlines()
        assert lines[0].split(",")[:6] == ["period", "from", "to", "portfolio", "positivation",
                                           "coverage"]  # fmt: skip
        assert lines[1].split(",")[:4] == ["days:30", "2026-06-01", "2026-06-30", "5"]


@pytest.mark.django_db(transaction=True)
def test_adbc_and_the_django_connection_read_the_same_frames(history):
    via_django = engine_input.load_input(T, use_adbc=False)
    via_adbc = engine_input.load_input(T, use_adbc=True)
    for name in ("clients", "assignments", "sellers", "orders", "interactions"):
        left = getattr(via_django, name).sort(getattr(via_django, name).columns)
        right = getattr(via_adbc, name).sort(getattr(via_adbc, name).columns)
        assert left.equals(right), name
    assert ClientSnapshot.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_the_adbc_reader_types_a_column_from_every_row_not_the_first_thousand(history):
    # SQLite's ADBC driver typed each column from its first 1,024 rows: a portfolio whose
    # first clients have no segment nor state, and a later one that has, failed to read.
    from carteira.clients.models import Client

    Client.objects.bulk_create(Client(external_id=f"S{n:04d}", name=f"Sem segmento {n}")
                               for n in range(1_100))  # fmt: skip
    Client.objects.update(segment="", state="")
    Client.objects.create(external_id="Z0001", name="Com segmento", segment="Varejo", state="RS")
    via_adbc = engine_input.load_input(T, use_adbc=True).clients
    via_django = engine_input.load_input(T, use_adbc=False).clients
    assert via_adbc.sort("client_id").equals(via_django.sort("client_id"))
    last = via_adbc.filter(via_adbc["external_id"] == "Z0001").row(0, named=True)
    assert (last["segment"], last["region"]) == ("Varejo", "RS")


@pytest.mark.django_db(transaction=True)
def test_orders_after_the_date_are_left_out_and_every_earlier_one_is_read_in_halves(history):
    from tests.histories import order

    order(history["A2"], -1, "70.00")  # tomorrow
    for use_adbc in (False, True):
        orders = engine_input.load_input(T, use_adbc=use_adbc).orders
        assert (orders.height, orders["date"].max()) == (8, T), use_adbc
        assert orders["amount_cents"].sum() == 100000 + 50050 + 30025 + 20000 + 10000 \
            + 99999 + 5000 - 10050  # fmt: skip
    everything = engine_input.load_input(T + dt.timedelta(days=1), use_adbc=True).orders
    assert everything.height == 9
