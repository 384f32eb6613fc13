"""The data-quality page through the browser's door: scoped lists, fixes for managers."""

import pytest
from django.urls import reverse

from carteira.clients.models import Client
from carteira.hygiene.models import DuplicateReview
from tests.personas import PASSWORD

pytestmark = pytest.mark.django_db
URL = reverse("hygiene:index")


def login(client, user):
    user.language = "en"  # the assertions read the English source messages
    user.save(update_fields=["language"])
    assert client.login(username=user.username, password=PASSWORD)


def listed(page):
    return sorted(c.external_id for c in page.context["page"])


def test_a_seller_sees_counts_and_lists_of_their_own_clients_only(client, flawed, seller_ana):
    login(client, seller_ana.user)
    page = client.get(URL)
    assert page.status_code == 200
    assert page.context["counts"] == {"coordinates": 1, "segment": 1, "document": 1,
                                      "duplicates": 1, "contacts": 1}  # fmt: skip
    assert listed(page) == ["A2"]
    assert page.context["can_fix"] is False
    assert b"bulk-fix" not in page.content
    groups = client.get(URL, {"check": "duplicates"}).context["groups"]
    assert [sorted(c.external_id for c in g.clients) for g in groups] == [["A1", "A2"]]


def test_a_seller_cannot_fix_and_nothing_changes(client, flawed, seller_ana):
    login(client, seller_ana.user)
    data = {"action": "segment", "scope": "all", "new_segment": "x", "check": "segment"}
    assert client.post(reverse("hygiene:fix"), data).status_code == 403
    assert Client.objects.filter(segment="x").count() == 0


def test_the_filters_narrow_the_counts(client, flawed, director):
    login(client, director)
    page = client.get(URL, {"state": "PE", "check": "document"})
    assert page.context["counts"] == {"coordinates": 1, "segment": 1, "document": 1,
                                      "duplicates": 0, "contacts": 1}  # fmt: skip
    assert listed(page) == ["C2"]


def test_setting_the_segment_of_the_ticked_clients_returns_to_the_same_list(
    client, flawed, director
):
    login(client, director)
    data = {"action": "segment", "scope": "selected", "new_segment": "padarias",
            "ids": [flawed["A2"].pk], "check": "segment", "state": "RS"}  # fmt: skip
    response = client.post(reverse("hygiene:fix"), data)
    assert response.status_code == 302
    assert response["Location"] == f"{URL}?state=RS&check=segment"
    assert dict(Client.objects.values_list("external_id", "segment"))["A2"] == "padarias"
    assert Client.objects.get(external_id="C1").segment == ""


def test_placing_all_listed_clients_on_their_municipality(client, flawed, director):
    login(client, director)
    data = {"action": "geocode", "scope": "all", "check": "coordinates"}
    client.post(reverse("hygiene:fix"), data)
    assert Client.objects.filter(latitude__isnull=True).count() == 0


def test_a_fix_for_clients_outside_the_scope_changes_nothing(client, flawed, manager_norte):
    login(client, manager_norte)
    data = {"action": "segment", "scope": "selected", "new_segment": "bares",
            "ids": [flawed["A2"].pk], "check": "segment"}  # fmt: skip
    client.post(reverse("hygiene:fix"), data)
    assert Client.objects.filter(segment="bares").count() == 0


def test_a_duplicate_group_with_a_client_outside_the_scope_is_a_404(client, flawed, manager_norte):
    login(client, manager_norte)
    data = {"action": "merge", "ids": [flawed["C1"].pk, flawed["A1"].pk],
            "keep": flawed["C1"].pk}  # fmt: skip
    assert client.post(reverse("hygiene:duplicates"), data).status_code == 404
    assert Client.objects.count() == 6


def test_reviewed_and_merged_groups_leave_the_list(client, flawed, director):
    login(client, director)
    a1, a2, b1 = flawed["A1"], flawed["A2"], flawed["B1"]
    client.post(reverse("hygiene:duplicates"), {"action": "reviewed", "ids": [a1.pk, b1.pk]})
    assert DuplicateReview.objects.count() == 1
    merge = {"action": "merge", "ids": [a1.pk, a2.pk], "keep": a1.pk}
    client.post(reverse("hygiene:duplicates"), {**merge, "confirmed": "on"})
    assert not Client.objects.filter(pk=a2.pk).exists()
    assert client.get(URL, {"check": "duplicates"}).context["groups"] == []


def test_the_page_asks_anonymous_visitors_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_merge_shows_what_will_move_and_changes_nothing_before_confirming(
    client, flawed, director
):
    login(client, director)
    a1, a2 = flawed["A1"], flawed["A2"]
    Client.objects.filter(pk=a1.pk).update(phone="")
    Client.objects.filter(pk=a2.pk).update(phone="5133334444")
    data = {"action": "merge", "ids": [a1.pk, a2.pk], "keep": a1.pk, "state": "RS"}
    page = client.post(reverse("hygiene:duplicates"), data)
    assert page.status_code == 200
    moving = {"contact": 1, "assignment": 1}  # its contact and its portfolio history
    assert page.context["others"] == [(Client.objects.get(pk=a2.pk), moving)]
    assert page.context["filled"] == ["phone"]
    assert page.context["filters"] == {"state": "RS"}
    assert Client.objects.filter(pk=a2.pk).exists()  # nothing happened yet


def test_the_tabs_keep_the_filter_and_set_their_own_check(client, flawed, director):
    login(client, director)
    page = client.get(URL, {"state": "RS", "check": "document"}).content.decode()
    assert 'href="?state=RS&amp;check=segment"' in page
    assert "check=document&amp;check" not in page


def test_a_seller_gets_no_seller_filter_and_a_manager_gets_their_sellers(
    client, flawed, seller_ana, manager_sul
):
    login(client, seller_ana.user)
    assert 'name="seller"' not in client.get(URL).content.decode()
    client.logout()
    login(client, manager_sul)
    choices = client.get(URL).context["form"].fields["seller"].choices
    assert [label for _value, label in choices[1:]] == ["Ana Souza", "Bruno Lima"]
