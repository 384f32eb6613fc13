"""Applying the phone's queue: each operation once (its idempotency key), under the same
gate and the same validation as the web pages, in the order the seller made them.
The conflict rules are docs/adr/0023-offline-sync.md; each answer says what happened and
why, so the phone can show it (nothing is dropped silently)."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from carteira.accounts.models import User
from carteira.agenda.checkins import UnverifiedReason, verdict_text
from carteira.agenda.forms import OutcomeForm
from carteira.agenda.models import Task
from carteira.agenda.scheduling import do_schedule
from carteira.agenda.selectors import tasks_visible_to
from carteira.agenda.services import TaskNotOpen, do_close_task
from carteira.audit.services import do_record
from carteira.clients.access import clients_visible_to
from carteira.clients.models import Assignment, Client
from carteira.field.models import AppliedOperation, CheckIn, SyncCursor
from carteira.field.selectors import digest
from carteira.interactions.models import Channel, Interaction
from carteira.interactions.photos import PhotoRefused, do_attach_photo
from carteira.interactions.services import do_record_interaction
from carteira_core.agenda.checkin import check_in_verdict

KINDS = ("checkin", "outcome", "followup", "photo")
# A phone's clock may run a little ahead; a date further in the future is a mistake.
CLOCK_SKEW = dt.timedelta(minutes=10)
MAX_AGE_DAYS = 60  # an older queued operation is refused: ask the seller to log it online


class NotYet(Exception):
    """The operation depends on one the server has not received: nothing is recorded
    under its key, the phone keeps it and sends it again."""


class Refused(Exception):
    def __init__(self, code: str, message: str, errors: dict | None = None):
        super().__init__(message)
        self.code, self.message, self.errors = code, message, errors or {}


@dataclass
class Outcome:
    created: dict = field(default_factory=dict)
    conflict: str = ""
    message: str = ""


def _client(user: User, client_id) -> Client:
    """The client through the gate; a client the seller held but no longer does is the
    'moved' conflict, anything else not found."""
    try:
        return clients_visible_to(user).get(pk=int(client_id))
    except (Client.DoesNotExist, ValueError, TypeError):
        pass
    held = Assignment.objects.filter(
        client_id=client_id if str(client_id).isdigit() else None, seller__user=user
    )
    if held.exists():
        raise Refused(
            "client_moved",
            _("This client was moved to another seller: your record was not applied. "
              "Tell your manager what happened at the client."),
        )  # fmt: skip
    raise Refused("not_found", _("This client is not in your portfolio."))


def _day(value, *, today: dt.date) -> dt.date:
    try:
        day = dt.date.fromisoformat(str(value))
    except ValueError:
        raise Refused("invalid", _("Invalid date."), {"date": [_("Invalid date.")]}) from None
    if day > today + dt.timedelta(days=1):
        raise Refused("invalid", _("The date is in the future."),
                      {"date": [_("The date is in the future.")]})  # fmt: skip
    if day < today - dt.timedelta(days=MAX_AGE_DAYS):
        message = _("Recorded more than %(days)s days ago: log it on the web page.") % {
            "days": MAX_AGE_DAYS}  # fmt: skip
        raise Refused("too_old", message, {"date": [message]})
    return day


def _valid_outcome(data: dict) -> dict:
    """The online outcome form's validation (agenda.forms.OutcomeForm), same messages."""
    form = OutcomeForm({
        "channel": data.get("channel", ""), "successful": data.get("successful", ""),
        "reason": data.get("reason") or "", "notes": data.get("notes", ""),
        "next_step": data.get("next_step", ""), "next_date": data.get("next_date") or "",
    })  # fmt: skip
    if not form.is_valid():
        errors = {name: [str(e) for e in errs] for name, errs in form.errors.items()}
        raise Refused("invalid", _("Check the fields and log it again."), errors)
    return form.cleaned_data


def _apply_outcome(user: User, op: dict, *, today: dt.date) -> Outcome:
    client = _client(user, op.get("client"))
    data = op.get("data") or {}
    on = _day(data.get("date", today.isoformat()), today=today)
    fields = _valid_outcome(data)
    next_date = fields.pop("next_date")
    result = Outcome()
    task = None
    if op.get("task"):
        task = tasks_visible_to(user).filter(pk=op["task"], client=client).first()
    interaction = None
    if task is not None:
        try:
            interaction, following = do_close_task(
                task, by=user, on=on, next_date=next_date, **fields
            )
            result.created["task_closed"] = task.pk
            if following is not None:
                result.created["next_task"] = following.pk
        except TaskNotOpen:
            pass
    if interaction is None:
        interaction = do_record_interaction(client, by=user, via="field", date=on, **fields)
        if op.get("task"):
            result.conflict = "task_closed"
            result.message = _("The task had already been closed (by someone else or on "
                               "another device): your contact was recorded on the client "
                               "without closing it.")  # fmt: skip
        if next_date:
            following = do_plan_follow_up(
                client, by=user, title=fields["next_step"] or _("Follow-up"),
                channel=fields["channel"], due=next_date, notes="",
            )  # fmt: skip
            result.created["next_task"] = following.pk
    result.created["interaction"] = interaction.pk
    _link_check_in(user, data.get("checkin"), interaction=interaction, task=task)
    if not result.conflict and op.get("client_version") not in (None, client.version):
        result.conflict = "client_edited"
        result.message = _("The client's details changed since your last download: the "
                           "contact was recorded and the card is updated.")  # fmt: skip
    return result


