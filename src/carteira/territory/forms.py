from django import forms
from django.utils.translation import gettext_lazy as _

from carteira.clients.filters import BR_STATES, ClientFilterForm
from carteira.territory.buckets import CONTACT_BUCKETS
from carteira.territory.selectors import CHRONOLOGY_SORTS

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
