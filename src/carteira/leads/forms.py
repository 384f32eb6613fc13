from django import forms
from django.utils.translation import gettext_lazy as _

from carteira.clients.access import clients_visible_to, sellers_visible_to
from carteira.clients.filters import BR_STATES
from carteira.interactions.models import Channel
from carteira.leads.models import Lead, LossReason, Source
from carteira.leads.selectors import LEAD_SORTS, LeadFilter
from carteira.leads.services import LeadError, normalised_document
from carteira.leads.stages import funnel_stages


def _stage_choices():
    return [("", _("All stages")), *((s.key, str(s)) for s in funnel_stages())]


class LeadFilterForm(forms.Form):
    q = forms.CharField(required=False, label=_("Search"))
    stage = forms.ChoiceField(required=False, label=_("Stage"))
    source = forms.ChoiceField(
        required=False, label=_("Source"), choices=[("", _("All sources")), *Source.choices]
    )
    segment = forms.ChoiceField(required=False, label=_("Segment"))
    state = forms.ChoiceField(
        required=False, label=_("State"), choices=[("", _("All")), *((s, s) for s in BR_STATES)]
    )
    seller = forms.ChoiceField(required=False, label=_("Owner"))
    open = forms.BooleanField(required=False, label=_("Open only"))
    sort = forms.ChoiceField(required=False, choices=[(k, k) for k in LEAD_SORTS])
    page = forms.IntegerField(required=False, min_value=1)

    def __init__(self, data, *, user, segments):
        super().__init__(data)
        self.fields["stage"].choices = _stage_choices()
        self.fields["segment"].choices = [("", _("All segments")), *((s, s) for s in segments)]
        sellers = sellers_visible_to(user).order_by("name")
        self.fields["seller"].choices = [("", _("All")), *((str(s.pk), s.name) for s in sellers)]

    def lead_filter(self) -> LeadFilter:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        seller = data.get("seller") or ""
        return LeadFilter(
            search=data.get("q", ""),
            stage=data.get("stage", ""),
            source=data.get("source", ""),
            segment=data.get("segment", ""),
            state=data.get("state", ""),
            seller_id=int(seller) if seller.isdigit() else None,
            open_only=bool(data.get("open")),
        )


class LeadForm(forms.ModelForm):
    """A lead's own fields; the stage moves by ``MoveForm``, the owner by a manager."""

    # Typed with its mask (18 characters), kept without it.
    document = forms.CharField(required=False, max_length=20, label=_("CNPJ/CPF"))
    referred_by_code = forms.CharField(
        required=False, label=_("Referred by (client code)"), max_length=64
    )

    class Meta:
        model = Lead
        fields = [
            "name", "document", "segment", "size", "city", "state", "contact_name", "phone",
            "email", "source", "event", "seller", "next_step", "next_step_date",
            "next_step_channel", "notes",
        ]  # fmt: skip
        widgets = {
            "next_step_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["seller"].queryset = sellers_visible_to(user).order_by("name")
        self.fields["seller"].label = _("Owner")
        self.fields["next_step_channel"].required = False
        if self.instance.referred_by_id:
            self.fields["referred_by_code"].initial = self.instance.referred_by.external_id

    def clean_document(self):
        try:
            return normalised_document((self.cleaned_data.get("document") or "").strip())
        except LeadError as error:
            raise forms.ValidationError(str(error), code="invalid_document") from None

    def clean_next_step_channel(self):
        return self.cleaned_data.get("next_step_channel") or Channel.PHONE

    def clean_state(self):
        return (self.cleaned_data.get("state") or "").upper()

    def clean(self):
        data = super().clean()
        code = (data.get("referred_by_code") or "").strip()
        if data.get("source") == Source.REFERRAL and code:
            client = clients_visible_to(self.user).filter(external_id=code).first()
            if client is None:
                self.add_error("referred_by_code", _("No client of yours has this code."))
            data["referred_by"] = client
        elif data.get("source") != Source.REFERRAL:
            data["referred_by"] = None
        if data.get("source") != Source.EVENT:
            data["event"] = None
        return data


class MoveForm(forms.Form):
    stage = forms.ChoiceField(label=_("Move to"))
    loss_reason = forms.ModelChoiceField(
        queryset=LossReason.objects.filter(active=True),
        required=False,
        label=_("Reason lost"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = [(s.key, str(s)) for s in funnel_stages()]


class FunnelForm(forms.Form):
    start = forms.DateField(required=False, label=_("From"),
                            widget=forms.DateInput(attrs={"type": "date"}))  # fmt: skip
    end = forms.DateField(required=False, label=_("Until"),
                          widget=forms.DateInput(attrs={"type": "date"}))  # fmt: skip
    by = forms.ChoiceField(
        required=False,
        label=_("By"),
        choices=[
            ("", _("Stage")),
            ("seller", _("Seller")),
            ("source", _("Source")),
            ("team", _("Team")),
            ("state", _("State")),
        ],
    )


class ContactForm(forms.Form):
    """A contact made with a lead, and what comes next (empty: the stage's cadence)."""

    prefix = "contact"  # beside the lead's own form on its page: no shared ids

    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    on = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    reached = forms.BooleanField(label=_("Reached the contact"), required=False, initial=True)
    note = forms.CharField(label=_("What was said"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip
    move_to = forms.ChoiceField(label=_("Stage after the contact"), required=False)
    next_step = forms.CharField(label=_("Next step"), required=False, max_length=200)
    next_step_date = forms.DateField(
        label=_("Next step on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    next_step_channel = forms.ChoiceField(
        label=_("Next step by"), required=False, choices=[("", "—"), *Channel.choices]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["move_to"].choices = [("", _("Stay in the stage")),
                                          *((s.key, str(s)) for s in funnel_stages())]  # fmt: skip


class PlanForm(forms.Form):
    """Put the best leads of the list (its filters, by ICP) in the agenda."""

    count = forms.IntegerField(label=_("How many"), min_value=1, max_value=200, initial=10)
