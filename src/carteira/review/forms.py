from django import forms

from carteira.accounts.models import Role, User
from carteira.review.models import Decision


class DecisionForm(forms.ModelForm):
    class Meta:
        model = Decision
        fields = ["text", "kind", "owner", "due_date"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2}),
                   "due_date": forms.DateInput(attrs={"type": "date"})}  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = User.objects.filter(is_active=True).exclude(
            role=Role.SELLER
        )


class FollowUpForm(forms.ModelForm):
    class Meta:
        model = Decision
        fields = ["status", "follow_up"]
        widgets = {"follow_up": forms.Textarea(attrs={"rows": 2})}
