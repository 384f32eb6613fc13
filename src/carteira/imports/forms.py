from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from carteira.imports.fields import field_choice_label
from carteira.imports.models import KIND_CHOICES, ColumnMapping
from carteira_core.ingest import SCHEMAS

DEFAULT_MAX_UPLOAD_BYTES = 50 * 1024 * 1024
KIND_LABELS = {
    "sellers": _("Sellers"),
    "clients": _("Clients"),
    "contacts": _("Contacts"),
    "orders": _("Orders"),
    "interactions": _("Interactions"),
    "receivables": _("Receivables (open titles)"),
    "leads": _("Leads (prospects)"),
    "acquisition_spend": _("Acquisition spend"),
    "complaints": _("Complaints (history)"),
    "credit_limits": _("Credit limits"),
    "contracts": _("Client contracts (renewals)"),
    "sellout": _("Sell-out and stock of clients"),
}


def max_upload_bytes() -> int:
    return int(getattr(settings, "CARTEIRA_IMPORT_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES))


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What the file holds"),
        choices=[(kind, KIND_LABELS[kind]) for kind, _label in KIND_CHOICES],
    )
    file = forms.FileField(label=_("File (.csv or .xlsx)"))
    mapping = forms.ModelChoiceField(
        label=_("Saved column mapping"),
        queryset=ColumnMapping.objects.all(),
        required=False,
        empty_label=_("Automatic (standard layout)"),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > max_upload_bytes():
            raise forms.ValidationError(
                _("The file is %(size)s; the limit is %(limit)s."),
                params={
                    "size": filesizeformat(upload.size),
                    "limit": filesizeformat(max_upload_bytes()),
                },
            )
        return upload

    def clean(self):
        data = super().clean()
        mapping = data.get("mapping")
        if mapping is not None and mapping.kind != data.get("kind"):
            self.add_error("mapping", _("This mapping is for another kind of file."))
        return data


class MappingForm(forms.Form):
    """One select per source column (the field it feeds, or ignore), and a name to save
    the mapping under for the next file from the same system."""

    save_as = forms.CharField(label=_("Save this mapping as"), max_length=80, required=False)

    def __init__(self, *args, kind: str, columns, initial_fields, **kwargs):
        super().__init__(*args, **kwargs)
        schema = SCHEMAS[kind]
        choices = [("", _("(ignore)"))] + [
            (spec.name, field_choice_label(kind, spec.name, required=spec.required))
            for spec in schema.fields
        ]
        self.columns = list(columns)
        for position, column in enumerate(self.columns):
            self.fields[f"col_{position}"] = forms.ChoiceField(
                label=column or f"({position + 1})",
                choices=choices,
                required=False,
                initial=initial_fields[position] or "",
            )

    def column_fields(self):
        return [self[f"col_{position}"] for position in range(len(self.columns))]

    def mapping(self) -> dict[str, str | None]:
        return {
            column: self.cleaned_data.get(f"col_{position}") or None
            for position, column in enumerate(self.columns)
        }
