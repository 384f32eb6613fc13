"""Lists, exports and map data show a seller only their own clients; forged filters never
widen the scope; a reassignment takes effect on the very next request."""

import csv
import io
import json

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from carteira.clients.services import do_assign_client
from tests.exports.conftest import exported
from tests.security.routes import routes


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"  # the export files


@pytest.fixture
def ana(seller_ana, portfolio):
    browser = Client()
    browser.force_login(seller_ana.user)
    return browser


def _exported_codes(browser, url: str) -> set[str]:
    """The client codes in the file that asking for ``url`` leads to (the worker builds it)."""
    response = exported(browser, url)
    text = b"".join(response.streaming_content)
    rows = csv.DictReader(io.StringIO(text.decode("utf-8-sig")), delimiter=";")
    if rows.fieldnames and "external_id" not in rows.fieldnames:
        rows = csv.DictReader(io.StringIO(text.decode("utf-8-sig")))
    return {row["external_id"] for row in rows}


def _linked_client_ids(html: str, portfolio) -> set[str]:
    return {code for code, c in portfolio.items() if f"/clients/{c.pk}/" in html}


@pytest.mark.django_db
def test_the_client_list_links_only_anas_clients(ana, portfolio):
    html = ana.get("/clients/").content.decode()
    assert _linked_client_ids(html, portfolio) == {"A1", "A2"}


@pytest.mark.django_db(transaction=True)
def test_the_export_holds_only_anas_clients(ana, media):
    assert _exported_codes(ana, "/clients/export.csv") == {"A1", "A2"}


@pytest.mark.django_db
def test_the_map_points_hold_only_anas_clients(ana, portfolio):
    response = ana.get("/territory/map/points.json")
    body = json.dumps(response.json())
    others = [code for code, c in portfolio.items() if code[0] != "A" and c.name in body]
    assert (response.status_code, others) == (200, [])


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/clients/", "/clients/export.csv"])
def test_forging_the_seller_filter_is_refused_or_ignored(ana, portfolio, seller_bruno, url):
    response = ana.get(url, {"seller": seller_bruno.pk})
    if response.status_code != 400:
        content = b"".join(response.streaming_content) if response.streaming else response.content
        assert b"B1" not in content and b"B2" not in content
        assert response.status_code == 200


@pytest.mark.django_db
def test_two_seller_values_never_widen_the_scope(ana, portfolio, seller_ana, seller_bruno):
    response = ana.get("/clients/", {"seller": [seller_ana.pk, seller_bruno.pk]})
    html = response.content.decode() if response.status_code == 200 else ""
    assert _linked_client_ids(html, portfolio) <= {"A1", "A2"}


@pytest.mark.django_db(transaction=True)
def test_a_reassignment_takes_effect_on_the_next_request(ana, portfolio, seller_bruno, media):
    client = portfolio["A1"]
    assert ana.get(f"/clients/{client.pk}/").status_code == 200
    do_assign_client(client, seller_bruno, start=timezone.localdate(), reason="teste")
    bruno = Client()
    bruno.force_login(seller_bruno.user)
    assert ana.get(f"/clients/{client.pk}/").status_code == 404
    assert bruno.get(f"/clients/{client.pk}/").status_code == 200
    assert _exported_codes(ana, "/clients/export.csv") == {"A2"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        {"sort": "seller__user__password"},
        {"filter[seller]": "2"},
        {"seller_id": "2"},
        {"page": "9999"},
        {"sort": "-seller__name"},
    ],
    ids=lambda q: next(iter(q)),
)
def test_unknown_or_hostile_query_keys_never_widen_the_list(ana, portfolio, query):
    response = ana.get("/clients/", query)
    html = response.content.decode() if response.status_code == 200 else ""
    assert response.status_code in (200, 400)
    assert _linked_client_ids(html, portfolio) <= {"A1", "A2"}
    assert "pbkdf2" not in html and "md5$" not in html


LIST_ROUTES = [r for r in routes() if not r.int_kwargs and r.name and r.policy != "public"]
# An export request answers 202; its file is checked once the worker (it commits) built it.
LIST_PARAMS = [
    pytest.param(r, marks=pytest.mark.django_db(transaction="export" in r.name))
    for r in LIST_ROUTES
]


@pytest.mark.parametrize("route", LIST_PARAMS, ids=lambda r: r.name)
def test_no_page_shows_ana_another_sellers_client(route, ana, portfolio, seller_bruno, media):
    samples = {"fmt": "csv", "report": "clients"}
    kwargs = {k: samples.get(k, "x") for k in route.other_kwargs}
    try:
        url = reverse(route.name, kwargs=kwargs)
    except NoReverseMatch:
        pytest.skip("needs a real token")
    response = ana.get(url)
    if response.status_code == 202:
        response = exported(ana, url)
    if response.status_code != 200:
        assert response.status_code in (302, 400, 403, 404, 405)
        return
    content = b"".join(response.streaming_content) if response.streaming else response.content
    leaked = [
        code for code, c in portfolio.items() if code[0] != "A" and c.name.encode() in content
    ]
    assert leaked == []
