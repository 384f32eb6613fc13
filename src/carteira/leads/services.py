"""Writes on leads: create, edit, move along the funnel, convert into a client.

Every door (pages, API, import, demo) goes through these ``do_…`` functions, so the
stage history, the coordinates and the audit trail are never skipped."""

import datetime as dt
from functools import cache

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from carteira.accounts.models import User
from carteira.audit.events import LEAD_CLOSED, emit
from carteira.audit.services import do_record
from carteira.clients.models import Client
from carteira.clients.services import do_create_client
from carteira.leads.icp import Profile, current_profile
from carteira.leads.models import Lead, LeadContact, LossReason, StageChange
from carteira.leads.stages import cadence_of, closing_keys, stage_keys, stage_of
from carteira_core.demo.geo import municipalities
from carteira_core.documents import normalize_document
from carteira_core.ingest.values import fold


class LeadError(ValueError):
    """A refused write, with the pt-BR message the user reads."""


@cache
def _centroids() -> dict[tuple[str, str], tuple[float, float]]:
    towns = municipalities()
    return {
        (fold(str(name)), str(uf)): (round(float(lat), 6), round(float(lon), 6))
        for name, uf, lat, lon in zip(towns.name, towns.uf, towns.lat, towns.lon, strict=True)
    }


def place(lead: Lead) -> None:
    """Coordinates from the municipality's seat when the lead has none (the ~3,000 most
    populous municipalities the product ships)."""
    if lead.latitude is None and lead.city and lead.state:
        found = _centroids().get((fold(lead.city), lead.state.upper()))
        if found:
            lead.latitude, lead.longitude = found


def normalised_document(text: str) -> str:
    if not text:
        return ""
    try:
        return normalize_document(text)[1]
    except ValueError:
        raise LeadError(_("Invalid CNPJ/CPF: %(value)s") % {"value": text}) from None


def _entered(lead: Lead, stage: str, *, previous: str, on: dt.date, by: User | None):
    StageChange.objects.create(lead=lead, stage=stage, previous=previous, on=on, by=_actor(by))


@transaction.atomic
def do_create_lead(
    lead: Lead,
    *,
    by: User | None,
    via: str,
    on: dt.date | None = None,
    profile: Profile | None = None,
) -> Lead:
    """Save a new lead (fields already validated); its history starts at its stage, its
    ICP score is read against ``profile`` (default: the latest official reading's)."""
    on = on or timezone.localdate()
    lead.document = normalised_document(lead.document)
    lead.state = lead.state.upper()
    if lead.stage not in stage_keys():
        raise LeadError(_("Unknown stage: %(value)s") % {"value": lead.stage})
    lead.created_date = lead.created_date or on
    lead.stage_since = on
    place(lead)
    profile = profile or current_profile()
    if profile is not None:
        profile.score(lead)
    lead.save()
    _entered(lead, lead.stage, previous="", on=on, by=by)
    do_record("lead.created", actor=by, obj=lead, via=via)
    return lead


def do_update_lead(lead: Lead, fields: list[str], *, by: User | None) -> Lead:
    """Save ``fields`` of a (validated) lead; the stage moves only by ``do_move_lead``."""
    if "stage" in fields:
        raise LeadError(_("The stage changes by moving the lead."))
    if "document" in fields:
        lead.document = normalised_document(lead.document)
    if {"city", "state"} & set(fields):
        lead.latitude = lead.longitude = None
        place(lead)
        fields = [*fields, "latitude", "longitude"]
    if {"next_step_date", "next_step_channel", "seller"} & set(fields):
        lead.scheduled_date = None  # the agenda plans it again
        fields = [*fields, "scheduled_date"]
    if {"city", "state", "segment"} & set(fields) and (profile := current_profile()):
        profile.score(lead)
        fields = [*fields, "icp_score", "icp_factors"]
    if fields:
        with transaction.atomic():
            lead.save(update_fields=sorted(set(fields)))
            do_record("lead.updated", actor=by, obj=lead, fields=len(fields))
    return lead


