from django import forms
from django.utils.translation import gettext_lazy as _

from carteira.interactions.models import Channel, InactivityReason


class OutcomeForm(forms.Form):
    """What happened on the contact: becomes an Interaction and closes the task."""

    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    successful = forms.TypedChoiceField(
        label=_("Did you reach the client?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    reason = forms.ModelChoiceField(
        label=_("Reason for buying less / stopping"),
        queryset=InactivityReason.objects.filter(active=True),
        required=False,
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    next_step = forms.CharField(label=_("Next step"), required=False, max_length=300)
    next_date = forms.DateField(
        label=_("Next contact on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
