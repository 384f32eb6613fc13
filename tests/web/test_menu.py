"""The main menu (web/menu.py): each person sees the pages they may open, grouped, and no
link in it leads to a refusal."""

import re

import pytest
from django.test import Client

from carteira.web.menu import MENU

PERSONAS = ("seller_ana", "manager_sul", "analyst", "director", "admin_user")
LINK = re.compile(r'<li><a href="(/[^"]*)"')


def _menu_links(user) -> tuple[Client, list[str]]:
    browser = Client()
    browser.force_login(user)
    page = browser.get("/clients/").content.decode()
    start = page.index("</ul>", page.index("<nav>"))  # after the brand
    menu = page[start : page.index('<details class="dropdown">\n            <summary>')]
    return browser, LINK.findall(menu)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_every_link_in_a_persons_menu_opens_for_them(request, persona, portfolio):
    user = getattr(request.getfixturevalue(persona), "user", None) or request.getfixturevalue(
        persona
    )
    browser, links = _menu_links(user)
    assert links
    refused = {url: browser.get(url).status_code for url in links}
    assert {url: code for url, code in refused.items() if code != 200} == {}


@pytest.mark.django_db
def test_a_sellers_menu_is_their_days_work_and_the_managers_has_the_groups(seller_ana, manager_sul):
    _, seller_links = _menu_links(seller_ana.user)
    assert seller_links == [
        "/portfolio/", "/clients/", "/agenda/", "/campo/", "/review/",
        "/goals/performance/", "/territory/map/", "/complaints/", "/leads/",
        "/data-quality/", "/api/tokens/",
    ]  # fmt: skip
    browser = Client()
    browser.force_login(manager_sul)
    page = browser.get("/clients/").content.decode()
    groups = re.findall(r'<details class="dropdown menu-group">\s*<summary[^>]*>([^<]+)<', page)
    assert groups == ["Gestão", "Crescimento", "Dados"]


@pytest.mark.django_db
def test_the_current_page_marks_its_entry_and_its_group(manager_sul):
    browser = Client()
    browser.force_login(manager_sul)
    page = browser.get("/distribution/").content.decode()
    assert re.findall(r'<summary aria-current="page">([^<]+)<', page) == ["Gestão"]
    assert re.findall(r'<a href="([^"]+)" aria-current="page">', page) == ["/distribution/"]


def test_every_entry_belongs_to_exactly_one_group():
    names = [entry.url_name for group in MENU for entry in group.entries]
    assert len(names) == len(set(names))
