"""The client filter: what "these clients" means wherever a user narrows the portfolio.

The client list, its export and its bulk move, the plans' batches, the map and chronology,
and the distribution's reassignment all build one ``ClientFilter`` (from a form) and ask it
for the clients (``apply``): the same filter gives the same clients through every door.
The filter never widens a scope: it narrows the queryset it is given, which starts from
the user's scope (``clients_visible_to``) or a distribution scope.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django import forms
from django.db.models import F, FilteredRelation, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carteira.clients.access import clients_visible_to, sellers_visible_to
from carteira.clients.models import Client
from carteira.clients.widgets import QuickSelect
from carteira.web import labels

if TYPE_CHECKING:
    from carteira.portfolio.models import SnapshotRun

BR_STATES = [
    "AC", "AL", "AM", "AP", "BA", "CE", "DF", "ES", "GO", "MA", "MG", "MS", "MT", "PA",
    "PB", "PE", "PI", "PR", "RJ", "RN", "RO", "RR", "RS", "SC", "SE", "SP", "TO",
]  # fmt: skip

# The query-string name of each field (the list's URL, a plan batch's description, the
# export job's filters and the remembered filter all use these names).
QUERY_NAMES = {
    "search": "q",
    "segment": "segment",
    "state": "state",
    "city": "city",
    "seller_id": "seller",
    "status": "status",
    "abc": "abc",
    "previous": "previous",
    "codes": "codes",
    "open_complaint": "complaint",
    "overdue_days": "overdue",
    "alive": "alive",
}

# P(alive) bands of the ``alive`` filter: [low, high) of the predicted probability.
ALIVE_BANDS = {"likely": (0.7, None), "doubtful": (0.3, 0.7), "unlikely": (None, 0.3)}


# The choices of the "overdue" filter (days past due of the oldest open instalment).
OVERDUE_DAYS = (30, 60, 90, 180)


@dataclass(frozen=True, slots=True)
class ClientFilter:
    """Which clients, by their record and by their reading in a run. Empty fields match all.

    ``search``: name, trade name or city containing it, the client code, or a document
    starting with its digits (8 or more); ``segment`` and ``state`` exact; ``city``
    ignoring case (typed by hand); ``status``, ``abc`` and ``previous`` (the status a
    period earlier) on the reading in the run given to ``apply``: without a run they
    match nothing; ``codes``: client codes (``external_id``); ``open_complaint``: only
    clients with a complaint not yet closed (a closed complaint has its ``closed_on``);
    ``alive``: a band of ``ALIVE_BANDS`` of the predicted probability of still being a client
    at the run (``with_value``): clients without a prediction match no band."""

    search: str = ""
    segment: str = ""
    state: str = ""
    city: str = ""
    seller_id: int | None = None
    status: str = ""
    abc: str = ""
    previous: str = ""
    codes: tuple[str, ...] = ()
    open_complaint: bool = False
    # Only clients with an instalment open today more than this many days past due
    # (docs/portfolio-rules.md, "Credit and receivables").
    overdue_days: int | None = None
    alive: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "search", self.search.strip())
        object.__setattr__(self, "state", self.state.strip().upper())
        object.__setattr__(self, "city", self.city.strip())
        object.__setattr__(self, "codes", tuple(self.codes))

    def is_empty(self) -> bool:
        return self == ClientFilter()

    @property
    def on_reading(self) -> bool:
        return bool(self.status or self.abc or self.previous or self.alive)

    def apply(self, clients: QuerySet[Client], run: SnapshotRun | None = None) -> QuerySet[Client]:
        """``clients`` narrowed by the filter, annotated with their reading in ``run`` (if
        any): ``status``, ``status_previous``, ``abc``, ``days_since_last_purchase`` and
        ``revenue_in_abc_window``."""
        clients = clients.filter(self.on_record())
        if run is None:
            return clients.none() if self.on_reading else clients
        clients = with_reading(clients, run)
        # Through the annotations: one join of the reading (``reading__status=…`` in
        # separate filter() calls joins the readings table once per call).
        on_reading = {"status": self.status, "abc": self.abc, "status_previous": self.previous}
        clients = clients.filter(**{name: value for name, value in on_reading.items() if value})
        if self.alive:
            low, high = ALIVE_BANDS[self.alive]
            # Q: the annotation comes from with_value, which the type checker cannot see.
            clients = with_value(clients, run).filter(Q(p_alive__isnull=False))
            if low is not None:
                clients = clients.filter(Q(p_alive__gte=low))
            if high is not None:
                clients = clients.filter(Q(p_alive__lt=high))
        return clients

    def on_record(self, prefix: str = "") -> Q:
        """The conditions on the client's own fields (all but the reading's), as a ``Q``
        over ``Client`` — or over a model that points at it, with ``prefix`` ("client__")."""
        record = {
            "segment": self.segment,
            "state": self.state,
            "city__iexact": self.city,
            "seller_id": self.seller_id,
            "external_id__in": self.codes,
        }
        where = Q(**{prefix + name: value for name, value in record.items() if value})
        if self.open_complaint:
            # By the reverse relation's name: the complaints app sits above this one.
            complaining = Client.objects.filter(
                complaints__opened_on__isnull=False, complaints__closed_on__isnull=True
            )
            where &= Q(**{prefix + "pk__in": complaining.values("pk")})
        if self.overdue_days:
            where &= Q(**{prefix + "pk__in": _overdue(self.overdue_days).values("pk")})
        return where & _search(self.search, prefix) if self.search else where

    def as_query(self) -> dict[str, Any]:
        """The non-empty fields under their query-string names, as JSON values."""
        query: dict[str, Any] = {}
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if value:
                query[QUERY_NAMES[field.name]] = list(value) if field.name == "codes" else value
        return query

    @classmethod
    def from_query(cls, data: Mapping[str, Any]) -> ClientFilter:
        """The filter ``as_query`` gave (a stored description); unknown names are ignored.
        Input from a user goes through a form (``ClientFilterForm``) instead."""
        values: dict[str, Any] = {}
        for name, key in QUERY_NAMES.items():
            value = data.get(key)
            if value in (None, "", [], ()):
                continue
            if name in ("seller_id", "overdue_days"):
                value = int(value)
            elif name == "codes":
                value = tuple(str(code) for code in value)
            elif name == "open_complaint":
                value = value in (True, "1", "true", "on")
            else:
                value = str(value)
            values[name] = value
        return cls(**values)


def _overdue(days: int) -> QuerySet[Client]:
    """Clients with an instalment open today (issued, not paid in full by today) whose
    due date is more than ``days`` days ago; by the reverse relation's name (the credit
    app sits above this one), in one filter() so that one instalment meets it all."""
    today = timezone.localdate()
    unpaid = (
        Q(receivables__paid_date__isnull=True)
        | Q(receivables__paid_date__gt=today)
        | Q(receivables__paid_amount__lt=F("receivables__amount"))
    )
    late = Q(receivables__issue_date__lte=today) & Q(
        receivables__due_date__lt=today - dt.timedelta(days=days)
    )
    return Client.objects.filter(late & unpaid)


def _search(text: str, prefix: str = "") -> Q:
    digits = "".join(ch for ch in text if ch.isalnum()).upper()
    match = (
        Q(**{f"{prefix}name__icontains": text})
        | Q(**{f"{prefix}trade_name__icontains": text})
        | Q(**{f"{prefix}external_id__iexact": text})
        | Q(**{f"{prefix}city__icontains": text})
    )
    if len(digits) >= 8:
        match |= Q(**{f"{prefix}document__startswith": digits})
    return match


def with_reading(clients: QuerySet[Client], run: SnapshotRun) -> QuerySet[Client]:
    """``clients`` with the fields of their reading in ``run`` (NULL without one)."""
    return clients.annotate(
        reading=FilteredRelation("snapshots", condition=Q(snapshots__run=run))
    ).annotate(
        status=F("reading__status"),
        status_previous=F("reading__status_previous"),
        abc=F("reading__abc"),
        days_since_last_purchase=F("reading__days_since_last_purchase"),
        revenue_in_abc_window=F("reading__revenue_in_abc_window"),
    )


def with_value(clients: QuerySet[Client], run: SnapshotRun) -> QuerySet[Client]:
    """``clients`` with their predicted value at ``run`` (the value app's tables, reached by
    their reverse relations: that app sits above this one): ``p_alive`` and ``clv`` (NULL
    without a prediction), and ``potential_yearly``, ``wallet_gap`` (potential − revenue,
    at least 0) and ``wallet_share`` (NULL without a potential). Idempotent."""
    if "p_alive" in clients.query.annotations:
        return clients
    fit_model = type(run)._meta.get_field("value_fit").related_model
    fit = fit_model._default_manager.filter(run=run)
    return clients.annotate(
        predicted=FilteredRelation(
            "predicted_values",
            condition=Q(predicted_values__fit=Subquery(fit.values("pk")[:1])),
        ),
        wallet=FilteredRelation("potentials", condition=Q(potentials__run=run)),
    ).annotate(
        p_alive=F("predicted__p_alive"),
        clv=F("predicted__clv"),
        potential_yearly=F("wallet__potential"),
        wallet_gap=F("wallet__gap"),
        wallet_share=F("wallet__share"),
    )


def segments_of(clients: QuerySet[Client]) -> list[str]:
    """The segments ``clients`` have, sorted, for a filter's choices."""
    return list(
        clients.exclude(segment="").order_by("segment").values_list("segment", flat=True).distinct()
    )


