"""Referrals (who referred whom, their conversion, what the referred clients bought),
events (cost and the leads they produced) and the funnel by team and state: in the same
report for the page, the CLI and the API."""

import datetime as dt
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client as Browser
from django.urls import reverse

from carteira.agenda.models import Task
from carteira.leads.funnel import funnel_report
from carteira.leads.models import Event, Lead
from carteira.leads.services import do_convert_lead, do_move_lead
from carteira.orders.models import Order
from carteira.plans.planner import do_plan
from carteira.portfolio.services import do_snapshot
from tests.leads.factories import make_lead
from tests.personas import make_client
from tests.plans.story import T, order

pytestmark = pytest.mark.django_db
NOV, END = dt.date(2026, 11, 1), dt.date(2026, 11, 30)


def day(n: int) -> dt.date:
    return NOV + dt.timedelta(n - 1)


@pytest.fixture
def referred(seller_ana, seller_carla):
    """Mercado Sol (R1) referred two leads, one won whose client bought R$ 900 in
    November (and R$ 100 in December); Padaria Lua (R2) one, not won. Two leads from a
    list, one won. A fair on 10/11 (R$ 2.000) produced three leads, one won; October's
    fair is outside the window."""
    r1 = make_client("R1", seller_ana, name="Mercado Sol")
    r2 = make_client("R2", seller_carla, name="Padaria Lua")
    fair = Event.objects.create(name="Feira Sul", date=day(10), cost=Decimal("2000.00"))
    Event.objects.create(name="Feira Velha", date=dt.date(2026, 10, 5), cost=Decimal("500"))
    l1 = make_lead("Indicada Um", seller_ana, on=day(2), source="referral", referred_by=r1,
                   state="RS")  # fmt: skip
    make_lead("Indicada Dois", seller_ana, on=day(3), source="referral", referred_by=r1,
              state="RS")  # fmt: skip
    make_lead("Indicada Três", seller_carla, on=day(3), source="referral", referred_by=r2,
              state="PA")  # fmt: skip
    listed = make_lead("Lista Um", seller_ana, on=day(4), source="list", state="SC")
    make_lead("Lista Dois", seller_carla, on=day(4), source="list", state="PA")
    e1 = make_lead("Feira Um", seller_ana, on=day(10), source="event", event=fair, state="RS")
    make_lead("Feira Dois", seller_ana, on=day(10), source="event", event=fair, state="RS")
    make_lead("Feira Três", seller_carla, on=day(11), source="event", event=fair, state="PA")
    client = do_convert_lead(l1, by=None, on=day(15))
    for code, when, amount in (("P1", day(20), "900.00"), ("P2", dt.date(2026, 12, 5), "100")):
        Order.objects.create(external_id=code, client=client, date=when, amount=Decimal(amount))
    do_move_lead(listed, "won", by=None, on=day(16))
    do_move_lead(e1, "won", by=None, on=day(18))
    return {"r1": r1}


def test_referrals_say_who_referred_whom_the_conversion_and_what_the_referred_bought(referred):
    report = funnel_report(Lead.objects.all(), start=NOV, end=END)["referrals"]
    assert (report["leads"], report["won"], report["conversion"]) == (3, 1, 0.3333)
    assert report["other_conversion"] == 0.4  # 2 won of the 5 leads from lists and the fair
    assert report["revenue"] == Decimal("900.00")
    rows = [
        (r["client"], r["name"], r["leads"], r["won"], r["revenue"],
         [(x["name"], x["won"]) for x in r["referred"]])
        for r in report["by_referrer"]
    ]  # fmt: skip
    assert rows == [
        ("R1", "Mercado Sol", 2, 1, Decimal("900.00"),
         [("Indicada Um", True), ("Indicada Dois", False)]),
        ("R2", "Padaria Lua", 1, 0, Decimal("0.00"), [("Indicada Três", False)]),
    ]  # fmt: skip


def test_an_event_shows_its_cost_the_leads_it_produced_and_the_cost_per_lead(referred):
    (fair,) = funnel_report(Lead.objects.all(), start=NOV, end=END)["events"]
    assert fair == {"event": "Feira Sul", "date": day(10), "cost": Decimal("2000.00"),
                    "leads": 3, "won": 1, "cost_per_lead": Decimal("666.67"),
                    "cost_per_won": Decimal("2000.00")}  # fmt: skip


def test_the_funnel_by_team_and_by_state(referred):
    def groups(by):
        rows = funnel_report(Lead.objects.all(), start=NOV, end=END, by=by)["groups"]
        return {r["key"]: (r["leads"], r["won"], r["lost"]) for r in rows}

    assert groups("team") == {"Equipe Sul": (5, 3, 0), "Equipe Norte": (3, 0, 0)}
    assert groups("state") == {"RS": (4, 2, 0), "SC": (1, 1, 0), "PA": (3, 0, 0)}


def test_page_cli_and_api_show_the_same_referrals_and_events(referred, director):
    out = StringIO()
    call_command("report", "funnel", "--from", "2026-11-01", "--to", "2026-11-30",
                 "--format", "json", stdout=out)  # fmt: skip
    cli = json.loads(out.getvalue())
    browser = Browser()
    browser.force_login(director)
    api = browser.get("/api/v1/leads/funnel", {"start": "2026-11-01", "end": "2026-11-30"}).json()
    assert cli["referrals"] == api["referrals"]
    assert cli["events"] == api["events"]
    assert cli["referrals"]["by_referrer"][0]["revenue"] == 900.0
    assert cli["events"][0]["cost_per_lead"] == 666.67
    page = browser.get(reverse("leads:funnel"), {"start": "2026-11-01", "end": "2026-11-30"})
    text = page.content.decode()
    assert "3 leads indicados por clientes; ganhos: 1" in text
    assert "R$\xa0900,00" in text
    assert "R$\xa0666,67" in text


def test_the_plan_asks_happy_a_clients_for_referrals_unless_they_referred_this_year(
    portfolio, seller_ana
):
    """A1 and B1 are class A and active; B1 referred a lead in March: only A1's seller
    task asks for referrals."""
    for code, amount in (("A1", "10000.00"), ("B1", "8000.00"), ("C1", "500.00")):
        order(portfolio[code], 10, amount)
    do_snapshot(T)
    make_lead("Indicada pelo B1", seller_ana, on=dt.date(2026, 3, 2), source="referral",
              referred_by=portfolio["B1"])  # fmt: skip
    do_plan(T)
    tasks = {t.client.external_id: t for t in Task.objects.filter(origin="plan")}
    asked = {code for code, task in tasks.items() if task.context.get("ask_referrals")}
    assert asked == {"A1"}
    assert tasks["A1"].script.endswith(
        "Cliente A satisfeito: peça indicações (quem mais no segmento ou na região poderia "
        "comprar de nós?) e registre cada uma como lead com a origem Indicação e o código "
        "deste cliente."
    )
    assert tasks["A1"].script.startswith("Revisar mix e volume do último trimestre.")
