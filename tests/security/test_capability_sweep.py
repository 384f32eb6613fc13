"""Every route, tried by every persona outside its capability: the same refusal
everywhere — the pt-BR 403 page in the product's layout for a logged-in user, the login
page for a stranger — and not one row changed by a refused write (ADR 13).

Capabilities come from the routes themselves (``@policy(CAPABILITY)``), so a new page
declared for the central team is probed here without a line added to this file."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from carteira.accounts.capabilities import CAPABILITIES
from carteira.accounts.models import Role
from carteira.accounts.policy import capability_of
from carteira.audit.models import AuditEvent
from tests.personas import make_user
from tests.security.objects import checksum, company_objects, owned_objects
from tests.security.routes import routes
from tests.security.test_idor_sweep import FORGED_POST, SAMPLE

PERSONAS = ("seller_ana", "dpo", "manager_sul", "analyst", "director", "admin_user")
CAPABILITY_ROUTES = [r for r in routes() if r.name and capability_of(r.view) is not None]
GUARDED_ROUTES = [r for r in routes() if r.name and r.policy not in (None, "public")]


@pytest.fixture
def dpo(db):
    """A seller who is also the data-protection officer."""
    return make_user("encarregada", Role.SELLER, is_dpo=True)


@pytest.fixture
def people(request, portfolio, seller_ana):
    found = {}
    for name in PERSONAS:
        persona = request.getfixturevalue(name)
        found[name] = getattr(persona, "user", persona)
    return found


@pytest.fixture
def ids(portfolio, seller_ana, seller_bruno, manager_sul):
    """The ids each route takes: objects its visitors could own (Ana's) or company ones."""
    return company_objects(manager_sul, seller_bruno) | owned_objects(seller_ana, portfolio["A1"])


def _url(route, ids) -> str:
    kwargs = {k: ids[k] for k in route.int_kwargs}
    return reverse(route.name, kwargs=kwargs | {k: SAMPLE.get(k, "x") for k in route.other_kwargs})


def _browser(user) -> Client:
    browser = Client()
    browser.force_login(user)
    return browser


def test_the_sweep_sees_every_capability_in_use():
    used = {capability_of(r.view).name for r in CAPABILITY_ROUTES}
    assert used == set(CAPABILITIES)
    assert len(CAPABILITY_ROUTES) >= 30


@pytest.mark.django_db
@pytest.mark.parametrize("route", CAPABILITY_ROUTES, ids=lambda r: r.name)
def test_everyone_outside_the_capability_gets_the_403_page_and_nothing_changes(route, people, ids):
    capability = capability_of(route.view)
    outsiders = {name: user for name, user in people.items() if not capability.held_by(user)}
    assert outsiders, f"{route.name}: every persona holds {capability.name}"
    url = _url(route, ids)
    before = checksum()
    refusals = AuditEvent.objects.filter(action="access.refused").count()
    got = {}
    for name, user in outsiders.items():
        browser = _browser(user)
        for method in ("get", "post"):
            response = browser.get(url) if method == "get" else browser.post(url, FORGED_POST)
            got[(name, method)] = response.status_code
            if response.status_code == 403:
                page = response.content.decode()
                assert 'id="error-title">Você não tem acesso a esta página<' in page, (name, url)
                assert f'href="{reverse("portfolio:dashboard")}"' in page  # the menu
    assert {k: s for k, s in got.items() if s != 403} == {}
    assert {k: v for k, v in checksum().items() if before[k] != v} == {}
    recorded = AuditEvent.objects.filter(action="access.refused").count() - refusals
    assert recorded == (len(got) if route.int_kwargs else 0)


@pytest.mark.django_db
@pytest.mark.parametrize("route", GUARDED_ROUTES, ids=lambda r: r.name)
def test_a_stranger_is_sent_to_the_login_page_from_every_route_and_nothing_changes(
    route, client, ids
):
    url = _url(route, ids)
    before = checksum()
    for response in (client.get(url), client.post(url, FORGED_POST)):
        assert response.status_code == 302, url
        assert response["Location"].startswith(f"{reverse('login')}?next=")
    assert {k: v for k, v in checksum().items() if before[k] != v} == {}


@pytest.mark.django_db
def test_the_refusal_page_names_who_may_open_it_in_the_users_language(people, seller_ana):
    ana = people["seller_ana"]
    ana.language = "es"
    ana.save(update_fields=["language"])
    page = _browser(ana).get(reverse("plans:batches")).content.decode()
    with translation.override("es"):
        holders = str(CAPABILITIES["central-team"].holders)
    assert "No tiene acceso a esta página" in page
    assert holders in page