def _any_of(kind: str):
    return lambda: [("", _("All")), *labels.choices(kind)]


class ClientFilterForm(forms.Form):
    """A ``ClientFilter`` from a query string, checked: unknown values are errors, not wider
    lists. Carries the list's own ``as_of`` (which reading), ``sort`` and ``page`` too."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    segment = forms.ChoiceField(label=_("Segment"), required=False, widget=QuickSelect)
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=[("", _("All")), *((s, s) for s in BR_STATES)]
    )
    seller = forms.TypedChoiceField(
        label=_("Seller"), required=False, coerce=int, empty_value=None, widget=QuickSelect
    )
    # The reading's vocabulary is the portfolio's (above this app): registered in web.labels.
    status = forms.ChoiceField(label=_("Status"), required=False, choices=_any_of("status"))
    abc = forms.ChoiceField(label=_("Class"), required=False, choices=_any_of("abc"))
    previous = forms.ChoiceField(
        label=_("Status a period earlier"), required=False, choices=_any_of("status")
    )
    complaint = forms.BooleanField(label=_("With an open complaint"), required=False)
    overdue = forms.TypedChoiceField(
        label=_("Overdue"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("All")), *((days, _("more than %(days)d days") % {"days": days})
                                   for days in OVERDUE_DAYS)],
    )  # fmt: skip
    alive = forms.ChoiceField(
        label=_("Still a client?"),
        required=False,
        choices=[
            ("", _("All")),
            ("likely", _("Likely (at least 70 %)")),
            ("doubtful", _("In doubt (30 to 70 %)")),
            ("unlikely", _("Unlikely (under 30 %)")),
        ],
    )
    as_of = forms.DateField(required=False, widget=forms.HiddenInput)
    sort = forms.ChoiceField(required=False, widget=forms.HiddenInput)
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, data, *, segments: list[str], sellers: list[tuple[int, str]], sorts=()):
        super().__init__(data)
        self._choose("segment", [("", _("All")), *((s, s) for s in segments)])
        self._choose("seller", [("", _("All")), *sellers])
        if sorts:
            self._choose("sort", [(key, key) for key in sorts])

    def _choose(self, name: str, choices: list) -> None:
        field = self.fields.get(name)  # a subclass may drop a field (``q = None``)
        if isinstance(field, forms.ChoiceField):
            field.choices = choices

    def client_filter(self) -> ClientFilter:
        """The filter the valid form describes (call after ``is_valid()``)."""
        data = self.cleaned_data
        return ClientFilter(
            search=data.get("q") or "",
            segment=data.get("segment") or "",
            state=data.get("state") or "",
            seller_id=data.get("seller"),
            status=data.get("status") or "",
            abc=data.get("abc") or "",
            previous=data.get("previous") or "",
            open_complaint=bool(data.get("complaint")),
            overdue_days=data.get("overdue"),
            alive=data.get("alive") or "",
        )


def client_filter_form(user, data, *, form_class=ClientFilterForm, **kwargs) -> ClientFilterForm:
    """``form_class`` bound to ``data`` with the segments and sellers ``user`` may choose."""
    return form_class(
        data,
        segments=segments_of(clients_visible_to(user)),
        sellers=list(sellers_visible_to(user).values_list("pk", "name")),
        **kwargs,
    )


# The remembered filter ------------------------------------------------------------------
# A list's last filter lives in the user's preferences (``User.saved_filters``) under the
# list's name: its query string without the page or a past reading.
NOT_REMEMBERED = ("page", "as_of")


def remembered_query(user, list_name: str) -> dict[str, str]:
    """The query string ``user`` last filtered ``list_name`` with ({} if none), keys in
    alphabetical order: PostgreSQL's jsonb does not keep the order they were saved in, and
    the same filter must give the same URL on every database."""
    saved = (user.saved_filters or {}).get(list_name) or {}
    return {str(key): str(saved[key]) for key in sorted(saved)}


def do_remember_query(user, list_name: str, query: Mapping[str, str]) -> None:
    """Keep ``query``'s non-empty values as ``user``'s filter of ``list_name`` (one write,
    only when it changed)."""
    kept = {k: v for k, v in query.items() if v and k not in NOT_REMEMBERED}
    saved = dict(user.saved_filters or {})
    if saved.get(list_name, {}) == kept:
        return
    if kept:
        saved[list_name] = kept
    else:
        saved.pop(list_name, None)
    user.saved_filters = saved
    user.save(update_fields=["saved_filters"])
