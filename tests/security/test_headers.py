"""Security headers on every HTML page; personal pages are never cached."""

import pytest
from django.test import Client


@pytest.fixture
def ana_browser(seller_ana, portfolio):
    browser = Client()
    browser.force_login(seller_ana.user)
    return browser


# An export request answers 202 with the page that follows its job.
PAGES = ["/clients/", "/clients/{A1}/", "/clients/export.csv", "/exports/", "/portfolio/",
         "/agenda/"]  # fmt: skip


def _pages(portfolio):
    return [p.format(A1=portfolio["A1"].pk) for p in PAGES]


@pytest.mark.django_db
def test_every_page_carries_the_security_headers(ana_browser, portfolio):
    for url in [*_pages(portfolio), "/login/"]:
        response = ana_browser.get(url) if url != "/login/" else Client().get(url)
        assert response.status_code == (202 if "export." in url else 200), url
        csp = response["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp, url
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, url
        assert response["X-Content-Type-Options"] == "nosniff", url
        assert response["X-Frame-Options"] == "DENY", url
        assert response["Referrer-Policy"] == "same-origin", url


@pytest.mark.django_db
def test_pages_with_personal_data_are_not_stored(ana_browser, portfolio):
    for url in _pages(portfolio):
        cache_control = ana_browser.get(url)["Cache-Control"]
        assert "no-store" in cache_control and "private" in cache_control, url


@pytest.mark.django_db
def test_hsts_is_sent_for_a_year_when_served_over_https(settings, ana_browser, portfolio):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = ana_browser.get("/clients/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
