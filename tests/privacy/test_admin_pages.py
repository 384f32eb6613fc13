"""The privacy records are browsable by admins."""

import pytest
from django.test import Client


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/admin/privacy/datasubjectrequest/",
        "/admin/privacy/consentrecord/",
        "/admin/privacy/retentionrun/",
        "/admin/audit/auditevent/",
    ],
)
def test_an_admin_browses_the_privacy_and_audit_records(admin_user, url):
    browser = Client()
    browser.force_login(admin_user)
    assert browser.get(url).status_code == 200
