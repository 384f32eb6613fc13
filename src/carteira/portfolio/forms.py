from django import forms
from django.utils.translation import gettext_lazy as _

from carteira.clients.forms import BR_STATES


class DashboardForm(forms.Form):
    """The dashboard's query string: a reading date and an optional slice."""

    as_of = forms.DateField(label=_("Reading of"), required=False, widget=forms.Select)
    seller = forms.TypedChoiceField(label=_("Seller"), required=False, coerce=int, empty_value=None)
    team = forms.TypedChoiceField(label=_("Team"), required=False, coerce=int, empty_value=None)
    segment = forms.ChoiceField(label=_("Segment"), required=False)
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=[("", _("All")), *((s, s) for s in BR_STATES)]
    )

    def __init__(self, data, *, dates, sellers, teams, segments):
        super().__init__(data)
        self.fields["as_of"].widget.choices = [(d.isoformat(), d.strftime("%d/%m/%Y"))
                                               for d in dates]  # fmt: skip
        self.fields["seller"].choices = [("", _("All")), *sellers]
        self.fields["team"].choices = [("", _("All")), *teams]
        self.fields["segment"].choices = [("", _("All")), *((s, s) for s in segments)]
