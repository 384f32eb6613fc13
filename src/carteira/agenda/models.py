import datetime as dt
import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from carteira.clients.models import Client
from carteira.interactions.models import Channel, Interaction
from carteira.organization.models import Seller


class TaskBatch(models.Model):
    """A list sent by the central portfolio team to sellers, with a deadline."""

    title = models.CharField(_("title"), max_length=200)
    instructions = models.TextField(_("instructions"), blank=True)
    filter_description = models.JSONField(_("filter"), default=dict, blank=True)
    deadline = models.DateField(_("deadline"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("task batch")
        verbose_name_plural = _("task batches")

    def __str__(self) -> str:
        return self.title


class Task(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    class Origin(models.TextChoices):
        PLAN = "plan", _("Action plan")
        ESCALATION = "escalation", _("Escalation")
        BATCH = "batch", _("Central team list")
        MANUAL = "manual", _("Manual")
        RENEWAL = "renewal", _("Renewal")

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="tasks")
    # The client's seller; follows the client on reassignment while the task is open.
    seller = models.ForeignKey(
        Seller, null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks"
    )
    # Set for escalations that go to a manager or director instead of the seller.
    assignee_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_tasks",
    )
    title = models.CharField(_("title"), max_length=200)
    objective = models.CharField(_("objective"), max_length=40, blank=True)
    channel = models.CharField(_("channel"), max_length=12, blank=True)
    script = models.TextField(_("script"), blank=True)
    due_date = models.DateField(_("due"))
    # The working day the task is planned on (agenda.scheduling); empty for an open
    # seller task = the backlog: no working day within capacity before it is too late.
    scheduled_date = models.DateField(_("planned for"), null=True, blank=True)
    # The seller put the task on ``scheduled_date`` (moved or pinned it): re-planning keeps
    # it there while that day is worked and has room, and plans the rest around it.
    pinned = models.BooleanField(_("pinned"), default=False)
    # A visit the route of its planned day could not take, moved by the re-plan to the
    # nearest later day that takes it (agenda.stops): the day it was planned on.
    moved_from = models.DateField(_("moved from"), null=True, blank=True)
    # A visit no day's route takes (pinned there, outside the day's hours, no later day
    # with room before it is too late): it stays on its day, flagged, and counts in the
    # backlog.
    unfit = models.BooleanField(_("does not fit the route"), default=False)
    # A visit whose client is too far from the seller's start to go, be there and come
    # back within the day (agenda.stops.far_visits): planned, counted and shown as a call
    # until the client or the seller's start moves.
    planned_as_call = models.BooleanField(_("planned as a call"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    origin = models.CharField(_("origin"), max_length=12, choices=Origin.choices)
    # Identifies the action-plan cell (or batch) that generated the task: at most
    # one open task per client per plan key.
    plan_key = models.CharField(max_length=80, blank=True)
    batch = models.ForeignKey(
        TaskBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks"
    )
    priority = models.IntegerField(_("priority"), default=0)
    # The reading that caused the task (class, status, days, last purchase and contact, …)
    # as plain values: the agenda shows "why" without going back to the snapshot.
    context = models.JSONField(default=dict, blank=True)
    revenue_at_risk = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    # Plan tasks: when done, the next one is due this many days later.
    frequency_days = models.PositiveIntegerField(null=True, blank=True)
    outcome = models.ForeignKey(
        Interaction, null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_date", "-priority"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        constraints = [
            models.UniqueConstraint(
                fields=["client", "plan_key"],
                condition=Q(status="open") & ~Q(plan_key=""),
                name="one_open_task_per_client_per_plan",
            )
        ]
        indexes = [
            models.Index(fields=["seller", "status", "due_date"]),
            models.Index(fields=["assignee_user", "status", "due_date"]),
            models.Index(fields=["seller", "status", "scheduled_date"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def planned_as_visit(self) -> bool:
        """A visit on the seller's route: a visit task not planned as a call."""
        return self.channel == Channel.VISIT and not self.planned_as_call


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A seller's planned visits as an iCalendar feed behind a secret URL. Revoking it
    (or making a new one) makes the old address 404."""

    seller = models.ForeignKey(Seller, on_delete=models.CASCADE, related_name="calendar_feeds")
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
        constraints = [
            models.UniqueConstraint(
                fields=["seller"], condition=Q(revoked_at__isnull=True), name="one_live_feed"
            )
        ]

    def __str__(self) -> str:
        return f"feed {self.seller_id}"


WEEKDAYS = "01234"  # Monday = 0 … Sunday = 6, as datetime.date.weekday()


class CompanyDayOff(models.Model):
    """A day nobody works (a company holiday, a collective break), on top of Brazil's
    national and state holidays."""

    date = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        ordering = ["date"]
        verbose_name = _("company day off")
        verbose_name_plural = _("company days off")

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}"


class WorkSchedule(models.Model):
    """A seller's working time. Without a row (or with empty capacities) the seller works
    Monday to Friday and the daily capacity comes from the weekly number of contacts."""

    seller = models.OneToOneField(Seller, on_delete=models.CASCADE, related_name="work_schedule")
    weekdays = models.CharField(
        _("working weekdays"),
        max_length=7,
        default=WEEKDAYS,
        help_text=_("Digits 0 (Monday) to 6 (Sunday)."),
    )
    state = models.CharField(
        _("state for holidays"),
        max_length=2,
        blank=True,
        help_text=_("Empty: the state where most of the seller's clients are."),
    )
    daily_visits = models.PositiveIntegerField(_("visits per day"), null=True, blank=True)
    daily_calls = models.PositiveIntegerField(
        _("calls and messages per day"), null=True, blank=True
    )
    # The day's hours: the route leaves home at the start and is back by the end.
    day_starts = models.TimeField(_("day starts at"), default=dt.time(8))
    day_ends = models.TimeField(_("day ends at"), default=dt.time(18))
    # The last day the seller's tasks were planned: the agenda re-plans when it is past.
    planned_on = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("work schedule")
        verbose_name_plural = _("work schedules")
        constraints = [
            models.CheckConstraint(
                condition=Q(day_ends__gt=F("day_starts")), name="work_day_ends_after_it_starts"
            )
        ]

    def __str__(self) -> str:
        return f"schedule {self.seller_id}"

    @property
    def weekday_numbers(self) -> frozenset[int]:
        return frozenset(int(c) for c in self.weekdays if c in "0123456")


class TimeOff(models.Model):
    """Days a seller does not work (vacation, training, sick leave): both ends included."""

    seller = models.ForeignKey(Seller, on_delete=models.CASCADE, related_name="time_off")
    start = models.DateField(_("from"))
    end = models.DateField(_("until"))
    reason = models.CharField(_("reason"), max_length=120, blank=True)

    class Meta:
        ordering = ["start"]
        verbose_name = _("time off")
        verbose_name_plural = _("time off")
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="time_off_ends")
        ]

    def __str__(self) -> str:
        return f"{self.seller_id} {self.start}–{self.end}"


class OfficeDay(models.Model):
    """A working day the seller spends at the office: calls and messages, no visits."""

    seller = models.ForeignKey(Seller, on_delete=models.CASCADE, related_name="office_days")
    date = models.DateField(_("date"))

    class Meta:
        ordering = ["date"]
        verbose_name = _("office day")
        verbose_name_plural = _("office days")
        constraints = [
            models.UniqueConstraint(fields=["seller", "date"], name="one_office_day_per_date")
        ]

    def __str__(self) -> str:
        return f"{self.seller_id} {self.date:%Y-%m-%d}"


class ClientVisitHours(models.Model):
    """When a client receives visits (opening or receiving hours) and how long a visit
    lasts there. Without a row, or with empty fields: any time of the seller's day, and
    the visit's length by the client's class (agenda.week.VISIT_MINUTES)."""

    client = models.OneToOneField(Client, on_delete=models.CASCADE, related_name="visit_hours")
    opens = models.TimeField(_("receives from"), null=True, blank=True)
    closes = models.TimeField(_("receives until"), null=True, blank=True)
    visit_minutes = models.PositiveSmallIntegerField(
        _("visit length (minutes)"),
        null=True,
        blank=True,
        help_text=_("Empty: by the client's class (A 60, B 45, others 30 minutes)."),
    )

    class Meta:
        verbose_name = _("client visit hours")
        verbose_name_plural = _("client visit hours")
        constraints = [
            models.CheckConstraint(
                condition=Q(opens__isnull=True) | Q(closes__isnull=True) | Q(closes__gt=F("opens")),
                name="visit_hours_close_after_opening",
            ),
            models.CheckConstraint(
                condition=Q(visit_minutes__isnull=True) | Q(visit_minutes__gte=5),
                name="visit_length_at_least_5_minutes",
            ),
        ]

    def __str__(self) -> str:
        return f"hours {self.client_id}"


class ClientContract(models.Model):
    """A contract or supply agreement with the client and when it ends: its renewal is a
    task for the client's seller ``renewal_days`` before the end (agenda.renewals)."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="contracts")
    name = models.CharField(_("contract"), max_length=120)
    ends_on = models.DateField(_("ends on"))
    renewal_days = models.PositiveSmallIntegerField(
        _("renewal task, days before the end"), default=30
    )

    class Meta:
        ordering = ["ends_on"]
        verbose_name = _("client contract")
        verbose_name_plural = _("client contracts")
        constraints = [
            models.CheckConstraint(
                condition=Q(renewal_days__gte=1) & Q(renewal_days__lte=365),
                name="renewal_between_1_and_365_days_before",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.ends_on:%Y-%m-%d})"


class SellOut(models.Model):
    """What the client sold to its own customers (sell-out) on a day and what it had left
    on the shelf, per product or for its whole line (``product`` empty), from the client's
    or the distributor's reports (import kind ``sellout``). The visit cadence reads how
    many days the stock lasts (agenda.cadence)."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="sell_out")
    date = models.DateField(_("date"))
    product = models.CharField(_("product"), max_length=80, blank=True)
    # Sold: in units when the file gives them, else in money; the stock in the same unit.
    quantity = models.DecimalField(_("quantity sold"), max_digits=16, decimal_places=2,
                                   null=True, blank=True)  # fmt: skip
    value = models.DecimalField(_("value sold"), max_digits=16, decimal_places=2, null=True,
                                blank=True)  # fmt: skip
    stock = models.DecimalField(_("stock on hand"), max_digits=16, decimal_places=2,
                                null=True, blank=True)  # fmt: skip

    class Meta:
        ordering = ["date", "product"]
        verbose_name = _("sell-out")
        verbose_name_plural = _("sell-out")
        constraints = [
            models.UniqueConstraint(
                fields=["client", "date", "product"], name="one_sell_out_per_client_day_product"
            )
        ]

    def __str__(self) -> str:
        return f"sell-out {self.client_id} {self.date:%Y-%m-%d} {self.product}"
