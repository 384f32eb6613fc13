"""The seller's phone in real Chromium, phone-sized: the app opens with the network cut,
two contacts and a check-in logged offline survive closing the browser (a persistent
profile on disk, as a phone keeps it), and reach the server exactly once when the
network returns, even when an answer is lost on the way. Also: a conflict shown to the
seller, the service worker's update replacing the old cache, and the wipe when the
seller is deactivated. The guide's screenshots (docs/guia/celular-offline.md) come
from here."""

import contextlib
import datetime as dt
import time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from carteira.agenda.models import Task, WorkSchedule
from carteira.agenda.scheduling import do_schedule
from carteira.clients.models import Contact
from carteira.clients.services import do_assign_client
from carteira.field import views as field_views
from carteira.field.models import AppliedOperation, CheckIn
from carteira.interactions.models import Interaction
from carteira.orders.models import Order
from tests.browser.test_login_journey import SHOTS
from tests.personas import PASSWORD, make_client

SAO_PAULO = ZoneInfo("America/Sao_Paulo")
# the queue drawn with that many rows, every one sent (an empty list is not "all sent")
SENT = (
    "(s => s.length === %d && s.every(e => e.textContent === 'Enviado'))"
    "([...document.querySelectorAll('ul.queue li .state')])"
)
PHONE = {"width": 390, "height": 844}
HOME = (-30.0346, -51.2177)  # Porto Alegre
SHOPS = [
    ("Supermercado Bom Fim", (-30.0330, -51.2100)),
    ("Mercado Menino Deus", (-30.0520, -51.2200)),
    ("Atacado Navegantes", (-29.9890, -51.2000)),
]


def shops_to_visit(seller):
    """Three visits on the seller's next working day, with a contact and purchases."""
    seller.home_latitude, seller.home_longitude = HOME
    seller.save()
    WorkSchedule.objects.create(seller=seller, daily_visits=5, daily_calls=5)
    clients = []
    for i, (name, (lat, lon)) in enumerate(SHOPS):
        client = make_client(f"S{i}", seller, name=name, city="Porto Alegre", state="RS",
                             latitude=lat, longitude=lon, phone="5132220000")  # fmt: skip
        Contact.objects.create(client=client, name=f"Comprador {i}", role="Compras",
                               phone="51999990000")  # fmt: skip
        Order.objects.create(external_id=f"P{i}", client=client, amount=Decimal("1234.50"),
                             date=timezone.localdate() - dt.timedelta(days=20))  # fmt: skip
        Task.objects.create(client=client, seller=seller, title=f"Visitar {name}",
                            channel="visit", due_date=timezone.localdate(), origin="manual",
                            priority=100 - i)  # fmt: skip
        clients.append(client)
    do_schedule(today=timezone.localdate(), seller_ids=[seller.pk])
    return clients


@pytest.fixture
def phone(browser_type, browser_type_launch_args, tmp_path):
    """Open the seller's phone: a browser over a profile kept on disk between launches."""
    opened = []

    def launch():
        context = browser_type.launch_persistent_context(
            str(tmp_path / "profile"), **browser_type_launch_args, viewport=PHONE,
            locale="pt-BR", timezone_id="America/Sao_Paulo", has_touch=True,
            geolocation={"latitude": -30.0331, "longitude": -51.2101, "accuracy": 15},
            permissions=["geolocation"],
        )  # fmt: skip
        opened.append(context)
        return context

    yield launch
    for context in opened:
        with contextlib.suppress(Exception):  # already closed by the test
            context.close()


def until(page, script: str, timeout: float = 15.0):
    """Poll ``script`` in the page until it is truthy (wait_for_function evaluates a
    string, which the app's CSP forbids: no 'unsafe-eval')."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(script):
        assert time.monotonic() < deadline, f"still false after {timeout} s: {script}"
        page.wait_for_timeout(100)


def log_in(page, url, username):
    page.goto(f"{url}/login/?next=/campo/")
    page.get_by_label("Usuário").fill(username)
    page.get_by_label("Senha").fill(PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    page.wait_for_url(f"{url}/campo/")


def wait_ready(page):
    page.wait_for_selector("body[data-ready='1']")
    until(page, "document.getElementById('synced').textContent.startsWith('Sincronizado em')")


def wait_offline(page):
    """The app from the phone's cache, knowing it has no network."""
    page.wait_for_selector("body[data-ready='1']")
    until(page, "document.getElementById('network').textContent === 'Sem conexão'")


