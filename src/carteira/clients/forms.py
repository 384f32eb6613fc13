from django import forms
from django.utils.translation import gettext_lazy as _

from carteira.clients.access import sellers_visible_to
from carteira.clients.selectors import CLIENT_SORTS, client_segments
from carteira.clients.widgets import QuickSelect
from carteira.portfolio.models import AbcClass, Status

BR_STATES = [
    "AC", "AL", "AM", "AP", "BA", "CE", "DF", "ES", "GO", "MA", "MG", "MS", "MT", "PA",
    "PB", "PE", "PI", "PR", "RJ", "RN", "RO", "RR", "RS", "SC", "SE", "SP", "TO",
]  # fmt: skip


class ClientFilterForm(forms.Form):
    """The client list's query string, checked: unknown values are errors, not wider lists."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    segment = forms.ChoiceField(label=_("Segment"), required=False, widget=QuickSelect)
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=[("", _("All")), *((s, s) for s in BR_STATES)]
    )
    seller = forms.TypedChoiceField(
        label=_("Seller"), required=False, coerce=int, empty_value=None, widget=QuickSelect
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *Status.choices]
    )
    abc = forms.ChoiceField(
        label=_("Class"), required=False, choices=[("", _("All")), *AbcClass.choices]
    )
    previous = forms.ChoiceField(
        label=_("Status a period earlier"),
        required=False,
        choices=[("", _("All")), *Status.choices],
    )
    as_of = forms.DateField(required=False, widget=forms.HiddenInput)
    sort = forms.ChoiceField(
        required=False, choices=[(key, key) for key in CLIENT_SORTS], widget=forms.HiddenInput
    )
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, data, *, segments: list[str], sellers: list[tuple[int, str]]):
        super().__init__(data)
        self.fields["segment"].choices = [("", _("All")), *((s, s) for s in segments)]
        self.fields["seller"].choices = [("", _("All")), *sellers]


def client_filter_form(user, data) -> ClientFilterForm:
    """The client list's filters with the segments and sellers ``user`` may choose from."""
    return ClientFilterForm(
        data,
        segments=client_segments(user),
        sellers=list(sellers_visible_to(user).values_list("pk", "name")),
    )