@transaction.atomic
def do_move_lead(
    lead: Lead,
    stage: str,
    *,
    by: User | None,
    on: dt.date | None = None,
    loss_reason: LossReason | None = None,
) -> Lead:
    """Move a lead to ``stage`` (a key): one history row, the date it entered. A lead
    moved to a lost stage needs a reason from the managed list."""
    on = on or timezone.localdate()
    if stage not in stage_keys():
        raise LeadError(_("Unknown stage: %(value)s") % {"value": stage})
    lost = stage in closing_keys("lost")
    if lost and loss_reason is None:
        raise LeadError(_("Say why the lead was lost."))
    if stage == lead.stage:
        return lead
    previous = lead.stage
    lead.stage, lead.stage_since = stage, on
    lead.loss_reason = loss_reason if lost else None
    _follow_cadence(lead, on)
    lead.save(update_fields=["stage", "stage_since", "loss_reason", *NEXT_STEP_FIELDS])
    _entered(lead, stage, previous=previous, on=on, by=by)
    do_record("lead.moved", actor=by, obj=lead, stage=stage)
    if lost or stage in closing_keys("won"):
        emit(LEAD_CLOSED, lead=lead, outcome="lost" if lost else "won")
    return lead


NEXT_STEP_FIELDS = ("next_step", "next_step_date", "next_step_channel", "scheduled_date")


def _follow_cadence(lead: Lead, on: dt.date, *, step: str = "", due: dt.date | None = None,
                    channel: str = "") -> None:  # fmt: skip
    """The lead's next step after entering its stage or a contact: the one given, else the
    stage's cadence from ``on``; a won or lost lead has none. The agenda plans it again."""
    lead.scheduled_date = None
    stage = stage_of(lead.stage)
    if lead.stage in closing_keys("won") | closing_keys("lost") or stage is None:
        lead.next_step, lead.next_step_date = "", None
        return
    text, default_channel, days = cadence_of(stage)
    lead.next_step = step or text
    lead.next_step_date = due or on + dt.timedelta(days=days)
    lead.next_step_channel = channel or default_channel


@transaction.atomic
def do_record_contact(
    lead: Lead,
    *,
    by: User | None,
    channel: str,
    on: dt.date | None = None,
    reached: bool = True,
    note: str = "",
    move_to: str = "",
    loss_reason: LossReason | None = None,
    next_step: str = "",
    next_step_date: dt.date | None = None,
    next_step_channel: str = "",
) -> LeadContact:
    """A contact made with the lead: kept in its history; the lead moves on when
    ``move_to`` says so, and its next step is the one given or the cadence's."""
    on = on or timezone.localdate()
    if next_step_date is not None and next_step_date < on:
        raise LeadError(_("The next step cannot be before the contact."))
    if lead.client_id is not None or lead.stage in closing_keys("won") | closing_keys("lost"):
        raise LeadError(_("This lead is closed: record contacts on the client."))
    contact = LeadContact.objects.create(lead=lead, on=on, channel=channel, reached=reached,
                                         note=note, by=_actor(by))  # fmt: skip
    if move_to and move_to != lead.stage:
        do_move_lead(lead, move_to, by=by, on=on, loss_reason=loss_reason)
    if lead.stage not in closing_keys("won") | closing_keys("lost"):
        _follow_cadence(lead, on, step=next_step, due=next_step_date, channel=next_step_channel)
        lead.save(update_fields=list(NEXT_STEP_FIELDS))
    do_record("lead.contacted", actor=by, obj=lead, channel=channel)
    return contact


def _actor(by: User | None) -> User | None:
    return by if getattr(by, "is_authenticated", False) else None


def do_plan_first_contacts(leads, *, by: User | None, on: dt.date | None = None) -> int:
    """Give each of ``leads`` without a next step its stage's next step, due ``on`` (the
    seller picked them, e.g. the best ICP of a list): the agenda plans them within its
    capacity. Returns how many were given one."""
    on = on or timezone.localdate()
    closed = closing_keys("won") | closing_keys("lost")
    chosen = [lead for lead in leads if lead.next_step_date is None and lead.stage not in closed
              and lead.client_id is None]  # fmt: skip
    with transaction.atomic():
        for lead in chosen:  # one save each: the agenda hears of it (agenda.receivers)
            _follow_cadence(lead, on, due=on)
            lead.save(update_fields=list(NEXT_STEP_FIELDS))
        if chosen:
            do_record("lead.planned", actor=by, leads=len(chosen))
    return len(chosen)


