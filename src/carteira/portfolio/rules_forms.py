import dataclasses
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from carteira.portfolio.rules_messages import rules_error_message
from carteira.portfolio.rules_store import current_rules
from carteira_core.rules import (
    AbcRules,
    IndicatorRules,
    LifecycleRules,
    PortfolioRules,
    RulesError,
)


class RulesForm(forms.Form):
    """Every rule of ``portfolio-rules.md`` a manager may change, checked by the core."""

    mode = forms.ChoiceField(
        label=_("Lifecycle mode"),
        choices=[("fixed", _("Fixed thresholds")), ("cycle", _("Cycle (each client's rhythm)"))],
    )
    active_days = forms.IntegerField(label=_("Active up to (days without buying)"), min_value=1)
    inactive_days = forms.IntegerField(label=_("Pre-inactive up to (days)"), min_value=1)
    period_days = forms.IntegerField(label=_("Period (days)"), min_value=1)
    min_purchases = forms.IntegerField(label=_("Minimum purchases to be active"), min_value=1)
    frequency_window_days = forms.IntegerField(label=_("Frequency window (days)"), min_value=1)
    cycle_lookback_days = forms.IntegerField(label=_("Cycle: history considered (days)"),
                                             min_value=1)  # fmt: skip
    cycle_min_purchases = forms.IntegerField(label=_("Cycle: purchase days needed"), min_value=1)
    cycle_active_factor = forms.DecimalField(label=_("Cycle: active factor"), min_value=0,
                                             max_digits=6, decimal_places=2)  # fmt: skip
    cycle_inactive_factor = forms.DecimalField(label=_("Cycle: inactive factor"), min_value=0,
                                               max_digits=6, decimal_places=2)  # fmt: skip
    cycle_floor_days = forms.IntegerField(label=_("Cycle: minimum active threshold (days)"),
                                          min_value=1)  # fmt: skip
    basis = forms.ChoiceField(
        label=_("ABC basis"), choices=[("revenue", _("Revenue")), ("margin", _("Margin"))]
    )
    window_days = forms.IntegerField(label=_("ABC window (days)"), min_value=1)
    a_share = forms.DecimalField(label=_("Class A share"), min_value=Decimal("0.01"),
                                 max_value=1, max_digits=4, decimal_places=3)  # fmt: skip
    b_share = forms.DecimalField(label=_("Class B share"), min_value=0, max_value=1,
                                 max_digits=4, decimal_places=3)  # fmt: skip
    include_prospects = forms.BooleanField(label=_("Count prospects in the portfolio"),
                                           required=False)  # fmt: skip
    purchase_counts_as_contact = forms.BooleanField(
        label=_("A purchase counts as a contact for coverage"), required=False
    )
    verified_visits_only = forms.BooleanField(
        label=_("A visit counts for coverage only with a verified check-in (field app)"),
        required=False,
    )
    comment = forms.CharField(label=_("Why the change"), required=False, max_length=300)

    LIFECYCLE = [f for f in LifecycleRules.__dataclass_fields__]
    ABC = [f for f in AbcRules.__dataclass_fields__]
    INDICATORS = [f for f in IndicatorRules.__dataclass_fields__]

    @classmethod
    def initial_for(cls, rules: PortfolioRules) -> dict:
        values = {}
        for section, names in (("lifecycle", cls.LIFECYCLE), ("abc", cls.ABC),
                               ("indicators", cls.INDICATORS)):  # fmt: skip
            part = getattr(rules, section)
            values.update({name: getattr(part, name) for name in names})
        return values

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            # the sections this form does not show (credit, value) stay as they are
            self.rules = dataclasses.replace(
                current_rules(),
                lifecycle=LifecycleRules(**{n: data[n] for n in self.LIFECYCLE}),
                abc=AbcRules(**{n: data[n] for n in self.ABC}),
                indicators=IndicatorRules(**{n: data[n] for n in self.INDICATORS}),
            )
        except RulesError as error:
            raise forms.ValidationError(
                rules_error_message(error, self.labels()), code=error.code
            ) from None
        return data

    def labels(self) -> dict[str, str]:
        """Each rule's TOML key (``lifecycle.active_days``) → its field label, quoted."""
        labels = {}
        for section, names in (("lifecycle", self.LIFECYCLE), ("abc", self.ABC),
                               ("indicators", self.INDICATORS)):  # fmt: skip
            labels.update({f"{section}.{name}": f"“{self.fields[name].label}”" for name in names})
        return labels
