"""The cadence of contacts: each stage says what comes next and when; the next steps of a
seller's leads are planned in the agenda with the seller's tasks, within the same daily
capacity of visits and calls."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from carteira.agenda.models import Task, WorkSchedule
from carteira.agenda.scheduling import do_schedule
from carteira.agenda.week import seller_week, week_as_json
from carteira.leads.models import Lead, LeadContact, LossReason, Stage
from carteira.leads.services import LeadError, do_move_lead, do_record_contact
from carteira.leads.stages import default_stages
from tests.leads.factories import make_lead
from tests.personas import make_client

pytestmark = pytest.mark.django_db
MONDAY = dt.date(2026, 11, 30)
MONDAY_NOON = dt.datetime(2026, 11, 30, 15, tzinfo=dt.UTC)


def lead_at(name, seller, *, stage="contacted", icp=None, **fields):
    lead = make_lead(name, seller, on=MONDAY - dt.timedelta(10), stage=stage, **fields)
    if icp is not None:
        Lead.objects.filter(pk=lead.pk).update(icp_score=icp)
        lead.icp_score = icp
    return lead


def test_entering_a_stage_sets_its_next_step_channel_and_date(seller_ana):
    lead = lead_at("Padaria", seller_ana, stage="listed")
    do_move_lead(lead, "contacted", by=None, on=MONDAY)
    assert (lead.next_step, lead.next_step_channel, lead.next_step_date) == (
        "Fazer novo contato", "phone", dt.date(2026, 12, 3))  # fmt: skip
    do_move_lead(lead, "meeting", by=None, on=MONDAY)
    lead.refresh_from_db()
    assert (lead.next_step, lead.next_step_channel, lead.next_step_date) == (
        "Reunião", "visit", dt.date(2026, 12, 3))  # fmt: skip
    do_move_lead(lead, "lost", by=None, on=MONDAY, loss_reason=LossReason.objects.create(name="X"))
    lead.refresh_from_db()
    assert (lead.next_step, lead.next_step_date) == ("", None)


def test_a_stage_with_its_own_cadence_days_uses_them(seller_ana):
    Stage.objects.all().delete()
    rows = default_stages()
    for row in rows:
        row.cadence_days = 10 if row.key == "follow_up" else None
    Stage.objects.bulk_create(rows)
    lead = lead_at("Mercado", seller_ana)
    do_move_lead(lead, "follow_up", by=None, on=MONDAY)
    assert lead.next_step_date == dt.date(2026, 12, 10)


def test_a_contact_is_kept_moves_the_lead_and_follows_the_cadence_or_the_step_given(seller_ana):
    lead = lead_at("Farmácia", seller_ana)
    contact = do_record_contact(lead, by=seller_ana.user, channel="phone", on=MONDAY,
                                note="Pediu catálogo", move_to="follow_up")  # fmt: skip
    lead.refresh_from_db()
    assert (contact.note, contact.reached, contact.by) == ("Pediu catálogo", True, seller_ana.user)
    assert list(lead.history.values_list("stage", "on"))[-1] == ("follow_up", MONDAY)
    assert (lead.next_step, lead.next_step_date) == (
        "Qualificar: necessidade, orçamento, quem decide", dt.date(2026, 12, 4))  # fmt: skip
    do_record_contact(lead, by=seller_ana.user, channel="whatsapp", on=MONDAY, reached=False,
                      next_step="Ligar depois das 14h", next_step_date=dt.date(2026, 12, 2),
                      next_step_channel="phone")  # fmt: skip
    lead.refresh_from_db()
    assert (lead.stage, lead.next_step, lead.next_step_date) == (
        "follow_up", "Ligar depois das 14h", dt.date(2026, 12, 2))  # fmt: skip
    assert lead.contacts.count() == 2


def test_a_next_step_before_the_contact_is_refused_and_nothing_is_written(seller_ana):
    lead = lead_at("Loja", seller_ana)
    with pytest.raises(LeadError, match=r"^O próximo passo não pode ser antes do contato\.$"):
        do_record_contact(lead, by=None, channel="phone", on=MONDAY,
                          next_step_date=MONDAY - dt.timedelta(1))  # fmt: skip
    assert LeadContact.objects.count() == 0


def calls_due(seller, n):
    for i in range(n):
        client = make_client(f"C-{i}", seller, state="RS")
        Task.objects.create(client=client, seller=seller, title="Ligar", channel="phone",
                            due_date=MONDAY, origin=Task.Origin.PLAN, plan_key="cell:1",
                            priority=100, frequency_days=30)  # fmt: skip


def test_leads_next_steps_share_the_daily_capacity_with_the_sellers_tasks(seller_ana):
    WorkSchedule.objects.create(seller=seller_ana, daily_visits=1, daily_calls=2)
    calls_due(seller_ana, 2)
    best, good, low = (lead_at(name, seller_ana, icp=icp)
                       for name, icp in (("Best", 90), ("Good", 50), ("Low", 10)))  # fmt: skip
    meeting = lead_at("Reunião SA", seller_ana, icp=30)
    for lead in (best, good, low):
        Lead.objects.filter(pk=lead.pk).update(next_step="Ligar", next_step_date=MONDAY)
    Lead.objects.filter(pk=meeting.pk).update(next_step="Reunião", next_step_date=MONDAY,
                                              next_step_channel="visit")  # fmt: skip
    do_schedule(today=MONDAY, seller_ids=[seller_ana.pk])
    planned = dict(Lead.objects.values_list("name", "scheduled_date"))
    assert planned == {"Best": dt.date(2026, 12, 1), "Good": dt.date(2026, 12, 1),
                       "Low": dt.date(2026, 12, 2), "Reunião SA": MONDAY}  # fmt: skip
    assert set(Task.objects.values_list("scheduled_date", flat=True)) == {MONDAY}
    week = seller_week(seller_ana, tasks=Task.objects.all(), monday=MONDAY, today=MONDAY)
    monday, tuesday = week.days[0], week.days[1]
    assert (monday.load, monday.call_load) == (1, 2)
    assert ([lead.name for lead in tuesday.prospects], tuesday.call_load) == (["Best", "Good"], 2)
    assert week_as_json(week)["days"][1]["leads"] == [
        {"lead": f"L{best.pk}", "kind": "call"},
        {"lead": f"L{good.pk}", "kind": "call"},
    ]


def test_a_lead_whose_next_step_changes_is_planned_again_on_the_next_agenda_view(
    client, seller_ana
):
    WorkSchedule.objects.create(seller=seller_ana, daily_visits=0, daily_calls=1)
    lead = lead_at("Atacado Bom", seller_ana, icp=80)
    do_schedule(today=MONDAY, seller_ids=[seller_ana.pk])
    with time_machine.travel(MONDAY_NOON, tick=False):
        client.force_login(seller_ana.user)
        response = client.post(reverse("leads:contact", args=[lead.pk]),
                               {"contact-channel": "phone", "contact-on": "2026-11-30",
                                "contact-reached": "on", "contact-note": "Atendeu",
                                "contact-next_step_date": "2026-12-02"})  # fmt: skip
        assert response.status_code == 302
        page = client.get(reverse("agenda:mine")).content.decode()
    lead.refresh_from_db()
    assert (lead.next_step, lead.scheduled_date) == ("Fazer novo contato", dt.date(2026, 12, 2))
    assert "Prospecção: 1 lead" in page
    assert f'href="/leads/{lead.pk}/"' in page


def test_planning_contacts_puts_the_best_leads_of_the_list_without_a_next_step_in_the_agenda(
    client, seller_ana, seller_bruno
):
    for name, icp in (("A", 95), ("B", 70), ("C", 40), ("D", 20)):
        lead_at(name, seller_ana, stage="listed", icp=icp)
    Lead.objects.filter(name="A").update(next_step="Ligar", next_step_date=MONDAY)
    lead_at("Bruno's", seller_bruno, stage="listed", icp=99)
    with time_machine.travel(MONDAY_NOON, tick=False):
        client.force_login(seller_ana.user)
        response = client.post(reverse("leads:plan") + "?stage=listed", {"count": "2"})
    assert response.status_code == 302
    planned = Lead.objects.filter(next_step_date=MONDAY).order_by("name")
    assert list(planned.values_list("name", "next_step", "next_step_channel")) == [
        ("A", "Ligar", "phone"), ("B", "Pesquisar a empresa", "other"),
        ("C", "Pesquisar a empresa", "other")]  # fmt: skip