def _link_check_in(user: User, key, *, interaction, task) -> None:
    if not key:
        return
    applied = AppliedOperation.objects.filter(user=user, key=str(key), kind="checkin").first()
    if applied is None or "checkin" not in applied.created:
        return
    CheckIn.objects.filter(pk=applied.created["checkin"], interaction=None).update(
        interaction=interaction, task=task if task is not None else None
    )


def _number(data: dict, name: str, low: float, high: float, *, required: bool):
    value = data.get(name)
    if value in (None, ""):
        if required:
            raise Refused("invalid", _("No position."), {name: [_("No position.")]})
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = float("nan")
    if not low <= number <= high:
        raise Refused("invalid", _("Invalid position."), {name: [_("Invalid position.")]})
    return number


def _apply_check_in(user: User, op: dict, *, today: dt.date) -> Outcome:
    client = _client(user, op.get("client"))
    data = op.get("data") or {}
    at = parse_datetime(str(data.get("at", "")))
    if at is None or timezone.is_naive(at):
        raise Refused("invalid", _("Invalid time."), {"at": [_("Invalid time.")]})
    if at > timezone.now() + CLOCK_SKEW:
        raise Refused("invalid", _("The time is in the future."),
                      {"at": [_("The time is in the future.")]})  # fmt: skip
    _day(timezone.localdate(at).isoformat(), today=today)
    # No position at all (location refused, or none on the phone): checked in, unverified.
    located = any(data.get(name) not in (None, "") for name in ("latitude", "longitude"))
    position = None
    if located:
        position = (_number(data, "latitude", -90, 90, required=True),
                    _number(data, "longitude", -180, 180, required=True))  # fmt: skip
    accuracy = _number(data, "accuracy", 0, 1e6, required=False) if located else None
    place = None
    if client.latitude is not None and client.longitude is not None:
        place = (client.latitude, client.longitude)
    radius = settings.CARTEIRA_CHECKIN_RADIUS_M
    verdict = check_in_verdict(position, place, accuracy_m=accuracy, radius_m=radius)
    reason: str = verdict.reason
    if reason == "no_position" and data.get("position_error") == "denied":
        reason = UnverifiedReason.POSITION_DENIED
    task = None
    if op.get("task"):
        task = tasks_visible_to(user).filter(pk=op["task"], client=client).first()
    check_in = CheckIn.objects.create(
        client=client, seller_id=client.seller_id, recorded_by=user, task=task, at=at,
        accuracy_m=accuracy, distance_m=verdict.distance_m, verified=verdict.verified,
        unverified_reason=reason, radius_m=radius,
    )  # fmt: skip
    do_record("check_in.created", actor=user, obj=check_in, client=client.pk,
              verified=verdict.verified)  # fmt: skip
    text = verdict_text(verified=verdict.verified, reason=reason,
                        distance_m=verdict.distance_m, radius_m=radius)  # fmt: skip
    return Outcome(created={"checkin": check_in.pk}, message=text)


def _apply_follow_up(user: User, op: dict, *, today: dt.date) -> Outcome:
    client = _client(user, op.get("client"))
    data = op.get("data") or {}
    errors: dict[str, list[str]] = {}
    title = str(data.get("title", "")).strip()
    if not title:
        errors["title"] = [_("This field is required.")]
    elif len(title) > 200:
        errors["title"] = [_("At most 200 characters.")]
    channel = data.get("channel") or Channel.VISIT
    if channel not in Channel.values:
        errors["channel"] = [_("Unknown channel.")]
    try:
        due = dt.date.fromisoformat(str(data.get("due", "")))
        if due < today - dt.timedelta(days=1):
            errors["due"] = [_("The date is in the past.")]
    except ValueError:
        errors["due"] = [_("Invalid date.")]
    notes = str(data.get("notes", ""))[:2000]
    if errors:
        raise Refused("invalid", _("Check the fields and log it again."), errors)
    task = do_plan_follow_up(client, by=user, title=title, channel=channel, due=due,
                             notes=notes)  # fmt: skip
    return Outcome(created={"task": task.pk})


def _phone_time(value) -> dt.datetime | None:
    """A time the phone stamped, or None when it is missing or implausible."""
    at = parse_datetime(str(value or ""))
    if at is None or timezone.is_naive(at) or at > timezone.now() + CLOCK_SKEW:
        return None
    return at


