import math

from django import forms
from django.utils.translation import gettext_lazy as _

from carteira.clients.filters import BR_STATES, ClientFilterForm
from carteira.territory.buckets import CONTACT_BUCKETS
from carteira.territory.clusters import MAX_ZOOM
from carteira.territory.selectors import CHRONOLOGY_SORTS, Box

COLOUR_MODES = [
    ("contact", _("Days since the last successful contact")),
    ("status", _("Status")),
    ("abc", _("ABC class")),
]


class TerritoryFilterForm(ClientFilterForm):
    """The client list's filters (seller, segment, state, status, class), plus the map's
    colouring and the chronology's bucket; no free-text search, no past dates."""

    q = None
    as_of = None
    previous = None
    colour = forms.ChoiceField(label=_("Colour by"), required=False, choices=COLOUR_MODES)
    bucket = forms.ChoiceField(
        label=_("Without contact"),
        required=False,
        choices=[("", _("All")), *((key, label) for key, _b, label in CONTACT_BUCKETS)],
    )
    sort = forms.ChoiceField(
        required=False, choices=[(key, key) for key in CHRONOLOGY_SORTS], widget=forms.HiddenInput
    )

    def __init__(self, data, *, segments: list[str], sellers: list[tuple[int, str]],
                 states: list[str] | None = None, **kwargs):  # fmt: skip
        super().__init__(data, segments=segments, sellers=sellers, **kwargs)
        options = {"seller": sellers, "segment": segments}
        if states is not None:
            # The states the user has clients in, and the one asked for (an old link stays
            # valid and simply finds nothing).
            asked = {(data or {}).get("state")} & set(BR_STATES)
            shown = sorted(set(states) | asked)
            self.fields["state"].choices = [("", _("All")), *((uf, uf) for uf in shown)]
            options["state"] = states
        # A choice with one option filters nothing, so the page leaves it out (a seller never
        # sees the seller filter); the field stays, so a foreign id is still refused.
        self.pointless = {name for name, values in options.items() if len(values) <= 1}

    def clean(self):
        data = super().clean()
        data["colour"] = data.get("colour") or "contact"
        data["sort"] = data.get("sort") or "contact"
        return data


def _numbers(text: str, count: int, kind=float) -> list | None:
    parts = text.split(",")
    if len(parts) != count:
        return None
    try:
        values = [kind(part) for part in parts]
    except ValueError:
        return None
    return values if all(math.isfinite(v) for v in values) else None


class MapViewForm(forms.Form):
    """The part of the world a map asks clusters for: ``bbox`` (west,south,east,north in
    degrees, as Leaflet's ``toBBoxString``) at ``zoom``; or ``fit`` (the map's width,height
    in pixels) to have the server frame every point, with the legend's totals."""

    zoom = forms.IntegerField(required=False, min_value=0, max_value=MAX_ZOOM)
    bbox = forms.CharField(required=False, max_length=200)
    fit = forms.CharField(required=False, max_length=20)

    def clean_bbox(self) -> Box | None:
        text = self.cleaned_data["bbox"]
        if not text:
            return None
        values = _numbers(text, 4)
        if values is None or not (values[0] <= values[2] and values[1] <= values[3]):
            raise forms.ValidationError(
                _("The map's area must be four numbers: west, south, east, north.")
            )
        west, south, east, north = values
        return Box(south=max(south, -90.0), west=max(west, -180.0),
                   north=min(north, 90.0), east=min(east, 180.0))  # fmt: skip

    def clean_fit(self) -> tuple[int, int] | None:
        text = self.cleaned_data["fit"]
        if not text:
            return None
        values = _numbers(text, 2, int)
        if values is None or not all(1 <= v <= 20_000 for v in values):
            raise forms.ValidationError(_("The map's size must be its width and height in pixels."))
        return values[0], values[1]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        if data.get("fit") is None and (data.get("bbox") is None or data.get("zoom") is None):
            raise forms.ValidationError(_("Give the map's area and zoom, or its size."))
        return data
