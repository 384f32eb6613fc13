"""Stored XSS: hostile text in names, notes and titles renders as text everywhere, in
real Chromium: no dialog opens and the CSP reports no violation."""

import pytest
from django.utils import timezone

from carteira.agenda.models import Task
from carteira.clients.models import Contact
from carteira.interactions.models import Interaction
from tests.personas import PASSWORD

IMG = "<img src=x onerror=alert(1)>"
LINK = "javascript:alert(1)"
SVG = "<svg/onload=alert(2)>"
WATCH_CSP = """
window.__csp = [];
document.addEventListener("securitypolicyviolation",
  (e) => window.__csp.push(e.violatedDirective + " " + e.blockedURI));
"""


@pytest.fixture
def hostile(portfolio, seller_ana):
    client = portfolio["A1"]
    client.name = f"{IMG} Mercado"
    client.trade_name = f"{SVG} {LINK}"
    client.latitude, client.longitude = -30.03, -51.23
    client.save()
    Contact.objects.create(client=client, name=f"{IMG} Joana", email="joana@exemplo.com.br",
                           role=LINK)  # fmt: skip
    Interaction.objects.create(client=client, date=timezone.localdate(), channel="phone",
                               successful=True, notes=f"{IMG} [x]({LINK}) {SVG}",
                               next_step=LINK, seller=seller_ana)  # fmt: skip
    Task.objects.create(client=client, seller=seller_ana, assignee_user=seller_ana.user,
                        title=f"{IMG} Ligar", due_date=timezone.localdate(),
                        origin=Task.Origin.PLAN)  # fmt: skip
    return client


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_hostile_text_never_runs_on_any_page(page, live_server, hostile, seller_ana):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.add_init_script(WATCH_CSP)
    page.goto(f"{live_server.url}/login/")
    page.locator("input[name=username]").fill("ana")
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form button[type=submit], form input[type=submit]").first.click()
    page.wait_for_url(f"{live_server.url}/portfolio/")
    contact = Contact.objects.get(client=hostile)
    pages = ["/portfolio/", "/clients/", f"/clients/{hostile.pk}/", "/agenda/",
             f"/territory/clients/{hostile.pk}/card/", "/territory/map/",
             "/territory/chronology/", f"/privacy/contacts/{contact.pk}/"]  # fmt: skip
    violations = {}
    for path in pages:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        page.wait_for_load_state("networkidle")
        found = page.evaluate("window.__csp")
        if found:
            violations[path] = found
    shown = page.goto(f"{live_server.url}/clients/{hostile.pk}/") and page.content()
    assert (dialogs, violations) == ([], {})
    assert "&lt;img src=x onerror=alert(1)&gt;" in shown
    assert page.locator(f'a[href^="{LINK}"]').count() == 0
