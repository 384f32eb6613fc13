import json

from django import forms
from django.utils.translation import gettext_lazy as _

from carteira.clients.filters import ClientFilter
from carteira.clients.widgets import QuickSelect
from carteira.distribution.models import DistributionRule
from carteira.portfolio.models import AbcClass
from carteira_core.distribution.rules import postal_number


def _words(text: str, *, upper: bool = False) -> list[str]:
    parts = [p.strip() for chunk in text.splitlines() for p in chunk.split(",")]
    return [p.upper() if upper else p for p in parts if p]


def until_field(label) -> forms.DateField:
    """The optional end date of a temporary cover (a date picker)."""
    return forms.DateField(
        label=label, required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class ListField(forms.CharField):
    """A list typed as comma- or line-separated words."""

    def __init__(self, *, upper: bool = False, **kwargs):
        self.upper = upper
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return ", ".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        return _words(value or "", upper=self.upper)


class RuleForm(forms.ModelForm):
    states = ListField(label=_("States"), upper=True, help_text=_("e.g. RS, SC"))
    cities = ListField(label=_("Cities"), widget=forms.Textarea(attrs={"rows": 2}))
    segments = ListField(label=_("Segments"))
    key_accounts = ListField(label=_("Key accounts (client codes)"))
    abc = forms.MultipleChoiceField(
        label=_("ABC classes"), choices=AbcClass.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    postal_ranges = forms.CharField(
        label=_("Postal-code ranges"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line: 90000-000 - 90999-999"),
    )  # fmt: skip
    polygon = forms.CharField(
        label=_("Polygon"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("A GeoJSON Polygon or ring, coordinates as [longitude, latitude]."),
    )  # fmt: skip

    class Meta:
        model = DistributionRule
        fields = ["name", "priority", "seller", "states", "cities", "postal_ranges", "polygon",
                  "segments", "abc", "key_accounts", "active"]  # fmt: skip

    def __init__(self, *args, sellers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seller"].queryset = sellers
        if self.instance.pk:
            self.initial["postal_ranges"] = "\n".join(
                f"{a} - {b}" for a, b in self.instance.postal_ranges
            )
            self.initial["polygon"] = (
                json.dumps(self.instance.polygon) if self.instance.polygon else ""
            )

    def clean_postal_ranges(self):
        ranges = []
        for line in self.cleaned_data["postal_ranges"].splitlines():
            if not line.strip():
                continue
            low, sep, high = line.replace("–", " - ").partition(" - ")
            a, b = postal_number(low), postal_number(high if sep else low)
            if a is None or b is None or a > b:
                raise forms.ValidationError(_("Invalid range: %(line)s"), params={"line": line})
            ranges.append([f"{a:08d}", f"{b:08d}"])
        return ranges

    def clean_polygon(self):
        text = self.cleaned_data["polygon"].strip()
        if not text:
            return []
        try:
            data = json.loads(text)
            if isinstance(data, dict):
                data = data.get("geometry", data)["coordinates"][0]
            ring = [[float(lon), float(lat)] for lon, lat in data]
        except (ValueError, TypeError, KeyError, IndexError):
            raise forms.ValidationError(_("Not a GeoJSON polygon.")) from None
        if len(ring) < 3:
            raise forms.ValidationError(_("A polygon needs at least three points."))
        return ring


class ReassignForm(forms.Form):
    """Which clients (a ``ClientFilter``: seller, segment, state, city or codes) go to whom,
    why, and until when."""

    seller_from = forms.ModelChoiceField(label=_("Current seller"), queryset=None, required=False)
    segment = forms.ChoiceField(label=_("Segment"), required=False, widget=QuickSelect)
    state = forms.CharField(label=_("State"), max_length=2, required=False)
    city = forms.CharField(label=_("City"), required=False)
    codes = ListField(label=_("Client codes"), widget=forms.Textarea(attrs={"rows": 2}))
    seller_to = forms.ModelChoiceField(label=_("New seller"), queryset=None, required=False)
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)
    until = until_field(_("Until (temporary cover)"))

    def __init__(self, *args, sellers, segments: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seller_from"].queryset = sellers
        self.fields["seller_to"].queryset = sellers.filter(active=True)
        self.fields["segment"].choices = [("", _("All")), *((s, s) for s in segments)]

    def client_filter(self) -> ClientFilter:
        """The clients the valid form names (call after ``is_valid()``)."""
        data = self.cleaned_data
        seller = data.get("seller_from")
        return ClientFilter(
            seller_id=seller.pk if seller else None, segment=data.get("segment") or "",
            state=data.get("state") or "", city=data.get("city") or "",
            codes=tuple(data.get("codes") or ()),
        )  # fmt: skip


class ProposalForm(forms.Form):
    team = forms.ModelChoiceField(label=_("Team"), queryset=None, required=False,
                                  empty_label=_("Whole company"))  # fmt: skip
    reason = forms.CharField(label=_("Reason"), max_length=200, initial=_("rebalancing"))
    # carteira_core.distribution.model.Options per priority: move_km (what a move "costs"
    # in km of travel per contact a week), revenue_weight (how much more a big client's
    # move costs), compactness (distance to the territory centre against distance to the
    # seller's home), the revenue repair, and fewest_moves (CP-SAT: the fewest clients
    # that must change hands for the balance chosen, ADR 14). The default moves as few
    # clients as the tolerance allows, then keeps revenue in its band with a few more.
    TRADEOFFS = {
        "changes": {"move_km": 4000.0, "revenue_weight": 0.0, "compactness": 0.0,
                    "fewest_moves": True},
        "balanced": {"move_km": 40.0, "revenue_weight": 1.0, "compactness": 0.7},
        "compact": {"move_km": 10.0, "revenue_weight": 1.0, "compactness": 1.0},
        "routes": {"move_km": 0.0, "revenue_weight": 1.0, "compactness": 0.0},
    }  # fmt: skip
    tradeoff = forms.ChoiceField(
        label=_("Priority"), initial="changes", required=False,
        choices=[("changes", _("Fewest changes of seller (recommended)")),
                 ("balanced", _("Balance and shorter routes")),
                 ("compact", _("Compact territories")),
                 ("routes", _("Shortest routes from home"))],
    )  # fmt: skip
    # How far from the average workload a seller may stay (each seller's contacts a week
    # per unit of capacity). A wider band moves fewer clients: docs/benchmarks.md.
    TOLERANCES = {"5": 0.05, "10": 0.10, "15": 0.15, "20": 0.20}
    tolerance = forms.ChoiceField(label=_("Balance tolerance"), initial="15", required=False)

    @classmethod
    def default_options(cls) -> dict[str, float]:
        """The Options of the form's initial choices (a departure's proposal uses them)."""
        return {**cls.TRADEOFFS["changes"], "tolerance": cls.TOLERANCES["15"]}

    def tradeoff_options(self) -> dict[str, float]:
        options = dict(self.TRADEOFFS[self.cleaned_data.get("tradeoff") or "changes"])
        options["tolerance"] = self.TOLERANCES[self.cleaned_data.get("tolerance") or "15"]
        return options

    def __init__(self, *args, teams, whole_company: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
        self.fields["team"].required = not whole_company
        self.fields["tolerance"].choices = [(key, tolerance_label(key)) for key in self.TOLERANCES]


def tolerance_label(key: str) -> str:
    """ "±15 % of the average workload (recommended)", in the active language. A real
    placeholder, so the catalogs cannot mistake "% o" or "% d" for one."""
    if key == "15":
        text = _("±%(percent)s %% of the average workload (recommended)")
    else:
        text = _("±%(percent)s %% of the average workload")
    return text % {"percent": key}


class DepartureForm(forms.Form):
    ONE, SPREAD = "one", "spread"
    seller = forms.ModelChoiceField(label=_("Seller leaving or on leave"), queryset=None)
    mode = forms.ChoiceField(
        label=_("Their clients go"), widget=forms.RadioSelect, initial=SPREAD,
        choices=[(SPREAD, _("Spread over the team (proposal)")), (ONE, _("All to one seller"))],
    )  # fmt: skip
    seller_to = forms.ModelChoiceField(label=_("To seller"), queryset=None, required=False)
    until = until_field(_("Back on (leave; empty = for good)"))

    def __init__(self, *args, sellers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seller"].queryset = sellers.filter(active=True)
        self.fields["seller_to"].queryset = sellers.filter(active=True)

    def clean(self):
        data = super().clean()
        if data.get("mode") == self.ONE:
            if not data.get("seller_to"):
                self.add_error("seller_to", _("Choose who receives the clients."))
            elif data["seller_to"] == data.get("seller"):
                self.add_error("seller_to", _("Choose another seller."))
        return data


class BulkMoveForm(forms.Form):
    """The client list's "select → move": where to and why. The ticked clients (``client``,
    repeated) or ``all_matching`` are read by the view against the user's scope."""

    all_matching = forms.BooleanField(required=False)
    # data-bulk: the list's filter form refreshes on a change of its own selects only
    seller_to = forms.ModelChoiceField(
        label=_("Move to"), queryset=None, widget=QuickSelect(attrs={"data-bulk": ""})
    )
    reason = forms.CharField(label=_("Reason"), max_length=200)
    until = until_field(_("Until (temporary cover)"))

    def __init__(self, *args, sellers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seller_to"].queryset = sellers
