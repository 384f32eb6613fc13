"""``cycle_report``: cycle mode against fixed thresholds on a small hand-made history."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core.management import call_command

from carteira.clients.models import Client
from carteira.orders.models import Order
from carteira.portfolio.management.commands.cycle_report import bucket
from carteira.portfolio.models import SnapshotRun

T = dt.date(2026, 6, 30)


def buys(client: Client, *days_ago: int) -> None:
    Order.objects.bulk_create(
        Order(external_id=f"{client.external_id}-{n}", client=client,
              date=T - dt.timedelta(days=d), amount=Decimal("100.00"))
        for n, d in enumerate(days_ago)
    )  # fmt: skip


@pytest.fixture
def shop(db):
    weekly = Client.objects.create(external_id="W", name="Semanal")
    monthly = Client.objects.create(external_id="M", name="Mensal")
    rare = Client.objects.create(external_id="R", name="Rara")
    recent = Client.objects.create(external_id="N", name="Nova")
    buys(weekly, *range(30, 30 + 7 * 12, 7))  # every week for 12 weeks, none for 30 days
    buys(monthly, *range(40, 40 + 30 * 6, 30))  # every 30 days, none for 40 days
    buys(rare, 20, 200)  # two purchases only: no rhythm, fixed thresholds in both modes
    buys(recent, 3, 10, 17, 24)  # a weekly buyer who still buys
    Client.objects.create(external_id="P", name="Prospect")


def report(capsys) -> dict:
    call_command("cycle_report", "--as-of", T.isoformat(), "--format", "json")
    return json.loads(capsys.readouterr().out)


@pytest.mark.django_db
def test_a_weekly_buyer_who_stopped_is_flagged_69_days_earlier_in_cycle_mode(shop, capsys):
    data = report(capsys)
    stopped = {row["external_id"]: row for row in data["stopped_buyers"]["rows"]}
    assert set(stopped) == {"W", "M"}  # R bought twice only; N bought 3 days ago
    assert stopped["W"] == {
        "external_id": "W", "days_since_last_purchase": 30, "rhythm_days": 7,
        "rhythm": "semanal", "fixed_flags_on_day": 91, "cycle_flags_on_day": 22,
        "days_earlier": 69, "fixed_status": "active", "cycle_status": "pre_inactive",
    }  # fmt: skip
    # monthly: rhythm 30 → active for 90 days in cycle mode too (capped): no earlier flag
    assert stopped["M"]["rhythm"] == "mensal" and stopped["M"]["days_earlier"] == 0
    by_rhythm = {b["rhythm"]: b for b in data["stopped_buyers"]["by_rhythm"]}
    assert by_rhythm["semanal"]["clients"] == 1 and by_rhythm["semanal"]["median"] == 69
    assert by_rhythm["quinzenal"]["clients"] == 0 and by_rhythm["quinzenal"]["median"] is None
    assert data["stopped_buyers"]["median_days_earlier"] == 34.5


@pytest.mark.django_db
def test_status_differences_and_clients_flagged_today_that_fixed_mode_calls_active(shop, capsys):
    data = report(capsys)
    assert data["clients"] == 5
    assert data["status_differs"]["clients"] == 1
    (row,) = data["status_differs"]["rows"]
    assert (row["external_id"], row["fixed"], row["cycle"]) == ("W", "active", "pre_inactive")
    assert (row["cycle_active_days"], row["cycle_inactive_days"]) == (21, 42)
    assert data["flagged_by_cycle_still_active_in_fixed"] == 1
    assert data["rules"]["cycle_active_factor"] == "3"


@pytest.mark.django_db
def test_the_table_is_in_portuguese_and_the_report_stores_nothing(shop, capsys):
    call_command("cycle_report", "--as-of", T.isoformat())
    text = capsys.readouterr().out
    assert "Clientes com status diferente: 1" in text
    assert "Sinalizados hoje pelo modo ciclo e ainda ativos no modo fixo: 1" in text
    assert "semanal     1         69" in text
    assert "W        30                ativo  pré-inativo  21" in text
    assert not SnapshotRun.objects.exists()


def test_rhythm_buckets():
    assert [bucket(g) for g in (None, 7, 10, 10.5, 14, 21, 30, 45, 46, 90)] == [
        "sem ritmo", "semanal", "semanal", "quinzenal", "quinzenal", "quinzenal",
        "mensal", "mensal", "mais longo", "mais longo",
    ]  # fmt: skip
