"""The ICS feed: only the seller's planned visits, behind a secret, revocable address."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from carteira.agenda.ics import Event, calendar, fold
from carteira.agenda.models import CalendarFeed
from carteira.agenda.services import do_new_feed, do_revoke_feed
from carteira.plans.planner import do_plan
from tests.plans.story import T


def test_long_lines_are_folded_at_75_octets_without_splitting_a_character():
    line = "SUMMARY:" + "ção " * 40
    folded = fold(line)
    pieces = folded.split("\r\n")
    assert all(len(piece.encode()) <= 75 for piece in pieces)
    assert all(piece.startswith(" ") for piece in pieces[1:])
    assert (
        "".join(piece.removeprefix(" ") if i else piece for i, piece in enumerate(pieces)) == line
    )


def test_a_calendar_is_crlf_text_with_escaped_values():
    text = calendar(
        [Event(uid="task-1@carteira", day=dt.date(2026, 6, 30), summary="Visita; A, B")],
        name="Ana",
        stamp=dt.datetime(2026, 6, 30, 12, tzinfo=dt.UTC),
    )
    assert text.split("\r\n") == [
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Carteira//Agenda//PT",
        "CALSCALE:GREGORIAN", "METHOD:PUBLISH", "X-WR-CALNAME:Ana", "BEGIN:VEVENT",
        "UID:task-1@carteira", "DTSTAMP:20260630T120000Z", "DTSTART;VALUE=DATE:20260630",
        "DTEND;VALUE=DATE:20260701", "SUMMARY:Visita\\; A\\, B", "END:VEVENT", "END:VCALENDAR", "",
    ]  # fmt: skip


@pytest.mark.django_db
class TestCalendarFeed:
    def test_the_feed_holds_only_the_sellers_planned_visits_on_their_planned_day(
        self, client, readings, seller_ana
    ):
        # Planned on T (a Tuesday, a working day in RS): the visit due on T is planned on T.
        with time_machine.travel(dt.datetime(2026, 6, 30, 15, tzinfo=dt.UTC), tick=False):
            do_plan(T)
        feed = do_new_feed(seller_ana, by=seller_ana.user)
        response = client.get(reverse("agenda:feed", args=[feed.token]))
        assert response.status_code == 200
        assert response["Content-Type"] == "text/calendar; charset=utf-8"
        text = response.content.decode()
        # A1 is a visit; A2 is a phone call; B1 is Bruno's visit.
        assert text.count("BEGIN:VEVENT") == 1
        assert "Cliente A1 LTDA" in text and "DTSTART;VALUE=DATE:20260630" in text
        assert "B1" not in text

    def test_a_wrong_or_revoked_token_is_404(self, client, readings, seller_ana):
        feed = do_new_feed(seller_ana, by=seller_ana.user)
        assert client.get(reverse("agenda:feed", args=["not-the-token"])).status_code == 404
        do_revoke_feed(seller_ana, by=seller_ana.user)
        assert client.get(reverse("agenda:feed", args=[feed.token])).status_code == 404

    def test_a_new_address_retires_the_old_one(self, client, seller_ana):
        old = do_new_feed(seller_ana, by=seller_ana.user)
        new = do_new_feed(seller_ana, by=seller_ana.user)
        assert client.get(reverse("agenda:feed", args=[old.token])).status_code == 404
        assert client.get(reverse("agenda:feed", args=[new.token])).status_code == 200
        assert CalendarFeed.objects.filter(revoked_at__isnull=True).count() == 1

    def test_the_seller_makes_their_address_on_the_settings_page(self, client, seller_ana):
        client.force_login(seller_ana.user)
        response = client.post(reverse("agenda:feed_settings"), {"action": "new"})
        assert response.status_code == 302
        feed = CalendarFeed.objects.get(seller=seller_ana)
        page = client.get(reverse("agenda:feed_settings"))
        assert feed.token in page.content.decode()
