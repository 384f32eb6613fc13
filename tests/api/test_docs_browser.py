"""The interactive docs render in real Chromium with no network beyond the server and
no CSP violation."""

import pytest

from carteira.api.api import operations


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_swagger_docs_render_offline_under_the_content_security_policy(page, live_server):
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    outside = []

    def only_local(route):
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_local)
    page.goto(f"{live_server.url}/api/v1/docs")
    page.wait_for_selector(".opblock")
    assert page.locator(".opblock").count() == len(list(operations()))  # every operation
    assert outside == []
    assert errors == []