def open_app_online(context, url, username="ana"):
    page = context.pages[0] if context.pages else context.new_page()
    log_in(page, url, username)
    wait_ready(page)
    until(page, "navigator.serviceWorker.controller !== null")
    return page


def states(page, count: int | None = None):
    """The queue's states as shown; with ``count``, once that many rows are drawn (the
    view renders after the hash changes, a moment after the click)."""
    if count is not None:
        until(page, f"document.querySelectorAll('ul.queue li .state').length === {count}")
    return page.locator("ul.queue li .state").all_inner_texts()


def log_outcome(page, client, *, reached: bool, notes: str):
    page.goto(page.url.split("#")[0] + f"#cliente/{client.pk}")
    page.locator("details.log summary", has_text="Registrar contato").click()
    form = page.locator("form.outcome")
    form.get_by_label("Sim" if reached else "Não", exact=True).check()
    form.get_by_label("Observações").fill(notes)
    form.get_by_role("button", name="Salvar contato").click()
    page.wait_for_url("**#fila")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_two_contacts_and_a_check_in_logged_offline_reach_the_server_once(
    phone, live_server, seller_ana, manager_sul, browser_type, browser_type_launch_args
):
    first, second, _third = shops_to_visit(seller_ana)
    context = phone()
    page = open_app_online(context, live_server.url)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / "campo-agenda.png", full_page=True)

    context.set_offline(True)
    page.reload()
    wait_offline(page)
    route = page.locator("details.day[open] ol.route li a").all_inner_texts()
    assert sorted(route) == sorted(f"Visitar {name}" for name, _ in SHOPS)
    page.locator("details.day[open] ol.route li a", has_text="Bom Fim").click()
    page.get_by_role("heading", name="Supermercado Bom Fim").wait_for()
    assert page.locator("a.whatsapp").first.get_attribute("href") == "https://wa.me/555132220000"
    assert page.locator("a.call").nth(1).get_attribute("href") == "tel:+5551999990000"
    page.get_by_role("button", name="Fazer check-in aqui").click()
    page.wait_for_selector("p.checked")
    page.screenshot(path=SHOTS / "campo-cartao-do-cliente.png", full_page=True)
    log_outcome(page, first, reached=True, notes="Pedido de reposição na semana que vem")
    log_outcome(page, second, reached=False, notes="Loja fechada para balanço")
    assert states(page, 3) == ["Aguardando envio"] * 3
    page.screenshot(path=SHOTS / "campo-fila-sem-conexao.png", full_page=True)
    context.close()  # the seller closes the app (the profile stays on the disk)

    context = phone()
    context.set_offline(True)
    page = context.pages[0] if context.pages else context.new_page()
    page.goto(f"{live_server.url}/campo/#fila")
    wait_offline(page)
    assert states(page, 3) == ["Aguardando envio"] * 3
    assert Interaction.objects.count() == 0

    lost = []  # the first answer is lost on the way back: the phone must send again

    def lose_the_answer(route):
        route.fetch()  # the server applies the queue …
        lost.append(True)
        route.abort()  # … and the phone never hears back

    context.route("**/api/v1/field/sync", lose_the_answer)
    page.evaluate("document.querySelectorAll('.notice').forEach(n => n.remove())")
    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    until(page, "document.querySelector('.notice.warn') !== null")
    assert lost == [True]
    assert states(page, 3) == ["Aguardando envio"] * 3
    context.unroute("**/api/v1/field/sync")
    page.get_by_role("button", name="Sincronizar").click()
    until(
        page,
        "[...document.querySelectorAll('ul.queue li .state')]"
        ".every(e => e.textContent === 'Enviado')",
    )
    page.screenshot(path=SHOTS / "campo-enviado.png", full_page=True)

    visits = Interaction.objects.order_by("pk")
    assert [(i.client_id, i.successful, i.notes) for i in visits] == [
        (first.pk, True, "Pedido de reposição na semana que vem"),
        (second.pk, False, "Loja fechada para balanço"),
    ]
    check_in = CheckIn.objects.get()
    assert (check_in.client_id, check_in.interaction_id) == (first.pk, visits[0].pk)
    assert check_in.distance_m < 100
    assert AppliedOperation.objects.count() == 3
    assert Task.objects.filter(status="done").count() == 2

    browser = browser_type.launch(**browser_type_launch_args)  # the manager, elsewhere
    try:
        manager = browser.new_page(locale="pt-BR", timezone_id="America/Sao_Paulo")
        manager.goto(f"{live_server.url}/login/?next=/campo/equipe/")
        manager.get_by_label("Usuário").fill("marta")
        manager.get_by_label("Senha").fill(PASSWORD)
        manager.get_by_role("button", name="Entrar").click()
        manager.wait_for_url(f"{live_server.url}/campo/equipe/")
        row = manager.locator(f"#team-visits tr[data-seller='{seller_ana.pk}'] td")
        assert row.all_inner_texts() == ["Ana Souza", "2", "1", "1", "0"]
        rows = manager.locator("#latest-visits tbody tr")
        latest = [rows.nth(i).locator("td").all_inner_texts()[1:] for i in range(rows.count())]
        at = timezone.localtime(check_in.at).strftime("%H:%M")
        assert latest == [
            ["Ana Souza", "Mercado Menino Deus", "Não", "—", "—"],  # no check-in, no photo
            [
                "Ana Souza",
                "Supermercado Bom Fim",
                "Sim",
                f"{at} · Verificada: a {check_in.distance_m} m do cliente",
                "—",
            ],
        ]
        manager.screenshot(path=SHOTS / "campo-visitas-da-equipe.png", full_page=True)
    finally:
        browser.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_check_in_late_in_the_evening_is_linked_to_the_contact_logged_after_it(
    phone, live_server, seller_ana
):
    """At 23:30 in Brasília the UTC day is already tomorrow: the check-in is still today's
    on the phone's calendar, stays shown on the card and is linked to the contact. A sync
    that ends while the seller types the contact does not wipe the form."""
    first, _second, _third = shops_to_visit(seller_ana)
    evening = dt.datetime.combine(timezone.localdate(), dt.time(23, 30), tzinfo=SAO_PAULO)
    context = phone()
    context.clock.set_fixed_time(evening)
    page = open_app_online(context, live_server.url)
    page.goto(page.url.split("#")[0] + f"#cliente/{first.pk}")
    page.get_by_role("button", name="Fazer check-in aqui").click()
    page.wait_for_selector("p.checked")
    page.goto(page.url.split("#")[0] + "#fila")
    until(page, SENT % 1)
    page.goto(page.url.split("#")[0] + f"#cliente/{first.pk}")
    page.wait_for_selector("p.checked")  # drawn again: still today's check-in

    page.locator("details.log summary", has_text="Registrar contato").click()
    form = page.locator("form.outcome")
    form.get_by_label("Sim", exact=True).check()
    form.get_by_label("Observações").fill("Visita no fim do dia")
    page.evaluate("document.getElementById('synced').textContent = ''")
    page.get_by_role("button", name="Sincronizar").click()
    until(page, "document.getElementById('synced').textContent.startsWith('Sincronizado em')")
    assert form.get_by_label("Observações").input_value() == "Visita no fim do dia"
    form.get_by_role("button", name="Salvar contato").click()
    page.wait_for_url("**#fila")
    until(page, SENT % 2)
    check_in = CheckIn.objects.get()
    assert check_in.interaction_id == Interaction.objects.get().pk


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_client_moved_while_offline_is_refused_and_shown_to_the_seller(
    phone, live_server, seller_ana, seller_bruno
):
    first, second, _third = shops_to_visit(seller_ana)
    context = phone()
    page = open_app_online(context, live_server.url)
    context.set_offline(True)
    log_outcome(page, first, reached=True, notes="Visita feita")
    Task.objects.filter(client=second).update(status="done")  # someone else closed it
    page.goto(page.url.split("#")[0] + f"#cliente/{second.pk}/{second.tasks.get().pk}")
    form = page.locator("form.outcome")
    form.get_by_label("Sim", exact=True).check()
    form.get_by_role("button", name="Salvar contato").click()
    page.wait_for_url("**#fila")
    do_assign_client(first, seller_bruno, start=timezone.localdate())
    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    until(
        page,
        "![...document.querySelectorAll('ul.queue li .state')]"
        ".some(e => e.textContent === 'Aguardando envio')",
    )
    assert states(page, 2) == ["Enviado, com conflito", "Recusado pelo servidor"]
    assert "outro vendedor" in page.locator("li.refused .why").inner_text()
    assert "já tinha sido fechada" in page.locator("li.conflict .why").inner_text()
    page.screenshot(path=SHOTS / "campo-conflito.png", full_page=True)
    page.goto(page.url.split("#")[0] + "#clientes")
    until(page, "document.querySelectorAll('ul.clients li a').length > 0")
    names = page.locator("ul.clients li a").all_inner_texts()
    assert "Supermercado Bom Fim" not in names
    assert Interaction.objects.filter(client=first).count() == 0
    assert Interaction.objects.filter(client=second).count() == 1


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_new_version_of_the_app_replaces_the_old_cache(
    phone, live_server, seller_ana, monkeypatch
):
    shops_to_visit(seller_ana)
    context = phone()
    page = open_app_online(context, live_server.url)
    old = f"carteira-campo-{field_views.app_version()}"
    assert page.evaluate("caches.keys()") == [old]
    monkeypatch.setattr(field_views, "app_version", lambda: "nova0versao")
    page.evaluate("navigator.serviceWorker.getRegistration().then(r => r.update())")
    until(page, "caches.keys().then(k => k.length === 1 && k[0] === 'carteira-campo-nova0versao')")
    page.wait_for_selector("text=Uma nova versão do app foi instalada.")
    context.set_offline(True)
    page.reload()
    wait_offline(page)
    assert page.locator("#version").inner_text() == "vnova0versao"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_deactivated_seller_s_phone_loses_the_portfolio_at_the_next_sync(
    phone, live_server, seller_ana
):
    first, _second, _third = shops_to_visit(seller_ana)
    context = phone()
    page = open_app_online(context, live_server.url)
    count = "(s) => new Promise(r => { const q = indexedDB.open('carteira-campo');"
    count += " q.onsuccess = () => { const c = q.result.transaction(s).objectStore(s).count();"
    count += " c.onsuccess = () => { r(c.result); q.result.close(); }; }; })"
    assert page.evaluate(count, "clients") == 3
    context.set_offline(True)
    log_outcome(page, first, reached=True, notes="Visita feita antes de sair")
    seller_ana.user.is_active = False
    seller_ana.user.save()
    context.set_offline(False)
    page.get_by_role("button", name="Sincronizar").click()
    page.wait_for_selector("text=Sua sessão terminou")
    assert page.locator("#view article p").nth(1).inner_text() == (
        "Registros não enviados: 1. Eles ficam neste celular por até 7 dias: "
        "entre de novo para enviá-los."
    )
    assert page.evaluate(count, "clients") == 0
    assert page.evaluate(count, "queue") == 1
    assert Interaction.objects.count() == 0
    page.get_by_role("button", name="Sair e apagar os dados deste celular").click()
    page.wait_for_url("**/login/**")
    databases = "indexedDB.databases().then(d => d.map(x => x.name))"
    assert page.evaluate(databases) == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_logging_out_from_the_web_pages_erases_the_phone(phone, live_server, seller_ana):
    shops_to_visit(seller_ana)
    context = phone()
    page = open_app_online(context, live_server.url)
    databases = "indexedDB.databases().then(d => d.map(x => x.name))"
    assert page.evaluate(databases) == ["carteira-campo"]
    page.goto(f"{live_server.url}/agenda/")
    page.locator("header details.dropdown summary", has_text="Ana").click()
    page.get_by_role("button", name="Sair").click()
    page.wait_for_url("**/login/**")
    assert page.evaluate(databases) == []
    assert page.evaluate("caches.keys()") == []
    assert page.evaluate("navigator.serviceWorker.getRegistrations().then(r => r.length)") == 0
