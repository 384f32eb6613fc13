import datetime as dt
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from carteira.leads.funnel import funnel_for, funnel_report
from carteira.leads.models import AcquisitionSpend, Lead, LossReason
from carteira.leads.services import do_convert_lead, do_move_lead
from carteira.orders.models import Order
from tests.leads.factories import make_lead

pytestmark = pytest.mark.django_db

NOV = dt.date(2026, 11, 1)
END = dt.date(2026, 11, 30)


def _day(n: int) -> dt.date:
    return NOV + dt.timedelta(n - 1)


@pytest.fixture
def november(seller_ana, seller_carla):
    """Five leads created in November (one in October): Ana's three, Carla's two; one
    won and bought, one lost for price; spend of R$ 3,000 (list) and R$ 1,000 (event)."""
    price = LossReason.objects.create(name="Preço")
    old = make_lead("Antigo", seller_ana, on=dt.date(2026, 10, 20), source="list")
    a1 = make_lead("A1", seller_ana, on=_day(2), source="list")
    a2 = make_lead("A2", seller_ana, on=_day(3), source="list")
    c1 = make_lead("C1", seller_carla, on=_day(4), source="event")
    make_lead("C2", seller_carla, on=_day(5), source="referral")
    for lead in (old, a1, a2, c1):
        do_move_lead(lead, "contacted", by=None, on=_day(6))
    do_move_lead(a1, "qualified", by=None, on=_day(10))
    do_move_lead(a2, "lost", by=None, on=_day(12), loss_reason=price)
    client = do_convert_lead(a1, by=None, on=_day(15))
    Order.objects.create(external_id="P1", client=client, date=_day(20),
                         amount=Decimal("900.00"))  # fmt: skip
    AcquisitionSpend.objects.create(period_start=NOV, period_end=END, channel="list",
                                    amount=Decimal("3000.00"))  # fmt: skip
    AcquisitionSpend.objects.create(period_start=NOV, period_end=END, channel="event",
                                    amount=Decimal("1000.00"), seller=seller_carla)  # fmt: skip
    return {"a1": a1, "client": client}


def test_the_funnel_counts_leads_entering_each_stage_in_the_window_and_those_there_now(
    november,
):
    report = funnel_report(Lead.objects.all(), start=NOV, end=END)
    stages = {s["stage"]: (s["entered"], s["now"]) for s in report["stages"]}
    assert report["leads"] == 4
    assert stages == {
        "listed": (4, 1), "researched": (0, 0), "contacted": (4, 2), "follow_up": (0, 0),
        "qualified": (1, 0), "meeting": (0, 0), "proposal": (0, 0), "won": (1, 1),
        "lost": (1, 1),
    }  # fmt: skip
    conversion = {s["stage"]: s["conversion"] for s in report["stages"]}
    # Of the 4 that entered "contacted", 1 went further (A1: qualified, then won).
    assert (conversion["listed"], conversion["contacted"], conversion["qualified"]) == (
        0.75, 0.25, 1.0)  # fmt: skip
    assert (report["won"], report["lost"], report["win_rate"]) == (1, 1, 0.5)
    assert report["lost_by_reason"] == [{"reason": "Preço", "count": 1}]


def test_cac_is_the_periods_spend_over_its_new_clients_by_channel_from_their_leads(november):
    acquisition = funnel_report(Lead.objects.all(), start=NOV, end=END)["acquisition"]
    assert (acquisition["spend"], acquisition["new_clients"], acquisition["cac"]) == (
        Decimal("4000.00"), 1, Decimal("4000.00"))  # fmt: skip
    channels = {c["channel"]: (c["spend"], c["new_clients"], c["cac"])
                for c in acquisition["by_channel"]}  # fmt: skip
    assert channels["list"] == (Decimal("3000.00"), 1, Decimal("3000.00"))
    assert channels["event"] == (Decimal("1000.00"), 0, None)
    assert acquisition["by_seller"] == [
        {"seller": "Ana Souza", "spend": Decimal("0.00"), "new_clients": 1, "cac": None},
        {"seller": "Carla Dias", "spend": Decimal("1000.00"), "new_clients": 0, "cac": None},
    ]


def test_a_client_whose_first_purchase_is_before_the_window_is_not_new_in_it(november):
    Order.objects.create(external_id="P0", client=november["client"], date=dt.date(2026, 10, 5),
                         amount=Decimal("10.00"))  # fmt: skip
    acquisition = funnel_report(Lead.objects.all(), start=NOV, end=END)["acquisition"]
    assert (acquisition["new_clients"], acquisition["cac"]) == (0, None)


