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


class VisitHoursForm(forms.Form):
    """When the client receives visits and how long one lasts there; all empty: any time
    of the seller's day, the length by class."""

    opens = forms.TimeField(
        label=_("Receives from"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    closes = forms.TimeField(
        label=_("Receives until"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    visit_minutes = forms.IntegerField(
        label=_("Visit length (minutes)"),
        required=False,
        min_value=5,
        max_value=600,
        help_text=_("Empty: by the client's class (A 60, B 45, others 30 minutes)."),
    )

    def clean(self):
        data = super().clean()
        opens, closes = data.get("opens"), data.get("closes")
        if opens and closes and closes <= opens:
            self.add_error("closes", _("The client must close after it opens."))
        return data
