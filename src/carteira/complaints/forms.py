from django import forms
from django.utils.translation import gettext_lazy as _

from carteira.complaints.attachments import ACCEPT, MAX_PER_COMPLAINT, max_bytes
from carteira.complaints.models import Complaint


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; the size and type are checked by
    complaints.attachments (by their bytes), which names the file refused."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        items = [item for item in (data if isinstance(data, list | tuple) else [data]) if item]
        if not items and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


ATTACHMENT_HELP = _(
    "Up to %(count)d files of at most %(mb)d MB: PDF, photos (JPEG, PNG, WebP), Word or Excel."
)


def attachments_field() -> MultipleFileField:
    return MultipleFileField(
        label=_("Attachments"),
        required=False,
        help_text=ATTACHMENT_HELP % {"count": MAX_PER_COMPLAINT, "mb": max_bytes() // 2**20},
        widget=MultipleFileInput(attrs={"accept": ACCEPT}),
    )


class AttachForm(forms.Form):
    files = MultipleFileField(label=_("Attachments"), widget=MultipleFileInput())


class CategoriesAndOrders:
    """What both complaint forms share: the category list of the moment, the attachments
    field, and the order numbers typed as one text."""

    def __init__(self, *args, categories: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [(name, name) for name in categories]
        self.fields["attachments"] = attachments_field()

    def order_numbers(self) -> list[str]:
        text = self.cleaned_data.get("orders") or ""
        return [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]


class OpenComplaintForm(CategoriesAndOrders, forms.Form):
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


class PublicComplaintForm(CategoriesAndOrders, forms.Form):
    """The client's own form (a signed link, no login): who writes, what happened."""

    reporter = forms.CharField(label=_("Your name"), max_length=120)
    reporter_email = forms.EmailField(
        label=_("Your e-mail"), help_text=_("We answer you here."), max_length=254
    )
    category = forms.ChoiceField(label=_("Subject"))
    description = forms.CharField(
        label=_("What happened"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5})
    )
    orders = forms.CharField(
        label=_("Order numbers (optional)"),
        required=False,
        max_length=500,
        help_text=_("Separated by commas."),
    )


class SurveyForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("How satisfied are you with how we handled your complaint?"),
        choices=[(n, str(n)) for n in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Anything to add? (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class NpsForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("On a scale from 0 to 10, how likely are you to recommend us to a colleague?"),
        choices=[(n, str(n)) for n in range(11)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("What is the main reason for your score? (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