def test_a_manager_reads_the_funnel_of_their_teams_leads_and_their_sellers_spend(
    november, manager_norte
):
    report = funnel_for(manager_norte, start=NOV, end=END)
    assert report["leads"] == 2
    assert report["acquisition"]["spend"] == Decimal("1000.00")
    assert report["acquisition"]["ltv"] is None


def test_by_source_groups_the_leads_and_their_outcomes(november):
    report = funnel_report(Lead.objects.all(), start=NOV, end=END, by="source")
    groups = {g["key"]: (g["leads"], g["won"], g["lost"]) for g in report["groups"]}
    assert groups == {"list": (2, 1, 1), "event": (1, 0, 0), "referral": (1, 0, 0)}


def test_report_funnel_prints_the_json_the_issue_names(november):
    out = StringIO()
    call_command("report", "funnel", "--from", "2026-11-01", "--to", "2026-11-30",
                 "--format", "json", stdout=out)  # fmt: skip
    data = json.loads(out.getvalue())
    assert data["leads"] == 4
    assert data["stages"][2] | {} == {
        "stage": "contacted", "label": data["stages"][2]["label"], "outcome": "open",
        "entered": 4, "now": 2, "conversion": 0.25, "days": 5.0,
    }  # fmt: skip
    assert data["acquisition"]["cac"] == 4000.0
    # A1 left "contacted" after 4 days (qualified), A2 after 6 (lost): 5 on average.


def test_report_funnel_by_seller_as_a_table(november):
    out = StringIO()
    call_command("report", "funnel", "--from", "2026-11-01", "--to", "2026-11-30",
                 "--by", "seller", stdout=out)  # fmt: skip
    lines = out.getvalue().splitlines()
    assert lines[0].split() == ["seller", "leads", "won", "lost", "win_rate"]
    assert lines[1].split() == ["Ana", "Souza", "2", "1", "1", "0.5"]
    assert lines[2].split() == ["Carla", "Dias", "2", "0", "0", "-"]


def test_from_and_to_are_refused_for_reports_without_a_window():
    with pytest.raises(CommandError, match="--from"):
        call_command("report", "kpis", "--from", "2026-11-01")


def test_new_clients_read_from_the_stored_reading_equal_those_of_the_orders(
    november, seller_ana, seller_carla, manager_norte
):
    """With an official reading on or after the window's end, the new clients come from
    its first purchases (not a grouped scan of every order): the same clients as the
    orders give, for the company and for a manager's clients."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from carteira.leads.funnel import new_clients
    from carteira.portfolio.services import do_snapshot
    from tests.personas import make_client

    old = make_client("OLD", seller_carla)  # first purchase in October: not new
    Order.objects.create(external_id="O1", client=old, date=dt.date(2026, 10, 3),
                         amount=Decimal("50.00"))  # fmt: skip
    Order.objects.create(external_id="O2", client=old, date=_day(8), amount=Decimal("70.00"))
    late = make_client("LATE", seller_carla)  # a cancelled and a zero order before: new on the 25th
    Order.objects.create(external_id="L1", client=late, date=dt.date(2026, 10, 9),
                         amount=Decimal("40.00"), status=Order.Status.CANCELLED)  # fmt: skip
    Order.objects.create(external_id="L2", client=late, date=_day(2), amount=Decimal("0.00"))
    Order.objects.create(external_id="L3", client=late, date=_day(25), amount=Decimal("30.00"))
    after = make_client("AFTER", seller_ana)  # first purchase after the window
    Order.objects.create(external_id="A9", client=after, date=dt.date(2026, 12, 2),
                         amount=Decimal("10.00"))  # fmt: skip
    expected = {november["client"].pk, late.pk}
    from_orders = new_clients(None, NOV, END)
    do_snapshot(dt.date(2026, 12, 5))
    with CaptureQueriesContext(connection) as queries:
        stored = new_clients(None, NOV, END)
    assert from_orders == stored == expected
    assert not [q for q in queries.captured_queries if "orders_order" in q["sql"]]
    norte = Order.objects.filter(client__seller=seller_carla).values("client_id")
    assert new_clients(norte, NOV, END) == {late.pk}
    report = funnel_for(manager_norte, start=NOV, end=END)
    assert report["acquisition"]["new_clients"] == 1
