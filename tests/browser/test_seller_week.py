"""A seller opens the agenda in the week of a holiday: each working day holds what fits
the day's capacity, the visits in route order with their arrival, the holiday and the
weekend hold nothing. The guide's screenshots (desktop and phone) come from here."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from carteira.agenda.models import Task, WorkSchedule
from carteira.agenda.scheduling import do_schedule
from tests.browser.test_dashboard_journey import log_in
from tests.browser.test_login_journey import SHOTS, offline
from tests.personas import make_client

MONDAY = dt.date(2026, 11, 16)  # Friday 20th: Dia Nacional de Zumbi e da Consciência Negra
MONDAY_NOON = dt.datetime(2026, 11, 16, 15, tzinfo=dt.UTC)
HOME = (-30.0346, -51.2177)  # Porto Alegre
SHOPS = [
    ("Supermercado Bom Fim", "A", (-30.0330, -51.2100)),
    ("Mercado Menino Deus", "B", (-30.0520, -51.2200)),
    ("Atacado Navegantes", "A", (-29.9890, -51.2000)),
    ("Farmácia Petrópolis", "C", (-30.0420, -51.1850)),
    ("Mercadinho Partenon", "C", (-30.0600, -51.1750)),
    ("Empório Moinhos", "B", (-30.0250, -51.2030)),
    ("Hiper Sarandi", "A", (-29.9800, -51.1300)),
    ("Drogaria Tristeza", "C", (-30.1100, -51.2500)),
    ("Supermercado Canoas", "B", (-29.9180, -51.1830)),
    ("Mercado Cavalhada", "C", (-30.1000, -51.2200)),
]
PRIORITY = {"A": 300, "B": 200, "C": 100}


def a_week_of_work(seller):
    seller.home_latitude, seller.home_longitude = HOME
    seller.home_city = "Porto Alegre - RS"
    seller.save()
    WorkSchedule.objects.create(seller=seller, daily_visits=3, daily_calls=4)
    for i, (name, abc, (lat, lon)) in enumerate(SHOPS):
        client = make_client(f"V{i:03d}", seller, name=name, state="RS", city="Porto Alegre",
                             latitude=lat, longitude=lon)  # fmt: skip
        Task.objects.create(
            client=client,
            seller=seller,
            title=name,
            channel="visit",
            objective="recover" if abc == "A" else "retain",
            due_date=MONDAY - dt.timedelta(days=i % 3),
            origin=Task.Origin.PLAN,
            plan_key="cell:visit",
            priority=PRIORITY[abc],
            frequency_days=30,
            revenue_at_risk=Decimal(4000 - 300 * i),
            context={"abc": abc},
        )
    for i in range(14):
        client = make_client(f"L{i:03d}", seller, name=f"Loja {i + 1} Ltda", state="RS",
                             city="Porto Alegre")  # fmt: skip
        Task.objects.create(client=client, seller=seller, title="Ligar", channel="phone",
                            objective="retain", due_date=MONDAY, origin=Task.Origin.PLAN,
                            plan_key="cell:call", priority=100, frequency_days=30,
                            context={"abc": "C"})  # fmt: skip


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_seller_sees_a_holiday_week_within_capacity_with_routes(
    page, live_server, seller_ana, console_errors
):
    a_week_of_work(seller_ana)
    offline(page, live_server)
    page.set_viewport_size({"width": 1280, "height": 900})
    with time_machine.travel(MONDAY_NOON, tick=True):
        do_schedule(today=MONDAY, seller_ids=[seller_ana.pk])
        log_in(page, live_server, "ana")
        page.goto(f"{live_server.url}/agenda/")
        days = page.locator("section.day")
        assert days.count() == 7
        texts = [days.nth(i).locator("h2").inner_text() for i in range(7)]
        assert texts[0].startswith("Segunda-feira, 16/11/2026")
        friday = days.nth(4)
        assert "Dia Nacional de Zumbi e da Consciência Negra" in friday.inner_text()
        for index in (4, 5, 6):
            assert days.nth(index).locator(".task-line").count() == 0
        monday = days.nth(0)
        assert monday.locator("ol.visits > li").count() == 3
        assert monday.locator(".calls > li").count() == 4
        assert "Visitas 3/3 · Ligações e mensagens 4/4" in monday.locator(".load").inner_text()
        arrivals = monday.locator("ol.visits time.arrival").all_inner_texts()
        assert arrivals == sorted(arrivals) and len(arrivals) == 3
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SHOTS / "agenda-semana.png", full_page=True)
        page.set_viewport_size({"width": 390, "height": 844})
        page.reload()
        page.screenshot(path=SHOTS / "agenda-semana-celular.png", full_page=False)
    assert console_errors == []
