from django import forms
from django.utils.translation import gettext_lazy as _

from carteira.clients.filters import ClientFilterForm
from carteira.hygiene.selectors import Check


class HygieneFilterForm(ClientFilterForm):
    """The client list's filter (search, segment, state, seller: one definition), without
    the reading's fields, and which check to list."""

    check = forms.ChoiceField(required=False, choices=Check.choices, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("status", "abc", "previous", "as_of", "sort"):
            del self.fields[name]

    def chosen_check(self) -> str:
        return (self.cleaned_data.get("check") if self.is_valid() else "") or Check.COORDINATES


class FixForm(forms.Form):
    """A bulk fix of the listed clients: the ticked ones, or every one the filter lists."""

    ACTIONS = [("segment", _("Set the segment")), ("geocode", _("Place on the municipality"))]
    action = forms.ChoiceField(choices=ACTIONS)
    scope = forms.ChoiceField(choices=[("selected", _("ticked")), ("all", _("all listed"))])
    ids = forms.TypedMultipleChoiceField(coerce=int, required=False)
    new_segment = forms.CharField(label=_("Segment"), max_length=80, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ids"].valid_value = lambda value: str(value).isdigit()

    def clean(self):
        data = super().clean()
        if data.get("action") == "segment" and not (data.get("new_segment") or "").strip():
            self.add_error("new_segment", _("Type the segment to set."))
        if data.get("scope") == "selected" and not data.get("ids"):
            raise forms.ValidationError(_("Tick at least one client."))
        return data


class DuplicateForm(forms.Form):
    """One group of possible duplicates: keep them apart, or merge into ``keep``."""

    action = forms.ChoiceField(choices=[("reviewed", ""), ("merge", "")])
    ids = forms.TypedMultipleChoiceField(coerce=int)
    keep = forms.IntegerField(required=False)
    confirmed = forms.BooleanField(required=False)  # a merge asks first, then acts

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ids"].valid_value = lambda value: str(value).isdigit()

    def clean(self):
        data = super().clean()
        ids = data.get("ids") or []
        if len(set(ids)) < 2:
            raise forms.ValidationError(_("A group has at least two clients."))
        if data.get("action") == "merge" and data.get("keep") not in ids:
            self.add_error("keep", _("Choose the client to keep."))
        return data
