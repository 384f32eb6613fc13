"""The bulk fixes: what each changes, that it is audited, and that a merge loses nothing."""

import datetime as dt
from decimal import Decimal

import pytest

from carteira.audit.models import AuditEvent
from carteira.clients.access import clients_visible_to
from carteira.clients.models import Assignment, Client, Contact
from carteira.hygiene.models import ClientMerge, DuplicateReview
from carteira.hygiene.selectors import centroid_of, without_coordinates, without_segment
from carteira.hygiene.services import (
    do_geocode_from_municipality,
    do_mark_reviewed,
    do_merge_clients,
    do_set_segment,
)
from carteira.interactions.models import Interaction
from carteira.orders.models import Order

pytestmark = pytest.mark.django_db


def test_setting_a_segment_changes_only_the_clients_given_and_is_audited(flawed, director):
    changed = do_set_segment(without_segment(Client.objects.all()), " padarias ", by=director)
    assert changed == 2
    segments = dict(Client.objects.values_list("external_id", "segment"))
    assert (segments["A2"], segments["C1"], segments["A1"]) == ("padarias", "padarias",
                                                                "supermercados")  # fmt: skip
    assert Client.objects.get(external_id="A2").version == flawed["A2"].version + 1
    event = AuditEvent.objects.get(action="hygiene.segment_set")
    assert event.details == {"clients": sorted([flawed["A2"].pk, flawed["C1"].pk]), "count": 2}


def test_geocoding_places_known_municipalities_and_counts_the_rest(flawed, director):
    Client.objects.filter(external_id="C2").update(city="Cidade Inventada")
    placed, unknown = do_geocode_from_municipality(
        without_coordinates(Client.objects.all()), by=director
    )
    assert (placed, unknown) == (2, 1)  # A2 and B2 in Porto Alegre; C2's city is unknown
    a2 = Client.objects.get(external_id="A2")
    assert (a2.latitude, a2.longitude) == centroid_of("Porto Alegre", "RS")
    assert Client.objects.get(external_id="C2").latitude is None
    assert AuditEvent.objects.get(action="hygiene.geocoded").details["count"] == 2


def test_a_manager_fixes_only_within_their_scope(flawed, manager_norte):
    scoped = without_segment(clients_visible_to(manager_norte))
    assert do_set_segment(scoped, "bares", by=manager_norte) == 1
    assert Client.objects.get(external_id="A2").segment == ""  # Ana's: not Nelson's team


def test_reviewing_records_each_pair_once(flawed, director):
    ids = [flawed["A1"].pk, flawed["A2"].pk, flawed["B1"].pk]
    assert do_mark_reviewed(ids, by=director) == 3
    assert do_mark_reviewed(ids[:2], by=director) == 0
    assert DuplicateReview.objects.count() == 3


def test_a_merge_moves_everything_to_the_kept_client_and_loses_nothing(flawed, director):
    a1, a2 = flawed["A1"], flawed["A2"]
    Client.objects.filter(pk=a2.pk).update(phone="5133334444", trade_name="Padaria do Centro")
    Order.objects.create(external_id="P1", client=a1, date=dt.date(2025, 3, 1), amount=10)
    Order.objects.create(external_id="P2", client=a2, date=dt.date(2025, 3, 2),
                         amount=Decimal("20.50"))  # fmt: skip
    Interaction.objects.create(client=a2, date=dt.date(2025, 3, 3), channel="phone",
                               successful=True)  # fmt: skip

    merge = do_merge_clients(a1, [a1, Client.objects.get(pk=a2.pk)], by=director)

    assert not Client.objects.filter(pk=a2.pk).exists()
    kept = Client.objects.get(pk=a1.pk)
    assert sorted(kept.orders.values_list("external_id", flat=True)) == ["P1", "P2"]
    assert kept.interactions.count() == 1
    assert sorted(Contact.objects.filter(client=kept).values_list("name", flat=True)) == [
        "Joana", "Paulo"]  # fmt: skip
    # Blank fields of the kept client take the merged one's; filled ones stay.
    assert (kept.phone, kept.trade_name, kept.document) == (
        "5133334444", "Padaria do Centro", a1.document)  # fmt: skip
    # The merged client's assignment history is the kept client's now, closed.
    history = Assignment.objects.filter(client=kept).order_by("pk")
    assert [(h.seller_id, h.end_date is None) for h in history] == [
        (a1.seller_id, True), (a2.seller_id, False)]  # fmt: skip
    # Its own registration is on the merge record, and the audit says what moved.
    assert (merge.merged_external_id, merge.registration["document"]) == ("A2", "12345678000100")
    assert merge.moved["orders.Order"] == 1 and merge.moved["clients.Contact"] == 1
    event = AuditEvent.objects.get(action="clients.merged")
    assert (event.object_id, event.details["merged"]) == (str(a1.pk), a2.pk)
    assert ClientMerge.objects.count() == 1
