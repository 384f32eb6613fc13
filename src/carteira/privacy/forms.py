from django import forms

from carteira.clients.models import Contact
from carteira.privacy.models import DataSubjectRequest


class ContactCorrectionForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = ["name", "role", "email", "phone", "legal_basis", "consent_at"]


class DataSubjectRequestForm(forms.ModelForm):
    class Meta:
        model = DataSubjectRequest
        fields = ["kind", "contact", "received_at", "notes"]
        widgets = {"contact": forms.NumberInput, "received_at": forms.DateTimeInput}
