from django import forms
from django.utils.translation import gettext_lazy as _

from carteira.clients.access import sellers_visible_to
from carteira.clients.filters import BR_STATES
from carteira.clients.selectors import client_segments
from carteira.clients.widgets import QuickSelect
from carteira.organization.models import Team
from carteira.portfolio.rules_store import current_rules
from carteira.portfolio.selectors import official_dates


class DashboardForm(forms.Form):
    """The dashboard's query string: a reading date, the period its indicators cover
    (ADR 12) and an optional slice."""

    as_of = forms.DateField(label=_("Reading of"), required=False, widget=forms.Select)
    period = forms.ChoiceField(label=_("Indicators over"), required=False)
    seller = forms.TypedChoiceField(
        label=_("Seller"), required=False, coerce=int, empty_value=None, widget=QuickSelect
    )
    team = forms.TypedChoiceField(
        label=_("Team"), required=False, coerce=int, empty_value=None, widget=QuickSelect
    )
    segment = forms.ChoiceField(label=_("Segment"), required=False, widget=QuickSelect)
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=[("", _("All")), *((s, s) for s in BR_STATES)]
    )
    # The client filter's "with an open complaint" (issue 19): today's complaints, so the
    # reading's figures of the clients complaining now.
    complaint = forms.BooleanField(label=_("With an open complaint"), required=False)

    def __init__(self, data, *, dates, sellers, teams, segments, period_days=30):
        super().__init__(data)
        self.fields["period"].choices = [
            ("", _("the last %(days)d days") % {"days": period_days}),
            ("month", _("the month to date")),
            ("quarter", _("the quarter to date")),
        ]
        self.fields["as_of"].widget.choices = [(d.isoformat(), d.strftime("%d/%m/%Y"))
                                               for d in dates]  # fmt: skip
        self.fields["seller"].choices = [("", _("All")), *sellers]
        self.fields["team"].choices = [("", _("All")), *teams]
        self.fields["segment"].choices = [("", _("All")), *((s, s) for s in segments)]
        # A choice with one option filters nothing: the page leaves it out (a seller sees no
        # seller or team filter), like the map's; the field stays, so a foreign id is refused.
        options = {"seller": sellers, "team": teams, "segment": segments}
        self.pointless = {name for name, values in options.items() if len(values) <= 1}


def dashboard_form(user, data) -> DashboardForm:
    """The dashboard's form for ``user``: the reading dates and the sellers, teams and
    segments the user may slice by (the dashboard and its report exports share it)."""
    visible = sellers_visible_to(user)
    sellers = list(visible.values_list("pk", "name"))
    teams = list(Team.objects.filter(sellers__in=visible).distinct().values_list("pk", "name"))
    return DashboardForm(
        data,
        dates=official_dates(),
        sellers=sellers,
        teams=teams,
        segments=client_segments(user),
        period_days=current_rules().lifecycle.period_days,
    )