def _apply_photo(user: User, op: dict, *, today: dt.date) -> Outcome:
    """A photo of a contact logged on the phone: it follows its contact (the outcome
    operation named in ``data.outcome``), which must have reached the server first."""
    if "content" not in op:  # the JSON queue cannot carry a photo: /photo sends the bytes
        raise Refused("invalid", _("Unknown operation."))
    client = _client(user, op.get("client"))
    data = op.get("data") or {}
    contact = AppliedOperation.objects.filter(
        user=user, key=str(data.get("outcome", ""))[:64], kind="outcome"
    ).first()
    if contact is None:
        raise NotYet(_("The contact of this photo has not reached the server yet."))
    interaction = Interaction.objects.filter(
        pk=(contact.created or {}).get("interaction"), client=client
    ).first()
    if contact.result == AppliedOperation.Result.REFUSED or interaction is None:
        raise Refused("contact_refused", _("The contact of this photo was refused, so the "
                                           "photo was not kept."))  # fmt: skip
    try:
        photo = do_attach_photo(interaction, op.get("content") or b"", by=user,
                                taken_at=_phone_time(data.get("taken_at")))  # fmt: skip
    except PhotoRefused as refused:
        raise Refused(refused.code, refused.message, {"photo": [refused.message]}) from None
    return Outcome(created={"photo": photo.pk, "interaction": interaction.pk})


APPLY = {"checkin": _apply_check_in, "outcome": _apply_outcome, "followup": _apply_follow_up,
         "photo": _apply_photo}  # fmt: skip


@transaction.atomic
def do_plan_follow_up(
    client: Client, *, by: User, title: str, channel: str, due: dt.date, notes: str
) -> Task:
    """A follow-up the seller sets for a client (reached through its gate): a manual task
    for the client's seller, planned into the agenda."""
    task = Task.objects.create(
        client=client, seller_id=client.seller_id, title=title[:200], channel=channel,
        script=notes, due_date=due, origin=Task.Origin.MANUAL,
    )  # fmt: skip
    if client.seller_id is not None:
        do_schedule(today=timezone.localdate(), seller_ids=[client.seller_id])
    do_record("task.created", actor=by, obj=task, client=client.pk, via="field")
    return task


def do_apply_operation(user: User, op: dict) -> tuple[AppliedOperation, bool]:
    """(the answer, whether it was given before). The operation's writes and its answer
    commit together, so a key is either applied once or not at all."""
    key = str(op.get("key", ""))[:64]
    previous = AppliedOperation.objects.filter(user=user, key=key).first()
    if previous is not None:
        return previous, True
    kind = str(op.get("kind", ""))[:16]
    try:
        with transaction.atomic():
            if kind not in APPLY:
                raise Refused("invalid", _("Unknown operation."))
            outcome = APPLY[kind](user, op, today=timezone.localdate())
            return _record(user, key, kind, outcome), False
    except Refused as refused:  # nothing of it was written
        try:
            with transaction.atomic():
                return AppliedOperation.objects.create(
                    user=user, key=key, kind=kind, result=AppliedOperation.Result.REFUSED,
                    code=refused.code, message=refused.message, errors=refused.errors,
                ), False  # fmt: skip
        except IntegrityError:
            return AppliedOperation.objects.get(user=user, key=key), True
    except IntegrityError:  # the same key sent twice at once: the other one won
        previous = AppliedOperation.objects.filter(user=user, key=key).first()
        if previous is None:
            raise
        return previous, True


def _record(user: User, key: str, kind: str, outcome: Outcome) -> AppliedOperation:
    result = AppliedOperation.Result.APPLIED
    if outcome.conflict:
        result = AppliedOperation.Result.CONFLICT
    return AppliedOperation.objects.create(
        user=user, key=key, kind=kind, result=result, code=outcome.conflict,
        message=outcome.message, created=outcome.created,
    )  # fmt: skip


CURSORS_KEPT = 3  # per user: a phone that lost an answer can still name the one before


@transaction.atomic
def do_new_cursor(user: User, parts: dict[str, object]) -> tuple[str, dt.datetime]:
    """Remember what this download gave the phone; forget the user's older cursors."""
    cursor = SyncCursor.objects.create(
        user=user,
        token=secrets.token_urlsafe(18),
        digests={key: digest(value) for key, value in parts.items()},
    )
    old = SyncCursor.objects.filter(user=user).order_by("-created_at", "-pk")[CURSORS_KEPT:]
    SyncCursor.objects.filter(pk__in=list(old.values_list("pk", flat=True))).delete()
    return cursor.token, cursor.created_at


def do_forget_device(user: User) -> None:
    """The phone was wiped (logout): its cursors can never be named again."""
    SyncCursor.objects.filter(user=user).delete()
