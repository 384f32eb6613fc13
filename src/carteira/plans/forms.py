from django import forms
from django.utils.translation import gettext_lazy as _

from carteira.plans.models import PLAN_CHANNELS, ActionPlanCell
from carteira.portfolio.models import AbcClass, Status


class CellForm(forms.ModelForm):
    channels = forms.MultipleChoiceField(
        label=_("Channels"), choices=PLAN_CHANNELS, widget=forms.CheckboxSelectMultiple
    )
    frequency_days = forms.IntegerField(label=_("Every (days)"), min_value=1, max_value=365)

    class Meta:
        model = ActionPlanCell
        fields = [
            "channels",
            "frequency_days",
            "objective",
            "script",
            "escalation",
            "notify_manager",
            "active",
        ]
        widgets = {"script": forms.Textarea(attrs={"rows": 3})}


class NewCellForm(CellForm):
    """A refinement of the matrix for one segment."""

    class Meta(CellForm.Meta):
        fields = ["abc", "status", "segment", *CellForm.Meta.fields]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["abc"].choices = [("", _("No class (prospects)")), *AbcClass.choices]
        self.fields["status"].choices = Status.choices
        self.fields["segment"].required = True


class BatchForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=150)
    instructions = forms.CharField(
        label=_("Instructions"), widget=forms.Textarea(attrs={"rows": 3})
    )
    deadline = forms.DateField(label=_("Deadline"), widget=forms.DateInput(attrs={"type": "date"}))


class DecisionForm(forms.Form):
    worth_recovering = forms.TypedChoiceField(
        label=_("Worth recovering?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
    )
    why = forms.CharField(label=_("Why"), max_length=500, required=False)
