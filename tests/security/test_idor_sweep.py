"""As seller Ana, every URL that takes an object id, fed Bruno's (or the company's) ids:
404 — never 403 for an object Ana could own, never 200 — and nothing in the database moves."""

import pytest
from django.test import Client
from django.urls import reverse

from carteira.accounts.capabilities import MANAGEMENT, PLAN_EDITORS
from carteira.accounts.policy import capability_of
from carteira.audit.models import AuditEvent
from tests.security.objects import checksum, company_objects, owned_objects
from tests.security.routes import routes

SAMPLE = {"fmt": "csv", "token": "x" * 32, "report": "clients"}
FORGED_POST = {"status": "done", "seller": "", "seller_id": "", "text": "x", "reason": "x",
               "title": "x", "decision": "recover", "name": "x", "version": "1"}  # fmt: skip
ID_ROUTES = [r for r in routes() if r.int_kwargs and r.name]


@pytest.fixture
def objects(portfolio, seller_ana, seller_bruno, manager_sul):
    return {
        "ana": owned_objects(seller_ana, portfolio["A1"]),
        "bruno": owned_objects(seller_bruno, portfolio["B1"]),
        "company": company_objects(manager_sul, seller_bruno),
    }


def _url(route, ids: dict[str, int]) -> str:
    kwargs = {k: ids[k] for k in route.int_kwargs}
    return reverse(route.name, kwargs=kwargs | {k: SAMPLE.get(k, "x") for k in route.other_kwargs})


def _ids_for(objects, whose: str) -> dict[str, int]:
    return objects["company"] | objects[whose]


@pytest.mark.django_db
@pytest.mark.parametrize("route", ID_ROUTES, ids=lambda r: r.name)
def test_ana_gets_404_for_bruno_objects_and_nothing_changes(route, objects, seller_ana):
    missing = [k for k in route.int_kwargs if k not in _ids_for(objects, "bruno")]
    assert missing == [], f"add a {missing} factory to tests/security/objects.py"
    ana = Client()
    ana.force_login(seller_ana.user)
    own_url = _url(route, _ids_for(objects, "ana"))
    # A page Ana's role can never open may answer 403 whatever the id: that reveals nothing.
    role_refused = {m for m in ("get", "post") if _call(ana, m, own_url) == 403}
    before, refusals = checksum(), AuditEvent.objects.filter(action="access.refused").count()
    url = _url(route, _ids_for(objects, "bruno"))
    got = {m: _call(ana, m, url) for m in ("get", "post")}
    after = checksum()
    wrong = {
        m: s
        for m, s in got.items()
        if s not in ({403, 404, 405} if m in role_refused else {404, 405})
    }
    assert wrong == {}, url
    assert {k: v for k, v in after.items() if before[k] != v} == {}
    recorded = AuditEvent.objects.filter(action="access.refused").count() - refusals
    assert recorded == sum(status in (403, 404) for status in got.values())


def _allowed(role_refused: bool) -> set[int]:
    return {403, 404, 405} if role_refused else {404, 405}


def _call(client, method: str, url: str) -> int:
    if method == "get":
        return client.get(url).status_code
    return client.post(url, FORGED_POST).status_code


# Routes a manager may open for their own team's clients (the others refuse the role
# whatever the id: tests/security/test_capability_sweep.py).
CLIENT_ROUTES = [r for r in ID_ROUTES if set(r.int_kwargs) <= {"client_id", "contact_id"}
                 and capability_of(r.view) in (None, MANAGEMENT, PLAN_EDITORS)]  # fmt: skip


@pytest.mark.django_db
def test_a_manager_gets_404_for_another_teams_clients_and_contacts(objects, manager_norte,
                                                                    team_norte):  # fmt: skip
    nelson = Client()
    nelson.force_login(manager_norte)
    got = {}
    for route in CLIENT_ROUTES:
        url = _url(route, _ids_for(objects, "bruno"))
        got[route.name] = (_call(nelson, "get", url), _call(nelson, "post", url))
    assert {name: s for name, s in got.items() if not set(s) <= {404, 405}} == {}
    assert len(got) >= 6