def do_plan_lead_days(days: dict[int, dt.date | None]) -> None:
    """Write the days the agenda planned (lead pk → working day, None: no room)."""
    by_day: dict[dt.date | None, list[int]] = {}
    for pk, day in days.items():
        by_day.setdefault(day, []).append(pk)
    for day, ids in by_day.items():
        for start in range(0, len(ids), 2_000):
            Lead.objects.filter(pk__in=ids[start : start + 2_000]).update(scheduled_date=day)


def _client_code(lead: Lead) -> str:
    code = lead.external_id or f"L{lead.pk}"
    return code if not Client.objects.filter(external_id=code).exists() else f"L{lead.pk}"


@transaction.atomic
def do_convert_lead(lead: Lead, *, by: User | None, on: dt.date | None = None) -> Client:
    """The won lead becomes a client of its owner: a prospect until its first order makes
    it active (the engine reads that from the orders). The lead keeps its history and
    points to the client; a lead not yet won is moved to won first."""
    if lead.client_id is not None:
        code = lead.client.external_id
        raise LeadError(_("This lead is already client %(code)s.") % {"code": code})
    if lead.document and Client.objects.filter(document=lead.document).exists():
        raise LeadError(_("CNPJ/CPF %(value)s already belongs to a client.")
                        % {"value": lead.document})  # fmt: skip
    won = sorted(closing_keys("won"))
    if not won:
        raise LeadError(_("The funnel has no won stage."))
    client = Client(external_id=_client_code(lead), name=lead.name, document=lead.document,
                    segment=lead.segment, city=lead.city, state=lead.state,
                    latitude=lead.latitude, longitude=lead.longitude, phone=lead.phone,
                    email=lead.email, created_date=on or timezone.localdate())  # fmt: skip
    try:
        do_create_client(client, seller=lead.seller, by=by, via="lead")
    except IntegrityError:
        raise LeadError(_("The client could not be created (code or CNPJ in use).")) from None
    lead.client = client
    lead.save(update_fields=["client"])
    if lead.stage not in won:  # after the client exists: the won event names it
        do_move_lead(lead, won[0], by=by, on=on)
    do_record("lead.converted", actor=by, obj=lead, client=client.pk)
    return client


def do_backfill_history(*, today: dt.date) -> int:
    """History for leads that have none (the demo's bulk insert, old data): the lead
    entered each open stage up to its own, spread evenly from its creation to the day it
    was won (its client's creation) or to ``today``. Returns the rows written."""
    open_keys = [k for k in stage_keys() if k not in closing_keys("won") | closing_keys("lost")]
    won = closing_keys("won")
    leads = Lead.objects.filter(history__isnull=True).select_related("client")
    changes, since = [], {}
    for lead in leads.iterator():
        path = _path_to(lead.stage, open_keys, won=lead.stage in won)
        end = lead.client.created_date if lead.client and lead.client.created_date else today
        end = max(min(end, today), lead.created_date)
        span = (end - lead.created_date).days
        previous = ""
        for step, key in enumerate(path):
            day = lead.created_date + dt.timedelta(days=span * step // max(len(path) - 1, 1))
            changes.append(StageChange(lead_id=lead.pk, stage=key, previous=previous, on=day))
            previous = key
        since[lead.pk] = changes[-1].on
    StageChange.objects.bulk_create(changes, batch_size=2000)
    for pk, day in since.items():
        Lead.objects.filter(pk=pk).update(stage_since=day)
    return len(changes)


def _path_to(stage: str, open_keys: list[str], *, won: bool) -> list[str]:
    """The stages a lead went through to reach ``stage``: the open ones before it; a won
    lead went through them all, a lost one through about half."""
    if stage in open_keys:
        return open_keys[: open_keys.index(stage) + 1]
    reached = len(open_keys) if won else max(1, len(open_keys) // 2)
    return [*open_keys[:reached], stage]
