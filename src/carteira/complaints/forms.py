from django import forms
from django.utils.translation import gettext_lazy as _

from carteira.complaints.models import Complaint


class OpenComplaintForm(forms.Form):
    client_code = forms.CharField(label=_("Client code"), max_length=64)
    category = forms.ChoiceField(label=_("Category"))
    severity = forms.ChoiceField(
        label=_("Severity"), choices=Complaint.Severity.choices, initial="medium"
    )
    channel = forms.ChoiceField(label=_("Channel"), choices=Complaint.Channel.choices)
    description = forms.CharField(
        label=_("What the client says"), widget=forms.Textarea(attrs={"rows": 4})
    )
    orders = forms.CharField(
        label=_("Orders concerned"),
        required=False,
        max_length=500,
        help_text=_("Order numbers, separated by commas."),
    )

    def __init__(self, *args, categories: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [(name, name) for name in categories]

    def order_numbers(self) -> list[str]:
        text = self.cleaned_data.get("orders") or ""
        return [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]
